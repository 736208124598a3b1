"""Watching files: bursts become one rebuild, editors' temporary files are ignored, renames are seen."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from icsgen.serve.watch import ignored
from tests.support.serve import Running, serving, wait_until
from tests.support.sitemaker import basic_site


@pytest.fixture(params=[False, True], ids=["inotify", "poll"])
def live(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Running]:
    root = basic_site(tmp_path / "site")
    with serving(root, poll=request.param) as running:
        yield running


@pytest.mark.parametrize("name", [
    "index.md.swp", ".index.md.swx", "4913", "index.md~", "#index.md#", ".#index.md",
    "index.md___jb_tmp___", "index.md___jb_old___", "index.md.kate-swp", "index.md.bck",
    "index.md.tmp", ".DS_Store",
])
def test_editors_temporary_files_are_ignored(tmp_path: Path, name: str) -> None:
    assert ignored(tmp_path / "content/alpha" / name, tmp_path)
    assert not ignored(tmp_path / "content/alpha/index.md", tmp_path)


def test_only_content_themes_and_regions_yaml_matter(tmp_path: Path) -> None:
    assert not ignored(tmp_path / "regions.yaml", tmp_path)
    assert not ignored(tmp_path / "themes/nhs/templates/base.html", tmp_path)
    assert ignored(tmp_path / "build/index.html", tmp_path)
    assert ignored(tmp_path / "README.md", tmp_path)
    assert ignored(tmp_path / ".git/index", tmp_path)


def test_a_burst_of_50_writes_is_a_few_rebuilds(live: Running) -> None:
    page = live.root / "content/alpha/about/index.md"
    for n in range(50):
        page.write_text(f"---\ntitle: About us\n---\nVersion {n}.\n", encoding="utf-8")
    wait_until(lambda: b"Version 49." in live.get("/alpha/about/")[2], what="the last version served")
    assert 1 <= live.session.preview.rebuilds <= 3, live.session.preview.rebuilds
    assert live.rebuilds[-1][0].problems == []


def test_a_folder_copied_in_is_one_rebuild(live: Running) -> None:
    folder = live.root / "content/alpha/services"
    folder.mkdir()
    for n in range(20):
        (folder / f"service-{n}.md").write_text(f"---\ntitle: Service {n}\n---\nService {n}.\n")
    wait_until(lambda: live.get("/alpha/services/service-19/")[0] == 200, what="the last page served")
    assert live.session.preview.rebuilds <= 3


def test_temporary_files_do_not_rebuild(live: Running) -> None:
    folder = live.root / "content/alpha"
    for name in ("index.md.swp", "4913", "index.md~", ".#index.md", "index.md___jb_tmp___"):
        (folder / name).write_text("---\ntitle: [broken\n---\n")
    (folder / "about/index.md").write_text("---\ntitle: About us\n---\nReal edit.\n")
    wait_until(lambda: b"Real edit." in live.get("/alpha/about/")[2], what="the real edit")
    seen = {p.name for _, paths in live.rebuilds for p in paths}
    assert seen == {"index.md"}
    assert all(result.problems == [] for result, _ in live.rebuilds)


def test_regions_yaml_replaced_by_rename_is_seen(live: Running) -> None:
    config = live.root / "regions.yaml"
    replacement = live.root / "regions.yaml.tmp"
    replacement.write_text(config.read_text().replace("Beta Partnership", "Beta Renamed Partnership"))
    os.replace(replacement, config)
    wait_until(lambda: b"Beta Renamed Partnership" in live.get("/beta/")[2], what="the new region name")
    assert any(result.full for result, _ in live.rebuilds)


def test_content_deleted_and_put_back_is_still_watched(live: Running, tmp_path: Path) -> None:
    """content/ removed and made again (a copy put back, a checkout, a restore from backup) left the preview
    deaf: the watch on the old folder saw nothing of the new one, so no later save was ever shown."""
    content = live.root / "content"
    aside = tmp_path / "aside"
    shutil.copytree(content, aside)
    shutil.rmtree(content)
    wait_until(lambda: len(live.rebuilds) >= 1, what="the deletion seen")
    shutil.copytree(aside, content)
    wait_until(lambda: live.get("/alpha/about/")[0] == 200 and live.rebuilds[-1][0].problems == [],
               what="the folder put back built")
    page = content / "alpha/about/index.md"
    page.write_text("---\ntitle: About us\n---\nWritten after the folder came back.\n", encoding="utf-8")
    wait_until(lambda: b"Written after the folder came back." in live.get("/alpha/about/")[2],
               what="a later save shown")
