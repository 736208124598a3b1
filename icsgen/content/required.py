"""Content rules a region sets in `regions.yaml` that are errors: `check.required` front matter fields.

These run in `load()`, so `icsgen build`, `icsgen check` and `icsgen serve` all fail on them alike.
`check.required` maps a folder of the region (`news`, `about/teams`) to the front matter fields every
page in that folder (and its sub-folders) must have; the folder's own `index.md` is not included.
`"/"` means every page of the region.
"""

from __future__ import annotations

from icsgen.problems import Problems, nearest

from .frontmatter import FRONT_MATTER
from .model import BROKEN, Page, Site

FIELD_NAMES = tuple(f.name for f in FRONT_MATTER.fields)


def check_required(site: Site, problems: Problems) -> None:
    """Record an error for each required front matter field a page of a chosen region is missing."""
    chosen = getattr(site, "chosen", tuple(site.regions))
    for region_id in chosen:
        region = site.regions[region_id]
        rules = _rules(site, region.config, problems)
        if not rules:
            continue
        for page in site.pages.values():
            if page.region != region_id or page.kind == BROKEN:  # its file's problem is reported already
                continue
            folder, stem = _place(page)
            for section, fields in rules:
                if not _applies(section, folder, stem):
                    continue
                where = f"pages in {section}/" if section else "every page"
                for name in fields:
                    if not _present(page, name):
                        problems.add(page.source_path, 1,
                                     f"'{name}' is required in front matter for {where} of region '{region_id}'",
                                     f"add '{name}: ...' (check.required in regions.yaml)")


def _rules(site: Site, rc, problems: Problems) -> list[tuple[str, tuple[str, ...]]]:  # type: ignore[no-untyped-def]
    rules = []
    for section, fields in rc.check.required.items():
        folder = str(section).strip().strip("/")
        if isinstance(fields, str):
            fields = (fields,)
        if not isinstance(fields, tuple | list) or not all(isinstance(f, str) for f in fields):
            problems.add(site.config.path, rc.line,
                         f"check.required of region '{rc.id}': '{section}' must list front matter field names",
                         "e.g. required: {news: [summary, author]}")
            continue
        known = []
        for name in fields:
            if name in FIELD_NAMES:
                known.append(name)
            else:
                problems.add(site.config.path, rc.line,
                             f"check.required of region '{rc.id}': '{name}' is not a front matter field",
                             nearest(name, FIELD_NAMES) or f"fields: {', '.join(FIELD_NAMES)}")
        rules.append((folder, tuple(known)))
    return rules


def _place(page: Page) -> tuple[str, str]:
    """The page's folder inside its region ('' for the top) and its file name without '.md'."""
    rel = page.key.split("/", 1)[1] if "/" in page.key else page.key
    folder, _, name = rel.rpartition("/")
    return folder, name.removesuffix(".md")


def _applies(section: str, folder: str, stem: str) -> bool:
    if not section:
        return True
    if folder == section:
        return stem != "index"
    return folder.startswith(section + "/")


def _present(page: Page, name: str) -> bool:
    value = getattr(page.meta, name, None)
    if isinstance(value, bool):
        return name in page.meta.lines
    return value not in (None, "", (), {})
