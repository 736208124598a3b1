"""Compiling the templates before the workers fork (`Renderer.prepare`) changes nothing a render gives."""

from __future__ import annotations

from pathlib import Path

from icsgen.build.pipeline import BuildOptions, load, plan
from icsgen.render.renderer import Output, Renderer
from tests.support.sitemaker import basic_site


def _render_everything(renderer: Renderer, jobs: list) -> list[tuple]:
    def summary(out: Output) -> tuple:
        return out.job.url, out.html, out.anchors, out.refs, out.problems, out.deps, out.markdown_key

    return [summary(renderer.render(job)) for job in jobs]


def test_prepared_templates_render_and_fail_exactly_as_before(tmp_path: Path) -> None:
    """Same pages, dependencies and errors; a template that does not compile is reported only where used."""
    root = basic_site(tmp_path, {
        "content/beta/odd.md": "---\ntitle: Odd\ntemplate: broken\n---\nx\n",
        "content/beta/_theme/templates/broken.html": '{% extends "base.html" %}\n{% block content %}\n{% if %}\n',
        "content/beta/_theme/templates/unused.html": "{% for %}\n",
        "content/alpha/_theme/templates/partials/unused.html": "{{ }}\n",
    })
    loaded = load(root, BuildOptions())
    jobs = plan(loaded.site)
    plain = Renderer(loaded.site, loaded.chains)
    prepared = Renderer(loaded.site, loaded.chains)
    prepared.prepare()
    assert all(env.deps is None for env in prepared.envs.values())
    expected = _render_everything(plain, jobs)
    assert _render_everything(prepared, jobs) == expected
    problems = [problem for *_, found, _, _ in expected for problem in found]
    assert problems == [(root / "content/beta/_theme/templates/broken.html", 3,
                         "template error: Expected an expression, got 'end of statement block'", "")]
