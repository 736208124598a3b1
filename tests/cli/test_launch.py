"""The command starts a build's walk of the input files before importing the rest of icsgen (cli/launch.py,
files.py): the builds it serves are the same as without it, and anything it does not understand starts nothing."""

from __future__ import annotations

import fcntl
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from icsgen.cli.launch import build_request, build_root
from tests.support.sitemaker import basic_site, clean_build, edit, tree_digest


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
    (["build", "-j2"], None),  # click reads these spellings; this look leaves them to it
    (["build", "--jobs", "-1"], None),
    (["build", "--jobs", "two"], None),
    (["build", "--root"], None),
    (["build", "--root="], None),
    (["build", "-qj", "2"], None),
    (["build", "--", "x"], None),
    (["serve"], None),
    (["check", "--root", "site"], None),
    ([], None),
])
def test_only_a_plain_build_starts_the_walk_early(args: list[str], expected: str | None) -> None:
    assert build_root(args) == (None if expected is None else os.path.realpath(expected))


EARLY_WALK = """
import sys
from icsgen.build import early as walk
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


def test_a_plain_build_is_read_as_click_would_read_it(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    request = build_request(["--verbose", "build", "--root=site", "--out", "elsewhere", "--region", "alpha",
                             "--region=beta", "--drafts", "--future", "-j", "3", "--no-cache", "--no-search", "-q"])
    assert request == {"root": os.path.realpath("site"), "out": "elsewhere", "regions": ["alpha", "beta"],
                       "drafts": True, "future": True, "jobs": 3, "no_cache": True, "no_search": True, "quiet": True,
                       "verbose": True, "early": False}
    assert build_request(["build", "--root", "a", "--root", "b"])["root"] == os.path.realpath("b")  # the last wins
    assert build_request(["build", "--root", str(tmp_path / "a-file")]) is None  # click explains that one
    assert build_request(["build", "--out", str(tmp_path / "a-file")]) is None


def _both_routes(args: list[str], cwd: Path, before: str = "") -> list[subprocess.CompletedProcess]:
    """`icsgen ARGS` as cli/launch.py runs it (a plain build, without click) and as cli.py runs it (click)."""
    done = []
    for entry in ("icsgen.cli.launch", "icsgen.cli"):
        code = f"import sys\n{before}\nsys.argv = ['icsgen', *sys.argv[1:]]\nfrom {entry} import run\nrun()\n"
        done.append(subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True,
                                   timeout=120))
    return done


def _timeless(text: str) -> str:
    return re.sub(r"in \d+\.\d\d s", "in N s", text)


def test_both_routes_print_the_same_and_end_the_same(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    for args in (["build", "--root", "site", "--no-cache"], ["build", "--root", "site", "-q", "--jobs", "1"]):
        plain, clicked = _both_routes(args, tmp_path)
        assert plain.returncode == clicked.returncode == 0, plain.stderr + clicked.stderr
        assert (_timeless(plain.stdout), plain.stderr) == (_timeless(clicked.stdout), clicked.stderr)
        assert ("Built " in plain.stdout) == ("-q" not in args)
    edit(root, "content/alpha/about/partners.md", lambda t: t.replace("title:", "titel:"))
    plain, clicked = _both_routes(["build", "--root", "site"], tmp_path)
    assert plain.returncode == clicked.returncode == 1
    assert plain.stdout == clicked.stdout == ""
    assert "Build failed; the previous site was left as it was: " in plain.stderr
    assert plain.stderr == clicked.stderr


BOOM = """
import icsgen.build.loading
def boom(*args, **kwargs):
    raise RuntimeError("something icsgen did not expect")
icsgen.build.loading.load_config = boom
"""


@pytest.mark.parametrize("verbose", [False, True])
def test_both_routes_report_an_unexpected_error_alike(tmp_path: Path, verbose: bool) -> None:
    basic_site(tmp_path / "site")
    plain, clicked = _both_routes([*(["--verbose"] if verbose else []), "build", "--root", "site"], tmp_path, BOOM)
    assert plain.returncode == clicked.returncode == 2
    if verbose:
        assert plain.stderr.startswith("Traceback (most recent call last):")
        assert plain.stderr.strip().endswith("RuntimeError: something icsgen did not expect")
        assert plain.stderr.splitlines()[-3:] == clicked.stderr.splitlines()[-3:]
    else:
        assert plain.stderr == clicked.stderr == (
            "icsgen: unexpected error at <string>:5: RuntimeError: something icsgen did not expect "
            "(run icsgen --verbose ... for the full traceback)\n")


def test_a_plain_build_does_not_import_click(tmp_path: Path) -> None:
    basic_site(tmp_path / "site")
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "icsgen", "build", "--root", "site", "-q"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time")}
    assert "icsgen.build.pipeline" in imported and "click" not in imported
    help_text = subprocess.run([sys.executable, "-m", "icsgen", "build", "--help"], cwd=tmp_path, capture_output=True,
                               text=True, timeout=60)
    assert "--no-cache" in help_text.stdout  # anything else is still click's
