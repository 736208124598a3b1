"""Run axe-core accessibility checks on a page in real Chromium.

Why axe in a real browser: many WCAG failures (colour contrast, focus order, hidden content,
names computed from CSS-generated text) only exist once CSS is applied and the accessibility
tree is built, which static HTML checks cannot see.

axe-core comes from the npm package pinned in tools/package-lock.json (installed by
``scripts/setup.sh``); it is injected into the page from disk, so nothing is fetched at run time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.support import TOOLS_DIR, missing_tool

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE_JS: Path = TOOLS_DIR / "axe-core" / "axe.min.js"

WCAG_TAGS: tuple[str, ...] = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
"""The rule sets checked: WCAG 2.2 level AA, the standard NHS services must meet."""

_RUN_AXE = """
async ({tags, disabled, context}) => {
  const options = {runOnly: {type: 'tag', values: tags}};
  if (disabled.length) {
    options.rules = Object.fromEntries(disabled.map((id) => [id, {enabled: false}]));
  }
  const results = await axe.run(context ?? document, options);
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    targets: v.nodes.map((n) => n.target.join(' ')),
    nodes: v.nodes.map((n) => ({
      target: n.target.join(' '),
      html: n.html,
      summary: n.failureSummary,
    })),
  }));
}
"""


def run_axe(
    page: Page,
    url: str | None,
    *,
    tags: Sequence[str] = WCAG_TAGS,
    disable_rules: Sequence[str] = (),
    context: str | None = None,
    allow_http_error: bool = False,
) -> list[dict[str, Any]]:
    """Open ``url`` in ``page`` (or check the page as it is, if ``url`` is None) and run axe.

    Returns axe's violations, each a dict with ``id``, ``impact`` ("minor" .. "critical"),
    ``help``, ``helpUrl``, ``targets`` (CSS selectors of the failing elements) and ``nodes``
    (``target``, ``html``, ``summary`` for each). An empty list means no violations.

    ``context``: a CSS selector to check only part of the page. ``disable_rules``: axe rule ids to
    switch off. A 4xx/5xx response raises AssertionError unless ``allow_http_error`` is True
    (checking a 404 page on purpose).
    """
    if not AXE_JS.is_file():
        missing_tool(f"axe-core is missing at {AXE_JS}")
    if url is not None:
        response = page.goto(url, wait_until="load")
        if response is not None and response.status >= 400 and not allow_http_error:
            raise AssertionError(f"run_axe: {url} answered HTTP {response.status}")
    page.add_script_tag(path=str(AXE_JS))
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        raise RuntimeError(
            "axe-core did not load into the page; a Content-Security-Policy may block injected "
            "scripts (create the browser context with bypass_csp=True)"
        )
    violations: list[dict[str, Any]] = page.evaluate(
        _RUN_AXE, {"tags": list(tags), "disabled": list(disable_rules), "context": context}
    )
    return violations


def format_violations(violations: Iterable[dict[str, Any]]) -> str:
    """Readable text for assertion messages: one block per rule, one line per failing element."""
    lines: list[str] = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        lines += [f"    {node['target']}: {node['html'][:160]}" for node in v["nodes"]]
    return "\n".join(lines)
