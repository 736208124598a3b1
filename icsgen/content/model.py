"""Finding the content and building the read-only site model: regions, sections and pages.

Pages are keyed by their *content path* (`leeds/about/partners.md`), the name an editor writes in a
link, and addressed by their *url* (`leeds/about/partners/`), a site path without a leading slash.
Shared pages (`content/_shared/`) are copied into every region under the region's content path, so
a link from a region page to `accessibility.md` finds that region's copy.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import functools
import hashlib
import os
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol

from icsgen.config import RegionConfig, SiteConfig, YamlError, decode, freeze, load_yaml
from icsgen.files import (
    CONTENT_DIR,
    DATA,
    THEME_OVERRIDES,
    Tree,
    is_ignored,
    link_problem,
    link_state,
    project_of,
    scan_content,
)
from icsgen.problems import BuildFailed, Problems, closest, read_file

from .addresses import check_data_addresses
from .frontmatter import FrontMatter, FrontMatterMemo, body_of, split_page
from .languages import EASY_READ, known, primary, unknown_language_hint, version_of, version_path
from .records import Record, check_records, record_type

SHARED = "_shared"
NEWS = "news"
ASSETS = "assets"  # the output folder of static theme files, inside each region
DATE_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)$")
@functools.lru_cache(maxsize=8192)
def slugify(name: str) -> str:
    out = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return out or "page"


@dataclass(frozen=True)
class Page:
    """One page of the site: what it says (front matter and Markdown) and where it goes (url)."""

    key: str  # content path, e.g. "leeds/about/partners.md"
    region: str  # region id
    source_path: Path  # the file an editor edits (for a shared page, the _shared file)
    url: str  # e.g. "leeds/about/partners/"
    kind: str  # home, page, section, news, news-list
    section: str  # key of the section (folder) it belongs to, e.g. "leeds/about"
    meta: FrontMatter
    body: str
    body_line: int
    digest: str  # hash of the source file, for caches and change detection
    # a translation or Easy Read version of another page (content/languages.py): its language ('' for the
    # site's own), EASY_READ or '', and the key of the page it is a version of ('' for a page of its own)
    lang: str = ""
    variant: str = ""
    original: str = ""

    @property
    def title(self) -> str:
        return self.meta.title

    def hidden(self, drafts: bool, future: bool, today: dt.date) -> bool:
        """Left out of the build: a draft unless drafts are wanted, a post dated after today unless
        future ones are."""
        return bool(self.meta.draft and not drafts) or bool(self.meta.date and self.meta.date > today and not future)

    @property
    def aliases(self) -> tuple[str, ...]:
        """Its old addresses (front matter `aliases:`), as written: see content/redirects.py."""
        return self.meta.aliases

    @property
    def image(self) -> str:
        """Its share image (front matter `image:`), as written: see content/sharing.py."""
        return self.meta.image

    @property
    def date_text(self) -> str:
        """Its `date` as ISO text, '' if it has none: sorts as the dates do."""
        return self.meta.date.isoformat() if self.meta.date else ""

    def last_modified(self) -> dt.date | None:
        """The latest of its `updated`, `reviewed` and `date`, for the sitemap."""
        dates = [d for d in (self.meta.updated, self.meta.reviewed, self.meta.date) if d]
        return max(dates) if dates else None

    @property
    def output_path(self) -> str:
        return self.url + "index.html"

    @property
    def is_shared(self) -> bool:
        return self.source_path.parent.name == SHARED or f"/{SHARED}/" in self.source_path.as_posix()


def body_from_file(page: Page) -> str:
    """The page's Markdown read again from its file: as loaded if the file is as it was (its digest), else as
    the file now is (an edit made since the load, which the next build sees as a change); '' if unreadable."""
    try:
        raw = page.source_path.read_bytes()
        text = decode(raw)
    except (OSError, YamlError):
        return ""  # gone or damaged since the load: the next build sees the change and reports it
    if hashlib.blake2b(raw, digest_size=16).hexdigest() == page.digest:
        return body_of(text, page.body_line)
    split = split_page(text, page.source_path, Problems(page.source_path.parent))
    return split.body if split is not None else ""


class _BodyFromFile:
    """`Page.body` of a page that let go of its Markdown (`let_go_of_bodies`): read from its file on first use,
    then kept. A descriptor without `__set__`, so a body in the page's own `__dict__` is found first."""

    def __get__(self, page: Page | None, owner: type | None = None) -> Any:
        if page is None:
            return self
        if "source_path" not in page.__dict__ and "_source" not in page.__dict__:
            raise AttributeError("body")
        body = body_from_file(page)
        object.__setattr__(page, "body", body)
        return body


Page.body = _BodyFromFile()  # type: ignore[assignment,misc]  # found only when a page let go of its body


def let_go_of_bodies(pages: Iterable[Page]) -> int:
    """Let `pages` drop their Markdown (read from their files again if asked for: `_BodyFromFile`); returns how
    many did.

    For a build about to fork render workers: at 30,000 pages the bodies were ~150 MB of the build process,
    which each forked worker then counted in its resident size too, and which the build process held on to
    until it ended. Each worker reads the pages it renders (a ~7 KB file: ~20 us each)."""
    count = 0
    for page in pages:
        held = page.__dict__
        if held.get("body") and page.digest and "source_path" in held:
            del held["body"]
            count += 1
    return count


@dataclass(frozen=True)
class Section:
    """A folder of a region: its own page (index.md or a generated one) and what it holds."""

    key: str  # e.g. "leeds/about"; a region's root section is "leeds"
    region: str
    url: str
    index: Page | None  # the folder's index.md, if any
    pages: tuple[str, ...]  # keys of the pages directly in the folder (not the index)
    sections: tuple[str, ...]  # keys of child sections
    title: str


@dataclass(frozen=True)
class StaticFile:
    """A file copied as it is (an image, a PDF): `key` is its content path, `url` its output path."""

    key: str
    source_path: Path
    url: str


@dataclass(frozen=True)
class Region:
    config: RegionConfig
    home: Page | None
    data: MappingProxyType  # name -> frozen value
    data_files: MappingProxyType  # name -> path, for messages and dependency tracking
    statics: tuple[StaticFile, ...]
    override_dir: Path  # content/<id>/_theme
    has_folder: bool = True  # False: content/<id>/ is missing or a link icsgen does not follow (reported once)
    # checked records by type (meetings, events...), from the data files whose names give one (see records.py)
    records: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    # the names of data files that could not be read (a YAML mistake, reported at its line): what shows them
    # reports nothing more, rather than that there is no such file
    unreadable_data: frozenset[str] = frozenset()

    @property
    def id(self) -> str:
        return self.config.id


@dataclass(frozen=True)
class Site:
    """Everything the build knows about the content, read-only once loaded."""

    root: Path
    config: SiteConfig
    regions: MappingProxyType  # id -> Region, in regions.yaml order
    pages: MappingProxyType  # key -> Page
    sections: MappingProxyType  # key -> Section
    statics: MappingProxyType  # key -> StaticFile
    chosen: tuple[str, ...]  # the regions this run writes (all unless --region)
    by_url: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    today: dt.date = field(default_factory=dt.date.today)
    # made by `update_site`: the keys of the pages read again (added, changed or gone); every other page
    # is the very object the site before had. None for a site loaded whole.
    reread: frozenset[str] | None = None
    # a link out of the project or to nowhere, or a folder that is no region, was reported: the content
    # is not what the editor meant, and rendering it would only report the consequences again
    stop_before_rendering: bool = False
    # content path -> `documents.Document`: what each linked document is (type, size, pages, title), for
    # the chosen regions; filled in after loading (`documents.describe_documents`), empty until then
    documents: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    # region id -> its publications (`publications.Publication`, newest first), from data/publications.yaml
    publications: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    # the key of each page that has translations or an Easy Read version -> the keys of those versions
    versions: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    # the key of each page of the chosen regions left out of this build -> None for a draft, else its date
    # (after the build's date): the build says how many, so a mistyped date does not go unnoticed
    held_back: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    @property
    def content_dir(self) -> Path:
        return self.root / CONTENT_DIR

    def section_pages(self, section_key: str) -> list[Page]:
        """The pages of a section in reading order: news newest first, others by weight then title."""
        section = self.sections[section_key]
        pages = [self.pages[k] for k in section.pages]
        if _is_news(section_key):
            return sorted(pages, key=lambda p: (p.date_text, p.key), reverse=True)
        return sorted(pages, key=lambda p: (p.meta.weight, p.title.lower(), p.key))

    def child_sections(self, section_key: str) -> list[Section]:
        children = [self.sections[k] for k in self.sections[section_key].sections]
        return sorted(children, key=lambda s: (s.index.meta.weight if s.index else 0, s.title.lower()))


@dataclass(frozen=True)
class LoadOptions:
    regions: tuple[str, ...] = ()  # empty: all
    drafts: bool = False
    future: bool = False
    today: dt.date | None = None
    memo: FrontMatterMemo | None = None  # parsed front matter from the last run, if any
    pages: PageSource | None = None  # pages kept from an earlier load (serve's memory, build's store)
    trees: dict[str, Tree] | None = None  # content files found by the caller's own walk (`scan_content`)


class PageSource(Protocol):
    """Where `load_site` gets pages from when it may reuse earlier ones."""

    def read(self, rc: RegionConfig, rel: str, path: str, problems: Problems,
             memo: FrontMatterMemo | None) -> Page | None: ...

    def unchanged(self, region_id: str, files: dict[str, str]) -> dict[str, Page]:
        """The pages of `files` (path in the region -> file) known to be unchanged, read all at once;
        `load_site` reads the rest one by one."""
        ...

    def forget_unseen(self) -> None: ...


class PageCache:
    """Pages by file identity (size, change time, inode), kept between loads by `icsgen serve`.

    Reading and splitting ten thousand files is most of what a load costs, and a save changes one
    file. A page that reported a problem is never kept, so its problems are reported every time.
    """

    def __init__(self) -> None:
        self._pages: dict[tuple, Page] = {}
        self._seen: set[tuple] = set()

    def read(self, rc: RegionConfig, rel: str, path: str, problems: Problems,
             memo: FrontMatterMemo | None) -> Page | None:
        try:
            info = os.stat(path)
        except OSError:
            return read_page(rc, rel, path, problems, memo)
        key = (rc.id, rel, path, info.st_mtime_ns, info.st_size, info.st_ino)
        self._seen.add(key)
        page = self._pages.get(key)
        if page is None:
            before = len(problems)
            page = read_page(rc, rel, path, problems, memo)
            if page is not None and len(problems) == before:
                self._pages[key] = page
        return page

    def unchanged(self, region_id: str, files: dict[str, str]) -> dict[str, Page]:
        return {}  # a save changes one file: reading each page as now costs little

    def forget_unseen(self) -> None:
        """Drop pages whose files were not read in the last load (deleted, renamed or changed)."""
        self._pages = {k: v for k, v in self._pages.items() if k in self._seen}
        self._seen = set()


def _tree_files(tree: Tree | None, project: str, problems: Problems) -> dict[str, str]:
    if tree is None:
        return {}
    for path in (*tree.outside_links, *tree.broken_links):
        problems.add(Path(path), 0, *link_problem(path, project))
    return tree.files


def _refused_links(tree: Tree | None) -> bool:
    return tree is not None and bool(tree.outside_links or tree.broken_links)


def _is_news(section_key: str) -> bool:
    return section_key.split("/", 1)[-1] == NEWS and "/" in section_key


def load_site(config: SiteConfig, root: Path, options: LoadOptions, problems: Problems) -> Site:
    """Read every page and data file into one read-only `Site`.

    Regions left out with `--region` are still read, so links to them resolve (they become
    absolute addresses), but their problems are not this run's business and are dropped.
    """
    today = options.today or dt.date.today()
    content = root / CONTENT_DIR
    project = project_of(content)
    if content.is_symlink() and link_state(content, project) != "inside":
        problems.add(content, 0, *link_problem(content, project))
        raise BuildFailed(problems.errors)  # nothing of the content can be read
    chosen = tuple(r.id for r in config.regions if not options.regions or r.id in options.regions)
    everyone = problems
    trees = options.trees if options.trees is not None else scan_content(content)
    shared = _tree_files(trees.get(SHARED), project, problems)
    strays, folders = _stray_folders(config, content, trees, problems)
    stop = strays or _refused_links(trees.get(SHARED))
    pages: dict[str, Page] = {}
    held: dict[str, dt.date | None] = {}
    regions: dict[str, Region] = {}
    statics_by_region: dict[str, list[StaticFile]] = {}
    for rc in config.regions:
        problems = everyone if rc.id in chosen else Problems(root)
        region_dir = content / rc.id
        tree = trees.get(rc.id)
        has_folder = tree is not None and not tree.refused
        if tree is None and rc.id not in folders:
            problems.add(config.path, rc.line, f"region '{rc.id}' has no folder content/{rc.id}/",
                         f"create content/{rc.id}/index.md")
        own = _tree_files(tree, project, problems)
        stop = stop or (problems is everyone and _refused_links(tree))
        files = {**shared, **own}  # a region's own file replaces the shared one at the same path
        statics: list[StaticFile] = []
        ready = options.pages.unchanged(rc.id, files) if options.pages is not None else {}  # most of a rebuild
        for page in ready.values():
            if not page.hidden(options.drafts, options.future, today):
                pages[page.key] = page
            elif rc.id in chosen:
                held[page.key] = None if page.meta.draft else page.meta.date
        for rel, path in sorted(files.items() if not ready else ((r, p) for r, p in files.items() if r not in ready)):
            if not rel.endswith(".md"):
                url_rel = "/".join(slugify(part) for part in rel.split("/")[:-1])
                name = rel.rsplit("/", 1)[-1]
                url = f"{rc.id}/{url_rel + '/' if url_rel else ''}{name}"
                statics.append(StaticFile(f"{rc.id}/{rel}", Path(path), url))
                continue
            if options.pages is not None:
                page = options.pages.read(rc, rel, path, problems, options.memo)
            else:
                page = read_page(rc, rel, path, problems, options.memo)
            if page is None:
                continue
            if page.hidden(options.drafts, options.future, today):
                if rc.id in chosen:
                    held[page.key] = None if page.meta.draft else page.meta.date
                continue
            pages[page.key] = page
        statics_by_region[rc.id] = statics
        records: dict[str, tuple[Record, ...]] = {}
        unreadable: set[str] = set()
        data, data_files, refused = _read_data(region_dir / DATA, project, problems, records, unreadable) \
            if has_folder else (_EMPTY, _EMPTY, False)
        stop = stop or (problems is everyone and refused)
        regions[rc.id] = Region(
            config=rc,
            home=pages.get(f"{rc.id}/index.md"),
            data=data,
            data_files=data_files,
            statics=tuple(statics),
            override_dir=region_dir / THEME_OVERRIDES,
            has_folder=has_folder,
            records=MappingProxyType(records),
            unreadable_data=frozenset(unreadable),
        )
        if f"{rc.id}/index.md" not in pages and has_folder:
            problems.add(region_dir / "index.md", 0, f"region '{rc.id}' has no home page",
                         "create index.md with a title")
    if options.pages is not None:
        options.pages.forget_unseen()
    all_statics = {s.key: s for statics in statics_by_region.values() for s in statics}
    site = replace(_assemble(root, config, regions, pages, all_statics, chosen, today, everyone),
                   held_back=MappingProxyType(held))
    return replace(site, stop_before_rendering=True) if stop else site


_EMPTY: MappingProxyType = MappingProxyType({})


def _stray_folders(config: SiteConfig, content: Path, trees: dict[str, Tree],
                   problems: Problems) -> tuple[bool, set[str]]:
    """Report each folder of `content/` that is no region of `regions.yaml`: its pages would never be
    published. Returns whether there was one, and the ids of the regions without a folder that such a
    folder is most likely meant to be (misspelt), whose own "no folder" message would only say the
    same thing again."""
    ids = [rc.id for rc in config.regions]
    homeless = [region_id for region_id in ids if region_id not in trees]
    meant: set[str] = set()
    found = False
    for name in sorted(trees):
        if name == SHARED or name in ids:
            continue
        found = True
        guess = closest(name, homeless) or closest(name, ids)
        if guess is not None and guess in homeless:
            meant.add(guess)
            hint = (f"region '{guess}' has no folder: rename this folder content/{guess}/, "
                    f"or add '{name}:' under 'regions:' in regions.yaml")
        elif guess is not None:
            hint = f"did you mean '{guess}'? Add '{name}:' under 'regions:' in regions.yaml, or move its pages"
        else:
            hint = f"add '{name}:' under 'regions:' in regions.yaml, or rename the folder to a region's id"
        problems.add(content / name, 0, "this folder is not a region in regions.yaml, so none of its pages would "
                     "be published", hint)
    return found, meant


def update_site(site: Site, changed: set[Path], options: LoadOptions, problems: Problems) -> Site | None:
    """The site with just the changed page files read again, or None when a full load is needed.

    For `icsgen serve`: a save changes one page, and walking ten thousand files to find that out
    costs more than the rest of a rebuild. Anything but a page (settings, data, themes, images,
    folders) asks for a full load.
    """
    content = site.root.resolve() / CONTENT_DIR
    affected: set[tuple[str, str]] = set()
    for path in changed:
        if path.is_symlink():  # where it leads, and whether it may be followed, is the full load's to say
            return None
        try:
            parts = path.resolve().relative_to(content).parts
        except (ValueError, RuntimeError, OSError):  # RuntimeError: a link further up that loops
            return None
        if any(is_ignored(part) for part in parts):
            continue
        if path.suffix != ".md" or len(parts) < 2 or path.is_dir():
            return None
        top, rel = parts[0], "/".join(parts[1:])
        if top == SHARED:
            affected.update((region_id, rel) for region_id in site.regions)
        elif top in site.regions and parts[1] not in (DATA, THEME_OVERRIDES):
            affected.add((top, rel))
        else:
            return None
    pages = dict(site.pages)
    regions = dict(site.regions)
    held = dict(site.held_back)  # kept as the full load keeps it: a link's hint says a page is a draft from it
    for region_id, rel in sorted(affected):
        key = f"{region_id}/{rel}"
        pages.pop(key, None)
        held.pop(key, None)
        own, shared = site.content_dir / region_id / rel, site.content_dir / SHARED / rel
        source = own if own.is_file() else shared if shared.is_file() else None
        if source is None:
            continue
        rc = regions[region_id].config
        sink = problems if region_id in site.chosen else Problems(site.root)
        page = (options.pages.read(rc, rel, str(source), sink, options.memo) if options.pages is not None
                else read_page(rc, rel, source, sink, options.memo))
        if page is None or page.hidden(options.drafts, options.future, site.today):
            if page is not None and region_id in site.chosen:
                held[key] = None if page.meta.draft else page.meta.date
            continue
        pages[key] = page
    for region_id in {r for r, _ in affected}:
        regions[region_id] = replace(regions[region_id], home=pages.get(f"{region_id}/index.md"))
        if f"{region_id}/index.md" not in pages and region_id in site.chosen:
            problems.add(content / region_id / "index.md", 0, f"region '{region_id}' has no home page",
                         "create index.md with a title")
    sections = None
    if pages.keys() == site.pages.keys() and all(
            pages[f"{r}/{rel}"].section == site.pages[f"{r}/{rel}"].section for r, rel in affected
            if f"{r}/{rel}" in pages):
        sections = dict(site.sections)  # the same pages in the same folders: only index pages to swap
        for region_id, rel in affected:
            page = pages.get(f"{region_id}/{rel}")
            if page is not None and rel.endswith("index.md") and page.section in sections:
                section = sections[page.section]
                sections[page.section] = replace(section, index=page, title=_section_title(
                    section.key, page, regions[region_id].config.name))
    saved = [f"{r}/{rel}" for r, rel in affected]
    if sections is not None and all(pages[key].url == site.pages[key].url for key in saved if key in pages):
        # the same pages at the same addresses: nothing to claim or sort again (most of a save at 10,000 pages)
        ordered = dict(site.pages)  # the same keys in the same order
        ordered.update((key, pages[key]) for key in saved if key in pages)
        return replace(site, regions=MappingProxyType(regions), sections=MappingProxyType(sections),
                       pages=MappingProxyType(ordered), reread=frozenset(saved), held_back=MappingProxyType(held))
    return replace(_assemble(site.root, site.config, regions, pages, dict(site.statics), site.chosen, site.today,
                             problems, sections), reread=frozenset(saved), held_back=MappingProxyType(held))


def _assemble(root: Path, config: SiteConfig, regions: dict[str, Region], pages: dict[str, Page],
              statics: dict[str, StaticFile], chosen: tuple[str, ...], today: dt.date, problems: Problems,
              sections: dict[str, Section] | None = None) -> Site:
    """Sections from the pages, every address claimed once, and the read-only `Site`."""
    sections = MappingProxyType(sections) if sections is not None else _sections(pages, regions)
    by_url: dict[str, str] = {}
    ordered = {key: pages[key] for key in sorted(pages)}  # one order, whatever order the pages were read in
    for key, page in ordered.items():
        _claim(by_url, page.url, key, page, problems)
    for section in sections.values():
        if section.index is None:
            page = pages.get(by_url.get(section.url, ""))
            if page is not None:  # about.md beside about/: the folder's own page belongs inside it
                problems.add(page.source_path, 1, f"this page and the folder '{section.key}/' beside it would both "
                             f"be published at /{section.url}", f"move this page into the folder as "
                             f"{section.key.split('/', 1)[-1]}/index.md, the folder's own page")
                continue
            _claim(by_url, section.url, section.key + "/", None, problems)
    for static in statics.values():
        _claim(by_url, static.url, static.key, static, problems)
        _check_static_address(by_url, static, problems)
    versions = _versions(ordered, config, chosen, problems)
    return Site(
        root=root,
        config=config,
        regions=MappingProxyType(regions),
        pages=MappingProxyType(ordered),
        sections=MappingProxyType(sections),
        statics=MappingProxyType(statics),
        chosen=chosen,
        by_url=MappingProxyType(by_url),
        today=today,
        versions=versions,
    )


def _versions(pages: dict[str, Page], config: SiteConfig, chosen: tuple[str, ...],
              problems: Problems) -> MappingProxyType:
    """Each page's translations and Easy Read version; a version of no page, or a translation into the
    language of its own page, is reported (it would be published with nothing linking to it)."""
    found: dict[str, list[str]] = {}
    for key, page in pages.items():
        if not page.original:
            continue
        original = pages.get(page.original)
        where = page.original.split("/", 1)[1]
        if original is None or original.original:
            if page.region in chosen and page.kind != BROKEN:
                problems.add(page.source_path, 1, f"a version of '{where}', but there is no such page",
                             f"a translation sits beside its page: add {where}, or rename this file")
            continue
        if page.lang and primary(page.lang) == primary(original.lang or config.language):
            if page.region in chosen:
                problems.add(page.source_path, page.meta.lines.get("lang", 1),
                             f"a translation of '{where}' into its own language ({page.lang})",
                             "name the file with the language it is translated into, e.g. priorities.bn.md")
            continue
        found.setdefault(page.original, []).append(key)
    return MappingProxyType({key: tuple(sorted(keys)) for key, keys in found.items()})


def _claim(by_url: dict[str, str], url: str, key: str, source: Page | StaticFile | None, problems: Problems) -> None:
    owner = by_url.get(url)
    if owner is not None and owner != key:  # only now is the file's path wanted
        problems.add(source.source_path if source else "content", 1,
                     f"'{key}' and '{owner}' would both be written to /{url}",
                     "rename one of them or give one a different 'slug'")
    by_url.setdefault(url, key)


# Files icsgen writes into every region's folder itself (a region on its own domain also gets robots.txt and
# the host's rule files; a region with meetings or events, calendar.ics).
MADE_IN_REGION = {"404.html": "the region's 'page not found' page", "sitemap.xml": "the region's sitemap",
                  "robots.txt": "the region's robots.txt", f"{NEWS}/feed.xml": "the region's news feed",
                  "calendar.ics": "the region's calendar feed",
                  **dict.fromkeys(("_redirects", "_headers", "_nginx.conf", ".htaccess"), "the host's rules")}
NEWS_LIST_PAGE = re.compile(rf"{NEWS}/page/[0-9]+/index\.html")
SEARCH_INDEX = "pagefind"  # the folder of each region's search index (build/search.py writes all of it)
# Pages icsgen makes in every region unless the region has a page of its own at the address.
MADE_PAGES = {"search/": "the region's search page", "a-z/": "the region's A to Z"}


def made_in_region(inside: str, pages: bool = False) -> str | None:
    """What icsgen itself writes at `inside`, a path inside a region's folder (`404.html`, `news/page/2/`), or
    None. With `pages`, the generated pages (search, A to Z) count too: an editor's file there is used
    instead of them, but an old address there would put a redirect in their place.

    Static files and old addresses are both checked against this, so neither silently replaces, or is
    replaced by, something the build writes (it once let an alias turn a region's search page into a
    redirect, and an editor's calendar.ics be overwritten by the region's calendar feed)."""
    folder = inside.removesuffix("index.html") if inside.endswith("/index.html") or inside == "index.html" else None
    first = inside.partition("/")[0]
    if first == ASSETS and "/" in inside:
        return "the theme's files"
    if first == SEARCH_INDEX and "/" in inside:
        return "the region's search index"
    if NEWS_LIST_PAGE.fullmatch(inside) or (inside.endswith("/") and NEWS_LIST_PAGE.fullmatch(inside + "index.html")):
        return "a page of the news list"
    if pages and (made := MADE_PAGES.get(inside) or MADE_PAGES.get(folder or "")):
        return made
    return MADE_IN_REGION.get(inside) or MADE_IN_REGION.get(inside.removesuffix("/"))  # a folder where it writes a file


def _check_static_address(by_url: dict[str, str], static: StaticFile, problems: Problems) -> None:
    """A file copied as it is must not land where icsgen writes a page or a file of its own.

    The claims above compare addresses, and a page's address is a folder ('leeds/priorities/') while a
    file's is a file ('leeds/priorities/index.html'): without this, such a file silently replaced the
    page, or was itself replaced by the region's 404 page, feed or sitemap, with the build passing.
    """
    inside = static.url.partition("/")[2]
    if inside.partition("/")[0] == ASSETS:
        problems.add(static.source_path, 0, f"'{ASSETS}/' is where icsgen puts theme files",
                     "choose another folder name")
        return
    made = made_in_region(inside)
    if made:
        problems.add(static.source_path, 0, f"icsgen writes {made} to /{static.url}, in place of this file",
                     "rename the file or move it to another folder")
        return
    if static.url.endswith("/index.html"):
        owner = by_url.get(static.url[: -len("index.html")])
        if owner is not None and owner != static.key:
            problems.add(static.source_path, 0, f"'{static.key}' and '{owner}' would both be written to /{static.url}",
                         "rename the file: a page is written to its folder's index.html")


def page_url(region_id: str, folder: str, stem: str, slug: str | None = None) -> str:
    """The address of the page `folder/stem.md` of a region (a news post's stem without its date prefix)."""
    folder_url = "/".join(slugify(part) for part in folder.split("/")) if folder else ""
    if stem == "index":
        url_rel = folder_url
    else:
        last = slug or slugify(stem)
        url_rel = f"{folder_url}/{last}" if folder_url else last
    return f"{region_id}/{url_rel}/" if url_rel else f"{region_id}/"


def read_page(rc: RegionConfig, rel: str, path: Path | str, problems: Problems,
               memo: FrontMatterMemo | None = None) -> Page | None:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.add_os_error(path, exc)
        return None if isinstance(exc, FileNotFoundError) else _unreadable(rc, rel, path, b"")
    try:
        text = decode(raw)
    except YamlError as exc:
        problems.add(path, exc.line, exc.message, exc.hint)
        return _unreadable(rc, rel, path, raw)
    split = split_page(text, path, problems, memo)
    if split is None:
        return _unreadable(rc, rel, path, raw)
    meta = split.meta
    folder, _, filename = rel.rpartition("/")
    stem = filename[: -len(".md")]
    section = f"{rc.id}/{folder}" if folder else rc.id
    in_news = folder == NEWS
    lang = variant = original = ""
    if "." in stem:
        version = version_of(stem)
        if version.lang and not known(version.lang):
            problems.add(path, 1, f"'{version.lang}' in the file name is not a language icsgen knows",
                         unknown_language_hint(stem))
            return None
        if version.lang or version.variant:
            stem, lang, variant = version.stem, version.lang, version.variant
            original = f"{rc.id}/{folder + '/' if folder else ''}{stem}.md"
    if meta.lang:
        if not known(meta.lang):
            problems.add(path, meta.lines.get("lang", 1), f"'lang' is '{meta.lang}', a language icsgen does not know",
                         unknown_language_hint(meta.lang))
            return None
        if lang and primary(lang) != primary(meta.lang):
            problems.add(path, meta.lines.get("lang", 1),
                         f"'lang' is '{meta.lang}' but the file name says '{lang}'",
                         f"make them the same, or leave 'lang' out: {filename} is read as '{lang}'")
            return None
        if variant == EASY_READ or not lang:
            lang = meta.lang  # the page's own language, or the language of an Easy Read version
    if in_news and stem != "index":
        dated = DATE_PREFIX.match(stem)
        if dated:
            stem = dated.group(2)
            if meta.date is None:
                with contextlib.suppress(ValueError):  # a bad prefix is reported as a missing date
                    meta = replace(meta, date=dt.date.fromisoformat(dated.group(1)))
        if meta.date is None:
            problems.add(path, 1, "a news post needs a 'date'", "add 'date: YYYY-MM-DD' to the front matter")
            return _unreadable(rc, rel, path, raw)
    if folder and folder.split("/")[0] == ASSETS:
        problems.add(path, 1, f"'{ASSETS}/' is where icsgen puts theme files", "choose another folder name")
        return None
    url = page_url(rc.id, folder, stem, meta.slug)
    if original:
        url += version_path(lang, variant)
    if stem == "index":
        kind = "home" if not folder else ("news-list" if in_news and not original else "section")
    else:
        kind = "news" if in_news else "page"
        if url == f"{rc.id}/{ASSETS}/":
            problems.add(path, 1, f"'{ASSETS}' is where icsgen puts theme files", "give the page another 'slug'")
            return None
    return Page(
        key=f"{rc.id}/{rel}",
        region=rc.id,
        source_path=path,
        url=url,
        kind=kind,
        section=section,
        meta=meta,
        body=split.body,
        body_line=split.body_line,
        digest=hashlib.blake2b(raw, digest_size=16).hexdigest(),
        lang=lang,
        variant=variant,
        original=original,
    )


BROKEN = "broken"  # the kind of a page whose file is there but could not be read (see `_unreadable`)


def _unreadable(rc: RegionConfig, rel: str, path: Path, raw: bytes) -> Page:
    """A stand-in for a page whose file exists but could not be read (its problem already reported).

    It is never rendered or listed, but links and navigation to it still find it: one mistake in a
    page's front matter is one message, not one more for every page that links to it.
    """
    folder, _, filename = rel.rpartition("/")
    stem = filename[: -len(".md")]
    dated = DATE_PREFIX.match(stem) if folder == NEWS else None
    if dated:
        stem = dated.group(2)
    meta = FrontMatter(title=stem.replace("-", " ").capitalize() or rc.name, summary="", date=None, updated=None,
                       author="", tags=(), draft=False, template=None, weight=0, nav_title="", reviewed=None,
                       review_due=None, toc=None, slug=None, aliases=(), image="", image_alt="", extra=_EMPTY,
                       lines=_EMPTY)
    return Page(key=f"{rc.id}/{rel}", region=rc.id, source_path=path, url=page_url(rc.id, folder, stem), kind=BROKEN,
                section=f"{rc.id}/{folder}" if folder else rc.id, meta=meta, body="", body_line=1,
                digest=hashlib.blake2b(raw, digest_size=16).hexdigest())


def _read_data(folder: Path, project: str, problems: Problems, records: dict[str, tuple[Record, ...]] | None = None,
               unreadable: set[str] | None = None) -> tuple[MappingProxyType, MappingProxyType, bool]:
    """The region's data files by name (`data/partners.yaml` is `data.partners`), frozen; into `records`,
    the checked records of those whose names give a type (`meetings-2026.yaml`: meetings); into `unreadable`,
    the names of those that could not be read (each reported).

    A link (the folder's or a file's) is read only if it stays inside the project folder; the last
    value says whether one did not (reported).
    """
    data: dict[str, Any] = {}
    files: dict[str, Path] = {}
    if folder.is_symlink() and link_state(folder, project) != "inside":
        problems.add(folder, 0, *link_problem(folder, project))
        return _EMPTY, _EMPTY, True
    if not folder.is_dir():
        return _EMPTY, _EMPTY, False
    refused = False
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".yaml", ".yml") or is_ignored(path.name):
            continue
        if path.is_symlink() and link_state(path, project) != "inside":
            problems.add(path, 0, *link_problem(path, project))
            refused = True
            continue
        try:
            loaded = load_yaml(decode(read_file(path)))  # read_file: a pipe is never waited on
            check_data_addresses(loaded, path, problems)  # here, where each value's line is known
            typed = check_records(path.stem, loaded, path, problems)  # as is every field of a known type
            if typed is not None and records is not None:
                kind = record_type(path.stem) or path.stem
                records[kind] = records.get(kind, ()) + typed
            data[path.stem] = freeze(loaded)
            files[path.stem] = path
        except YamlError as exc:
            problems.add(path, exc.line, exc.message, exc.hint)
        except IsADirectoryError:
            problems.add(path, 0, "a folder, not a data file", "data files are YAML files such as partners.yaml")
        except OSError as exc:
            problems.add_os_error(path, exc)
        if path.stem not in data and unreadable is not None:
            unreadable.add(path.stem)
    return MappingProxyType(data), MappingProxyType(files), refused


def _sections(pages: dict[str, Page], regions: dict[str, Region]) -> MappingProxyType:
    """Every folder that holds pages becomes a section, including the folders in between."""
    members: dict[str, list[str]] = {rid: [] for rid in regions}
    for page in pages.values():
        listed = members.get(page.section)
        if listed is None:
            listed = members[page.section] = []
        if (page.kind == "page" or page.kind == "news") and not page.original:  # versions are not listed
            listed.append(page.key)
    for key in list(members):  # the folders in between, once per folder rather than once per page
        parts = key.split("/")
        for i in range(1, len(parts)):
            members.setdefault("/".join(parts[:i]), [])
    children: dict[str, list[str]] = {}
    for key in members:
        parent, _, _ = key.rpartition("/")
        if parent:
            children.setdefault(parent, []).append(key)
    sections: dict[str, Section] = {}
    for key in sorted(members):
        region_id, _, folder = key.partition("/")
        index = pages.get(f"{key}/index.md")
        sections[key] = Section(
            key=key,
            region=region_id,
            url=page_url(region_id, folder, "index"),  # where its index.md would go
            index=index,
            pages=tuple(sorted(members[key])),
            sections=tuple(sorted(children.get(key, ()))),
            title=_section_title(key, index, regions[region_id].config.name),
        )
    return MappingProxyType(sections)


def _section_title(key: str, index: Page | None, region_name: str) -> str:
    """The folder's own page's title, else its name made readable (`our-services` -> 'Our services')."""
    folder = key.partition("/")[2]
    title = index.title if index else folder.rsplit("/", 1)[-1].replace("-", " ").capitalize()
    return title or region_name


def resolve_link(site: Site, from_key: str, target: str) -> tuple[str, Page | Section | StaticFile | None]:
    """Find what a Markdown link points at: (the content path it names, the thing or None).

    `target` is as written, without '#fragment': relative to the linking page's folder, or from
    `content/` when it starts with '/'. A folder (`news/`) means that section. Written as an address
    (`board%20paper.pdf`, as a browser shows it) it names the file `board paper.pdf`, unless a file
    is named exactly as written.
    """
    joined, found = _resolve_path(site, from_key, target)
    if found is None and "%" in target:
        from urllib.parse import unquote  # only here: most builds have no such link

        decoded = unquote(target)
        if decoded != target:
            named, thing = _resolve_path(site, from_key, decoded)
            if thing is not None:
                return named, thing
    return joined, found


def _resolve_path(site: Site, from_key: str, target: str) -> tuple[str, Page | Section | StaticFile | None]:
    if target.startswith("/"):
        joined = posixpath.normpath(target.lstrip("/"))
    else:
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(from_key), target))
    if joined.startswith("..") or joined == ".":
        return joined, None
    if joined in site.pages:
        return joined, site.pages[joined]
    if joined.endswith(".md"):
        return joined, None
    section = site.sections.get(joined)
    if section is not None:
        return joined + "/", section.index or section
    return joined, site.statics.get(joined)


def suggest_link(site: Site, from_key: str, target: str) -> str:
    """A hint for a link to `target` (as written, without '#fragment') that finds nothing, or ''.

    A link written as the web address of a page (`../priorities/`, `/leeds/priorities`,
    `priorities/index.html`) is told to name the page's file; a misspelt name (`../priorites.md`) gets
    the nearest page or file of the site. The suggestion is written the way the link was: from the
    linking page's folder, or from `content/` when it started with '/'.
    """
    written, _ = resolve_link(site, from_key, target)
    if written in site.held_back:  # the file is there: say why the page is not (the editor can see the file)
        later = site.held_back[written]
        if later is None:
            return ("it is a draft ('draft: true'), left out of the published site: delete that line to publish "
                    "it, or remove the link (--drafts builds drafts too)")
        return (f"it is dated {later.isoformat()}, after the build's date, so it is not published yet: remove the "
                "link until then (--future builds it now)")
    path = written.rstrip("/")
    for tail in ("/index.html", "/index.htm", ".html", ".htm"):
        if path.endswith(tail):
            path = path[: -len(tail)]
            break
    owner = site.by_url.get(path + "/") if path else None
    if owner is not None and owner in site.pages:
        return f"link the page's file, not its web address: '{_written_like(owner, from_key, target)}'"
    region = written.split("/", 1)[0]
    keys = [key for key in (*site.pages, *site.statics) if key.split("/", 1)[0] == region] or \
        [*site.pages, *site.statics]
    if not written.endswith(".md"):
        keys += [key + "/" for key in site.sections if key.split("/", 1)[0] == region]
    # compared as they would be written in this link, so the folders both share count for nothing
    names = {_written_like(key, from_key, target): key for key in keys}
    close = difflib.get_close_matches(target, list(names), n=1, cutoff=0.75)
    return f"did you mean '{close[0]}'?" if close else ""


def _written_like(key: str, from_key: str, target: str) -> str:
    """The link to `key` from the page `from_key`, from `content/` if `target` was, else relative."""
    if target.startswith("/"):
        return "/" + key
    relative = posixpath.relpath(key, posixpath.dirname(from_key) or ".")
    return relative + "/" if key.endswith("/") and not relative.endswith("/") else relative
