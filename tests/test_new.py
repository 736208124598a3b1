"""`icsgen new region|page|news`: files that build at once, regions.yaml edited as text, no overwrites."""

from __future__ import annotations

import datetime as dt
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from icsgen.check.sharing import image_size
from icsgen.cli.commands import main
from icsgen.config.safe_yaml import load_yaml
from icsgen.config.settings import load_config
from icsgen.new import ScaffoldError, insert_region, page_path, region_block, scalar
from icsgen.problems import Problems
from tests.support.links import find_broken_links
from tests.support.sitemaker import PROJECT, basic_site, run

TODAY = dt.date.today().isoformat()


def sample_copy(root: Path) -> Path:
    """The real sample project (settings, content, theme) copied to `root`."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT / "regions.yaml", root / "regions.yaml")
    shutil.copytree(PROJECT / "content", root / "content")
    shutil.copytree(PROJECT / "themes", root / "themes")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and "themes" not in p.parts}


# -- new region -------------------------------------------------------------------------------------


def test_new_region_keeps_the_file_builds_and_links_resolve(tmp_path: Path) -> None:
    root = sample_copy(tmp_path / "site")
    before = (root / "regions.yaml").read_text(encoding="utf-8")

    result = run(root, "new", "region", "west-yorkshire", "--name", "West Yorkshire")

    assert result.exit_code == 0, result.output
    after = (root / "regions.yaml").read_text(encoding="utf-8")
    assert after.startswith(before)  # every comment and region the editor wrote, untouched
    added = after[len(before):]
    assert added.startswith("\n  west-yorkshire:\n    # Added by 'icsgen new region'")
    assert "    name: West Yorkshire\n" in added
    problems = Problems(root)
    config = load_config(root, problems)
    assert config is not None and not problems.errors
    assert [r.id for r in config.regions][-1] == "west-yorkshire"
    assert "  changed  regions.yaml" in result.output
    assert "  created  content/west-yorkshire/index.md" in result.output
    assert result.output.rstrip().endswith("Preview it with: icsgen serve")

    out = tmp_path / "out"
    built = run(root, "build", "--out", str(out))
    assert built.exit_code == 0, built.output
    assert "west-yorkshire" not in built.output.replace("west-yorkshire 9", "")  # no warnings about it
    region = out / "west-yorkshire"
    for page in ("index.html", "about/index.html", "priorities/index.html", "partners/index.html",
                 "contact/index.html", "news/index.html", "accessibility/index.html"):
        assert (region / page).is_file(), page
    assert "Example Hospitals NHS Foundation Trust" in (region / "partners/index.html").read_text()
    assert "Help people stay well" in (region / "priorities/index.html").read_text()
    assert "enquiries@west-yorkshire.example.org" in (region / "contact/index.html").read_text()
    assert not (region / "news/welcome-to-our-new-website").exists()  # a draft
    # the sample's north-east-london is published on its own domain, where its 404 page's links start
    assert find_broken_links(out, served_at={"north-east-london/": "/"}) == []

    with_drafts = run(root, "build", "--out", str(out), "--drafts")
    assert with_drafts.exit_code == 0, with_drafts.output
    assert (region / "news/welcome-to-our-new-website/index.html").is_file()


def test_new_region_passes_icsgen_check_but_strict_until_its_placeholders_are_replaced(tmp_path: Path) -> None:
    root = sample_copy(tmp_path / "site")
    created = run(root, "new", "region", "west-yorkshire", "--name", "West Yorkshire")
    assert created.exit_code == 0
    assert "reported by 'icsgen check' until you replace it" in created.output
    result = run(root, "check", "--drafts")
    assert result.exit_code == 0, result.output
    mentions = [line for line in result.output.splitlines() if "west-yorkshire" in line]
    left = ": warning: placeholder text from 'icsgen new' is still here: "
    assert mentions and all(left in line for line in mentions), result.output
    marked = [(line.split(left)[0], line.split(left)[1].split("' (")[0].strip("'")) for line in mentions]
    assert ("content/west-yorkshire/index.md:10", "Replace this text with a short welcome. Say who the site...") \
        in marked
    assert ("content/west-yorkshire/data/partners.yaml:5", "name: Example Hospitals NHS Foundation Trust") in marked
    assert ("content/west-yorkshire/data/contacts.yaml:6", "email: enquiries@west-yorkshire.example.org") in marked
    assert any(where.startswith("regions.yaml:") and text == "email: enquiries@west-yorkshire.example.org"
               for where, text in marked)
    files = {where.split(":")[0] for where, _ in marked}
    assert files == {"regions.yaml", *(f"content/west-yorkshire/{name}" for name in (
        "index.md", "about/index.md", "data/partners.yaml", "data/priorities.yaml", "data/contacts.yaml",
        f"news/{TODAY}-welcome-to-our-new-website.md"))}
    strict = run(root, "check", "--region", "west-yorkshire", "--drafts", "--strict")
    assert strict.exit_code == 1, strict.output
    assert f"0 errors, {len(mentions)} warnings" in strict.output

    built = run(root, "build", "--out", str(tmp_path / "out"))  # the placeholders build, and do not show
    assert built.exit_code == 0, built.output
    home = (tmp_path / "out/west-yorkshire/index.html").read_text()
    assert "Replace this text with a short welcome." in home and "<!-- placeholder -->" in home

    # an editor replaces every placeholder: the text changes, and the marks go
    for path in [root / "regions.yaml", *(root / "content/west-yorkshire").rglob("*.*")]:
        if path.suffix == ".png":
            continue  # the share image, a plain card until the region has its own
        text = path.read_text(encoding="utf-8")
        text = text.replace("Replace this text with a short welcome.", "Welcome to our website.")
        text = text.replace(" <!-- placeholder -->", "").replace("  # placeholder", "")
        path.write_text(text, encoding="utf-8")
    strict = run(root, "check", "--region", "west-yorkshire", "--drafts", "--strict")
    assert strict.exit_code == 0, strict.output
    assert "0 errors, 0 warnings" in strict.output
    basic = basic_site(tmp_path / "basic")
    assert run(basic, "new", "region", "gamma", "--name", "Gamma").exit_code == 0
    checked = run(basic, "check", "--drafts")
    assert checked.exit_code == 0
    assert all("placeholder" in line for line in checked.output.splitlines() if "gamma" in line), checked.output


def test_new_page_and_news_mark_their_placeholders(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    assert run(root, "new", "page", "alpha", "about/our-board", "--title", "Our board").exit_code == 0
    assert run(root, "new", "news", "alpha", "--title", "Big news").exit_code == 0
    result = run(root, "check", "--drafts")
    left = "placeholder text from 'icsgen new' is still here"
    assert {line.split(": warning: ")[0] for line in result.output.splitlines() if left in line} == {
        "content/alpha/about/our-board.md:8", "content/alpha/about/our-board.md:12",
        f"content/alpha/news/{TODAY}-big-news.md:3", f"content/alpha/news/{TODAY}-big-news.md:8",
        f"content/alpha/news/{TODAY}-big-news.md:12",
    }


def test_new_region_options_and_awkward_names(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    result = run(root, "new", "region", "gamma", "--name", "Gamma: North # and South",
                 "--short-name", "Gamma", "--owner", "NHS Gamma ICB", "--base-url", "https://gamma.example.org")
    assert result.exit_code == 0, result.output
    problems = Problems(root)
    config = load_config(root, problems)
    assert config is not None and not problems.errors
    gamma = config.region("gamma")
    assert gamma is not None
    assert (gamma.name, gamma.short_name, gamma.owner) == ("Gamma: North # and South", "Gamma", "NHS Gamma ICB")
    assert gamma.base_url == "https://gamma.example.org/"
    home = (root / "content/gamma/index.md").read_text()
    assert "title: 'Health and care in Gamma: North # and South'" in home
    assert run(root, "build", "--out", str(tmp_path / "out")).exit_code == 0


@pytest.mark.parametrize(
    ("region_id", "message"),
    [
        ("West Yorkshire", "region id 'West Yorkshire' can only use lower-case letters, digits and single "
                           "hyphens (no spaces, dots or slashes), for example 'west-yorkshire'"),
        ("../evil", "region id '../evil' can only use lower-case letters"),
        ("/tmp/evil", "region id '/tmp/evil' can only use lower-case letters"),
        ("a--b", "region id 'a--b' can only use"),
        ("assets", "'assets' is used by icsgen itself; choose another region id"),
        ("_shared", "'_shared' is used by icsgen itself"),
        ("alpha", "region 'alpha' is already in regions.yaml; nothing was changed"),
    ],
)
def test_new_region_refuses_bad_or_taken_ids(tmp_path: Path, region_id: str, message: str) -> None:
    root = basic_site(tmp_path / "site")
    before = snapshot(root)
    result = run(root, "new", "region", region_id, "--name", "Anything")
    assert result.exit_code == 1
    assert f"Error: {message}" in result.output
    assert snapshot(root) == before


def test_new_region_refuses_an_existing_folder_and_changes_nothing(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", {"content/gamma/index.md": "---\ntitle: Mine\n---\n"})
    before = snapshot(root)
    result = run(root, "new", "region", "gamma", "--name", "Gamma")
    assert result.exit_code == 1
    assert "Error: content/gamma/ already exists; nothing was changed" in result.output
    assert snapshot(root) == before


def test_new_region_refuses_when_regions_yaml_is_already_broken(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    (root / "regions.yaml").write_text((root / "regions.yaml").read_text().replace("owner:", "ownr:", 1))
    before = snapshot(root)
    result = run(root, "new", "region", "gamma", "--name", "Gamma")
    assert result.exit_code == 1
    assert "regions.yaml has problems; fix them first:" in result.output
    assert "regions.yaml:7: unknown key 'ownr' in region settings (did you mean 'owner'?)" in result.output
    assert snapshot(root) == before


def test_new_region_needs_a_name(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    assert "Missing option '--name'" in run(root, "new", "region", "gamma").output
    assert "the region needs a name" in run(root, "new", "region", "gamma", "--name", "  ").output


# -- inserting into regions.yaml as text ------------------------------------------------------------

BLOCK = region_block("gamma", "Gamma", "Gamma", "NHS Gamma ICB", None, dt.date(2025, 1, 2))


def _ids(text: str) -> list[str]:
    return list(load_yaml(text)["regions"])


def test_insert_keeps_four_space_indentation_and_a_following_key() -> None:
    text = (
        "# top comment\n"
        "regions:\n"
        "    alpha:   # the first\n"
        "        name: Alpha\n"
        "        nav:\n"
        "            - {title: Home, page: index.md}\n"
        "    # a comment about beta\n"
        "    beta:\n"
        "        name: Beta\n"
        "\n"
        "# site settings come last in this file\n"
        "site:\n"
        "    title: T\n"
        "    base_url: https://t.example.org/\n"
    )
    out = insert_region(text, BLOCK)
    assert _ids(out) == ["alpha", "beta", "gamma"]
    assert "\n    gamma:\n        # Added by" in out
    assert "\n        contact:\n            email: enquiries@gamma.example.org  # placeholder\n" in out
    assert "\n            - {title: About us, page: about/index.md}\n" in out
    assert out.endswith("\n# site settings come last in this file\nsite:\n    title: T\n    base_url: https://t.example.org/\n")
    inserted = out[out.index("\n    gamma:") + 1 : out.index("\n# site settings")]
    assert out.replace(inserted, "", 1).replace("\n\n\n", "\n\n") == text
    assert load_yaml(out)["regions"]["gamma"]["check"]["abbreviations"]["NHS"] == "National Health Service"


def test_insert_into_crlf_file_without_final_newline() -> None:
    text = "site:\r\n  title: T\r\nregions:\r\n  alpha:\r\n    name: Alpha"
    out = insert_region(text, BLOCK)
    assert _ids(out) == ["alpha", "gamma"]
    assert out.startswith(text + "\r\n\r\n  gamma:\r\n")
    assert "\n" not in out.replace("\r\n", "")


@pytest.mark.parametrize("empty", ["regions:\n", "regions: {}\n", "regions:   # none yet\n"])
def test_insert_into_empty_regions(empty: str) -> None:
    out = insert_region("site:\n  title: T\n" + empty, BLOCK)
    assert _ids(out) == ["gamma"]
    assert out.startswith("site:\n  title: T\nregions:")
    if "#" in empty:
        assert "# none yet" in out


def test_insert_refuses_regions_written_inline() -> None:
    with pytest.raises(ScaffoldError, match="written on one line"):
        insert_region("regions: {alpha: {name: A}}\n", BLOCK)
    with pytest.raises(ScaffoldError, match="no 'regions:' line"):
        insert_region("site:\n  title: T\n", BLOCK)


def test_scalar_quotes_only_when_it_must() -> None:
    assert scalar("About us") == "About us"
    assert scalar("Note: read this") == "'Note: read this'"
    assert scalar("#1 priority") == "'#1 priority'"
    assert scalar("yes") == "'yes'"
    assert scalar("It's ours") == "It's ours"
    for value in ("Note: read this", "#1", "yes", "It's 'quoted'", "Café 2024-01-01", "- dash"):
        assert load_yaml(f"k: {scalar(value)}\n")["k"] == value


# -- new page ---------------------------------------------------------------------------------------


def test_new_page_named_like_a_folder_of_pages_becomes_that_folders_own_page(tmp_path: Path) -> None:
    """`new page alpha news-archive` beside a folder news-archive/ of pages made news-archive.md, which
    clashed with the folder's own address at once; it is the folder's index.md."""
    root = basic_site(tmp_path / "site", {"content/alpha/board/members.md": "---\ntitle: Members\n---\nWho.\n"})
    made = run(root, "new", "page", "alpha", "board", "--title", "Our board")
    assert made.exit_code == 0, made.output
    assert (root / "content/alpha/board/index.md").is_file() and not (root / "content/alpha/board.md").exists()
    checked = run(root, "check")
    assert checked.exit_code == 0 and "0 errors" in checked.output, checked.output


def test_new_page_inside_a_page_that_is_not_yet_a_folder_says_what_to_move(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    before = (root / "content/alpha/about/partners.md").read_text()
    refused = run(root, "new", "page", "alpha", "about/partners/nhs", "--title", "NHS partners")
    assert refused.exit_code == 1
    assert "content/alpha/about/partners.md would clash with the new folder 'about/partners/'" in refused.output
    assert "move it to about/partners/index.md first" in refused.output
    assert (root / "content/alpha/about/partners.md").read_text() == before
    assert not (root / "content/alpha/about/partners").exists()


def test_a_page_beside_a_folder_of_pages_is_reported_at_the_page(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", {"content/alpha/board/members.md": "---\ntitle: Members\n---\nWho.\n",
                                          "content/alpha/board.md": "---\ntitle: Board\n---\nThe board.\n"})
    checked = run(root, "check")
    assert checked.exit_code == 1
    assert ("content/alpha/board.md:1: error: this page and the folder 'alpha/board/' beside it would both be "
            "published at /alpha/board/ (move this page into the folder as board/index.md") in checked.output


def test_new_page_builds_and_says_how_to_link_to_it(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    result = run(root, "new", "page", "alpha", "about/our-board", "--title", "Our board: who sits on it")
    assert result.exit_code == 0, result.output
    path = root / "content/alpha/about/our-board.md"
    text = path.read_text()
    assert text.startswith("---\ntitle: 'Our board: who sits on it'\n")
    assert f"reviewed: {TODAY}\n" in text
    assert "  created  content/alpha/about/our-board.md" in result.output
    assert "[Our board: who sits on it](about/our-board.md)" in result.output
    assert "page: about/our-board.md}' under 'nav:'" in result.output
    assert "Preview it with: icsgen serve" in result.output

    nested = run(root, "new", "page", "alpha", "services/mental-health/talking-therapies.md", "--title", "Talking")
    assert nested.exit_code == 0, nested.output
    assert (root / "content/alpha/services/mental-health/talking-therapies.md").is_file()

    out = tmp_path / "out"
    built = run(root, "build", "--out", str(out))
    assert built.exit_code == 0, built.output
    assert "Our board: who sits on it" in (out / "alpha/about/our-board/index.html").read_text()
    assert (out / "alpha/services/mental-health/talking-therapies/index.html").is_file()
    assert find_broken_links(out) == []


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("../beta/hijack", "'../beta/hijack' goes outside the region ('..' is not allowed)"),
        ("about/../../x", "'about/../../x' goes outside the region"),
        ("/etc/passwd", "'/etc/passwd' is an absolute path; give a path inside the region"),
        ("C:/x", "'C:/x' is an absolute path"),
        ("about/Our Board", "'Our Board' in 'about/Our Board' can only use lower-case letters, digits and "
                            "single hyphens (no spaces), for example 'our-board'"),
        ("data/partners", "'data/' is not a folder for pages; choose another path"),
        ("_theme/x", "'_theme' in '_theme/x' can only use"),
        ("index", "'index' is the region's home page; choose another path"),
        ("", "the page path is empty"),
        ("news/big-news", "news posts are dated; use: icsgen new news alpha --title Anything"),
        ("about/index", "content/alpha/about/index.md already exists; nothing was changed"),
    ],
)
def test_new_page_refuses_bad_paths(tmp_path: Path, path: str, message: str) -> None:
    root = basic_site(tmp_path / "site")
    before = snapshot(root)
    result = run(root, "new", "page", "alpha", path, "--title", "Anything")
    assert result.exit_code == 1
    assert f"Error: {message}" in result.output
    assert snapshot(root) == before


def test_unknown_region_names_the_nearest(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    result = run(root, "new", "page", "alpah", "about/x", "--title", "X")
    assert result.exit_code == 1
    assert "Error: there is no region 'alpah' in regions.yaml (did you mean 'alpha'?)" in result.output
    far = run(root, "new", "news", "zzz", "--title", "X")
    assert "Error: there is no region 'zzz' in regions.yaml (the regions are: alpha, beta)" in far.output


# -- new news ---------------------------------------------------------------------------------------


def test_new_news_is_a_dated_draft(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    result = run(root, "new", "news", "alpha", "--title", "New walk-in centre opens!")
    assert result.exit_code == 0, result.output
    path = root / f"content/alpha/news/{TODAY}-new-walk-in-centre-opens.md"
    text = path.read_text()
    assert text.startswith("---\ntitle: New walk-in centre opens!\nsummary: ")
    assert f"\ndate: {TODAY}\ndraft: true\n---\n" in text
    assert "It is a draft" in result.output

    again = run(root, "new", "news", "alpha", "--title", "New walk-in centre opens!")
    assert again.exit_code == 1
    assert f"Error: content/alpha/news/{TODAY}-new-walk-in-centre-opens.md already exists" in again.output

    out = tmp_path / "out"
    assert run(root, "build", "--out", str(out)).exit_code == 0
    assert not (out / "alpha/news/new-walk-in-centre-opens").exists()
    assert run(root, "build", "--out", str(out), "--drafts").exit_code == 0
    assert (out / "alpha/news/new-walk-in-centre-opens/index.html").is_file()


def test_new_news_in_a_region_without_news_makes_the_news_section(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    result = run(root, "new", "news", "beta", "--title", "A very long headline " * 8, "--date", "2030-01-31")
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in (root / "content/beta/news").iterdir())
    assert files[1] == "index.md"
    assert files[0].startswith("2030-01-31-a-very-long-headline-a-very")
    assert len(files[0]) <= len("2030-01-31-") + 60 + len(".md")
    assert "It is dated 2030-01-31, so it appears on that day's build (or with --future)." in result.output
    assert run(root, "build", "--out", str(tmp_path / "out"), "--drafts", "--future").exit_code == 0


def test_page_path_rules() -> None:
    assert page_path("about/our-board").as_posix() == "about/our-board.md"
    assert page_path("about/our-board.md").as_posix() == "about/our-board.md"
    assert page_path("./about//x/").as_posix() == "about/x.md"
    assert page_path("news/index").as_posix() == "news/index.md"


def test_new_group_help_lists_the_commands() -> None:
    result = CliRunner().invoke(main, ["new", "--help"])
    assert result.exit_code == 0
    for name in ("region", "page", "news"):
        assert f"  {name}" in result.output


# -- icsgen init ------------------------------------------------------------------------------------


def test_init_starts_a_site_that_builds_and_passes_strict_checks_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "west-yorkshire"
    made = CliRunner().invoke(main, ["init", str(folder), "--name", "West Yorkshire"], prog_name="icsgen")
    assert made.exit_code == 0, made.output
    assert (folder / ".gitignore").read_text().count("/build/") == 1
    assert "west-yorkshire:" in (folder / "regions.yaml").read_text()
    checked = CliRunner().invoke(main, ["check", "--strict", "--root", str(folder)], prog_name="icsgen")
    assert checked.exit_code == 0, checked.output
    assert "0 errors, 0 warnings" in checked.output
    built = CliRunner().invoke(main, ["build", "--root", str(folder)], prog_name="icsgen")
    assert built.exit_code == 0, built.output
    home = (folder / "build/west-yorkshire/index.html").read_text()
    assert "Health and care in West Yorkshire" in home
    assert (folder / "build/west-yorkshire/accessibility/index.html").is_file()
    # a shared link shows a picture at once: the starter card, 1200 x 630, with its alt text
    assert '<meta property="og:image" content="https://www.west-yorkshire.example.org/west-yorkshire/images/' \
           'share.png">' in home and '<meta property="og:image:alt" content="Health and care, in white' in home
    assert image_size(folder / "content/west-yorkshire/images/share.png") == (1200, 630)


def test_the_commands_init_prints_work_when_pasted_into_a_shell(tmp_path: Path) -> None:
    """A folder name with a space or a quote, as people name folders, printed so a shell reads it whole."""
    folder = tmp_path / "Bradford & Craven's site"
    made = CliRunner().invoke(main, ["init", str(folder), "--region", "bradford"], prog_name="icsgen")
    assert made.exit_code == 0, made.output
    line = next(line for line in made.output.splitlines() if line.startswith("Build it with: "))
    command = shlex.split(line.removeprefix("Build it with: "))
    assert command[:3] == ["icsgen", "build", "--root"] and command[3] == str(folder)
    built = CliRunner().invoke(main, [*command[1:], "--no-search"], prog_name="icsgen")
    assert built.exit_code == 0, built.output
    # a build stopped half-way leaves .build.staging-PID beside build/: never committed either
    ignored = (folder / ".gitignore").read_text().splitlines()
    assert "/build/" in ignored and any(pattern.startswith("/.build.") for pattern in ignored)


def test_init_takes_the_region_from_the_folder_name(tmp_path: Path) -> None:
    made = CliRunner().invoke(main, ["init", str(tmp_path / "humber-and-north-yorkshire")], prog_name="icsgen")
    assert made.exit_code == 0, made.output
    text = (tmp_path / "humber-and-north-yorkshire/regions.yaml").read_text()
    assert "humber-and-north-yorkshire:" in text and "name: Humber and North Yorkshire" in text


def test_init_never_writes_into_a_folder_that_holds_anything(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    refused = CliRunner().invoke(main, ["init", str(folder)], prog_name="icsgen")
    assert refused.exit_code == 1
    assert "not an empty folder; nothing was changed" in refused.output
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    bad = CliRunner().invoke(main, ["init", str(tmp_path / "x"), "--region", "Not An Id"], prog_name="icsgen")
    assert bad.exit_code == 1 and not (tmp_path / "x" / "regions.yaml").exists()


@pytest.mark.parametrize("link", ["content/alpha", "content/alpha/about", "content"])
def test_new_writes_nothing_through_a_link_out_of_the_project(tmp_path: Path, link: str) -> None:
    root = basic_site(tmp_path / "site")
    outside = tmp_path / "outside"
    shutil.move(root / link, outside)
    (root / link).symlink_to(outside, target_is_directory=True)
    before = sorted(p.relative_to(outside) for p in outside.rglob("*"))
    for args in (("page", "alpha", "about/board", "--title", "Board"), ("news", "alpha", "--title", "Hello"),
                 ("region", "gamma", "--name", "Gamma")):
        result = run(root, "new", *args)
        if (link == "content/alpha/about" and args[0] != "page") or (link == "content/alpha" and args[0] == "region"):
            assert result.exit_code == 0, result.output  # nothing it writes goes through the link
            continue
        assert result.exit_code == 1, (args, result.output)
        assert f"Error: {link} is a link to '{outside}', outside the project folder: icsgen writes nothing " \
               "outside it; nothing was changed" in result.output
        assert "Traceback" not in result.output
    assert sorted(p.relative_to(outside) for p in outside.rglob("*")) == before


def test_new_news_spells_a_headlines_accents_apostrophes_and_ampersands_as_plain_letters(tmp_path: Path) -> None:
    """'Café & children’s clinic opens' was named ...-caf-children-s-clinic-opens.md, published at
    news/caf-children-s-clinic-opens/: a mangled address the editor must then rename (and redirect)."""
    root = basic_site(tmp_path / "site")
    result = run(root, "new", "news", "alpha", "--title", "Café & children’s clinic opens in Ünïon Street")
    assert result.exit_code == 0, result.output
    made = f"content/alpha/news/{TODAY}-cafe-and-childrens-clinic-opens-in-union-street.md"
    assert f"created  {made}" in result.output
    assert (root / made).read_text().startswith("---\ntitle: Café & children’s clinic opens in Ünïon Street\n")
    out = tmp_path / "out"
    assert run(root, "build", "--out", str(out), "--drafts").exit_code == 0
    assert (out / "alpha/news/cafe-and-childrens-clinic-opens-in-union-street/index.html").is_file()
