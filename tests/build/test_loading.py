"""Loading: what build, check and serve read (settings, content, themes, links in the file system) and the
whole-site checks made before anything renders (icsgen/build/loading.py), each mistake a message."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.sitemaker import BASIC_CONFIG, PROJECT, THEMES, basic_site, run, tree_digest


def _outside(tmp_path: Path) -> Path:
    """A folder beside the project holding what a link might pull in: a secret file and copies of the parts."""
    out = tmp_path / "outside"
    (out / "static/css").mkdir(parents=True)
    (out / "static/css/nhs.css").write_text(f"/* {SECRET} */")
    (out / "templates").mkdir()
    for template in (THEMES / "nhs/templates").rglob("*.html"):
        target = out / "templates" / template.relative_to(THEMES / "nhs/templates")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(template.read_text().replace("</body>", f"{SECRET}</body>"))
    (out / "secret.txt").write_text(f"root:{SECRET}:0:0\n")
    (out / "secret.yaml").write_text(f"- {SECRET}\n")
    (out / "page.md").write_text(f"---\ntitle: Secret\n---\n{SECRET}\n")
    (out / "region").mkdir()
    (out / "region/index.md").write_text(f"---\ntitle: {SECRET}\n---\n{SECRET}\n")
    (out / "theme.yaml").write_text("name: nhs\n")
    (out / "regions.yaml").write_text(BASIC_CONFIG.replace("Test ICS sites", SECRET))
    return out


def _swap(root: Path, rel: str, target: Path | str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    path.symlink_to(target)


SECRET = "TOP-SECRET-0f3c9a"


LINKS_OUT = [  # (the link, what it points at in the folder outside)
    ("content/alpha/data/passwd.yaml", "secret.yaml"),
    ("content/alpha/secret.md", "page.md"),
    ("content/alpha/about/secret.png", "secret.txt"),
    ("content/alpha/about/more", "region"),
    ("content/alpha/_theme/static", "static"),
    ("content/alpha/_theme/templates", "templates"),
    ("themes/nhs/static", "static"),
    ("themes/nhs/templates", "templates"),
    ("themes/nhs/templates/page.html", "templates/page.html"),
    ("themes/nhs/templates/partials", "templates/partials"),
    ("themes/nhs/theme.yaml", "theme.yaml"),
    ("content/alpha/data", "region"),
    ("content/_shared", "region"),
    ("content/alpha", "region"),
    ("content", "region"),
    ("themes", "templates"),
    ("regions.yaml", "regions.yaml"),
]


LOOPS = ["content/alpha/data/loop.yaml", "content/alpha/loop.md", "content/alpha/about/loop.png",
         "themes/nhs/static/loop.png", "themes/nhs/templates/loop.html", "content/beta", "content/_shared",
         "regions.yaml"]


BOMB = "".join([f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)])


def test_one_region_only_and_unknown_region(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    result = run(root, "build", "--region", "beta")
    assert result.exit_code == 0, result.output
    assert (root / "build/beta/index.html").exists() and not (root / "build/alpha").exists()
    result = run(root, "build", "--region", "alpah")
    assert result.exit_code == 1
    assert "regions.yaml: unknown region 'alpah' (did you mean 'alpha'?)" in result.output


def test_navigation_to_a_missing_page_is_an_error_in_regions_yaml(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    config = (root / "regions.yaml").read_text().replace("page: news/", "page: newz/")
    (root / "regions.yaml").write_text(config)
    result = run(root, "build")
    assert result.exit_code == 1
    assert "regions.yaml:12: navigation item 'News' points to 'newz/', which is not a page of region 'alpha' " \
           "(did you mean 'news/'?)" in result.output


def test_a_navigation_item_or_notice_naming_a_missing_page_suggests_the_page_meant(tmp_path: Path) -> None:
    """'partnrs.md' in nav: said 'give a path inside the region, e.g. about/index.md', to an editor who had
    given one and mistyped it; a link in a page with the same slip gets 'did you mean'. Now the nav and notices
    get it too."""
    root = basic_site(tmp_path)
    config = (root / "regions.yaml").read_text()
    assert "page: about/index.md" in config
    config = config.replace("page: about/index.md", "page: about/partner.md").replace(
        "    nav:\n", "    notices:\n      - {message: Closed today., link: abut/index.md, link_text: About us, "
        "start: 2026-01-01, end: 2099-12-31}\n    nav:\n", 1)
    (root / "regions.yaml").write_text(config)
    result = run(root, "build")
    assert result.exit_code == 1
    assert "points to 'about/partner.md', which is not a page of region 'alpha' (did you mean 'about/partners.md'?)" \
        in result.output
    assert "the notice's link 'abut/index.md' is not a page of region 'alpha' (did you mean 'about/index.md'?)" \
        in result.output


@pytest.mark.parametrize("link, target", LINKS_OUT, ids=[link for link, _ in LINKS_OUT])
def test_a_link_out_of_the_project_is_an_error_naming_the_link(tmp_path: Path, link: str, target: str) -> None:
    outside = _outside(tmp_path)
    root = basic_site(tmp_path / "site")
    assert run(root, "build").exit_code == 0
    before = tree_digest(root / "build")
    _swap(root, link, outside / target)
    for command in ("build", "check"):
        result = run(root, command)
        assert result.exit_code == 1, result.output
        message = (f"a link to '{outside / target}', which is outside the project folder: icsgen reads nothing "
                   "outside it (copy what it links to into the project folder, or replace the link with the file "
                   "itself)")
        assert next(line for line in result.output.splitlines() if "link to '" in line).endswith(message)
        assert result.output.startswith(f"{link}: ")
        assert len([line for line in result.output.splitlines() if line.startswith(("content", "themes", "regions"))]
                   ) == 1, result.output  # one mistake, one message: nothing rendered from what is left
        assert "Traceback" not in result.output and SECRET not in result.output
    assert tree_digest(root / "build") == before


HIDDEN = [  # (the link, the hidden file of the project it leads to)
    ("content/alpha/notes.txt", ".git/config"),
    ("content/alpha/papers/settings.pdf", ".env"),
    ("content/alpha/data/keys.yaml", ".github/keys.yaml"),
    ("content/alpha/_theme/static/css/ci.css", ".git/config"),
]


@pytest.mark.parametrize("link, target", HIDDEN, ids=[link for link, _ in HIDDEN])
def test_a_link_into_a_hidden_file_of_the_project_is_an_error_naming_the_link(tmp_path: Path, link: str,
                                                                               target: str) -> None:
    """Found by probing: a link in content/ to the project's own .git/config (where a CI checkout keeps the
    token it pushes with) or .env was followed, as it stays inside the project folder, and the file was
    published: a pull request could publish the deploy's secrets."""
    root = basic_site(tmp_path / "site")
    for hidden in (".git/config", ".env", ".github/keys.yaml"):
        (root / hidden).parent.mkdir(parents=True, exist_ok=True)
        (root / hidden).write_text(f'extraheader = "AUTHORIZATION: basic {SECRET}"\n')
    assert run(root, "build").exit_code == 0
    before = tree_digest(root / "build")
    _swap(root, link, Path(os.path.relpath(root / target, (root / link).parent)))
    for command in ("build", "check"):
        result = run(root, command)
        assert result.exit_code == 1, result.output
        assert result.output.startswith(f"{link}: ")
        assert f"a link to '{os.path.relpath(root / target, (root / link).parent)}', which leads to " \
               f"'{target}', a hidden file of the project: icsgen reads none of them" in result.output
        assert "Traceback" not in result.output and SECRET not in result.output
    assert tree_digest(root / "build") == before


@pytest.mark.parametrize("link", LOOPS)
def test_a_link_that_loops_is_an_error_naming_the_link(tmp_path: Path, link: str) -> None:
    root = basic_site(tmp_path)
    assert run(root, "build").exit_code == 0
    before = tree_digest(root / "build")
    _swap(root, link, Path(link).name)  # a link to itself
    result = run(root, "build")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (f"{link}: a link to '{Path(link).name}' that leads round in a loop "
                                             "(delete the link, or point it at the file itself)")
    assert len(result.output.splitlines()) == 2 and "unexpected" not in result.output
    assert tree_digest(root / "build") == before


def test_a_link_to_nothing_is_an_error_not_a_page_left_out(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    (root / "content/alpha/our-board.md").symlink_to("our-bored.md")
    result = run(root, "build")
    assert result.output.splitlines()[0] == ("content/alpha/our-board.md: a link to 'our-bored.md', which does not "
                                             "exist (delete the link, or point it at a file that exists)")


def test_links_that_stay_inside_the_project_keep_working(tmp_path: Path) -> None:
    root = basic_site(tmp_path, {"shared/board.md": "---\ntitle: Our board\n---\nThe board meets monthly.\n",
                                 "shared/partners.yaml": "- name: Linked Hospital\n  type: NHS trust\n",
                                 "content/alpha/people.md": "---\ntitle: People\n---\n"
                                 "{% for p in data.linked %}{{ p.name }}{% endfor %}\n"})
    (root / "content/alpha/board.md").symlink_to("../../shared/board.md")
    (root / "content/alpha/data/linked.yaml").symlink_to("../../../shared/partners.yaml")
    (root / "themes/nhs/templates/partials/footer-copy.html").symlink_to("footer.html")
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    assert "The board meets monthly." in (root / "build/alpha/board/index.html").read_text()
    assert "Linked Hospital" in (root / "build/alpha/people/index.html").read_text()


def test_a_date_that_does_not_exist_is_a_message_at_its_line(tmp_path: Path) -> None:
    root = basic_site(tmp_path, {"content/alpha/about/partners.md": "---\ntitle: Partners\nreviewed: 2026-02-30\n"
                                                                    "---\n## NHS trusts\n"})
    result = run(root, "build")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "content/alpha/about/partners.md:3: '2026-02-30' is not a real date or time (day is out of range for month) "
        "(write a date that exists as YYYY-MM-DD, e.g. 2026-02-28, or put the text in quotes)")
    assert len(result.output.splitlines()) == 2  # the page it is in is still there for the links to it


@pytest.mark.parametrize("rel, text, line", [
    ("content/alpha/about/partners.md", "---\ntitle: Partners\nextra:\n  a: &a [x,x,x,x,x,x,x,x,x]\n"
     + "".join("  " + row + "\n" for row in BOMB.splitlines()) + "---\nBody\n", 9),
    ("content/alpha/data/bomb.yaml", "a: &a [x,x,x,x,x,x,x,x,x]\n" + BOMB, 6),
    ("regions.yaml", BASIC_CONFIG + "    extra:\n      a: &a [x,x,x,x,x,x,x,x,x]\n"
     + "".join("      " + row + "\n" for row in BOMB.splitlines()), 26),
], ids=["front matter", "data file", "regions.yaml"])
def test_an_alias_bomb_is_a_message_not_gigabytes(tmp_path: Path, rel: str, text: str, line: int) -> None:
    """In a child with its memory limited, so that a bomb that goes off fails this test, not the machine."""
    root = basic_site(tmp_path, {rel: text})
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30)); "
    result = subprocess.run([sys.executable, "-c", limit + "from icsgen.cli.commands import main; main()", "build",
                             "--root", str(root)], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(PROJECT)})
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[0] == (f"{rel}:{line}: aliases ('*name') here repeat anchored values into more "
                                             "than 100,000 values (write the values out, or repeat them less)")


def test_bytes_that_are_not_utf8_are_named_at_their_line(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    (root / "content/alpha/data/partners.yaml").write_bytes("- name: Alpha Hospital\n  type: Café\n".encode("cp1252"))
    (root / "content/alpha/about/partners.md").write_bytes(
        "---\ntitle: Partners\n---\n## NHS trusts\n\nOpen 9–5.\n".encode("cp1252"))
    result = run(root, "build")
    assert result.output.splitlines()[:2] == [
        "content/alpha/about/partners.md:6: not valid UTF-8 text (byte 0x96 at column 7) (save the file as UTF-8; "
        "text pasted from a word processor or saved as Windows-1252 often has a '£' or a curly quote in another "
        "encoding)",
        "content/alpha/data/partners.yaml:2: not valid UTF-8 text (byte 0xe9 at column 12) (save the file as UTF-8; "
        "text pasted from a word processor or saved as Windows-1252 often has a '£' or a curly quote in another "
        "encoding)"]
    assert len(result.output.splitlines()) == 3  # links to the page still find it


def test_a_region_folder_missing_from_regions_yaml_is_an_error_with_the_nearest_id(tmp_path: Path) -> None:
    root = basic_site(tmp_path, {"content/bradford/index.md": "---\ntitle: Bradford\n---\nA day's work.\n"})
    result = run(root, "build")
    assert result.exit_code == 1
    assert result.output.splitlines()[:-1] == [
        "content/bradford: this folder is not a region in regions.yaml, so none of its pages would be published "
        "(add 'bradford:' under 'regions:' in regions.yaml, or rename the folder to a region's id)"]
    (root / "content/bradford").rename(root / "content/alpah")
    assert run(root, "check").output.splitlines()[0] == (
        "content/alpah: error: this folder is not a region in regions.yaml, so none of its pages would be published "
        "(did you mean 'alpha'? Add 'alpah:' under 'regions:' in regions.yaml, or move its pages)")


def test_a_misnamed_region_folder_is_one_message_not_one_per_navigation_item(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    (root / "content/alpha").rename(root / "content/alpah")
    result = run(root, "build")
    assert result.output.splitlines()[:-1] == [
        "content/alpah: this folder is not a region in regions.yaml, so none of its pages would be published "
        "(region 'alpha' has no folder: rename this folder content/alpha/, or add 'alpah:' under 'regions:' in "
        "regions.yaml)"]
    (root / "content/alpah").rename(root / "elsewhere")
    result = run(root, "build")
    assert [line for line in result.output.splitlines() if line.startswith("regions.yaml")] == [
        "regions.yaml:5: region 'alpha' has no folder content/alpha/ (create content/alpha/index.md)"]


@pytest.mark.parametrize("front", [
    "tilte: Partners\n",  # a misspelt title
    "title: Partners\ndate: 2024-02-30\n",  # a value YAML cannot make
    "title: Partners\nsummary: [unclosed\n",  # broken YAML
    "title: Partners\nweight: lots\n",
])
def test_a_mistake_in_front_matter_is_one_message_not_one_for_each_link_to_the_page(tmp_path: Path,
                                                                                   front: str) -> None:
    root = basic_site(tmp_path, {"content/alpha/about/partners.md": f"---\n{front}---\n## NHS trusts\n",
                                 "content/alpha/board.md": "---\ntitle: Board\n---\n[Partners](about/partners.md) "
                                 "and [trusts](about/partners.md#nhs-trusts)\n"})
    result = run(root, "build")
    assert result.exit_code == 1
    assert len(result.output.splitlines()) == 2, result.output
    assert result.output.startswith("content/alpha/about/partners.md:")


def test_a_theme_cannot_extend_a_folder_outside_themes(tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    root = basic_site(tmp_path / "site")
    (root / "themes/evil").mkdir()
    (root / "themes/evil/theme.yaml").write_text(f"name: evil\nextends: ../../{outside.name}\n")
    (root / "regions.yaml").write_text(BASIC_CONFIG.replace("  base_url:", "  theme: evil\n  base_url:"))
    result = run(root, "build")
    assert result.exit_code == 1 and SECRET not in result.output
    assert result.output.splitlines()[:-1] == [
        f"themes/evil/theme.yaml:2: 'extends' must name a theme folder in themes/, such as nhs, not "
        f"'../../{outside.name}' (a theme name uses only lower-case letters, digits and hyphens)"]


def test_a_missing_theme_is_one_message_not_one_per_region_and_template(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    (root / "regions.yaml").write_text(BASIC_CONFIG.replace("  base_url:", "  theme: nhs-new\n  base_url:"))
    assert run(root, "build").output.splitlines()[:-1] == [
        "regions.yaml:1: theme 'nhs-new' not found in themes/ (available: nhs)"]

