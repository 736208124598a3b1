"""`icsgen check`: each rule on a tiny real site, through the real command line, with its exact line."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from icsgen.build import BuildOptions, load, plan
from tests.support import REPO_ROOT
from tests.support.sitemaker import BASIC_CONFIG, basic_site, run, write_site

PAGE = "content/alpha/about/index.md"
WHERE = f"{PAGE}:"


FRONT = "title: About us\nsummary: Who we are and what we do.\n"  # a page with a summary: nothing to say of it


def page(body: str, front: str = FRONT) -> str:
    """A page whose body starts on line 5 (front matter of two lines)."""
    return f"---\n{front}---\n{body}"


def check_lines(root: Path, *args: str) -> tuple[int, list[str]]:
    result = run(root, "check", *args)
    return result.exit_code, result.output.splitlines()


def problems_for(tmp_path: Path, body: str, front: str = FRONT, config: str = BASIC_CONFIG) -> list[str]:
    files = {PAGE: page(body, front)}
    root = write_site(tmp_path, {**_basic_files(), **files}, config)
    _, lines = check_lines(root)
    return [line for line in lines if line.startswith(WHERE)]


def _basic_files() -> dict[str, str]:
    from tests.support.sitemaker import BASIC_PAGES

    return dict(BASIC_PAGES)


def test_a_clean_site_has_nothing_to_report(tmp_path: Path) -> None:
    code, lines = check_lines(basic_site(tmp_path))
    assert (code, lines) == (0, ["0 errors, 0 warnings in 9 pages"])


# -- headings -----------------------------------------------------------------------------------


def test_a_level_1_heading_in_the_body(tmp_path: Path) -> None:
    assert problems_for(tmp_path, "Hello.\n\n# About us\n\nText.\n") == [
        f"{WHERE}7: warning: a level 1 heading in the page body: the page title is the only one "
        "(start body headings at level 2: '## ')"
    ]


def test_a_skipped_heading_level_atx_and_setext(tmp_path: Path) -> None:
    body = "Intro\n-----\n\nText.\n\n#### Deep {#deep}\n\nMore text.\n"
    assert problems_for(tmp_path, body) == [
        f"{WHERE}10: warning: heading level skipped: level 4 after level 2 (use level 3 here: '### ')"
    ]


def test_headings_in_code_are_not_headings(tmp_path: Path) -> None:
    assert problems_for(tmp_path, "```\n# not a heading\n```\n\n## Fine\n\n### Fine too\n") == []


# -- link text ----------------------------------------------------------------------------------


def test_link_text_that_does_not_say_where_it_goes(tmp_path: Path) -> None:
    body = ("For our plans [click here](../index.md).\n\n"
            "- [Read more](partners.md)\n"
            "- [here](https://example.org/) and [our partners](partners.md)\n")
    hint = "(describe the destination: [read our annual report](report.md))"
    assert problems_for(tmp_path, body) == [
        f"{WHERE}5: warning: link text 'click here' does not say where the link goes {hint}",
        f"{WHERE}7: warning: link text 'Read more' does not say where the link goes {hint}",
        f"{WHERE}8: warning: link text 'here' does not say where the link goes {hint}",
    ]


def test_a_web_address_as_link_text(tmp_path: Path) -> None:
    body = ("See <https://www.nhs.uk/> or\n[www.nhs.uk](https://www.nhs.uk/). "
            "Email [hello@alpha.example.org](mailto:hello@alpha.example.org).\n")
    hint = "(say where the link goes: [the NHS website](https://www.nhs.uk/))"
    assert problems_for(tmp_path, body) == [
        f"{WHERE}5: warning: a web address as link text: 'https://www.nhs.uk/' {hint}",
        f"{WHERE}6: warning: a web address as link text: 'www.nhs.uk' {hint}",
    ]


# -- abbreviations ------------------------------------------------------------------------------


def test_an_abbreviation_used_before_it_is_spelled_out(tmp_path: Path) -> None:
    body = ("## Who we are\n\nWe are part of the\nICB. The integrated care board (ICB) plans care.\n\n"
            "The integrated care system (ICS) and the ICP meet.\n")
    assert problems_for(tmp_path, body) == [
        f"{WHERE}8: warning: 'ICB' is used before it is spelled out on this page "
        "(write 'integrated care board (ICB)' the first time)",
        f"{WHERE}10: warning: 'ICP' is used before it is spelled out on this page "
        "(write 'integrated care partnership (ICP)' the first time)",
    ]


def test_an_abbreviation_in_an_address_code_or_link_target_is_not_prose(tmp_path: Path) -> None:
    body = ("Visit https://www.example.org/ICB/board or www.icb.example.org/ICB for more.\n"
            "Email ICB.team@alpha.example.org or read [the board papers](https://x.example.org/ICB_(2024)).\n"
            "See `ICB code`, [our plan][1] and <a href=\"https://x/ICB\">it</a>.\n\n"
            "[1]: https://x.example.org/ICB\n\nThe ICB meets monthly.\n")
    assert problems_for(tmp_path, body) == [
        f"{WHERE}11: warning: 'ICB' is used before it is spelled out on this page "
        "(write 'integrated care board (ICB)' the first time)",
    ]


def test_spelled_out_in_the_title_or_after_it_and_nhs_never_needs_it(tmp_path: Path) -> None:
    body = "The NHS and the ICB. The VCSE (voluntary, community and social enterprise) sector.\n"
    assert problems_for(tmp_path, body, "title: What an integrated care board does\nsummary: Our work.\n") == []


def test_a_region_adds_its_own_abbreviations(tmp_path: Path) -> None:
    config = BASIC_CONFIG.replace("    owner: NHS Alpha ICB\n", "    owner: NHS Alpha ICB\n"
                                  "    check:\n      abbreviations:\n        AHC: Alpha Health and Care\n", 1)
    assert problems_for(tmp_path, "AHC runs services.\n", config=config) == [
        f"{WHERE}5: warning: 'AHC' is used before it is spelled out on this page "
        "(write 'Alpha Health and Care (AHC)' the first time)"
    ]


# -- lengths and reading level ------------------------------------------------------------------


def test_long_sentences_and_paragraphs_by_the_regions_limits(tmp_path: Path) -> None:
    config = BASIC_CONFIG.replace("    owner: NHS Alpha ICB\n", "    owner: NHS Alpha ICB\n"
                                  "    check:\n      max_sentence_words: 8\n      max_paragraph_words: 12\n", 1)
    body = ("We plan care. We also run a lot of services,\nfor example the clinics in every town.\n\n"
            "- A list item is not a paragraph but its sentences count too if long.\n")
    assert problems_for(tmp_path, body, config=config) == [
        f"{WHERE}5: warning: paragraph of 17 words (the limit is 12) (split it into shorter paragraphs)",
        f"{WHERE}5: warning: sentence of 14 words (the limit is 8) (split it into shorter sentences)",
        f"{WHERE}8: warning: sentence of 14 words (the limit is 8) (split it into shorter sentences)",
    ]


def test_default_limits_are_30_words_a_sentence_and_120_a_paragraph(tmp_path: Path) -> None:
    sentence = " ".join(["word"] * 31) + "."
    paragraph = " ".join(["Short words here."] * 41)
    assert problems_for(tmp_path, f"{sentence}\n\n{paragraph}\n") == [
        f"{WHERE}5: warning: sentence of 31 words (the limit is 30) (split it into shorter sentences)",
        f"{WHERE}7: warning: paragraph of 123 words (the limit is 120) (split it into shorter paragraphs)",
    ]


def test_reading_grade_above_the_regions_target(tmp_path: Path) -> None:
    hard = ("Organisational transformation necessitates comprehensive collaborative "
            "commissioning methodologies. ") * 6
    easy = "We help you get the care you need. Ask us if you are not sure. " * 6
    lines = problems_for(tmp_path, f"## Plans\n\n{hard}\n\n{easy}\n")
    assert lines == [f"{WHERE}7: warning: reading grade 12.5 is above the target of 9 (Flesch-Kincaid) "
                     "(use shorter sentences and everyday words)"]
    assert problems_for(tmp_path / "easy", f"{easy}\n") == []


def test_syllables_and_grade() -> None:
    from icsgen.check.readability import grade, syllables

    counts = {"care": 1, "people": 2, "services": 3, "integrated": 4, "walked": 1, "wanted": 2,
              "partnership": 3, "community": 4, "the": 1, "2024": 1}
    assert {w: syllables(w) for w in counts} == counts
    assert grade(["The cat sat on the mat."]) == (-1.4, 6)


def test_a_texts_measures_are_its_sentences_measures() -> None:
    """`readability.analyse` takes the text's words to be its sentences' words (no word runs over a sentence's
    end), and a sentence's words its white-space-separated pieces' words (none runs over white space, not even
    a no-break space): the same as splitting and counting the plain way."""
    import random

    from icsgen.check.readability import NOT_AN_END, SENTENCE_END, analyse, sentences, syllables, words

    def plain_sentences(text: str) -> list[tuple[int, str]]:
        found, start = [], 0
        for match in SENTENCE_END.finditer(text):
            before = text[start : match.start() + 1].split()
            if before and before[-1].lower() in NOT_AN_END:
                continue
            found.append((start, text[start : match.start() + 1]))
            start = match.end()
        return [*found, (start, text[start:])] if text[start:].strip() else found

    rng = random.Random(3)
    pieces = ["word", "Word", "e.g.", "i.e.", "Dr.", "approx.", "3.5", "don't", "care’s", "well-being", "a,b", "ICS.",
              ".", "!", "?", "'", '"', "”", "’", ")", "]", "(", "[", "“", "‘", " ", "  ", "\n", "\t", "-", "—", "x.Y",
              "end.", "Yes!", "No?", "(Note.)", "'Quote.'", "A", "9", "é", "ünï", "\xa0", "\u2009", "and/or"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) + rng.choice(("", " ", " ", "\n")) for _ in range(rng.randint(0, 40)))
        prose = analyse(text)
        assert list(sentences(text)) == plain_sentences(text), repr(text)
        assert [n for _, _, n in prose.sentences] == [len(words(s)) for _, s in plain_sentences(text)], repr(text)
        assert prose.words == len(words(text)), repr(text)
        assert prose.syllables == sum(syllables(w) for w in words(text)), repr(text)


# -- front matter -------------------------------------------------------------------------------


def test_review_dates(tmp_path: Path) -> None:
    today = dt.date.today()
    front = (f"title: About us\nreviewed: {today.year - 2}-01-01\nreview_due: 2001-02-03\n"
             f"updated: {today.isoformat()}\nsummary: Who we are.\n")
    assert problems_for(tmp_path, "Hello.\n", front) == [
        f"{WHERE}3: warning: last reviewed on {today.year - 2}-01-01, more than 12 months ago "
        "(check the page is still right, then update 'reviewed')",
        f"{WHERE}4: warning: review was due on 2001-02-03 "
        "(check the page is still right, then update 'reviewed' and 'review_due')",
    ]
    fresh = f"title: About us\nreviewed: {today.isoformat()}\nreview_due: {today.year + 1}-01-01\nsummary: Who.\n"
    assert problems_for(tmp_path / "fresh", "Hello.\n", fresh) == []


def test_a_news_post_with_no_summary(tmp_path: Path) -> None:
    root = basic_site(tmp_path, {"content/alpha/news/2024-01-10-first.md": "---\ntitle: First\n---\nHello.\n"})
    code, lines = check_lines(root)
    assert code == 0
    assert lines == [
        "content/alpha/news/2024-01-10-first.md:1: warning: news post has no summary "
        "(add 'summary:' with a sentence or two for the news list and the feed)",
        "0 errors, 1 warning in 9 pages",
    ]


def test_required_fields_of_a_region_are_errors_in_check_and_build(tmp_path: Path) -> None:
    config = BASIC_CONFIG.replace("    owner: NHS Alpha ICB\n", "    owner: NHS Alpha ICB\n"
                                  "    check:\n      required:\n        news: [author, summary]\n", 1)
    root = write_site(tmp_path, _basic_files(), config)
    code, lines = check_lines(root)
    message = ("error: 'author' is required in front matter for pages in news/ of region 'alpha' "
               "(add 'author: ...' (check.required in regions.yaml))")
    assert code == 1
    assert lines == [
        f"content/alpha/news/2024-01-10-first.md:1: {message}",
        f"content/alpha/news/2024-02-10-second.md:1: {message}",
        "2 errors, 0 warnings in 9 pages",
    ]
    built = run(root, "build")
    assert built.exit_code == 1
    assert f"content/alpha/news/2024-01-10-first.md:1: {message.removeprefix('error: ')}" in built.output


def test_a_required_field_that_does_not_exist(tmp_path: Path) -> None:
    config = BASIC_CONFIG.replace("    owner: NHS Alpha ICB\n", "    owner: NHS Alpha ICB\n"
                                  "    check:\n      required:\n        news: [autor]\n", 1)
    code, lines = check_lines(write_site(tmp_path, _basic_files(), config))
    assert code == 1
    assert lines[0] == ("regions.yaml:5: error: check.required of region 'alpha': 'autor' is not a front matter "
                        "field (did you mean 'author'?)")


# -- the build's errors, the same in check ------------------------------------------------------


BROKEN = {
    PAGE: page("## Who we are\n\nSee [nowhere](missing.md) and [a heading](partners.md#no-such).\n\n"
               "![](map.png)\n"),
    "content/alpha/about/map.png": "png",
    "content/alpha/news/2024-02-10-second.md": "---\ntitle: Second\ndate: 2024-02-10\nsumary: Typo.\n---\nHi.\n",
}


def test_check_reports_exactly_the_errors_build_stops_on(tmp_path: Path) -> None:
    root = basic_site(tmp_path, BROKEN)
    code, lines = check_lines(root)
    assert code == 1
    errors = [line for line in lines if ": error: " in line]
    assert errors == [
        f"{WHERE}7: error: link to 'missing.md': no page 'alpha/about/missing.md' (from content/)",
        f"{WHERE}7: error: no heading or anchor '#no-such' on 'alpha/about/partners.md' "
        "(anchors come from headings: '## Our aims' is #our-aims)",
        f"{WHERE}9: error: image 'map.png' has no alt text (describe what it shows: ![A map of the region](map.png))",
        "content/alpha/news/2024-02-10-second.md:4: error: unknown key 'sumary' in front matter "
        "(did you mean 'summary'?)",
    ]
    assert "content/alpha/about/map.png: warning: this image cannot be read as an image (it is damaged, or not a " \
        "picture): it is published as it is, in one size (save it again as a JPEG, PNG or WebP image)" in lines
    assert lines[-1] == "4 errors, 2 warnings in 9 pages"
    built = run(root, "build")
    assert built.exit_code == 1
    build_errors = [line for line in built.output.splitlines() if line.startswith("content/")]
    assert build_errors == [line.replace(": error: ", ": ", 1) for line in errors]
    assert not (root / "build").exists()


def test_check_gives_every_warning_a_build_gives(tmp_path: Path) -> None:
    """A build warns about an image it cannot make (and publishes it as it is); check, which makes no
    image, reads each one as making it would, before a build and after one (whose kept store it trusts)."""
    from PIL import Image

    root = basic_site(tmp_path, {"content/alpha/images/broken.jpg": "not really a picture",
                                 "content/alpha/images/cut.png": "", "content/alpha/images/fine.png": None})
    Image.new("RGB", (40, 30), (10, 20, 30)).save(root / "content/alpha/images/fine.png")
    whole = root / "content/alpha/images/whole.png"
    Image.new("RGB", (40, 30), (10, 20, 30)).save(whole)
    (root / "content/alpha/images/cut.png").write_bytes(whole.read_bytes()[:60])  # a download cut short
    built = run(root, "build")
    assert built.exit_code == 0, built.output
    warned = sorted(line for line in built.output.splitlines() if line.startswith("content/"))
    images = "content/alpha/images"
    assert [line.split(":")[0] for line in warned] == [f"{images}/broken.jpg", f"{images}/cut.png"]
    expected = sorted(line.replace(": this image", ": warning: this image", 1) for line in warned)
    for args in ((), ("--no-cache",)):  # after the build: its store knows fine.png and whole.png were made
        code, lines = check_lines(root, *args)
        assert code == 0
        assert sorted(line for line in lines if "this image" in line) == expected, args
    shutil.rmtree(root / ".icsgen-cache")
    _, lines = check_lines(root)  # nothing kept: every image is read
    assert sorted(line for line in lines if "this image" in line) == expected


def many_pages(count: int, broken: bool = True) -> dict[str, str]:
    """Enough pages for the build's worker processes (60 and more), with warnings, errors (unless not
    `broken`), a paginated news listing, folders with no index.md, and pages that link to each other."""
    files = dict(BROKEN) if broken else {}

    def service(i: int) -> str:
        return f"/alpha/services/topic-{i % 4}/service-{i}.md"

    for i in range(count):
        files[f"content/alpha/services/topic-{i % 4}/service-{i}.md"] = page(
            f"## Service {i}\n\nThe {'ICS' if i % 3 == 0 else 'team'} runs service {i}. "
            f"[{'click here' if i % 5 == 0 else 'the next one'}]({service((i + 1) % count)}) "
            f"or see [a heading]({service((i + 4) % count)}#service-{(i + 4) % count}"
            f"{'x' * (broken and i % 13 == 0)}).\n\n"
            + "This sentence goes on and on " * (i % 3) * 4 + "to the end.\n"
            + (f"\nA [broken link](nowhere-{i}.md) here.\n" if broken and i % 17 == 0 else ""),
            front=f"title: Service {i}\nsummary: What service {i} does.\n")
    for i in range(25):
        files[f"content/alpha/news/2023-05-{i + 1:02d}-post-{i}.md"] = (
            f"---\ntitle: Post {i}\ndate: 2023-05-{i + 1:02d}\n---\nThe ICB said hello {i}.\n")
    return files


def test_check_in_the_builds_worker_processes_finds_exactly_what_one_process_does(tmp_path: Path) -> None:
    """A big site is checked as it is built: its pages are rendered, and their style checked, in the
    build's worker processes. The report is the one a single process (`--jobs 1`) gives, line for line,
    and its errors are exactly those the build stops on."""
    root = basic_site(tmp_path, many_pages(80))
    one = run(root, "check", "--jobs", "1")
    two = run(root, "check", "--jobs", "2")
    assert one.exit_code == two.exit_code == 1
    assert two.output == one.output
    lines = one.output.splitlines()
    assert lines[-1] == "16 errors, 145 warnings in 121 pages"  # with the build's warning about map.png
    # a missing heading on a page that has an error of its own: the build stops on it too
    assert "content/alpha/services/topic-1/service-13.md:7: error: no heading or anchor '#service-17x' on " \
           "'alpha/services/topic-1/service-17.md' (did you mean 'service-17'?)" in lines
    assert "content/alpha/services/topic-0/service-0.md:7: warning: 'ICS' is used before it is spelled out on " \
           "this page (write 'integrated care system (ICS)' the first time)" in lines
    assert "content/alpha/news/2023-05-01-post-0.md:5: warning: 'ICB' is used before it is spelled out on this " \
           "page (write 'integrated care board (ICB)' the first time)" in lines
    built = run(root, "build", "--jobs", "2")
    assert built.exit_code == 1
    errors = [line.replace(": error: ", ": ", 1) for line in lines if ": error: " in line]
    assert [line for line in built.output.splitlines() if line.startswith(("content/", "regions.yaml"))] == errors


def test_check_reads_what_the_last_build_kept_and_writes_nothing(tmp_path: Path) -> None:
    """After a build, check uses its cache (converted Markdown, compiled templates) but never trusts an entry
    a change has made wrong, and leaves the cache and build/ exactly as they were."""
    root = basic_site(tmp_path, many_pages(70, broken=False))
    assert run(root, "build").exit_code == 0
    (root / "content/alpha/services/topic-2/service-6.md").unlink()  # the cached conversions that link here are wrong
    template = root / "themes/nhs/templates/page.html"  # its compiled code, kept by the build, is out of date
    template.write_text(template.read_text().replace("{% block after_body %}",
                                                     "{% block after_body %}{{ page.nosuch }}"))

    def files_and_times(folder: Path) -> list[tuple[str, int, int]]:
        return sorted((p.relative_to(root).as_posix(), p.stat().st_size, p.stat().st_mtime_ns)
                      for p in folder.rglob("*"))

    before = files_and_times(root / ".icsgen-cache") + files_and_times(root / "build")
    cached = run(root, "check", "--jobs", "2")
    assert (cached.exit_code, cached.output) == (1, run(root, "check", "--jobs", "2", "--no-cache").output)
    lines = cached.output.splitlines()
    assert any(line.startswith("content/alpha/services/topic-1/service-5.md:7: error: link to "
                               "'/alpha/services/topic-2/service-6.md': no page") for line in lines)
    assert any(line.startswith("themes/nhs/templates/page.html:") and "'nosuch'" in line for line in lines)
    assert files_and_times(root / ".icsgen-cache") + files_and_times(root / "build") == before


def test_an_unusable_regions_yaml(tmp_path: Path) -> None:
    root = write_site(tmp_path, _basic_files(), "site: [\n")
    code, lines = check_lines(root)
    assert code == 1
    assert lines[-1] == "1 error, 0 warnings in 0 pages"
    assert lines[0].startswith("regions.yaml:")


# -- options ------------------------------------------------------------------------------------


def test_json_format(tmp_path: Path) -> None:
    root = basic_site(tmp_path, BROKEN | {"content/alpha/news/2024-01-10-first.md": "---\ntitle: A\n---\nHi.\n"})
    result = run(root, "check", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["summary"] == {"errors": 4, "warnings": 3, "pages": 9, "text": "4 errors, 3 warnings in 9 pages"}
    assert report["problems"][0] == {
        "path": "content/alpha/about/index.md", "line": 7, "level": "error",
        "message": "link to 'missing.md': no page 'alpha/about/missing.md' (from content/)", "hint": "",
    }
    assert {p["level"] for p in report["problems"]} == {"error", "warning"}


def test_strict_fails_on_warnings(tmp_path: Path) -> None:
    root = basic_site(tmp_path, {PAGE: page("[here](partners.md)\n")})
    assert run(root, "check").exit_code == 0
    strict = run(root, "check", "--strict")
    assert strict.exit_code == 1
    assert strict.output.splitlines()[-1] == "0 errors, 1 warning in 9 pages"


def test_one_region_only(tmp_path: Path) -> None:
    root = basic_site(tmp_path, {"content/beta/index.md": "---\ntitle: Beta\nsummary: The home page.\n---\n"
                                 "[click here](/alpha/index.md)\n"})
    code, lines = check_lines(root, "--region", "alpha")
    assert (code, lines) == (0, ["0 errors, 0 warnings in 7 pages"])
    code, lines = check_lines(root, "--region", "beta")
    assert code == 0 and lines[-1] == "0 errors, 1 warning in 2 pages"
    code, lines = check_lines(root, "--region", "gamma")
    assert code == 1 and "unknown region 'gamma'" in lines[0]


def test_check_writes_nothing(tmp_path: Path) -> None:
    root = basic_site(tmp_path, BROKEN)
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    run(root, "check")
    run(root, "check", "--format", "json", "--strict")
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == before
    assert not (root / "build").exists()


def test_the_sample_content_has_no_errors() -> None:
    code, lines = check_lines(REPO_ROOT)
    assert code == 0, "\n".join(lines)
    # every page the build writes for the regions (their pages, generated listings, the publications
    # library's category and year pages), counted from the build's own plan
    pages = sum(1 for job in plan(load(REPO_ROOT, BuildOptions()).site)
                if job.region and "404" not in job.url and job.page.kind not in ("search", "a-z"))
    assert pages >= 60
    assert lines[-1].startswith("0 errors, ") and lines[-1].endswith(f" in {pages} pages")


# -- raw HTML that runs something ---------------------------------------------------------------------------


def test_scripts_frames_handlers_and_javascript_addresses_are_warnings_strict_fails(tmp_path: Path) -> None:
    body = ("## Scripts\n\n<script>alert(1)</script>\n\n"
            '<iframe src="https://maps.example.org/x"></iframe>\n\n'
            'A <span onclick="steal()">button</span> and [a link](javascript:alert(2)) and\n'
            '<a href=" JaVaScRiPt:go()">this</a> and <object data="x.swf"></object><embed src="y.swf">.\n\n'
            "JavaScript: a language. The `<script>` element and `onload=` are code here.\n\n"
            "```\n<script>in a code block</script>\n```\n")
    found = problems_for(tmp_path, body)
    assert sorted(found) == sorted([
        f"{WHERE}7: warning: a <script> in the page text runs or embeds content from elsewhere "
        "(pages hold text: ask whoever looks after the theme to add scripts)",
        f"{WHERE}9: warning: a <iframe> from maps.example.org in the page text runs or embeds content from elsewhere "
        "(link to it instead, or ask whoever looks after the theme to add it there)",
        f"{WHERE}11: warning: an event handler (onclick=) in the page text runs a script "
        "(remove it: pages hold text, and scripts belong in the theme)",
        f"{WHERE}11: warning: a 'javascript:' address in the page text runs a script "
        "(link to a page or a web address (https://...) instead)",
        f"{WHERE}12: warning: a <embed> in the page text runs or embeds content from elsewhere "
        "(link to it instead, or ask whoever looks after the theme to add it there)",
        f"{WHERE}12: warning: a <object> in the page text runs or embeds content from elsewhere "
        "(link to it instead, or ask whoever looks after the theme to add it there)",
        f"{WHERE}12: warning: a 'javascript:' address in the page text runs a script "
        "(link to a page or a web address (https://...) instead)",
    ])
    root = tmp_path
    code, _ = check_lines(root)
    assert code == 0
    strict, lines = check_lines(root, "--strict")
    assert strict == 1 and lines[-1].startswith("0 errors, 7 warnings")


# -- placeholders ------------------------------------------------------------------------------------------


def test_placeholder_marks_in_pages_front_matter_data_and_regions_yaml_are_reported(tmp_path: Path) -> None:
    config = BASIC_CONFIG.replace("      email: hello@alpha.example.org\n",
                                  "      email: hello@alpha.example.org  # placeholder\n")
    files = {**_basic_files(), PAGE: page(
        "Our own text.\n\nReplace this with a welcome. It\nruns over lines. <!-- placeholder -->\n\n"
        "<!-- placeholder -->\nThe paragraph after a mark on its own line.\n\n"
        "!!! inset\n    Example inset text. <!-- placeholder -->\n\n```\nA mark in code <!-- placeholder -->\n```\n",
        front="title: About us\nsummary: An example summary.  # placeholder\n"),
        "content/alpha/data/partners.yaml": "- name: Example Trust  # placeholder\n  type: NHS trust\n"
                                            "- name: 'Real # placeholder in quotes'\n  type: Other\n"}
    root = write_site(tmp_path, files, config)
    code, lines = check_lines(root)
    assert code == 0
    left = "placeholder text from 'icsgen new' is still here"
    page_hint = "(write your own text, then delete the mark <!-- placeholder --> at its end)"
    yaml_hint = "(replace the example, then delete '# placeholder' at the end of the line)"
    assert [line for line in lines if left in line] == [
        f"content/alpha/about/index.md:3: warning: {left}: 'summary: An example summary.' {yaml_hint}",
        f"{WHERE}7: warning: {left}: 'Replace this with a welcome. It runs over lines.' {page_hint}",
        f"{WHERE}11: warning: {left}: 'The paragraph after a mark on its own line.' {page_hint}",
        f"{WHERE}14: warning: {left}: 'Example inset text.' {page_hint}",
        f"content/alpha/data/partners.yaml:1: warning: {left}: 'name: Example Trust' {yaml_hint}",
        f"regions.yaml:9: warning: {left}: 'email: hello@alpha.example.org' {yaml_hint}",
    ]
    assert check_lines(root, "--strict")[0] == 1
    assert check_lines(root, "--region", "beta")[1][-1].startswith("0 errors, 0 warnings")


def test_embeds_and_files_from_other_websites_point_to_the_setting_or_component_to_use(tmp_path: Path) -> None:
    body = ('<iframe src="https://www.youtube.com/embed/a1B_c3D4e_F"></iframe>\n\n'
            '<script async src="https://www.googletagmanager.com/gtag/js?id=G-AB12CD34"></script>\n\n'
            '<script src="https://api.reciteme.com/asset/js?key=abc"></script>\n\n'
            '![A chart](https://cdn.example.net/chart.png) and <img src="//images.example.net/a.png" alt="A">\n\n'
            "[A link to another website is fine](https://www.nhs.uk/) and so is ![ours](partners.md).\n\n"
            '!!! video "Our year"\n    url: https://youtu.be/a1B_c3D4e_F\n    duration: 1:00\n')
    found = problems_for(tmp_path, body, config=BASIC_CONFIG)
    assert found == [
        f"{WHERE}5: warning: a <iframe> from www.youtube.com in the page text loads the video, and its cookies, "
        'before readers agree (use the video component: !!! video "Title" with url:, duration: and transcript: '
        "lines (see the guide); it loads the video only when the reader asks)",
        f"{WHERE}7: warning: a <script> from www.googletagmanager.com in the page text measures readers without "
        "asking them (delete it and set 'analytics:' in regions.yaml: it asks readers first and lists the cookies)",
        f"{WHERE}9: warning: a <script> from api.reciteme.com in the page text loads an accessibility toolbar "
        "without asking readers (delete it and set 'toolbar:' in regions.yaml: the toolbar then loads when a "
        "reader turns it on)",
        f"{WHERE}11: warning: an image from another website (cdn.example.net) loads before readers agree to "
        "anything, and tells that website who reads the page (save the file in the region's folder and link to it "
        "there; for a video use the video component (!!! video))",
        f"{WHERE}11: warning: an image from another website (images.example.net) loads before readers agree to "
        "anything, and tells that website who reads the page (save the file in the region's folder and link to it "
        "there; for a video use the video component (!!! video))",
        f"{WHERE}15: warning: the video 'Our year' has no transcript (add a line 'transcript: page.md' naming a "
        "page (or file) with its words: people who cannot hear or see a video need them (WCAG 2.2, 1.2.1 and 1.2.3))",
    ]
