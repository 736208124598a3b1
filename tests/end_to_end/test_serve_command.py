"""`icsgen serve` as an editor runs it: a real process, stopped with Ctrl-C."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.serve import EventClient, address, descendants, fetch, running, start, wait_until
from tests.support.sitemaker import basic_site


def ctrl_c(process: subprocess.Popen[str]) -> None:
    """What Ctrl-C in a terminal does: SIGINT to every process of the foreground group."""
    os.killpg(process.pid, signal.SIGINT)




def test_serve_prints_its_address_and_ctrl_c_removes_the_preview(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = start(root, temp, "--no-drafts")
    try:
        url = address(process)
        assert url.startswith("http://127.0.0.1:")
        status, _, body = fetch(url + "alpha/")
        assert status == 200 and b"Welcome to Alpha" in body
        assert next(p.name for p in temp.iterdir()).startswith("icsgen-preview-")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert list(temp.iterdir()) == []  # the preview folder is gone
    assert not (root / "build").exists()


def test_serve_starts_even_when_the_site_has_a_mistake(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", {"content/alpha/about/index.md": "---\ntitle: [oops\n---\n"})
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = start(root, temp)
    try:
        url = address(process)
        status, _, body = fetch(url + "alpha/")
        assert status == 404 and b"/__icsgen/events" in body  # the overlay will reach the page
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=15)
        assert process.returncode == 0
        assert "content/alpha/about/index.md:2: " in errors
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


# -- saves in a row, with tabs open and pages being fetched: nothing freezes, nothing is left behind ------


def with_pages(root: Path, count: int) -> Path:
    """The basic site with `count` more pages: over 60, a full rebuild renders them in forked workers."""
    return basic_site(root, {f"content/alpha/many/page-{n}.md": f"---\ntitle: Page {n}\n---\nText of page {n}.\n"
                             for n in range(count)})


class Watching:
    """Every process `pid` starts (the builder, its render workers), noted every few milliseconds."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.seen: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.seen |= descendants(self.pid)
            time.sleep(0.005)

    def stop(self) -> set[int]:
        self._stop.set()
        self._thread.join()
        return self.seen


class Fetching:
    """A client fetching pages throughout, each request given 2 s; every failure or slow answer is kept."""

    def __init__(self, url: str, paths: list[str]) -> None:
        self.url, self.paths = url, paths
        self.answers = 0
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._fetch, daemon=True)
        self._thread.start()

    def _fetch(self) -> None:
        n = 0
        while not self._stop.is_set():
            path = self.paths[n % len(self.paths)]
            n += 1
            try:
                with urllib.request.urlopen(self.url + path, timeout=2.0) as response:
                    response.read()
                    self.answers += 1
            except (OSError, urllib.error.URLError) as exc:  # includes a 4xx/5xx answer and a time-out
                self.failures.append(f"{path}: {exc}")

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def stop_and_check(process: subprocess.Popen[str], watching: Watching, temp: Path, sig: signal.Signals) -> None:
    """Stop serve with Ctrl-C (SIGINT to its group) or `kill` (SIGTERM to it): it exits cleanly, and none of
    the processes it started is left running."""
    if sig == signal.SIGINT:
        ctrl_c(process)
    else:
        process.send_signal(sig)
    try:
        out, errors = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:  # never leave it running, whatever the outcome
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise AssertionError("serve did not stop within 20 s") from None
    seen = watching.stop()
    assert process.returncode == 0, errors
    assert "Stopping the preview." in out or sig == signal.SIGTERM
    assert "Traceback" not in errors and "KeyboardInterrupt" not in errors, errors
    assert seen, "the builder was never seen"
    wait_until(lambda: not any(running(pid) for pid in seen), what="every process serve started to end")
    assert list(temp.iterdir()) == []  # the preview folder is gone


def test_thirty_saves_good_and_bad_with_tabs_open_and_pages_fetched(tmp_path: Path) -> None:
    root = with_pages(tmp_path / "site", 80)
    config, footer = root / "regions.yaml", root / "themes/nhs/templates/partials/footer.html"
    config_text, footer_text = config.read_text(), footer.read_text()
    tag = '<footer class="nhsuk-footer-container">'
    assert "    name: Beta Partnership\n" in config_text and tag in footer_text
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = start(root, temp)
    watching = Watching(process.pid)
    url = address(process)
    tabs = [EventClient(url) for _ in range(3)]
    fetching = Fetching(url, ["alpha/", "beta/", "alpha/many/page-7/", "alpha/about/", "alpha/news/"])
    try:
        for tab in tabs:
            tab.wait_for(0, lambda event, _: event == "hello", what="hello")
        for n in range(30):  # regions.yaml and a template in turn, each saved broken, then mended
            which, broken = (config, footer)[n // 2 % 2], n % 2 == 0
            before = [len(tab.events) for tab in tabs]
            if which is config:
                name = f"Beta Partnership {n}"
                which.write_text(config_text.replace("name: Beta Partnership", "name: [Beta" if broken else
                                                     f"name: {name}"))
            else:
                name = f"Footer note {n}"
                which.write_text(("{% if %}" if broken else "") + footer_text.replace(tag, f"{tag}<p>{name}</p>"))
            for tab, after in zip(tabs, before, strict=True):
                if broken:
                    tab.wait_for(after, lambda event, data, file=which.name: event == "problems" and file in data,
                                 what=f"save {n}: the problems of {which.name}")
                else:
                    tab.wait_for(after, lambda event, _: event == "reload", what=f"save {n}: a reload")
            if not broken:
                status, _, body = fetch(url + "beta/")
                assert status == 200 and name in body.decode(), f"save {n} not shown"
        fetching.stop()
        assert fetching.failures == [] and fetching.answers > 30, (fetching.failures[:5], fetching.answers)
        assert all(not tab.closed for tab in tabs)
        assert tabs[0].events[-1][0] == "reload" and json.loads(tabs[0].events[-1][1])["token"]
    finally:
        fetching.stop()
        for tab in tabs:
            tab.close()
        if process.poll() is None:
            stop_and_check(process, watching, temp, signal.SIGINT)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_stopping_during_a_full_rebuild_is_clean_and_leaves_no_process(tmp_path: Path, sig: signal.Signals) -> None:
    root = with_pages(tmp_path / "site", 300)
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = start(root, temp)
    watching = Watching(process.pid)
    try:
        url = address(process)
        config = root / "regions.yaml"
        config.write_text(config.read_text().replace("name: Beta Partnership", "name: Beta Renamed"))
        # the builder and its two render workers at work (or, on a slow day, the rebuild may be over)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(descendants(process.pid)) < 3:
            time.sleep(0.002)
        assert fetch(url + "alpha/")[0] == 200
    finally:
        stop_and_check(process, watching, temp, sig)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_stopping_during_the_first_build_is_clean_and_leaves_no_process(tmp_path: Path, sig: signal.Signals) -> None:
    root = with_pages(tmp_path / "site", 400)
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = start(root, temp)
    watching = Watching(process.pid)
    wait_until(lambda: bool(descendants(process.pid)), what="the builder to start")
    assert process.poll() is None
    stop_and_check(process, watching, temp, sig)


# -- the preview's temporary folder goes, however serve ends -------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=["ctrl-c", "sigterm", "sighup"])
def test_stopped_while_the_search_index_is_written_no_folder_is_left(tmp_path: Path, sig: signal.Signals) -> None:
    """The index is written by a child of the builder after the first answer; stopped then, serve must end
    it too, or it makes the removed folder again (45 empty icsgen-preview-* folders were found in /tmp)."""
    root = with_pages(tmp_path / "site", 150)
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = start(root, temp)
    watching = Watching(process.pid)
    try:
        address(process)
        # stop it while the index writer runs (or, on a quick day, just after)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(_named(pid) == "icsgen-search"
                                                      for pid in descendants(process.pid)):
            time.sleep(0.002)
    finally:
        stop_and_check(process, watching, temp, sig)
    time.sleep(1.5)  # a writer that outlived serve would make the folder again meanwhile
    assert list(temp.iterdir()) == []


def _named(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def test_an_error_while_starting_leaves_no_folder(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = start(root, temp, "--host", "192.0.2.1")  # an address of no interface here: cannot listen
    _, errors = process.communicate(timeout=60)
    assert process.returncode == 1, errors
    assert errors.startswith("Error: ") and "Traceback" not in errors, errors
    assert list(temp.iterdir()) == []


def test_serve_removes_the_folders_of_previews_whose_process_ended(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    temp = tmp_path / "tmp"
    gone = subprocess.Popen(["true"])
    gone.wait()
    dead = temp / f"icsgen-preview-{gone.pid}-a1b2c3"  # killed outright: its folder stayed
    (dead / "site/alpha").mkdir(parents=True)
    (dead / "site/alpha/index.html").write_text("old")
    alive = temp / f"icsgen-preview-{os.getpid()}-d4e5f6"  # another preview, still running
    (alive / "site").mkdir(parents=True)
    old_empty, old_full = temp / "icsgen-preview-x7y8z9", temp / "icsgen-preview-q1w2e3"  # named by older icsgen
    old_empty.mkdir()
    (old_full / "site").mkdir(parents=True)
    for folder in (old_empty, old_full):
        os.utime(folder, (time.time() - 7200, time.time() - 7200))
    new_empty = temp / "icsgen-preview-n4m5b6"  # may be an older icsgen's, starting now
    new_empty.mkdir()
    process = start(root, temp)
    try:
        address(process)
        left = sorted(p.name for p in temp.iterdir())
        assert dead.name not in left and old_empty.name not in left
        assert {alive.name, old_full.name, new_empty.name} <= set(left)
        assert len(left) == 4  # and its own
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert sorted(p.name for p in temp.iterdir()) == sorted([alive.name, old_full.name, new_empty.name])


def test_a_server_killed_outright_leaves_no_builder_behind(tmp_path: Path) -> None:
    """`kill -9` (or the out-of-memory killer) gives serve no chance to clean up: its builder, forked with
    a copy of the server's own end of their pipe, waited for ever for a rebuild that could not come."""
    root = basic_site(tmp_path / "site")
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = start(root, temp)
    left: set[int] = set()
    try:
        address(process)
        left = descendants(process.pid)
        assert left  # the builder, at least
        process.kill()  # SIGKILL, to the server alone
        process.wait(timeout=10)
        wait_until(lambda: not any(running(pid) for pid in left), timeout=15, what="the builder to end")
    finally:
        for pid in left:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
