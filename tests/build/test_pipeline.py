"""Building small real sites through the command line and checking what an editor would see."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.links import find_broken_links
from tests.support.sitemaker import basic_site, leftovers, run, tree_digest, write_site


def test_builds_hub_regions_pretty_urls_and_extras(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    assert re.search(r"Built 9 pages \(alpha 7, beta 2\) into .* in \d+\.\d\d s", result.output)
    out = root / "build"
    for rel in [
        "index.html", "404.html", "robots.txt", "sitemap.xml",
        "alpha/index.html", "alpha/about/index.html", "alpha/about/partners/index.html",
        "alpha/news/index.html", "alpha/news/first/index.html", "alpha/news/feed.xml", "alpha/sitemap.xml",
        "alpha/accessibility/index.html", "beta/accessibility/index.html", "beta/index.html",
    ]:
        assert (out / rel).is_file(), rel
    assert find_broken_links(out) == []


def test_page_title_names_the_region_and_links_are_relative(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    assert run(root, "build").exit_code == 0
    html = (root / "build/alpha/about/partners/index.html").read_text()
    assert "<title>Partners - Alpha Health and Care</title>" in html
    hrefs = re.findall(r'href="([^"]+)"', html)
    internal = [h for h in hrefs if not h.startswith(("https:", "mailto:", "tel:", "#"))]
    assert internal and all(not h.startswith("/") for h in internal)
    assert 'href="../../../beta/index.html"' in html  # a cross-region link, rewritten from /beta/index.md


def test_shared_pages_get_region_variables_and_a_region_can_replace_one(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    (root / "content/beta/accessibility.md").write_text("---\ntitle: Beta's own statement\n---\nOurs.\n")
    assert run(root, "build").exit_code == 0
    alpha = (root / "build/alpha/accessibility/index.html").read_text()
    assert "This statement is for Alpha Health and Care. Email hello@alpha.example.org." in alpha
    beta = (root / "build/beta/accessibility/index.html").read_text()
    assert "Beta&#39;s own statement" in beta and "This statement is for" not in beta


def test_news_listing_is_newest_first_and_feed_is_absolute(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    assert run(root, "build").exit_code == 0
    listing = (root / "build/alpha/news/index.html").read_text()
    assert listing.index("Second post") < listing.index("First post")
    feed = (root / "build/alpha/news/feed.xml").read_text()
    assert "<id>https://test.example.org/alpha/news/second/</id>" in feed
    assert feed.index("Second post") < feed.index("First post")


def test_news_is_paginated(tmp_path: Path) -> None:
    posts = {
        f"content/alpha/news/2024-03-{d:02d}-post-{d}.md": f"---\ntitle: Post {d}\ndate: 2024-03-{d:02d}\n---\nText.\n"
        for d in range(1, 24)
    }
    root = basic_site(tmp_path)
    write_site(root, posts, config=None, theme=False)
    assert run(root, "build").exit_code == 0
    out = root / "build/alpha/news"
    assert (out / "page/2/index.html").is_file() and (out / "page/3/index.html").is_file()
    assert not (out / "page/4").exists()  # 25 posts at 10 a page
    first = (out / "index.html").read_text()
    assert "Post 23" in first and "Post 13" not in first
    assert "(page 2 of 3)" in (out / "page/2/index.html").read_text()
    assert find_broken_links(root / "build") == []


def test_drafts_and_future_posts_are_left_out_unless_asked_for(tmp_path: Path) -> None:
    root = basic_site(tmp_path, {
        "content/alpha/news/2024-01-20-draft.md": "---\ntitle: Draft post\ndate: 2024-01-20\ndraft: true\n---\nx\n",
        "content/alpha/news/2999-01-01-future.md": "---\ntitle: Future post\ndate: 2999-01-01\n---\nx\n",
    })
    assert run(root, "build").exit_code == 0
    listing = (root / "build/alpha/news/index.html").read_text()
    assert "Draft post" not in listing and "Future post" not in listing
    assert not (root / "build/alpha/news/draft").exists()
    assert run(root, "build", "--drafts", "--future").exit_code == 0
    listing = (root / "build/alpha/news/index.html").read_text()
    assert "Draft post" in listing and "Future post" in listing


def test_every_problem_is_listed_with_file_and_line_and_the_old_build_is_kept(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    assert run(root, "build").exit_code == 0
    before = tree_digest(root / "build")
    write_site(root, {
        "content/alpha/about/index.md": "---\ntitle: About us\nsummary: [unclosed\n---\nBody\n",
        "content/alpha/no-title.md": "---\nsummary: No title here\n---\nBody\n",
        "content/alpha/links.md":
            "---\ntitle: Links\n---\nOne\n\nSee [gone](gone.md) and [anchor](about/partners.md#nope).\n",
        "content/alpha/data/contacts.yaml": "a: 1\na: 2\n",
    }, config=None, theme=False)
    result = run(root, "build")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert "content/alpha/about/index.md:3: a '[' that is not closed with ']' on the same line (close it with ']', " \
        "or put text that starts with a bracket in quotes; YAML said: did not find expected ',' or ']' " \
        "(while parsing a flow sequence))" in lines
    assert "content/alpha/no-title.md:1: 'title' is required in front matter " \
        "(every page needs a title, e.g. 'title: About us')" in lines
    assert "content/alpha/links.md:6: link to 'gone.md': no page 'alpha/gone.md' (from content/)" in lines
    assert any(line.startswith("content/alpha/links.md:6: no heading or anchor '#nope' on 'alpha/about/partners.md'")
               for line in lines)
    assert "content/alpha/data/contacts.yaml:2: duplicate key 'a' (first given on line 1)" in lines
    assert lines[-1].startswith("Build failed; the previous site was left as it was:")
    assert tree_digest(root / "build") == before
    assert leftovers(tmp_path) == []  # no staging folder left behind


def test_template_errors_name_the_template_file_and_line(tmp_path: Path) -> None:
    root = basic_site(tmp_path, {"content/alpha/odd.md": "---\ntitle: Odd\ntemplate: nonesuch\n---\nx\n"})
    override = root / "content/beta/_theme/templates/home.html"
    override.parent.mkdir(parents=True)
    override.write_text('{% extends "base.html" %}\n{% block content %}\n{{ page.no_such_thing }}\n{% endblock %}\n')
    result = run(root, "build")
    assert result.exit_code == 1
    assert "content/alpha/odd.md:3: unknown template 'nonesuch' (available: " in result.output
    assert "content/beta/_theme/templates/home.html:3: template error: 'page' has no " \
        "attribute 'no_such_thing'" in result.output
    assert "(first seen on beta/index.md)" in result.output


def test_a_region_overrides_one_template_and_one_static_file_without_copying_the_theme(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    write_site(root, {
        "content/beta/_theme/templates/page.html":
            '{% extends "base.html" %}{% block content %}<p class="beta-only">{{ page.title }}</p>{% endblock %}',
        "content/beta/_theme/static/css/nhs.css": "body { color: #212b32; } /* beta */",
        "content/beta/other.md": "---\ntitle: Other\n---\nx\n",
    }, config=None, theme=False)
    assert run(root, "build").exit_code == 0
    assert '<p class="beta-only">Other</p>' in (root / "build/beta/other/index.html").read_text()
    assert "beta-only" not in (root / "build/alpha/about/partners/index.html").read_text()
    beta_css = list((root / "build/beta/assets/css").glob("nhs.*.css"))
    alpha_css = list((root / "build/alpha/assets/css").glob("nhs.*.css"))
    assert len(beta_css) == 1 and "/* beta */" in beta_css[0].read_text()
    assert alpha_css[0].name != beta_css[0].name  # different content, different hashed name


def test_a_theme_can_extend_another(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    child = root / "themes/partnership"
    (child / "templates").mkdir(parents=True)
    (child / "theme.yaml").write_text("name: partnership\nextends: nhs\n")
    (child / "templates/home.html").write_text(
        '{% extends "base.html" %}{% block content %}<p id="child-theme">{{ page.title }}</p>{% endblock %}'
    )
    config = (root / "regions.yaml").read_text().replace("    name: Beta Partnership\n",
                                                         "    name: Beta Partnership\n    theme: partnership\n")
    (root / "regions.yaml").write_text(config)
    assert run(root, "build").exit_code == 0
    assert '<p id="child-theme">Welcome to Beta</p>' in (root / "build/beta/index.html").read_text()
    assert "child-theme" not in (root / "build/alpha/index.html").read_text()
    assert (root / "build/beta/about").exists() is False  # beta has no about section
    assert (root / "build/beta/accessibility/index.html").is_file()  # parent's page template still used


def test_css_names_carry_a_content_hash(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    assert run(root, "build").exit_code == 0
    css = list((root / "build/alpha/assets/css").glob("*.css"))
    assert css and all(re.fullmatch(r"[\w-]+\.[0-9a-f]{10}\.css", p.name) for p in css)
    linked = re.search(r'<link rel="stylesheet" href="([^"]+)"', (root / "build/alpha/index.html").read_text())
    assert linked and (root / "build/alpha" / linked.group(1)).is_file()


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    assert run(root, "build", "--out", str(tmp_path / "one")).exit_code == 0
    assert run(root, "build", "--out", str(tmp_path / "two"), "--jobs", "2").exit_code == 0
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


def test_duplicate_urls_are_an_error(tmp_path: Path) -> None:
    root = basic_site(tmp_path, {"content/alpha/about/index.md": "---\ntitle: About\n---\nx\n",
                             "content/alpha/team.md": "---\ntitle: Team\nslug: partners-x\n---\nx\n",
                             "content/alpha/Team Page.md": "---\ntitle: Team again\n---\nx\n",
                             "content/alpha/team-page.md": "---\ntitle: Team page\n---\nx\n"})
    result = run(root, "build")
    assert result.exit_code == 1
    assert "would both be written to /alpha/team-page/" in result.output


def test_a_slug_cannot_escape_the_output_folder(tmp_path: Path) -> None:
    root = basic_site(tmp_path, {"content/alpha/evil.md": "---\ntitle: Evil\nslug: ../../etc\n---\nx\n"})
    result = run(root, "build")
    assert result.exit_code == 1
    assert "content/alpha/evil.md:3: 'slug' must use only lower-case letters, digits and single hyphens" \
        in result.output
    assert not (tmp_path / "etc").exists()


def test_refuses_to_replace_a_folder_it_did_not_make(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("an editor's notes")
    result = run(root, "build", "--out", str(precious))
    assert result.exit_code == 1
    assert "was not made by icsgen, so it will not be replaced" in result.output
    assert (precious / "notes.txt").read_text() == "an editor's notes"
    result = run(root, "build", "--out", str(root / "content"))
    assert result.exit_code == 1 and (root / "content/alpha/index.md").exists()


def test_a_region_on_its_own_domain_deploys_alone(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    config = (root / "regions.yaml").read_text().replace(
        "    name: Beta Partnership\n", "    name: Beta Partnership\n    base_url: https://beta.example.net/\n")
    (root / "regions.yaml").write_text(config)
    assert run(root, "build").exit_code == 0
    alpha = (root / "build/alpha/about/partners/index.html").read_text()
    assert 'href="https://beta.example.net/"' in alpha or 'href="https://beta.example.net/index.html"' in alpha
    beta = (root / "build/beta/index.html").read_text()
    assert 'href="https://test.example.org/alpha/' in beta
    assert '<link rel="canonical" href="https://beta.example.net/">' in beta
    assert find_broken_links(root / "build/beta") == []
    beta_map = (root / "build/beta/sitemap.xml").read_text()
    assert "<loc>https://beta.example.net/</loc>" in beta_map and "/beta/" not in beta_map
    alpha_map = (root / "build/alpha/sitemap.xml").read_text()
    assert "<loc>https://test.example.org/alpha/about/partners/</loc>" in alpha_map


def test_missing_title_in_a_news_post_and_missing_date(tmp_path: Path) -> None:
    root = basic_site(tmp_path, {"content/alpha/news/undated.md": "---\ntitle: Undated\n---\nx\n"})
    result = run(root, "build")
    assert result.exit_code == 1
    assert "content/alpha/news/undated.md:1: a news post needs a 'date' (add 'date: YYYY-MM-DD' to the front matter)" \
        in result.output


def test_editor_temp_files_are_ignored(tmp_path: Path) -> None:
    root = basic_site(tmp_path)
    write_site(root, {
        "content/alpha/.index.md.swp": "junk", "content/alpha/index.md~": "junk",
        "content/alpha/#index.md#": "junk", "content/alpha/4913": "junk",
    }, config=None, theme=False)
    assert run(root, "build").exit_code == 0
    names = {p.name for p in (root / "build/alpha").iterdir()}
    assert not names & {".index.md.swp", "index.md~", "#index.md#", "4913"}


def test_back_to_back_full_builds_each_replace_the_site(tmp_path: Path) -> None:
    """The replaced site is deleted in the background; the next build must not trip over it."""
    root = basic_site(tmp_path)
    for _ in range(4):
        result = run(root, "build", "--no-cache")
        assert result.exit_code == 0, result.output
    assert (root / "build/alpha/index.html").is_file()


def test_one_worker_and_two_workers_write_the_same_site(tmp_path: Path) -> None:
    """Pages must not depend on which worker rendered what before them (folders with no index.md included)."""
    parts = "".join(f"## Part {i}\n\nText.\n\n" for i in range(4))
    pages = {f"content/alpha/topics/t{n % 7}/p{n}.md": f"---\ntitle: Page {n}\n---\n{parts}" for n in range(80)}
    root = basic_site(tmp_path / "site", pages)
    digests = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        result = run(root, "build", "--no-cache", "--jobs", jobs, "--out", str(out))
        assert result.exit_code == 0, result.output
        digests.append(tree_digest(out))
    assert digests[0] == digests[1]
    assert "topics/t3/index.html" in "\n".join(digests[0])


SECRET = "TOP-SECRET-0f3c9a"


def as_editor() -> list[str]:
    """A command prefix that makes file permissions count: root reads anything, so as root the build
    runs without the capabilities that let it (setpriv); elsewhere it runs as it is."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("as root, permissions can only be tested with setpriv")
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"]


def replace_by(path: Path, kind: str) -> None:
    if path.exists():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "folder":
        path.mkdir()
        (path / "notes.txt").write_text("x")
    elif kind == "pipe":
        os.mkfifo(path)
    else:
        path.write_text("x")
        path.chmod(0)


REFUSED = {  # what is done to the project, whether permissions must count, and what check and build say
    "regions.yaml is a folder": (lambda root: replace_by(root / "regions.yaml", "folder"), False,
                                 "regions.yaml: cannot read: it is a folder, not a file (rename or remove the folder)"),
    "regions.yaml is a pipe": (lambda root: replace_by(root / "regions.yaml", "pipe"), False,
                               "regions.yaml: cannot read: it is not an ordinary file (a pipe, socket or device) "
                               "(replace it with an ordinary file)"),
    "regions.yaml unreadable": (lambda root: (root / "regions.yaml").chmod(0), True,
                                "regions.yaml: cannot read: permission denied"),
    "a data file is a folder": (lambda root: replace_by(root / "content/alpha/data/team.yaml", "folder"), False,
                                "content/alpha/data/team.yaml: a folder, not a data file"),
    "a data file is a pipe": (lambda root: replace_by(root / "content/alpha/data/team.yaml", "pipe"), False,
                              "content/alpha/data/team.yaml: cannot read: it is not an ordinary file"),
    "a data file unreadable": (lambda root: (root / "content/alpha/data/partners.yaml").chmod(0), True,
                               "content/alpha/data/partners.yaml: cannot read: permission denied (check the "
                               "permissions of the file and its folders (ls -l))"),
    "a page unreadable": (lambda root: (root / "content/alpha/about/index.md").chmod(0), True,
                          "content/alpha/about/index.md: cannot read: permission denied"),
    "a static file unreadable": (lambda root: replace_by(root / "content/alpha/img/logo.png", "unreadable"), True,
                                 "content/alpha/img/logo.png: cannot read: permission denied"),
    "a template unreadable": (lambda root: (root / "themes/nhs/templates/page.html").chmod(0), True,
                              "themes/nhs/templates/page.html: cannot read: permission denied"),
    "a stylesheet unreadable": (lambda root: (root / "themes/nhs/static/css/nhs.css").chmod(0), True,
                                "themes/nhs/static/css/nhs.css: cannot read: permission denied"),
    "a static file named a\\b.png": (
        lambda root: write_site(root, {"content/alpha/img/a\\b.png": "x"}, None, False), False,
        "content/alpha/img/a\\b.png: the file name 'a\\b.png' has a backslash (\\), which web addresses cannot "
        "hold (rename the file, for example to 'a-b.png')"),
    "a document named with a #": (
        lambda root: write_site(root, {"content/alpha/img/board paper #3.pdf": "x"}, None, False), False,
        "content/alpha/img/board paper #3.pdf: the file name 'board paper #3.pdf' has a '#', which ends the path of "
        "a web address, so no link reaches the file (rename the file, for example to 'board-paper-3.pdf')"),
}


@pytest.mark.parametrize("case", list(REFUSED), ids=list(REFUSED))
def test_a_file_the_system_refuses_is_named_plainly_by_check_and_build(tmp_path: Path, case: str) -> None:
    """Exit 1 and a `file: message (hint)`, never a traceback or a wait for ever; the last site stays as it was."""
    change, permissions, said = REFUSED[case]
    root = basic_site(tmp_path / "site")
    assert run(root, "build").exit_code == 0
    before = tree_digest(root / "build")
    change(root)
    prefix = as_editor() if permissions else []
    for command in ("check", "build"):
        done = subprocess.run([*prefix, sys.executable, "-m", "icsgen", command, "--root", "."], cwd=root,
                              capture_output=True, text=True, timeout=120)
        shown = done.stdout + done.stderr
        assert done.returncode == 1, f"{command} exited with {done.returncode}: {shown}"
        assert said in shown.replace(": error: ", ": "), shown
        assert "Traceback" not in shown and "unexpected error" not in shown
    assert tree_digest(root / "build") == before
    assert leftovers(tmp_path / "site") == []


def test_a_file_that_goes_away_while_the_build_runs_is_named(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", {"content/alpha/img/logo.png": "a picture"})
    process = subprocess.Popen([sys.executable, "-m", "icsgen", "build", "--root", str(root)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env={**os.environ, "ICSGEN_TEST_PAUSE": "loaded:0.5"})
    assert process.stderr is not None and process.stderr.readline() == "icsgen-test: paused at loaded\n"
    (root / "content/alpha/img/logo.png").unlink()  # read into the site's model, gone before it is copied
    out, err = process.communicate(timeout=120)
    assert process.returncode == 1, out + err
    assert "content/alpha/img/logo.png: cannot read: it went away while icsgen was working (try again once the " \
           "files stop changing)" in err
    assert not (root / "build").exists() and leftovers(tmp_path / "site") == []



def test_the_build_says_which_pages_it_left_out_and_until_when(tmp_path: Path) -> None:
    """A post dated 2027 instead of 2026 was left out without a word: the summary says so, every build."""
    root = basic_site(tmp_path / "site", {
        "content/alpha/news/2024-03-01-typo.md": "---\ntitle: Typo\ndate: 2099-03-01\nsummary: S.\n---\nHi.\n",
        "content/alpha/news/2024-03-02-later.md": "---\ntitle: Later\ndate: 2099-05-01\nsummary: S.\n---\nHi.\n",
        "content/beta/plan.md": "---\ntitle: Plan\ndraft: true\n---\nDraft.\n"})
    for _ in range(2):  # the first build, then one that finds nothing changed
        result = run(root, "build", "--no-search")
        assert result.exit_code == 0, result.output
        assert ("Not published: 1 draft (--drafts builds it); 2 pages dated after the build's date, the first on "
                "2099-03-01") in result.output
    assert "Not published" not in run(root, "build", "--no-search", "--drafts", "--future").output
    assert "Not published" not in run(root, "build", "--no-search", "--region", "alpha", "--future").output


def test_pages_rendered_by_forked_workers_are_as_rendered_in_one_process(tmp_path: Path) -> None:
    """A command-line build with workers lets the pages drop their Markdown before forking (each worker reads
    the pages it renders from their files again: content.let_go_of_bodies); the site is the same, byte for
    byte, as one rendered in the build's own process, pages with a BOM, CRLF line ends, shared pages and
    summaries made from the body included."""
    pages: dict[str, str | bytes] = {
        f"content/alpha/topics/topic-{n}.md":
            f"---\ntitle: Topic {n}\n---\nText of topic {n}, about [partners](../about/partners.md).\n"
        for n in range(80)}
    pages["content/alpha/topics/windows.md"] = \
        "\ufeff---\r\ntitle: Windows\r\n---\r\nWritten on Windows.\r\n\r\n* one\r\n"
    pages["content/alpha/news/2024-03-01-third.md"] = \
        "---\ntitle: Third post\ndate: 2024-03-01\n---\nThe third post's first words.\n"
    pages["content/_shared/help.md"] = "---\ntitle: Help\n---\nThe same help in every region.\n"
    root = basic_site(tmp_path / "site", pages)
    for jobs, out in (("1", "one"), ("2", "two")):
        done = subprocess.run([sys.executable, "-m", "icsgen", "build", "--root", str(root), "--no-cache",
                               "--jobs", jobs, "--out", str(tmp_path / out)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    one, two = tree_digest(tmp_path / "one"), tree_digest(tmp_path / "two")
    assert one == two
    assert "Written on Windows." in (tmp_path / "two/alpha/topics/windows/index.html").read_text(encoding="utf-8")
    assert "first words" in (tmp_path / "two/alpha/news/index.html").read_text(encoding="utf-8")
