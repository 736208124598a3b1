"""`#anchor` links checked against the headings of the rendered pages, from fresh renders or the records."""

from __future__ import annotations

from collections.abc import Iterable

from icsgen.cache import OutputTable, decode_refs, refers_to
from icsgen.content import Site
from icsgen.markdown import LinkRef
from icsgen.problems import Problems, nearest
from icsgen.render import Job


def check_rendered_links(site: Site, rendered: Iterable[tuple[Job, Iterable[str] | None, Iterable[LinkRef]]],
                         problems: Problems) -> None:
    """Check every `#anchor` link of the rendered pages: (job, its ids or None if it failed, its links).

    Shared by build (from cache records) and check (from fresh renders), so both report the same.
    """
    anchors = {}
    refs = []
    for job, ids, links in rendered:
        if ids is not None and job.number == 1:  # a link to a news listing means its first page
            anchors[job.page.key] = frozenset(ids)
        refs.extend((job.page, ref) for ref in links)
    check_anchors(site, anchors, refs, problems)


def check_anchors_from_records(site: Site, jobs: list[Job], table: OutputTable, fresh: set[str] | None,
                                problems: Problems) -> None:
    """Check `#anchor` links from the records: all of them, or (`fresh` given) only those that may have broken.

    The last build passed this check, so a link can only break if its page or its target was
    rendered again: `fresh` names the outputs rendered this time.
    """
    outputs = table.outputs
    if fresh is None:
        selected = {job.url: decode_refs(outputs[job.url][2]) for job in jobs if job.url in outputs}
    else:
        redone = {job.page.key for job in jobs if job.url in fresh}
        few = refers_to(redone) if len(redone) <= 16 else None  # finds the few records that may link to them
        selected = {}
        for url, record in outputs.items() if redone else ():
            text = record[2]
            if not text:
                continue
            if url in fresh:
                selected[url] = decode_refs(text)
            elif few is None or few(text):
                refs = [ref for ref in decode_refs(text) if ref[0] in redone]
                if refs:
                    selected[url] = refs
    targets = {ref[0] for refs in selected.values() for ref in refs}
    rendered = ((job, table.anchors(job.url) if job.page.key in targets else None,
                 [LinkRef(*ref) for ref in selected.get(job.url, ())])
                for job in jobs  # failed pages have no record, and no links to check; the rest, nothing to check
                if job.url in outputs and (job.url in selected or job.page.key in targets))
    check_rendered_links(site, rendered, problems)


def check_anchors(site: Site, anchors: dict[str, frozenset[str]], refs: list, problems: Problems) -> None:
    for page, ref in refs:
        target_anchors = anchors.get(ref.target)
        if target_anchors is None or ref.fragment in target_anchors:
            continue
        where = "on this page" if ref.target == page.key else f"on '{ref.target}'"
        problems.add(page.source_path, ref.line, f"no heading or anchor '#{ref.fragment}' {where}",
                     nearest(ref.fragment, target_anchors) or "anchors come from headings: '## Our aims' is #our-aims")
