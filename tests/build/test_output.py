"""Writing one output file (output.write_text): what is on disk afterwards is exactly the text given,
whatever was there before, and nothing is written outside the output folder."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from icsgen.build.output import UnsafeOutput, write_text
from icsgen.cache import locked
from tests.support.sitemaker import BASIC_PAGES, basic_site, leftovers, tree_digest


def test_the_file_holds_exactly_the_new_text_whatever_was_there(tmp_path: Path) -> None:
    write_text(tmp_path, "a/b/index.html", "<p>Café – a long first version of the page</p>\n" * 50)
    write_text(tmp_path, "a/b/index.html", "<p>Shorter — now</p>\n")  # the old, longer content must not survive
    assert (tmp_path / "a/b/index.html").read_bytes() == "<p>Shorter — now</p>\n".encode()
    write_text(tmp_path, "a/b/index.html", "x" * 200_000)  # longer than before: no part of the old left either
    assert (tmp_path / "a/b/index.html").read_text(encoding="utf-8") == "x" * 200_000


def test_an_empty_file_made_ahead_is_filled(tmp_path: Path) -> None:
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "index.html").touch()  # as build/prefill.py leaves it
    write_text(tmp_path, "news/index.html", "<h1>News</h1>\n")
    assert (tmp_path / "news" / "index.html").read_text(encoding="utf-8") == "<h1>News</h1>\n"


def test_a_new_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    write_text(tmp_path, "page/index.html", "hello")
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "page" / "index.html").stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize("rel", ["../outside.html", "/etc/passwd", "a/../../x.html", "a\\b.html", "a//b.html"])
def test_nothing_is_written_outside_the_folder(tmp_path: Path, rel: str) -> None:
    folder = tmp_path / "build"
    folder.mkdir()
    with pytest.raises(UnsafeOutput):
        write_text(folder, rel, "x")
    assert list(tmp_path.rglob("*.html")) == []


# -- publishing in one step, whenever the build is stopped -----------------------------------------

MANY = {f"content/alpha/services/service-{n}.md": f"---\ntitle: Service {n}\n---\nAbout service {n}.\n"
        for n in range(70)}  # enough for the render workers, and for a window while files move


def build_command(root: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """`icsgen build` as an editor runs it, in a process group of its own (Ctrl-C goes to a whole group)."""
    return subprocess.Popen([sys.executable, "-m", "icsgen", "build", "--root", str(root), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})}, start_new_session=True)


def build_now(root: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "icsgen", "build", "--root", str(root), *extra],
                          capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})})
    assert done.returncode == 0, done.stderr
    return done


def stop_at(root: Path, point: str, sig: signal.Signals, *extra: str,
            env: dict[str, str] | None = None) -> tuple[int, str]:
    """Start a build that pauses at `point` (output.pause), send `sig` to it there; its exit code and stderr."""
    process = build_command(root, *extra, env={"ICSGEN_TEST_PAUSE": f"{point}:3", **(env or {})})
    assert process.stderr is not None
    said = process.stderr.readline()
    assert said == f"icsgen-test: paused at {point}\n", said + process.stderr.read()
    os.killpg(process.pid, sig)
    _, err = process.communicate(timeout=120)
    return process.returncode, err


def stylesheets_missing(out: Path, base_url: str = "https://test.example.org/") -> list[str]:
    """Stylesheets linked by pages of `out` (relative, or from the site's `base_url`) that `out` does not have."""
    missing = []
    for page in out.rglob("*.html"):
        for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"', page.read_text(encoding="utf-8")):
            path = out / href.removeprefix(base_url) if href.startswith(base_url) else page.parent / href
            if not path.resolve().is_file():
                missing.append(f"{page.relative_to(out)}: {href}")
    return missing


def settled_leftovers(root: Path) -> list[str]:
    """`leftovers`, once the deletions started in the background have had time to finish."""
    deadline = time.monotonic() + 20
    while leftovers(root) and time.monotonic() < deadline:
        time.sleep(0.05)
    return leftovers(root)


def change_every_page_and_the_stylesheet(root: Path) -> None:
    base = root / "themes/nhs/templates/base.html"
    base.write_text(base.read_text().replace("</body>", "<p>New footer note</p></body>"))
    css = root / "themes/nhs/static/css/nhs.css"
    css.write_text(css.read_text() + "\n.new-rule { color: #005eb8; }\n")


@pytest.fixture
def old_and_new(tmp_path: Path) -> tuple[Path, dict[str, str], dict[str, str]]:
    """A built site, then edited: the digests of its build before and after (from a clean build)."""
    root = basic_site(tmp_path / "site", MANY)
    build_now(root)
    old = tree_digest(root / "build")
    change_every_page_and_the_stylesheet(root)
    build_now(root, "--no-cache", "--out", str(tmp_path / "clean"))
    return root, old, tree_digest(tmp_path / "clean")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "Ctrl-C"])
@pytest.mark.parametrize(("point", "published"), [("apply", False), ("sync", True)])
def test_a_rebuild_stopped_while_publishing_leaves_the_old_site_or_the_new_whole(
        old_and_new: tuple[Path, dict[str, str], dict[str, str]], sig: signal.Signals, point: str,
        published: bool) -> None:
    """`apply`: half the changed pages moved into the twin; `sync`: build/ exchanged, the twin half updated."""
    root, old, new = old_and_new
    code, err = stop_at(root, point, sig)
    out = root / "build"
    assert tree_digest(out) == (new if published else old)
    assert stylesheets_missing(out) == []
    if sig == signal.SIGINT:
        assert code == 130
        assert "Traceback" not in err and "unexpected" not in err and "Aborted" not in err
        assert ("just after the new site was put in place; it is complete" if published else
                "before it finished; the previous site was left as it was") in err
    build_now(root)  # the next build mends the twin, publishes the new site, and leaves nothing behind
    assert tree_digest(out) == new
    assert settled_leftovers(root) == []
    (root / "content/alpha/about/index.md").write_text("---\ntitle: About us\n---\n## Who we are\n\nWe changed.\n")
    build_now(root)  # and the one after publishes from the mended twin
    assert "We changed." in (out / "alpha/about/index.html").read_text()
    assert tree_digest(out) == {**new, "alpha/about/index.html": tree_digest(out)["alpha/about/index.html"]}


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "Ctrl-C"])
def test_a_full_build_stopped_before_its_exchange_leaves_the_old_site_and_no_folder_for_ever(
        old_and_new: tuple[Path, dict[str, str], dict[str, str]], sig: signal.Signals) -> None:
    root, old, new = old_and_new
    code, err = stop_at(root, "exchange", sig, "--no-cache")
    assert tree_digest(root / "build") == old
    assert code == (130 if sig == signal.SIGINT else -signal.SIGKILL), err
    if sig == signal.SIGKILL:
        assert [name for name in leftovers(root) if name.startswith(".build.staging-")]  # the whole new site
    not_ours = root / ".build.staging-1"  # named like a staging folder, but without icsgen's marker
    not_ours.mkdir()
    (not_ours / "notes.txt").write_text("mine")
    running = root / f".build.staging-{os.getpid()}"  # one of a build still running (this process)
    running.mkdir()
    (running / ".icsgen-build").write_text("")
    build_now(root)
    assert tree_digest(root / "build") == new
    assert settled_leftovers(root) == sorted([not_ours.name, running.name])
    assert (not_ours / "notes.txt").read_text() == "mine"


def test_where_the_system_cannot_exchange_folders_a_build_stopped_between_renames_is_undone(
        old_and_new: tuple[Path, dict[str, str], dict[str, str]]) -> None:
    root, old, new = old_and_new
    no_exchange = {"ICSGEN_TEST_NO_EXCHANGE": "1"}
    stop_at(root, "held", signal.SIGKILL, env=no_exchange)
    assert not (root / "build").exists()  # the window the fallback has: the old site is held aside
    page = root / "content/alpha/about/index.md"
    page.write_text("---\ntitle: About us\n---\nSee [nowhere](nowhere.md).\n")
    failed = subprocess.run([sys.executable, "-m", "icsgen", "build", "--root", str(root)], capture_output=True,
                            text=True, timeout=300, env={**os.environ, **no_exchange})
    assert failed.returncode == 1 and "about/index.md:4: link to 'nowhere.md'" in failed.stderr
    assert tree_digest(root / "build") == old  # put back whole by the next build, before anything else
    page.write_text(BASIC_PAGES["content/alpha/about/index.md"])
    done = subprocess.run([sys.executable, "-m", "icsgen", "build", "--root", str(root)], capture_output=True,
                          text=True, timeout=300, env={**os.environ, **no_exchange})
    assert done.returncode == 0, done.stderr
    assert tree_digest(root / "build") == new
    assert settled_leftovers(root) == []


def test_where_the_file_system_has_no_hard_links_the_twin_holds_copies(tmp_path: Path) -> None:
    """FAT and exFAT drives, some network shares: publishing stays one step, the twin costs a copy."""
    no_links = {"ICSGEN_TEST_NO_LINKS": "1"}
    root = basic_site(tmp_path / "site", MANY)
    build_now(root, env=no_links)
    old = tree_digest(root / "build")
    assert twin_is_a_copy(root)
    change_every_page_and_the_stylesheet(root)
    build_now(root, "--no-cache", "--out", str(tmp_path / "clean"))
    new = tree_digest(tmp_path / "clean")
    stop_at(root, "apply", signal.SIGKILL, env=no_links)
    assert tree_digest(root / "build") == old and stylesheets_missing(root / "build") == []
    build_now(root, env=no_links)
    assert tree_digest(root / "build") == new
    (root / "content/alpha/about/index.md").write_text("---\ntitle: About us\n---\n## Who we are\n\nNew.\n")
    build_now(root, env=no_links)
    assert "New." in (root / "build/alpha/about/index.html").read_text()
    assert twin_is_a_copy(root)


def twin_is_a_copy(root: Path) -> bool:
    """Whether the twin holds what build/ holds, in files of its own, once the build's background work is done."""
    with locked(root):  # the cache writer, which makes a full build's twin, holds it until done
        twin = root / ".build.twin"
        held = tree_digest(twin)
        return (held.pop(".icsgen-twin", None) is not None and held == tree_digest(root / "build")
                and all(p.stat().st_nlink == 1 for p in twin.rglob("*") if p.is_file()))


# -- a disk that is full or read-only: a plain message, the old site as it was ----------------------


@pytest.fixture
def own_disk(tmp_path: Path) -> Iterator[Callable[[int], Path]]:
    """`mount(kilobytes)`: a file system of its own (tmpfs) of that size, to fill up or make read-only."""
    point = tmp_path / "disk"
    point.mkdir()
    mounted: list[Path] = []

    def mount(kilobytes: int) -> Path:
        if os.geteuid() != 0 or shutil.which("mount") is None:
            pytest.skip("mounting a small file system needs root")
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kilobytes}k", "tmpfs", str(point)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a small file system here: {done.stderr.strip()}")
        mounted.append(point)
        return point

    yield mount
    for path in mounted:
        subprocess.run(["umount", "-l", str(path)], check=False)


def build_fails(root: Path, *extra: str) -> str:
    """Run a build that must fail as an editor's mistake does (exit 1, no traceback); its stderr."""
    done = subprocess.run([sys.executable, "-m", "icsgen", "build", "--root", str(root), *extra],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "unexpected error" not in done.stderr, done.stderr
    assert "Build failed; the previous site was left as it was" in done.stderr
    return done.stderr


def kilobytes_of(folder: Path) -> int:
    return sum(-(-p.stat().st_size // 4096) * 4 for p in folder.rglob("*") if p.is_file())


def test_a_full_disk_is_said_plainly_and_the_old_site_stays(tmp_path: Path, own_disk: Callable[[int], Path]) -> None:
    root = basic_site(tmp_path / "site", MANY)
    build_now(root, "--out", str(tmp_path / "measure"))
    disk = own_disk(kilobytes_of(tmp_path / "measure") * 3 // 2)  # room for the site, not for a second copy
    out = disk / "site"
    build_now(root, "--out", str(out))
    old = tree_digest(out)
    err = build_fails(root, "--out", str(out), "--no-cache")  # a full build writes a whole new copy first
    assert re.search(r"disk/site/\S+: cannot write the new site: the disk is full \(free some space, then try "
                     r"again\)", err), err
    assert tree_digest(out) == old and leftovers_of(out) == []
    (root / "content/alpha/video.bin").write_bytes(os.urandom(kilobytes_of(tmp_path / "measure") * 1024))
    err = build_fails(root, "--out", str(out))  # a rebuild: the file it cannot copy is named
    assert "disk/site/alpha/video.bin: cannot write the new site: the disk is full" in err
    assert tree_digest(out) == old and leftovers_of(out) == []
    (root / "content/alpha/video.bin").unlink()
    (root / "content/alpha/about/index.md").write_text("---\ntitle: About us\n---\n## Who we are\n\nNew.\n")
    build_now(root, "--out", str(out))  # and once there is room again, all is well
    assert "New." in (out / "alpha/about/index.html").read_text()


def leftovers_of(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.glob(f".{out.name}.*") if p.name != f".{out.name}.twin")


@pytest.mark.parametrize("flags", [[], ["--no-cache"]], ids=["rebuild", "full build"])
def test_a_read_only_output_folder_is_said_plainly_and_the_old_site_stays(
        tmp_path: Path, own_disk: Callable[[int], Path], flags: list[str]) -> None:
    root = basic_site(tmp_path / "site", MANY)
    disk = own_disk(64 * 1024)
    out = disk / "site"
    build_now(root, "--out", str(out))
    old = tree_digest(out)
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    (root / "content/alpha/about/index.md").write_text("---\ntitle: About us\n---\n## Who we are\n\nNew.\n")
    err = build_fails(root, "--out", str(out), *flags)
    assert re.search(r"disk/site\S*: cannot write the new site: the disk or folder is read-only \(use a folder you "
                     r"can write to\)", err), err
    assert tree_digest(out) == old


def test_an_output_folder_that_is_a_disk_of_its_own_is_said_plainly(tmp_path: Path,
                                                                   own_disk: Callable[[int], Path]) -> None:
    """A mount point cannot be swapped for another folder: the build says where to build instead."""
    root = basic_site(tmp_path / "site")
    disk = own_disk(16 * 1024)
    err = build_fails(root, "--out", str(disk))
    assert re.search(r"disk: cannot write the new site: it is (in use: a mount point|a disk of its own)", err), err
    assert "build into a folder inside it, for example --out FOLDER/site" in err
    assert os.listdir(disk) == [] and leftovers(tmp_path) == []
