"""A data file the built-in templates cannot show is reported at the data file's line, never at a template
inside the installed package (which no editor can open or mend)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from icsgen.render.datashapes import shape_problems
from tests.support.sitemaker import basic_site, run, tree_digest

PARTNERS = "- name: Alpha Hospital\n  type: NHS trust\n- name: Alpha Council\n  type: Local authority\n"


@pytest.mark.parametrize(("partners", "expected"), [
    (PARTNERS + "- just some text\n",
     "content/alpha/data/partners.yaml:5: item 3 of partners.yaml is not a list of 'key: value' lines "
     "(it is the text 'just some text')"),
    (PARTNERS.replace("- name: Alpha Council", "- name: ~"),
     "content/alpha/data/partners.yaml:3: 'name' of item 2 of partners.yaml must be text, not empty"),
    (PARTNERS.replace("  type: NHS trust\n", ""),
     "content/alpha/data/partners.yaml:1: item 1 of partners.yaml has no 'type'"),
    (PARTNERS.replace("Alpha Hospital", "[Alpha, Hospital]"),
     "content/alpha/data/partners.yaml:1: 'name' of item 1 of partners.yaml must be text, not a list"),
    ("name: Alpha Hospital\n", "content/alpha/data/partners.yaml:1: partners.yaml must be a list of items"),
])
@pytest.mark.parametrize("copied_theme", [False, True])
def test_a_partner_of_the_wrong_shape_is_reported_at_its_line(tmp_path: Path, partners: str, expected: str,
                                                              copied_theme: bool) -> None:
    root = basic_site(tmp_path, {"content/alpha/partners.md": "---\ntitle: Partners\ntemplate: partners\n---\nOurs.\n"})
    if not copied_theme:  # the built-in templates, inside the package, as `icsgen init` makes a site
        shutil.rmtree(root / "themes")
    assert run(root, "build").exit_code == 0
    before = tree_digest(root / "build")
    (root / "content/alpha/data/partners.yaml").write_text(partners)
    result = run(root, "build")
    assert result.exit_code == 1
    assert expected in result.output, result.output
    assert "the template partners.html could not show alpha/partners.md" in result.output
    assert "templates/partners.html:" not in result.output and "Traceback" not in result.output
    assert tree_digest(root / "build") == before
    check = run(root, "check")
    assert check.exit_code == 1 and expected.replace(": ", ": error: ", 1) in check.output


def test_a_project_template_failing_on_data_of_the_right_shape_is_reported_at_its_line(tmp_path: Path) -> None:
    root = basic_site(tmp_path, {"content/alpha/partners.md": "---\ntitle: Partners\ntemplate: partners\n"
                                 "extra: {order: 1}\n---\nOurs.\n",
                                 "content/alpha/_theme/templates/partners.html":
                                 "{% extends 'page.html' %}{% block after_body %}{{ page.extra.order + 'x' }}"
                                 "{% endblock %}\n"})
    shutil.rmtree(root / "themes")
    result = run(root, "build")
    assert result.exit_code == 1
    assert result.output.startswith("content/alpha/_theme/templates/partners.html:1: template error: TypeError")


def test_good_data_has_no_problems(tmp_path: Path) -> None:
    good = tmp_path / "partners.yaml"
    good.write_text(PARTNERS + "- name: Alpha University\n  type: University\n  url: https://a.example\n"
                    "  description: ~\n")
    assert shape_problems([("partners", good), ("unknown", good)]) == []
    priorities = tmp_path / "priorities.yaml"
    priorities.write_text("- title: Mental health\n- summary: No title\n")
    assert shape_problems([("priorities", priorities)]) == [
        (priorities, 2, "item 2 of priorities.yaml has no 'title'",
         "an item is written '- title: ...', with 'summary: ...' on the lines below it, indented two spaces")]
