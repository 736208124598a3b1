"""The preview's builder in its own process: a render worker or a builder that dies or hangs is a problem shown
in the page, never a preview that stops answering; the next save starts afresh."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.serve import EventClient, Running, children, fetch, running, serving, wait_until
from tests.support.sitemaker import basic_site

PAGES = 300  # enough that a full rebuild renders in workers for a while
# How long the builder and a render worker may be silent before they are taken to be stuck. Far below the
# real ones (60 s and 30 s) so the tests are quick, but well above what a healthy build is silent for on a
# loaded machine: 4 s and 2 s stopped healthy builds when other jobs shared the two cores.
STALL = 12.0
WORKER_STALL = 6.0
WAIT = STALL + 20.0  # for a rebuild's end: the longest before it is given up on, and a loaded machine's margin


def many_pages(root: Path) -> Path:
    return basic_site(root, {f"content/alpha/many/page-{n}.md": f"---\ntitle: Page {n}\n---\nText of page {n}.\n"
                             for n in range(PAGES)})


def render_workers(builder: int) -> set[int]:
    """The builder's forked render workers (its other children, such as `rm`, run other programs; the one
    writing the search index is a fork too, named `icsgen-search`: serve/searching.py)."""
    try:
        command = Path(f"/proc/{builder}/cmdline").read_bytes()
        return {pid for pid in children(builder) if Path(f"/proc/{pid}/cmdline").read_bytes() == command
                and Path(f"/proc/{pid}/comm").read_text().strip() != "icsgen-search"}
    except OSError:
        return set()


def rename_beta(live: Running, name: str) -> None:
    config = live.root / "regions.yaml"
    text = config.read_text(encoding="utf-8")
    start = text.index("  beta:\n    name: ") + len("  beta:\n    name: ")
    config.write_text(text[:start] + name + text[text.index("\n", start):], encoding="utf-8")


def problems(data: str) -> list[str]:
    return json.loads(data).get("problems", [])


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Running]:
    with serving(many_pages(tmp_path / "site"), jobs=2, stall=STALL, worker_stall=WORKER_STALL) as running_:
        yield running_


@pytest.fixture
def tab(live: Running) -> Iterator[EventClient]:
    client = EventClient(live.url)
    client.wait_for(0, lambda event, _: event == "hello", what="hello")
    yield client
    client.close()


def hit_a_worker(live: Running, tab: EventClient, sig: signal.Signals) -> tuple[int, int]:
    """Save regions.yaml (a full rebuild, in workers) and send `sig` to one of the builder's render workers
    while it renders; try again if a rebuild ends before a worker is seen. Returns (events before, worker)."""
    for attempt in range(8):
        before = len(tab.events)
        rename_beta(live, f"Beta attempt {attempt}")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(tab.events) == before:
            builder = live.session.preview.pid
            workers = render_workers(builder) if builder else set()
            if workers:
                worker = min(workers)
                os.kill(worker, sig)
                return before, worker
            time.sleep(0.002)
        tab.wait_for(before, lambda event, _: event in ("reload", "problems"), timeout=WAIT,
                     what="the rebuild's end")
    raise AssertionError("never saw a render worker")


def assert_serving_and_then_recovering(live: Running, tab: EventClient, name: str) -> None:
    status, _, body = fetch(live.url + "beta/")
    assert status == 200 and b"Welcome to Beta" in body  # the last good pages, still served
    before = len(tab.events)
    rename_beta(live, name)
    tab.wait_for(before, lambda event, _: event == "reload", timeout=WAIT, what="a reload after the next save")
    assert name.encode() in fetch(live.url + "beta/")[2]
    assert live.rebuilds[-1][0].problems == []


def test_a_render_worker_that_dies_is_a_problem_shown_and_serving_goes_on(live: Running, tab: EventClient) -> None:
    before, worker = hit_a_worker(live, tab, signal.SIGKILL)
    _, data = tab.wait_for(before, lambda event, data: event == "problems" and bool(problems(data)),
                           timeout=WAIT, what="the problem shown")
    shown = problems(data)[0]
    assert "did not finish: the process rendering it was stopped by SIGKILL" in shown, shown
    assert not running(worker)
    assert_serving_and_then_recovering(live, tab, "Beta Recovered")


def test_a_render_worker_that_hangs_is_stopped_and_shown(live: Running, tab: EventClient) -> None:
    before, worker = hit_a_worker(live, tab, signal.SIGSTOP)  # stopped: alive, but never answers
    _, data = tab.wait_for(before, lambda event, data: event == "problems" and bool(problems(data)),
                           timeout=WAIT, what="the problem shown")
    shown = problems(data)[0]
    assert f"did not finish: no answer for {WORKER_STALL:g} s" in shown, shown
    wait_until(lambda: not running(worker), timeout=WAIT, what="the hung worker to be ended")
    assert_serving_and_then_recovering(live, tab, "Beta Recovered")


@pytest.mark.parametrize("sig", [signal.SIGSTOP, signal.SIGKILL], ids=["hangs", "dies"])
def test_a_builder_that_hangs_or_dies_is_replaced_at_the_next_save(live: Running, tab: EventClient,
                                                                   sig: signal.Signals) -> None:
    builder = live.session.preview.pid
    assert builder is not None, f"the first build did not finish healthy: {live.rebuilds}"
    os.kill(builder, sig)
    before = len(tab.events)
    rename_beta(live, "Beta Lost")
    started = time.monotonic()
    while time.monotonic() - started < 1.5:  # while the builder does not answer, pages still are
        assert fetch(live.url + "alpha/")[0] == 200
    _, data = tab.wait_for(before, lambda event, data: event == "problems" and bool(problems(data)),
                           timeout=WAIT, what="the problem shown")
    shown = problems(data)[0]
    if sig == signal.SIGSTOP:
        assert shown.startswith(f"icsgen: the preview's rebuild made no progress for {STALL:g} s"), shown
    else:
        assert shown.startswith("icsgen: the preview's builder was stopped by SIGKILL"), shown
    wait_until(lambda: not running(builder), timeout=WAIT, what="the old builder to be ended")
    assert_serving_and_then_recovering(live, tab, "Beta Recovered")
    assert live.session.preview.pid not in (None, builder)
