"""Validate HTML with the Nu Html Checker (vnu.jar, the W3C validator's engine).

Why one Java process for many files: the JVM takes a second or two to start, so validating a
build page by page would cost minutes; vnu checks a whole list of files in one run. Pass every
page of a build in one call.

The jar comes from the npm package ``vnu-jar`` pinned in tools/package-lock.json and installed by
``scripts/setup.sh``; Java comes from Debian. If either is missing the calling test fails under
``CI=true`` and is skipped elsewhere (see :func:`tests.support.missing_tool`).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from tests.support import REPO_ROOT, TOOLS_DIR, missing_tool

VNU_JAR: Path = TOOLS_DIR / "vnu-jar" / "build" / "dist" / "vnu.jar"

# -Xss: vnu's docs advise a larger thread stack for deeply nested documents.
# SerialGC/TieredStopAtLevel=1: faster JVM start-up, which dominates for a few hundred pages.
JAVA_OPTIONS: tuple[str, ...] = ("-Xss2m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")


class VnuError(RuntimeError):
    """vnu.jar itself failed (crashed or printed something that is not its JSON report)."""


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        missing_tool("Java (`java`) is not on PATH; vnu.jar needs it")
    if not VNU_JAR.is_file():
        missing_tool(f"the Nu Html Checker jar is missing at {VNU_JAR}")
    return java


def _display_path(url: str) -> str:
    """Turn vnu's ``file:/abs/path`` into a path relative to the repo when possible."""
    path = Path(unquote(urlsplit(url).path)) if url.startswith("file:") else Path(url)
    try:
        return str(path.relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def run_vnu(
    paths: Iterable[Path],
    *,
    errors_only: bool = True,
    ignore: Sequence[str] = (),
    timeout: float = 600,
) -> list[dict[str, Any]]:
    """Check HTML files (or folders of them) in one vnu.jar run; return its messages.

    Each message is a dict: ``file`` (path, relative to the repo when inside it), ``line``,
    ``column`` (may be None), ``type`` ("error", or "info"/"warning" kinds when ``errors_only`` is
    False, or "non-document-error" when a file could not be read), ``message`` and ``extract``.
    An empty list means every file is valid.

    ``ignore``: regular expressions; messages whose text matches one (``re.search``) are dropped.
    Folders are searched for .html/.htm files (vnu's ``--skip-non-html``).
    """
    # Absolute paths: vnu has no "--", so a relative name starting with "-" would read as an option.
    targets = [str(Path(p).resolve()) for p in paths]
    if not targets:
        return []
    for target in targets:
        if not Path(target).exists():
            raise FileNotFoundError(f"run_vnu: {target} does not exist")
    java = _java()
    command = [java, *JAVA_OPTIONS, "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always"]
    if errors_only:
        command.append("--errors-only")
    if any(Path(t).is_dir() for t in targets):
        command.append("--skip-non-html")
    command += targets
    proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    # vnu writes its JSON report to stderr; the JVM may print warnings before it.
    report_text = proc.stderr.strip()
    start = report_text.find('{"')
    if proc.returncode != 0 or start < 0:
        raise VnuError(
            f"vnu.jar exited {proc.returncode} without a JSON report:\n"
            f"{proc.stderr[-2000:]}\n{proc.stdout[-2000:]}"
        )
    try:
        report = json.loads(report_text[start:])
    except json.JSONDecodeError as exc:
        raise VnuError(f"vnu.jar printed unreadable JSON ({exc}):\n{report_text[-2000:]}") from exc

    patterns = [re.compile(p) for p in ignore]
    messages: list[dict[str, Any]] = []
    for raw in report.get("messages", []):
        text = raw.get("message", "")
        if any(p.search(text) for p in patterns):
            continue
        kind = raw.get("type", "error")
        if raw.get("subType"):
            kind = f"{kind}/{raw['subType']}"
        messages.append(
            {
                "file": _display_path(raw.get("url", "")),
                "line": raw.get("lastLine", raw.get("firstLine")),
                "column": raw.get("firstColumn", raw.get("lastColumn")),
                "type": kind,
                "message": text,
                "extract": raw.get("extract", ""),
            }
        )
    return messages


def format_vnu(messages: Iterable[dict[str, Any]]) -> str:
    """One readable line per message, for assertion output: ``file:line:col: type: message``."""
    return "\n".join(
        f"{m['file']}:{m['line']}:{m['column']}: {m['type']}: {m['message']}" for m in messages
    )
