"""The template context is exactly what docs/reference.md documents: no more, no less.

Theme authors write against the reference; a name the views expose but the reference leaves out
becomes a contract nobody agreed to, and a documented name that is gone breaks their templates.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import jinja2
import pytest
from click.testing import CliRunner

from icsgen.cli.commands import main
from icsgen.config.settings import RegionConfig, SiteConfig
from icsgen.render.context import DocumentView, PageView, RegionView, SectionView, SiteView
from tests.support import REPO_ROOT
from tests.support.sitemaker import basic_site

REFERENCE = (REPO_ROOT / "docs" / "reference.md").read_text(encoding="utf-8")


def _section(heading: str) -> str:
    start = REFERENCE.index(f"## {heading}")
    end = REFERENCE.find("\n## ", start + 3)
    return REFERENCE[start:end if end != -1 else None]


def _names(text: str) -> set[str]:
    """Backticked identifiers (`title`, `url(target)` -> url), leaving out values and paths."""
    return {m.group(1) for m in re.finditer(r"`([a-z_]+)(?:\([^`]*\))?`", text)}


CONTEXT = _section("Template context")
TABLE = {m.group(1): m.group(2) for m in re.finditer(r"^\| `([a-z_]+)(?:\([^)]*\))?` \| (.*) \|$", CONTEXT, re.M)}


def _paragraph(start: str) -> str:
    i = CONTEXT.index(start)
    return CONTEXT[i:CONTEXT.index("\n\n", i)]


def _public(cls: type) -> set[str]:
    return {name for name, value in vars(cls).items() if not name.startswith("_")
            and isinstance(value, property | type(lambda: 0) | __import__("functools").cached_property)}


def _fields(cls: type, internal: set[str]) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)} - internal


def test_every_top_level_name_a_template_sees_is_documented(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, set[str]] = {}
    render = jinja2.Template.render

    def recording(self: jinja2.Template, *args: object, **kwargs: object) -> str:
        if self.name and args and isinstance(args[0], dict):
            seen.setdefault(self.name, set()).update(args[0])
        return render(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", recording)  # watches the real renders; changes nothing
    root = basic_site(tmp_path / "site")
    done = CliRunner().invoke(main, ["build", "--root", str(root), "--jobs", "1", "--no-cache"], prog_name="icsgen")
    assert done.exit_code == 0, done.output
    every = set().union(*seen.values())
    assert every == set(TABLE), f"documented: {sorted(TABLE)}; templates saw: {sorted(every)}"


def test_page_and_section_views_offer_exactly_the_documented_fields() -> None:
    kinds = {"home", "page", "news", "hub", "search"}  # values of `kind`, backticked in the same paragraph
    assert _public(PageView) == _names(_paragraph("A page view has:")) - kinds
    assert _public(SectionView) == _names(_paragraph("A section view has:"))
    assert _public(DocumentView) == _names(_paragraph("A document view has:"))


def test_region_and_site_views_offer_exactly_the_documented_fields() -> None:
    region = _public(RegionView) | _fields(RegionConfig, RegionView.INTERNAL)
    # contact's own fields, and documents' (its accessible_formats has email and phone too)
    assert region == _names(TABLE["region"]) - {"email", "phone", "address", "accessible_formats", "size_limit_mb"}
    site = _public(SiteView) | _fields(SiteConfig, SiteView.INTERNAL)
    assert site == _names(TABLE["site"])
