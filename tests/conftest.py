import os
from pathlib import Path

pytest_plugins = ["tests.support.browser", "tests.support.servers"]

# Commands the tests start (`python -m icsgen ...`) run the code of this tree, not whichever copy pip
# installed: a second checkout (a git worktree) would otherwise test the first one's code.
_TREE = str(Path(__file__).resolve().parent.parent)
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (_TREE, os.environ.get("PYTHONPATH", "")) if p)
