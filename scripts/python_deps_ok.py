"""Tell scripts/setup.sh whether `pip install -e '.[test]'` can be skipped.

Exit 0 when the running interpreter already has:

* icsgen installed *editable from this very checkout* (a fresh clone in another folder, as in
  CI, must reinstall so the `icsgen` command and imports point at the right tree),
* the same version and console scripts as pyproject.toml says (metadata goes stale when those
  change), and
* every requirement in `[project] dependencies` and the `test` extra satisfied.

Exit 1 otherwise (including when `packaging` is not importable yet, as on a fresh machine).
Why: a no-op `pip install -e .` still builds an editable wheel in an isolated environment, which
costs several seconds and a trip to PyPI on every `scripts/test.sh` run. This check takes a
fraction of a second and errs on the side of reinstalling.

Usage: python scripts/python_deps_ok.py [REPO_ROOT] [-v]
"""

from __future__ import annotations

import json
import sys
import tomllib
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

EXTRAS = ("test",)


def _problems(root: Path) -> list[str]:
    try:
        from packaging.requirements import Requirement
        from packaging.utils import canonicalize_name
    except ImportError:
        return ["packaging is not installed"]

    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    name = project["name"]
    problems: list[str] = []

    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return [f"{name} is not installed"]

    if dist.version != project["version"]:
        problems.append(f"{name} {dist.version} installed, pyproject says {project['version']}")

    direct_url = dist.read_text("direct_url.json")
    info = json.loads(direct_url) if direct_url else {}
    url = info.get("url", "")
    editable = info.get("dir_info", {}).get("editable", False)
    installed_from = Path(unquote(urlparse(url).path)) if url.startswith("file:") else None
    if not editable or installed_from is None or installed_from.resolve() != root.resolve():
        problems.append(f"{name} is not installed editable from {root}")

    wanted_scripts = dict(project.get("scripts", {}))
    have_scripts = {ep.name: ep.value for ep in dist.entry_points if ep.group == "console_scripts"}
    if wanted_scripts != have_scripts:
        problems.append(f"console scripts differ: {have_scripts} != {wanted_scripts}")

    requirements = list(project.get("dependencies", []))
    for extra in EXTRAS:
        requirements += project.get("optional-dependencies", {}).get(extra, [])
    for text in requirements:
        req = Requirement(text)
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        try:
            version = metadata.version(canonicalize_name(req.name))
        except metadata.PackageNotFoundError:
            problems.append(f"missing {req.name}")
            continue
        if req.specifier and not req.specifier.contains(version, prereleases=True):
            problems.append(f"{req.name} {version} does not satisfy {text}")
    return problems


def main(argv: list[str]) -> int:
    args = [a for a in argv if a != "-v"]
    root = Path(args[0]) if args else Path(__file__).resolve().parent.parent
    problems = _problems(root)
    if "-v" in argv:
        for problem in problems:
            print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
