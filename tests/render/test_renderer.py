"""Rendering: compiling the templates before the workers fork (`Renderer.prepare`) changes nothing a
render gives; a broken link that comes from a data file or a setting is reported where it is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from icsgen.build import BuildOptions, load, plan
from icsgen.problems import Problem
from icsgen.render import renderer as renderer_module
from icsgen.render.renderer import TIMEOUT_MESSAGE, Output, Renderer
from tests.support.sitemaker import basic_site, run, tree_digest, write_site


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
    assert problems == [Problem(str(root / "content/beta/_theme/templates/broken.html"), 3,
                         "template error: Expected an expression, got 'end of statement block'", "")]


LINKS = "# Links shown on the links page\nhub: about/index.md\nboard: about/our_board.md\nmissing: about/nope.md\n"


def test_a_broken_link_from_a_data_file_is_reported_at_the_data_files_line(tmp_path: Path) -> None:
    root = basic_site(tmp_path, {
        "content/alpha/data/links.yaml": LINKS,
        "content/alpha/links.md": "---\ntitle: Links\n---\nSee [the hub]({{ data.links.hub }}),\n"
        "[the board]({{ data.links.board }}) and [more]({{ data.links.missing }}).\n\nAnd [a typo](gone.md).\n",
    })
    result = run(root, "build")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "content/alpha/data/links.yaml:3: link to 'about/our_board.md': no page 'alpha/about/our_board.md' " \
        "(from content/) (used on alpha/links.md)" in lines
    assert "content/alpha/data/links.yaml:4: link to 'about/nope.md': no page 'alpha/about/nope.md' " \
        "(from content/) (did you mean 'about/index.md'?; used on alpha/links.md)" in lines
    assert "content/alpha/links.md:7: link to 'gone.md': no page 'alpha/gone.md' (from content/)" in lines
    assert not any(line.startswith("content/alpha/links.md:4") for line in lines)


def test_a_data_value_given_to_url_in_a_template_is_reported_at_the_data_files_line(tmp_path: Path) -> None:
    config = (basic_site(tmp_path) / "regions.yaml").read_text(encoding="utf-8").replace(
        "  base_url: https://test.example.org/\n",
        "  base_url: https://test.example.org/\n  extra:\n    footer_links:\n      - {title: Help, url: help/}\n")
    write_site(tmp_path, {
        "regions.yaml": config,
        "content/alpha/data/links.yaml": "# Site paths of pages\nhub: alpha/about/\nboard: alpha/about/our-board/\n",
        "content/alpha/links.md": "---\ntitle: Links\ntemplate: links\n---\nOur links.\n",
        "content/alpha/_theme/templates/links.html": '{% extends "base.html" %}\n{% block content %}\n'
        "{% for key, target in data.links.items() %}\n"
        '<a href="{{ url(target) }}">{{ key }}</a>\n{% endfor %}\n{% endblock %}\n',
    }, config=None, theme=False)
    result = run(tmp_path, "build")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.startswith("content/alpha/data/links.yaml:3: template error: TemplateRuntimeError: "
                               "url('alpha/about/our-board/') links to a page this build does not write")
               and line.endswith("(used by links.html line 4 on alpha/links.md)") for line in lines), lines
    assert any(line.startswith("regions.yaml:6: template error: TemplateRuntimeError: url('help/')")
               for line in lines), lines


# -- a failed template is reported at a file the editor can open --------------------------------------------


def test_a_template_that_is_not_utf8_is_reported_at_its_file_and_line(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    page = (root / "content/alpha/_theme/templates/page.html")
    page.parent.mkdir(parents=True)
    page.write_bytes(b'{% extends "base.html" %}\n{% block content %}\nCaf\xe9\n{% endblock %}\n')
    result = run(root, "build")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == ("content/alpha/_theme/templates/page.html:3: template error: not UTF-8 "
                                             "text (byte 0xe9): save the file as UTF-8 in your editor")
    assert "no heading or anchor" not in result.output  # pages that failed offer no anchors: no knock-on errors
    assert str(root / "icsgen") not in result.output and "site-packages" not in result.output


def test_an_error_raised_in_a_built_in_template_is_reported_at_the_project_template_that_called_it(
        tmp_path: Path) -> None:
    root = basic_site(tmp_path, {"content/alpha/_theme/templates/contact.html":
                                 "{% extends 'page.html' %}\n{% from 'page.html' import nope %}\n"})
    shutil.rmtree(root / "themes")  # the built-in templates, inside the package
    (root / "content/alpha/contact.md").write_text("---\ntitle: Contact\ntemplate: contact\n---\nCall us.\n")
    result = run(root, "build")
    assert result.exit_code == 1
    first = result.output.splitlines()[0]  # (which name base.html misses first is the theme's business)
    assert first.startswith("content/alpha/_theme/templates/contact.html:2: template error: '"), first
    assert "' is undefined" in first
    assert "raised in the built-in template base.html line" in result.output


def test_a_theme_loop_too_long_to_finish_is_an_error_at_its_line(tmp_path: Path) -> None:
    root = basic_site(tmp_path, {"content/alpha/_theme/templates/page.html":
                                 '{% extends "base.html" %}\n{% block content %}\n'
                                 "{% for i in range(10**10) %}{% endfor %}\n{% endblock %}\n"})
    result = run(root, "build")
    assert result.exit_code == 1
    assert ("content/alpha/_theme/templates/page.html:3: template error: range() of 10,000,000,000 numbers: more "
            "than the 1,000,000 a template may loop over") in result.output


# -- a page's render has a time limit, whatever the template does ------------------------------------------

SLOW_TEMPLATE = ('{% extends "base.html" %}\n{% block content %}\n<p>Counting</p>\n'
                 "{% for a in range(1000000) %}\n"  # each loop under range()'s cap; together 10^12 rounds
                 "  {% for b in range(1000000) %}{% if a < 0 %}{{ b }}{% endif %}{% endfor %}\n"
                 "{% endfor %}\n{% endblock %}\n")


def slow_site(tmp_path: Path, slow_pages: int) -> Path:
    """The basic site, a theme template of nested loops that would run for days, `slow_pages` pages using it
    (each region's `slow-N.md`) and a page with a broken link of its own."""
    files = {"themes/nhs/templates/slow.html": SLOW_TEMPLATE,
             "content/alpha/broken.md": "---\ntitle: Broken\n---\nSee [nothing](nowhere.md).\n"}
    files.update({f"content/{('alpha', 'beta')[n % 2]}/slow-{n}.md": f"---\ntitle: Slow {n}\ntemplate: slow\n---\n"
                  "Hello.\n" for n in range(slow_pages)})
    root = basic_site(tmp_path)
    assert run(root, "build").exit_code == 0
    for rel, text in files.items():
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_a_theme_that_loops_for_ever_is_stopped_after_ten_seconds_of_a_page_in_one_process(tmp_path: Path) -> None:
    """`--jobs 1` renders in the build's own process, where no worker's stall limit applies: the page's
    CPU time does. Every other problem is still reported, and the old site stays as it was."""
    root = slow_site(tmp_path, 2)
    before = tree_digest(root / "build")
    result = run(root, "build", "--jobs", "1")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    stopped = [line for line in lines if "took too long to render" in line]
    assert stopped == [f"themes/nhs/templates/slow.html:5: template error: {TIMEOUT_MESSAGE} (first seen on "
                       "alpha/slow-0.md)"], result.output
    assert any(line.startswith("content/alpha/broken.md:4: link to 'nowhere.md'") for line in lines), result.output
    assert tree_digest(root / "build") == before


def test_check_in_workers_stops_each_slow_page_and_reports_the_rest(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The same limit in `icsgen check` with render workers (forked: they keep the shorter limit set here)."""
    monkeypatch.setattr(renderer_module, "PAGE_SECONDS", 0.5)
    root = slow_site(tmp_path, 6)
    (root / "content/alpha/many").mkdir()
    for n in range(60):  # enough pages for render workers
        (root / f"content/alpha/many/page-{n}.md").write_text(f"---\ntitle: Page {n}\n---\nText {n}.\n")
    result = run(root, "check", "--jobs", "2")
    assert result.exit_code == 1
    stopped = [line for line in result.output.splitlines() if "took too long to render" in line]
    assert len(stopped) == 1 and stopped[0].startswith("themes/nhs/templates/slow.html:5: "), result.output
    assert "content/alpha/broken.md:4: " in result.output
