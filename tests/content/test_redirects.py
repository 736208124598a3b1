"""Aliases and redirects as an editor writes them: what is built, and every mistake named with its file and
line (icsgen/content/redirects.py)."""

from __future__ import annotations

from pathlib import Path

from icsgen.content import old_address
from tests.support.sitemaker import BASIC_CONFIG, BASIC_PAGES, run, tree_digest, write_site

ABOUT = "content/alpha/about/index.md"


def site(tmp_path: Path, redirects: str = "", about_aliases: str = "", extra: dict[str, str] | None = None) -> Path:
    """The basic site, with `redirects:` lines for region alpha and `aliases:` lines for its About page."""
    files = dict(BASIC_PAGES)
    if about_aliases:
        files[ABOUT] = f"---\ntitle: About us\naliases:\n{about_aliases}---\n## Who we are\n\nWe are Alpha.\n"
    files.update(extra or {})
    config = BASIC_CONFIG
    if redirects:
        config = config.replace("    nav:\n", f"    redirects:\n{redirects}    nav:\n", 1)
    return write_site(tmp_path / "site", files, config)


def test_old_addresses_become_site_paths_inside_the_region() -> None:
    assert old_address("leeds", "/who-we-are/") == ("leeds/who-we-are/", "")
    assert old_address("leeds", "who-we-are") == ("leeds/who-we-are/", "")
    assert old_address("leeds", "/Pages/contact.aspx") == ("leeds/Pages/contact.aspx", "")
    assert old_address("leeds", "/ccg/leaflet.html") == ("leeds/ccg/leaflet.html", "")
    for wrong in ("/", "https://old.example.org/a/", "/a/?id=3", "/a b/", "/../x/", '/a"b/', "/a//b/"):
        assert old_address("leeds", wrong)[0] is None, wrong
    # written as a browser shows it: the site path is the name a host looks for on disk
    assert old_address("leeds", "/Pages/Our%20Board.aspx") == ("leeds/Pages/Our Board.aspx", "")
    assert old_address("leeds", "/caf%C3%A9/") == ("leeds/café/", "")
    for wrong in ("//old.example.org/a/", "/%2e%2e/%2e%2e/etc/", "/a%2Fb/", "/a%0Ab/", "/a%22b/", "/a%23b/",
                  "/caf%E9/", "/50%/"):
        assert old_address("leeds", wrong)[0] is None, wrong


def test_aliases_and_redirects_are_written_as_pages_and_rules(tmp_path: Path) -> None:
    root = site(tmp_path, "      /Pages/contact.aspx: about/index.md\n      /nhs/: https://www.nhs.uk/\n"
                "      /team/: /about/#who-we-are\n",
                "  - /who-we-are/\n  - /old-ccg/about.html\n")
    result = run(root, "build", "--quiet")
    assert result.exit_code == 0, result.output
    build = root / "build"
    page = (build / "alpha/who-we-are/index.html").read_text()
    assert 'href="../about/index.html"' in page and "noindex" in page
    assert '<link rel="canonical" href="https://test.example.org/alpha/about/">' in page
    assert 'content="0; url=../about/index.html"' in page
    assert 'href="../about/index.html"' in (build / "alpha/old-ccg/about.html").read_text()
    assert 'href="../about/index.html#who-we-are"' in (build / "alpha/team/index.html").read_text()
    assert 'href="https://www.nhs.uk/"' in (build / "alpha/nhs/index.html").read_text()
    assert not (build / "alpha/Pages").exists()  # an .aspx address is no page a static host would serve
    rules = (build / "_redirects").read_text().splitlines()
    assert "/alpha/who-we-are/  /alpha/about/  301!" in rules
    assert "/alpha/Pages/contact.aspx  /alpha/about/  301!" in rules
    assert "/alpha/nhs/  https://www.nhs.uk/  301!" in rules
    assert "/alpha/team/  /alpha/about/#who-we-are  301!" in rules
    assert 'location = "/alpha/who-we-are/" { return 301 "/alpha/about/$is_args$args"; }' in \
        (build / "_nginx.conf").read_text()
    assert 'RedirectMatch 301 "^/alpha/who\\-we\\-are(?:/|/index\\.html)?$" "/alpha/about/"' in \
        (build / ".htaccess").read_text()


def test_without_aliases_or_redirects_no_redirect_rules_are_written(tmp_path: Path) -> None:
    root = site(tmp_path)
    assert run(root, "build", "--quiet").exit_code == 0
    assert not (root / "build/_redirects").exists()
    assert "RedirectMatch" not in (root / "build/.htaccess").read_text()
    assert "return 301" not in (root / "build/_nginx.conf").read_text()


def test_removing_an_alias_removes_its_page_and_rule(tmp_path: Path) -> None:
    root = site(tmp_path, about_aliases="  - /who-we-are/\n  - /team/\n")
    assert run(root, "build", "--quiet").exit_code == 0
    write_site(root, {ABOUT: "---\ntitle: About us\naliases: [/team/]\n---\n## Who we are\n"}, config=None, theme=False)
    assert run(root, "build", "--quiet").exit_code == 0
    assert not (root / "build/alpha/who-we-are").exists()
    assert (root / "build/alpha/team/index.html").is_file()
    assert "who-we-are" not in (root / "build/_redirects").read_text()


def test_every_mistake_is_named_with_file_and_line_and_nothing_is_published(tmp_path: Path) -> None:
    root = site(
        tmp_path,
        "      /about/: index.md\n"                 # line 11: a page's own address
        "      /who-we-are/: index.md\n"            # line 12: already an alias of About
        "      /gone/: about/missing.md\n"          # line 13: no such page
        "      /nowhere/: /no-such-page/\n"         # line 14: no such address
        "      /loop-a/: /loop-b/\n"                # line 15: a loop
        "      /loop-b/: /loop-a/\n"                # line 16
        "      /mail/: mailto:x@example.org\n"      # line 17: not an http(s) address
        "      /q/?id=3: index.md\n",               # line 18: a query string
        "  - /who-we-are/\n  - /about/partners/\n  - /who-we-are\n",
    )
    before = tree_digest(root / "build") if (root / "build").exists() else {}
    result = run(root, "build")
    assert result.exit_code == 1
    out = result.output
    assert "regions.yaml:11: redirect '/about/' is the address of 'alpha/about/index.md', which exists" in out
    assert "regions.yaml:12: redirect '/who-we-are/' is already an old address of '/alpha/about/' " \
           "(content/alpha/about/index.md:3)" in out
    assert "regions.yaml:13: redirect to 'about/missing.md': region 'alpha' has no page about/missing.md" in out
    assert "regions.yaml:14: redirect to '/alpha/no-such-page/', which is not a page of the site" in out
    assert "regions.yaml:13: redirect to 'about/missing.md': region 'alpha' has no page about/missing.md " \
           "(write the page's file" in out  # nothing near it
    assert "regions.yaml:15: redirects go round in a loop: /alpha/loop-a/ -> /alpha/loop-b/ -> /alpha/loop-a/" in out
    assert "regions.yaml:17: redirect to 'mailto:x@example.org': only http(s) addresses" in out
    assert "regions.yaml:18: redirect '/q/?id=3' has a '?' or '#' part" in out
    assert "content/alpha/about/index.md:3: alias '/about/partners/' is the address of 'alpha/about/partners.md'" in out
    assert "content/alpha/about/index.md:3: alias '/who-we-are' is already an old address of '/alpha/about/'" in out
    assert "Traceback" not in out
    assert not (root / "build").exists() or tree_digest(root / "build") == before


def test_an_old_address_where_icsgen_writes_a_page_or_file_of_its_own_is_an_error(tmp_path: Path) -> None:
    """Found by probing: these built without a word, and the redirect page or the host's forced 301 took the
    place of the region's search page, A to Z, 'page not found' page, sitemap, feeds, theme files or search
    index (so `/alpha/search/` sent every reader to the About page)."""
    made = {
        "/search/": "the region's search page", "/a-z/": "the region's A to Z",
        "/404.html": "the region's 'page not found' page", "/sitemap.xml": "the region's sitemap",
        "/robots.txt": "the region's robots.txt", "/news/feed.xml": "the region's news feed",
        "/calendar.ics": "the region's calendar feed", "/news/page/2/": "a page of the news list",
        "/assets/css/x.css": "the theme's files", "/pagefind/pagefind.js": "the region's search index",
        "/_redirects": "the host's rules",
    }
    root = site(tmp_path, "      /a-z/index.html: index.md\n",
                "".join(f"  - {old}\n" for old in made))
    result = run(root, "build", "--no-search")
    assert result.exit_code == 1
    for old, what in made.items():
        assert f"content/alpha/about/index.md:3: alias '{old}' is where icsgen writes {what} (/alpha/" \
            in result.output, old
    assert "regions.yaml:11: redirect '/a-z/index.html' is where icsgen writes the region's A to Z" in result.output
    assert "Traceback" not in result.output and not (root / "build").exists()


def test_an_old_address_differing_from_another_only_in_capitals_is_an_error(tmp_path: Path) -> None:
    """Found by probing: `aliases: [/About/]` (an old CCG site's capitals) on another page built without a
    word, and its redirect page, build/alpha/About/index.html, is the About page's own file on macOS and
    Windows, which do not tell capitals apart: the page became a redirect to itself. Netlify matches its rules
    without capitals too, so the forced 301 sent /alpha/about/ to itself there whatever built it."""
    root = site(tmp_path, "      /WHO-we-are/: index.md\n", "  - /About/\n  - /Search/\n  - /who-we-are/\n")
    result = run(root, "build", "--no-search")
    assert result.exit_code == 1
    out = result.output
    assert "content/alpha/about/index.md:3: alias '/About/' is the address of 'alpha/about/index.md' but for " \
           "capital letters" in out
    assert "content/alpha/about/index.md:3: alias '/Search/' is where icsgen writes the region's search page " \
           "(/alpha/Search/)" in out
    assert "regions.yaml:11: redirect '/WHO-we-are/' is already an old address of '/alpha/about/' " \
           "(content/alpha/about/index.md:3), but for capital letters" in out
    assert "Traceback" not in out and not (root / "build").exists()


def test_a_redirects_anchor_that_is_no_plain_anchor_is_an_error(tmp_path: Path) -> None:
    """Found by probing: a target's '#' part was taken as it was (a line break, quotes, '<script>'), and
    written, %-escaped, into every host's rules and the redirect page: a link to an anchor no page can have."""
    root = site(tmp_path, "      /a/: '/about/#who we are'\n      /b/: 'about/index.md#x\"<script>'\n"
                "      /c/: \"/about/#who\\nare\"\n      /d/: /about/#who-we-are\n")
    result = run(root, "build", "--no-search")
    assert result.exit_code == 1
    for line, target in ((11, "/about/#who we are"), (12, 'about/index.md#x"<script>'), (13, "/about/#who\nare")):
        assert f"regions.yaml:{line}: redirect to '{target}': the part after '#' is not an anchor" in result.output
    assert "regions.yaml:14" not in result.output and "Traceback" not in result.output


def test_a_chain_is_collapsed_with_a_warning(tmp_path: Path) -> None:
    root = site(tmp_path, "      /old/: /who-we-are/\n", "  - /who-we-are/\n")
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    assert "regions.yaml:11: /alpha/old/ redirects to /alpha/who-we-are/, which is itself an old address: " \
           "it now goes straight to /alpha/about/" in result.output
    assert "(write /about/ as its target)" in result.output
    assert "/alpha/old/  /alpha/about/  301!" in (root / "build/_redirects").read_text().splitlines()
    assert 'href="../about/index.html"' in (root / "build/alpha/old/index.html").read_text()


def test_check_reports_the_same_problems_as_build(tmp_path: Path) -> None:
    root = site(tmp_path, "      /gone/: about/missing.md\n")
    result = run(root, "check")
    assert result.exit_code == 1
    assert "regions.yaml:11: error: redirect to 'about/missing.md'" in result.output


def test_a_region_on_its_own_domain_gets_its_own_rule_files(tmp_path: Path) -> None:
    root = site(tmp_path, about_aliases="  - /who-we-are/\n")
    config = (root / "regions.yaml").read_text().replace(
        "    name: Alpha Health and Care\n", "    name: Alpha Health and Care\n    base_url: https://alpha.example.org/\n")
    (root / "regions.yaml").write_text(config)
    assert run(root, "build", "--quiet").exit_code == 0
    assert "/who-we-are/  /about/  301!" in (root / "build/alpha/_redirects").read_text().splitlines()
    assert "/alpha/who-we-are/  /alpha/about/  301!" in (root / "build/_redirects").read_text().splitlines()
    assert '<link rel="canonical" href="https://alpha.example.org/about/">' in \
        (root / "build/alpha/who-we-are/index.html").read_text()


def test_a_mistyped_redirect_target_suggests_the_page_meant(tmp_path: Path) -> None:
    """'contact.mdd' or 'about/partner.md' under redirects: was told to 'point it at a page's file, e.g.
    about/index.md', with the address turned into '/alpha/contact.mdd'; a link with the same slip gets the
    page it was meant to be, and now so does a redirect."""
    root = site(
        tmp_path,
        "      /ccg/partners/: about/partner.md\n"      # line 11
        "      /ccg/about-us/: abuot/index.md\n"         # line 12
        "      /ccg/team/: about/partners.mdd\n",        # line 13: not .md, so an address
        "  - /who-we-are/\n",
    )
    result = run(root, "build")
    assert result.exit_code == 1
    out = result.output
    assert "regions.yaml:11: redirect to 'about/partner.md': region 'alpha' has no page about/partner.md " \
           "(did you mean 'about/partners.md'?)" in out
    assert "regions.yaml:12: redirect to 'abuot/index.md': region 'alpha' has no page abuot/index.md " \
           "(did you mean 'about/index.md'?)" in out
    assert "regions.yaml:13: redirect to '/alpha/about/partners.mdd', which is not a page of the site " \
           "(did you mean 'about/partners.md'?)" in out
