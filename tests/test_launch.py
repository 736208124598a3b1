"""The command starts a build's walk of the input files before importing the rest of icsgen (launch.py,
walk.py): the builds it serves are the same as without it, and anything it does not understand starts nothing."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

from icsgen.launch import build_root
from tests.sitemaker import basic_site
from tests.test_build import tree_digest
from tests.test_cache import clean_build, edit


@pytest.mark.parametrize(("args", "expected"), [
    (["build"], "."),
    (["--verbose", "build", "--quiet"], "."),
    (["build", "--root", "site"], "site"),
    (["build", "--root=site", "--out", "elsewhere", "--region", "alpha", "--drafts", "-j", "2"], "site"),
    (["build", "--jobs", "1"], None),  # one process asked for
    (["build", "--jobs=1"], None),
    (["build", "--no-cache"], None),
    (["build", "--help"], None),
    (["build", "--something-new"], None),  # not understood: leave it to the command
    (["serve"], None),
    (["check", "--root", "site"], None),
    ([], None),
])
def test_only_a_plain_build_starts_the_walk_early(args: list[str], expected: str | None) -> None:
    assert build_root(args) == (None if expected is None else os.path.realpath(expected))


EARLY_WALK = """
import sys
from icsgen import walk
root, other = sys.argv[1], sys.argv[2]
walk.start_early(root)
print(walk.take_early(other) is None)  # another folder's build: stopped, not used
walk.start_early(root)
early = walk.take_early(root)
print(early is not None and early.running)
print(early.result() == walk.scan_inputs(root))
print(walk.take_early(root) is None)  # handed out once
"""


def test_the_early_walk_answers_only_a_build_of_the_same_folder(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    # in a fresh process, as the command: a test run has threads about, and then nothing is forked
    done = subprocess.run([sys.executable, "-c", EARLY_WALK, str(root), str(tmp_path / "other")],
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["True", "True", "True", "True"], done.stderr


def test_rebuilds_by_the_command_as_run_equal_a_clean_build(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")

    def command() -> None:
        done = subprocess.run([sys.executable, "-m", "icsgen", "build", "--root", "site"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        with open(root / ".icsgen-cache" / "lock", "a") as lock:  # until the command's cache writer is done
            fcntl.flock(lock, fcntl.LOCK_EX)

    command()
    edit(root, "content/alpha/about/partners.md", lambda t: t.replace("## NHS trusts", "## NHS trusts\n\nNew."))
    (root / "content/alpha/news/2024-03-01-third.md").write_text("---\ntitle: Third\ndate: 2024-03-01\n---\nNew.\n")
    (root / "content/alpha/news/2024-01-10-first.md").unlink()
    command()
    assert tree_digest(root / "build") == clean_build(root, tmp_path)
