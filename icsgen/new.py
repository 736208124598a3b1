"""`icsgen new`: starting a region, a page or a news post from files that build and pass checks at once.

Two rules matter more than anything else here:

* `regions.yaml` is edited as text. A new region is a block of lines inserted at the end of the
  `regions:` mapping; every comment, blank line and the order an editor chose stay exactly as they
  were. The file is then validated again and put back as it was if the result does not load.
* Nothing that exists is ever overwritten, and nothing is written outside the region's folder.
  Every file is checked before the first one is written.

Text an editor must replace before the site goes live (a welcome to write, example partners, an
example.org address) is marked as a placeholder: `<!-- placeholder -->` at the end of a paragraph of
a page (not shown to readers), `# placeholder` at the end of a line of YAML. `icsgen check` reports
each mark left, and `--strict` fails on them, so the new files build at once but cannot pass a
strict check until they say something real.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shlex
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from icsgen.config import CONFIG_FILE, REGION_ID, RESERVED_IDS, SiteConfig, load_config
from icsgen.content import ASSETS, NEWS, slugify
from icsgen.files import CONTENT_DIR, DATA, THEME_OVERRIDES, first_link_out
from icsgen.problems import Problems, nearest

SEGMENT = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_FOLDERS = {DATA, THEME_OVERRIDES, ASSETS}
MAX_SLUG = 60
NEXT_STEP = "Preview it with: icsgen serve"
MARK = " <!-- placeholder -->"  # at the end of a paragraph of a page that is still the scaffold's
YAML_MARK = "  # placeholder"  # at the end of a YAML line whose value is still the scaffold's
SHARE_IMAGE = "images/share.png"  # in the region's folder: a copy of starter/share.png
SHARE_ALT = 'Health and care, in white letters on NHS blue, with the words "Working together for local people"'
PLACEHOLDER_NOTE = ("Text marked <!-- placeholder --> (or # placeholder) is reported by 'icsgen check' until you "
                    "replace it and delete the mark.")


class ScaffoldError(Exception):
    """A mistake in what was asked for (a bad id, a file that exists): one clear sentence."""


@dataclass
class Created:
    """What a `new` command made, for the command line to report."""

    files: list[Path] = field(default_factory=list)
    changed: list[Path] = field(default_factory=list)  # edited in place (regions.yaml)
    notes: list[str] = field(default_factory=list)  # what to do next


# -- checking names --------------------------------------------------------------------------------


def check_region_id(region_id: str) -> None:
    if not region_id.strip():
        raise ScaffoldError("the region id is empty; use something like 'west-yorkshire'")
    if region_id in RESERVED_IDS:
        raise ScaffoldError(f"'{region_id}' is used by icsgen itself; choose another region id")
    if not REGION_ID.match(region_id):
        suggestion = slugify(region_id)
        raise ScaffoldError(
            f"region id '{region_id}' can only use lower-case letters, digits and single hyphens "
            f"(no spaces, dots or slashes), for example '{suggestion}'"
        )


def page_path(path: str) -> PurePosixPath:
    """The file a page PATH names inside its region (`about/our-board` -> about/our-board.md)."""
    raw = path.strip().replace("\\", "/")
    if not raw:
        raise ScaffoldError("the page path is empty; use something like 'about/our-board'")
    if raw.startswith("/") or re.match(r"^[A-Za-z]:", raw):
        raise ScaffoldError(
            f"'{path}' is an absolute path; give a path inside the region, such as 'about/our-board'"
        )
    if raw.endswith(".md"):
        raw = raw[: -len(".md")]
    parts = raw.split("/")
    if ".." in parts:
        raise ScaffoldError(f"'{path}' goes outside the region ('..' is not allowed)")
    parts = [p for p in parts if p not in ("", ".")]
    if not parts:
        raise ScaffoldError(f"'{path}' does not name a page; use something like 'about/our-board'")
    for part in parts:
        if not SEGMENT.match(part):
            raise ScaffoldError(
                f"'{part}' in '{path}' can only use lower-case letters, digits and single hyphens "
                f"(no spaces), for example '{slugify(part)}'"
            )
    if parts[0] in RESERVED_FOLDERS:
        raise ScaffoldError(f"'{parts[0]}/' is not a folder for pages; choose another path")
    if len(parts) == 1 and parts[0] in (ASSETS, "index"):
        what = "the region's home page" if parts[0] == "index" else "where icsgen puts theme files"
        raise ScaffoldError(f"'{parts[0]}' is {what}; choose another path")
    return PurePosixPath(*parts[:-1], parts[-1] + ".md")


def _load(root: Path) -> SiteConfig:
    problems = Problems(root)
    config = load_config(root, problems)
    if config is None or problems.errors:
        listed = "\n  ".join(str(p) for p in problems.errors)
        raise ScaffoldError(f"{CONFIG_FILE} has problems; fix them first:\n  {listed}")
    return config


def _known_region(config: SiteConfig, region_id: str) -> None:
    if config.region(region_id) is None:
        known = [r.id for r in config.regions]
        hint = nearest(region_id, known) or f"the regions are: {', '.join(known)}"
        raise ScaffoldError(f"there is no region '{region_id}' in {CONFIG_FILE} ({hint})")


def _refuse_existing(paths: list[Path], root: Path) -> None:
    existing = [p for p in paths if p.exists() or p.is_symlink()]
    if existing:
        names = ", ".join(_show(p, root) for p in existing)
        raise ScaffoldError(f"{names} already exists; nothing was changed (edit it, or choose another name)")


def _show(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _show_link(path: Path, root: Path) -> str:
    """A link's own place in the project (not where it leads, which `_show` gives)."""
    try:
        return path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        return str(path)


def _inside(path: Path, folder: Path) -> None:
    """A name such as `../x` stays in the region's folder (links are `_write_new`'s to refuse)."""
    if not Path(os.path.normpath(path.absolute())).is_relative_to(os.path.normpath(folder.absolute())):
        raise ScaffoldError(f"{path} is outside {folder}; nothing was changed")


def _write_new(files: dict[Path, str | bytes], root: Path) -> list[Path]:
    """Create every file (never replacing one); on any failure remove what this call made.

    Nothing is written through a link that leads out of the project folder `root` (a region folder
    linked to somewhere else, say): icsgen neither reads nor writes outside it. Checked for every file
    before any is made.
    """
    project = os.path.realpath(root)
    for path in files:
        out = first_link_out(path, project, root)
        if out is not None:
            try:
                target = os.readlink(out)
            except OSError:
                target = os.path.realpath(out)
            raise ScaffoldError(f"{_show_link(Path(out), root)} is a link to '{target}', outside the project folder: "
                                "icsgen writes nothing outside it; nothing was changed")
    made: list[Path] = []
    folders: list[Path] = []
    try:
        for path, text in files.items():
            for parent in reversed(path.parents):
                if not parent.exists():
                    parent.mkdir()
                    folders.append(parent)
            if isinstance(text, bytes):  # a picture
                with path.open("xb") as binary:
                    binary.write(text)
            else:
                with path.open("x", encoding="utf-8", newline="\n") as handle:
                    handle.write(text)
            made.append(path)
    except BaseException:
        for path in made:
            path.unlink(missing_ok=True)
        for folder in reversed(folders):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    return made


# -- YAML text ------------------------------------------------------------------------------------


def scalar(value: str) -> str:
    """`value` as a one-line YAML scalar, quoted only when it must be (colons, leading #, 'yes')."""
    dumped = yaml.safe_dump(value, allow_unicode=True, width=10_000, default_flow_style=True)
    return dumped.removesuffix("\n").removesuffix("\n...").strip()


def _front_matter(fields: list[tuple[str, str]], body: str) -> str:
    lines = ["---", *(f"{k}: {v}" for k, v in fields), "---", "", body.strip(), ""]
    return "\n".join(lines)


# -- inserting a region into regions.yaml -----------------------------------------------------------

TOP_KEY = re.compile(r"^[^\s#\-][^:]*:(\s|$)")


def insert_region(text: str, block: list[str]) -> str:
    """Insert `block` (lines indented as one step inside a region) at the end of `regions:`.

    The region id line is `block[0]` at indent 0; the other lines are relative to it. They are
    re-indented to match the file. Everything else in `text` is kept byte for byte.
    """
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"^regions\s*:", line)), None)
    if start is None:
        raise ScaffoldError(f"{CONFIG_FILE} has no 'regions:' line; add one at the start of a line")
    after = lines[start].split(":", 1)[1].split(" #", 1)[0].strip()
    head = lines[start]
    if after in ("{}", "~", "null"):
        # An empty mapping written inline: the one change beyond the insertion is making it a block.
        comment = lines[start].split(":", 1)[1].partition(" #")
        head = "regions:" + (f"  #{comment[2].rstrip()}" if comment[1] else "") + newline
    elif after:
        raise ScaffoldError(
            f"'regions:' in {CONFIG_FILE} is written on one line ({after[:30]}...); "
            "write one region per block, then run this again"
        )
    end = next((i for i in range(start + 1, len(lines)) if TOP_KEY.match(lines[i])), len(lines))
    last_key = end == len(lines)
    # Blank lines, and unindented comments just before a following key (they belong to it), stay after.
    while end > start + 1 and (not lines[end - 1].strip() or (not last_key and lines[end - 1].startswith("#"))):
        end -= 1
    body = [line for line in lines[start + 1 : end] if line.strip() and not line.lstrip().startswith("#")]
    region_indent, step = _indents(body)
    out_block = [" " * region_indent + block[0].strip() + newline]
    for line in block[1:]:
        stripped = line.lstrip(" ")
        depth = (len(line) - len(stripped)) // 2  # the block is written with 2-space steps
        out_block.append((" " * (region_indent + depth * step) + stripped).rstrip() + newline if stripped
                         else newline)
    before = lines[:end]
    before[start] = head
    if before and not before[-1].endswith(("\n", "\r")):
        before[-1] += newline
    separator = [newline] if body and before[-1].strip() else []
    rest = lines[end:]
    if rest and rest[0].strip():
        out_block.append(newline)
    return "".join([*before, *separator, *out_block, *rest])


def _indents(body: list[str]) -> tuple[int, int]:
    """The indent of region ids under `regions:` and of one nesting step, from the file itself."""
    if not body:
        return 2, 2
    region_indent = min(len(line) - len(line.lstrip(" ")) for line in body)
    deeper = [len(line) - len(line.lstrip(" ")) for line in body]
    inner = sorted({d for d in deeper if d > region_indent})
    step = inner[0] - region_indent if inner else region_indent or 2
    return max(region_indent, 1), max(step, 1)


def region_block(region_id: str, name: str, short_name: str, owner: str, base_url: str | None,
                 today: dt.date, mark: bool = True) -> list[str]:
    """The lines of a new region's settings, in 2-space steps from the region id; `mark`: mark the
    example email address as a placeholder (`icsgen init` promises a site that passes check --strict)."""
    lines = [
        f"{region_id}:",
        f"  # Added by 'icsgen new region' on {today.isoformat()}. Check every value before the site goes live.",
        f"  name: {scalar(name)}",
        f"  short_name: {scalar(short_name)}",
        f"  description: {scalar(f'How health and care partners in {name} work together.')}",
    ]
    if base_url:
        lines.append(f"  base_url: {scalar(base_url)}")
    lines += [
        "  # The picture shown when a page is shared (in Teams, WhatsApp, on social media), 1200 x 630",
        "  # pixels. This one is a plain card to start with: replace it with a picture of your own.",
        f"  image: {SHARE_IMAGE}",
        f"  image_alt: {scalar(SHARE_ALT)}",
        "  # The organisation named in the footer and responsible for the site.",
        f"  owner: {scalar(owner)}",
        "  # Replace this example email address with a real one. Add phone and address if you wish.",
        "  contact:",
        f"    email: enquiries@{region_id}.example.org{YAML_MARK if mark else ''}",
        "  nav:",
        "    - {title: About us, page: about/index.md}",
        "    - {title: Our priorities, page: priorities.md}",
        "    - {title: Partners, page: partners.md}",
        "    - {title: News, page: news/}",
        "    - {title: Contact us, page: contact.md}",
        "  accessibility:",
        "    status: partially compliant",
        f"    prepared: {today.isoformat()}",
        f"    reviewed: {today.isoformat()}",
        "    known_issues:",
        "      - This website is new. We have not finished testing it for accessibility yet.",
        "  check:",
        "    reading_grade: 9",
        "    review_months: 12",
        "    abbreviations:",
        "      NHS: National Health Service",
        "      ICB: integrated care board",
    ]
    return lines


def _replace_file(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.new-{os.getpid()}")
    temporary.write_bytes(text.encode("utf-8"))
    try:
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


# -- the three commands ------------------------------------------------------------------------------


def new_region(root: Path, region_id: str, name: str, short_name: str = "", owner: str = "",
               base_url: str | None = None, today: dt.date | None = None) -> Created:
    today = today or dt.date.today()
    check_region_id(region_id)
    name = " ".join(name.split())
    if not name:
        raise ScaffoldError("the region needs a name: --name \"West Yorkshire\"")
    if base_url is not None and not re.match(r"^https?://[^/\s]+", base_url):
        raise ScaffoldError(f"--base-url must be an address starting https://, not '{base_url}'")
    config = _load(root)
    if config.region(region_id) is not None:
        raise ScaffoldError(f"region '{region_id}' is already in {CONFIG_FILE}; nothing was changed")
    content = root / CONTENT_DIR
    folder = content / region_id
    if folder.exists():
        raise ScaffoldError(f"{_show(folder, root)}/ already exists; nothing was changed "
                            "(add the region to regions.yaml by hand, or choose another id)")
    files = {folder / rel: text for rel, text in region_files(region_id, name, today).items()}
    config_path = root / CONFIG_FILE
    original = config_path.read_bytes()
    block = region_block(region_id, name, short_name.strip() or name, owner.strip() or
                         f"NHS {name} Integrated Care Board", base_url, today)
    updated = insert_region(original.decode("utf-8"), block)
    made = _write_new(files, root)
    try:
        _replace_file(config_path, updated)
        problems = Problems(root)
        checked = load_config(root, problems)
        if checked is None or problems.errors or checked.region(region_id) is None:
            listed = "\n  ".join(str(p) for p in problems.errors) or "the new region was not found"
            raise ScaffoldError(f"adding the region would break {CONFIG_FILE}, so it was left as it was:\n  {listed}")
    except BaseException:
        config_path.write_bytes(original)
        shutil.rmtree(folder, ignore_errors=True)  # it did not exist before this call
        raise
    return Created(
        files=made,
        changed=[config_path],
        notes=[
            "The news post in news/ is a draft: 'icsgen serve' shows it; remove 'draft: true' to publish it.",
            f"Check the new region's settings at the end of {CONFIG_FILE}.",
            PLACEHOLDER_NOTE,
        ],
    )


def new_page(root: Path, region_id: str, path: str, title: str, today: dt.date | None = None) -> Created:
    today = today or dt.date.today()
    title = _title(title)
    rel = page_path(path)
    config = _load(root)
    _known_region(config, region_id)
    region = config.region(region_id)
    assert region is not None
    folder = root / CONTENT_DIR / region_id
    target = folder / rel
    if (folder / rel.with_suffix("")).is_dir():  # `about` where about/ holds pages: the folder's own page
        rel = rel.with_suffix("") / "index.md"
        target = folder / rel
    for parent in list(rel.parents)[:-1]:  # about/board where about.md is a page: the new folder would clash
        beside = folder / parent.with_suffix(".md")
        if beside.is_file() and not (folder / parent).is_dir():
            raise ScaffoldError(f"{beside.relative_to(root).as_posix()} would clash with the new folder "
                                f"'{parent.as_posix()}/'; move it to {(parent / 'index.md').as_posix()} first "
                                "(a folder's own page), then add this page; nothing was changed")
    _inside(target, folder)
    if rel.parts[0] == NEWS and rel.name != "index.md":
        raise ScaffoldError(f"news posts are dated; use: icsgen new news {region_id} --title {scalar(title)}")
    _refuse_existing([target], root)
    due = _add_months(today, region.check.review_months)
    text = _front_matter(
        [("title", scalar(title)), ("summary", scalar(f"Find out about {title[0].lower() + title[1:]}.")),
         ("reviewed", today.isoformat()), ("review_due", due.isoformat())],
        PAGE_BODY,
    )
    made = _write_new({target: text}, root)
    link = rel.as_posix()
    return Created(files=made, notes=[
        f"Link to it from another page of {region_id} with a path such as [{title}]({link}) "
        "(relative to the page you link from).",
        f"To add it to the main menu, add '- {{title: {title}, page: {link}}}' under 'nav:' for "
        f"{region_id} in {CONFIG_FILE}.",
        PLACEHOLDER_NOTE,
    ])


def headline_slug(title: str) -> str:
    """The news post's web address from its headline, as a reader would spell it in plain letters: accents
    come off ('Café' is cafe, not caf; 'Ünïcode' unicode, not n-code), an apostrophe joins ('Children's' is
    childrens, not children-s) and '&' is 'and'. Only `new news` makes a name this way: a page's own
    address is its file's name, which the editor chose."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", title) if not unicodedata.combining(c))
    return slugify(re.sub(r"['\u2018\u2019`]", "", plain).replace("&", " and "))


def new_news(root: Path, region_id: str, title: str, date: dt.date | None = None) -> Created:
    date = date or dt.date.today()
    title = _title(title)
    config = _load(root)
    _known_region(config, region_id)
    whole = headline_slug(title)
    slug = whole[:MAX_SLUG].rstrip("-")
    if len(whole) > MAX_SLUG and "-" in slug:
        slug = slug.rsplit("-", 1)[0]
    folder = root / CONTENT_DIR / region_id
    target = folder / NEWS / f"{date.isoformat()}-{slug}.md"
    _inside(target, folder)
    _refuse_existing([target], root)
    text = _front_matter(
        [("title", scalar(title)), ("summary", scalar("One or two sentences that say what the news is.") + YAML_MARK),
         ("date", date.isoformat()), ("draft", "true")],
        NEWS_BODY,
    )
    files = {target: text}
    if not (folder / NEWS / "index.md").exists() and not (folder / NEWS).exists():
        files[folder / NEWS / "index.md"] = NEWS_INDEX
    made = _write_new(files, root)
    notes = ["It is a draft: 'icsgen serve' shows it, but 'icsgen build' leaves it out until you remove "
             "'draft: true'.", PLACEHOLDER_NOTE]
    if date > dt.date.today():
        notes.append(f"It is dated {date.isoformat()}, so it appears on that day's build (or with --future).")
    return Created(files=made, notes=notes)


def _title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise ScaffoldError("a title is needed: --title \"Our board\"")
    return title


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


# -- the files of a new region ---------------------------------------------------------------------

PAGE_BODY = f"""\
Write the page here. Start with the most important point. Use short sentences and plain words.{MARK}

## A heading for the first part

Headings split a long page into parts. A page with three or more headings gets a contents list.{MARK}
"""

NEWS_BODY = f"""\
Start with what has happened and why it matters to local people.{MARK}

## What happens next

Say what happens next and where readers can find out more.{MARK}
"""

NEWS_INDEX = """\
---
title: News
summary: The latest news from health and care partners in this area.
---

Read our latest news.
"""


def region_files(region_id: str, name: str, today: dt.date) -> dict[str, str | bytes]:
    """Every file of a new region (path inside the region folder -> text, or bytes for the share
    image), from `name`."""
    due = _add_months(today, 12).isoformat()
    day = today.isoformat()
    return {
        SHARE_IMAGE: (STARTER / "share.png").read_bytes(),
        "index.md": f"""\
---
title: {scalar(f"Health and care in {name}")}
nav_title: Home
summary: {scalar(f"How the NHS, councils and their partners in {name} work together.")}
---

This is the home page for health and care in {name}. The NHS, local councils and voluntary groups
work together here to improve health and care.

Replace this text with a short welcome. Say who the site is for and what they can do on it.{MARK}

## Find out more

- [About us](about/index.md)
- [Our priorities](priorities.md)
- [Our partners](partners.md)
- [News](news/index.md)
- [Contact us](contact.md)
""",
        "about/index.md": f"""\
---
title: About us
summary: {scalar(f"Who we are and how health and care partners in {name} work together.")}
weight: 1
reviewed: {day}
review_due: {due}
---

We are the health and care partners in {name}. We work together to improve the health of local
people.

## Who we are

Say which organisations work together here. You can link to the full list of
[our partners](../partners.md).{MARK}

!!! inset
    An inset box makes a short piece of text stand out. Use it for one important fact.{MARK}

## How we work

Say how decisions are made, and how people can get involved.{MARK}
""",
        "priorities.md": f"""\
---
title: Our priorities
summary: {scalar(f"What health and care partners in {name} will focus on.")}
template: priorities
---

These are the things we will work on together.

<!-- The list comes from the file data/priorities.yaml: edit it there. -->
""",
        "partners.md": f"""\
---
title: Our partners
nav_title: Partners
summary: {scalar(f"The organisations that work together for health and care in {name}.")}
template: partners
---

These organisations work together for health and care in {name}.

<!-- The list comes from the file data/partners.yaml: edit it there. -->
""",
        "contact.md": f"""\
---
title: Contact us
summary: {scalar(f"How to contact health and care partners in {name}.")}
template: contact
---

!!! warning "Important"
    We cannot give medical advice. If you need medical help, use
    [NHS 111 online](https://111.nhs.uk/) or call 111. In an emergency, call 999.

Use the details on this page to contact us.

<!-- The list comes from the file data/contacts.yaml: edit it there. -->
""",
        f"{NEWS}/index.md": NEWS_INDEX,
        f"{NEWS}/{day}-welcome-to-our-new-website.md": f"""\
---
title: Welcome to our new website
summary: {scalar(f"We have launched a new website for health and care in {name}.")}
date: {day}
draft: true
---

We have launched a new website. It tells you how health and care partners in {name} work
together.

This post is a draft. It will not be published until you remove the line 'draft: true'.{MARK}

!!! details "How do I publish this post?"
    Open this file and delete the line that says draft: true. Then build the site again.{MARK}
""",
        f"{DATA}/partners.yaml": f"""\
# Partners shown on partners.md (template: partners), grouped by type.
# Each partner needs a name and a type. url (a web address) and description are optional.
# type is one of: NHS trust, Local authority, Voluntary sector, Primary care, University, Other
# Replace these examples with your real partners, and delete each '# placeholder' mark when you do.
- name: Example Hospitals NHS Foundation Trust{YAML_MARK}
  type: NHS trust
  description: Runs the main hospitals in the area.
- name: Example City Council{YAML_MARK}
  type: Local authority
  description: Runs social care and public health services.
- name: Example Voluntary Action{YAML_MARK}
  type: Voluntary sector
  description: Supports local charities and community groups.
""",
        f"{DATA}/priorities.yaml": f"""\
# Priorities shown on priorities.md (template: priorities), in this order.
# Each priority needs a title and a summary. Replace these examples with your own, and delete
# each '# placeholder' mark when you do.
- title: Help people stay well{YAML_MARK}
  summary: >-
    Help people to stay healthy and independent for longer, with support close to home.
- title: Make services fairer{YAML_MARK}
  summary: >-
    Close the unfair gaps in health between different groups of people and places.
""",
        f"{DATA}/contacts.yaml": f"""\
# Contacts shown on contact.md (template: contact).
# Each contact needs a name and a description. phone, email and hours are optional.
# Replace this example with real contact details before the site goes live, and delete the
# '# placeholder' mark when you do.
- name: General enquiries
  email: enquiries@{region_id}.example.org{YAML_MARK}
  hours: Monday to Friday, 9am to 5pm
  description: {scalar(f"Questions about health and care partners in {name} and how we work.")}
""",
    }



# -- a new site project ----------------------------------------------------------------------------

STARTER = Path(__file__).resolve().parent / "starter"  # the pages every region gets, shipped in the package
GITIGNORE = """\
# Made by icsgen: never commit them.
/build/
/.build.*/
/.icsgen-cache/
/.icsgen-preview*/
"""


def init_site(folder: Path, region_id: str = "", name: str = "", base_url: str = "",
              today: dt.date | None = None) -> Created:
    """A new site project in `folder`: regions.yaml, one region, the shared pages and a .gitignore.

    Everything it writes is real, if short, text (no "replace this" placeholders), so the new site
    builds and passes `icsgen check --strict` at once; `icsgen new region` adds example regions later.
    The folder must be new or empty: nothing in it is ever replaced.
    """
    today = today or dt.date.today()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ScaffoldError(f"{folder} already exists and is not an empty folder; nothing was changed "
                            "(choose a new folder name)")
    region_id = region_id or re.sub(r"[^a-z0-9]+", "-", folder.resolve().name.lower()).strip("-")
    check_region_id(region_id)
    name = " ".join(name.split()) or " ".join(w.capitalize() if w not in ("and", "of") else w
                                              for w in region_id.split("-"))
    base_url = base_url or f"https://www.{region_id}.example.org/"
    if not re.match(r"^https?://[^/\s\"'<>]+", base_url):
        raise ScaffoldError(f"--base-url must be an address starting https://, not '{base_url}'")
    if not base_url.endswith("/"):
        base_url += "/"
    owner = f"NHS {name} Integrated Care Board"
    block = region_block(region_id, name, name, owner, None, today, mark=False)
    block[1] = f"  # Made by 'icsgen init' on {today.isoformat()}. Check every value before the site goes live."
    nav_at = block.index("  nav:")
    block[nav_at + 1:nav_at + 6] = ["    - {title: News, page: news/}", "    - {title: Contact us, page: contact.md}"]
    settings = "\n".join([
        "# regions.yaml: settings for the whole site and for each region (see the editors' guide).",
        "",
        "site:",
        f"  title: {scalar(f'{name} health and care')}",
        "  # The web address the site is published at: canonical links, feeds and the sitemap use it.",
        f"  base_url: {scalar(base_url)}",
        "  language: en-GB",
        f"  description: {scalar(f'How the NHS, councils and their partners in {name} work together.')}",
        "",
        "regions:",
        *("  " + line for line in block),
        "",
    ])
    region = Path(CONTENT_DIR) / region_id
    files: dict[Path, str | bytes] = {
        Path(CONFIG_FILE): settings,
        Path(".gitignore"): GITIGNORE,
        **{Path(CONTENT_DIR) / "_shared" / p.name: p.read_text(encoding="utf-8") for p in sorted(STARTER.glob("*.md"))},
        region / "index.md": f"""\
---
title: {scalar(f"Health and care in {name}")}
nav_title: Home
summary: {scalar(f"How the NHS, councils and their partners in {name} work together.")}
---

The NHS, local councils and voluntary groups in {name} work together to plan health and care
for local people. This website tells you what we do and how to get involved.

## Find out more

- [News](news/index.md)
- [Contact us](contact.md)
""",
        region / "contact.md": f"""\
---
title: Contact us
summary: {scalar(f"How to contact health and care partners in {name}.")}
---

!!! warning "Important"
    We cannot give medical advice. If you need medical help, use
    [NHS 111 online](https://111.nhs.uk/) or call 111. In an emergency, call 999.

You can email us at {{{{ region.contact.email }}}}.
""",
        region / NEWS / "index.md": NEWS_INDEX,
        region / SHARE_IMAGE: (STARTER / "share.png").read_bytes(),
    }
    folder.mkdir(parents=True, exist_ok=True)
    made = _write_new({folder / rel: text for rel, text in files.items()}, folder)
    where = shlex.quote(str(folder))  # a folder name with spaces or quotes, pasted back into a shell
    return Created(files=made, notes=[
        f"Build it with: icsgen build --root {where}",
        f"Preview it with: icsgen serve --root {where}",
        f"Add more regions with: icsgen new region ID --name \"...\" --root {where}",
    ])
