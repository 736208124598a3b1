"""`--today`: the site as it will be on a given day, for build, check and serve.

The same source built with two dates gives two sites: a scheduled post appears on its day, and a
page that shows the date shows the day it was built for. A build on another day renders again only
the pages that read the date (the rest are kept from the cache).
"""

from __future__ import annotations

import re
import signal
from pathlib import Path

from tests.support.serve import address, fetch, start
from tests.support.sitemaker import basic_site, run

SCHEDULED = {
    "content/alpha/news/2030-01-15-scheduled.md": "---\ntitle: Scheduled post\ndate: 2030-01-15\n"
    "summary: Goes live in 2030.\n---\nOn its day.\n",
    "content/alpha/about/today.md": "---\ntitle: What day it is\n---\n"
    "This page was built for {{ site.today }}.\n",
}


def _rerendered(output: str) -> int | None:
    """How many pages a cached build rendered again, from its summary line; None if it says all."""
    found = re.search(r"; (\d+) re-rendered, the rest unchanged", output)
    return int(found.group(1)) if found else None


def test_a_scheduled_post_is_published_on_its_day_and_not_before(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", SCHEDULED)
    before, on = tmp_path / "before", tmp_path / "on"
    for out, day in ((before, "2030-01-14"), (on, "2030-01-15")):
        done = run(root, "build", "--today", day, "--out", str(out))
        assert done.exit_code == 0, done.output
    assert not (before / "alpha/news/scheduled/index.html").exists()
    assert "Scheduled post" not in (before / "alpha/news/index.html").read_text()
    assert "Scheduled post" not in (before / "alpha/news/feed.xml").read_text()
    assert "On its day." in (on / "alpha/news/scheduled/index.html").read_text()
    assert "Scheduled post" in (on / "alpha/news/index.html").read_text()
    assert "Scheduled post" in (on / "alpha/news/feed.xml").read_text()


def test_site_today_is_the_build_date_in_pages_and_templates(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", SCHEDULED)
    done = run(root, "build", "--today", "2027-03-09")
    assert done.exit_code == 0, done.output
    html = (root / "build/alpha/about/today/index.html").read_text()
    assert "This page was built for 2027-03-09." in html


def test_another_day_renders_again_only_the_pages_that_read_the_date(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", SCHEDULED)
    first = run(root, "build", "--today", "2027-03-09")
    assert first.exit_code == 0, first.output
    untouched = (root / "build/alpha/about/index.html").stat().st_mtime_ns
    second = run(root, "build", "--today", "2027-03-10")
    assert second.exit_code == 0, second.output
    assert _rerendered(second.output) == 1, second.output  # the one page that shows the date
    assert "built for 2027-03-10" in (root / "build/alpha/about/today/index.html").read_text()
    assert (root / "build/alpha/about/index.html").stat().st_mtime_ns == untouched
    same = run(root, "build", "--today", "2027-03-10")
    assert same.exit_code == 0 and _rerendered(same.output) == 0, same.output
    # the day a scheduled post goes live, the news list and the feed change too
    live = run(root, "build", "--today", "2030-01-15")
    assert live.exit_code == 0, live.output
    assert "Scheduled post" in (root / "build/alpha/news/index.html").read_text()
    assert "Scheduled post" in (root / "build/alpha/news/feed.xml").read_text()
    assert "built for 2030-01-15" in (root / "build/alpha/about/today/index.html").read_text()


def test_a_date_that_is_not_one_is_a_plain_usage_error(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    for command in ("build", "check"):
        done = run(root, command, "--today", "2027-02-30")
        assert done.exit_code == 2
        assert "'2027-02-30' is not a date: write it as YYYY-MM-DD" in done.output
        assert "Traceback" not in done.output
    assert not (root / "build").exists()


def test_check_measures_review_dates_against_the_given_day(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", {
        "content/alpha/about/index.md": "---\ntitle: About us\nreview_due: 2028-06-01\nsummary: Who we are.\n---\n"
                                        "## Who we are\n\nWe are Alpha.\n"})
    early = run(root, "check", "--today", "2028-05-31")
    late = run(root, "check", "--today", "2028-06-02")
    assert "0 errors, 0 warnings" in early.output, early.output
    assert "content/alpha/about/index.md:3: warning: review was due on 2028-06-01" in late.output, late.output


def test_serve_today_shows_the_site_as_on_that_day(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", SCHEDULED)
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = start(root, temp, "--today", "2027-03-09")
    try:
        url = address(process)
        status, _, body = fetch(url + "alpha/about/today/")
        assert status == 200 and b"built for 2027-03-09" in body
        status, _, body = fetch(url + "alpha/news/")
        assert status == 200 and b"Scheduled post" not in body and b"Second post" in body
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
