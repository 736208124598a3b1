"""The shape of the package: one subpackage per stage, imports pointing one way, no cycles.

A newcomer should be able to trust the layout: `render/` never reaches up into `build/`, and no
stage reaches into another's private modules. These tests read the imports (every one, including
those inside functions) and fail naming the offending line.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from tests.support import REPO_ROOT

PACKAGE = REPO_ROOT / "icsgen"

# Lower layers never import higher ones; stages on one layer never import each other.
LAYERS: dict[str, float] = {
    "problems": 0,
    "config": 1,
    "files": 0.5,  # finding input files, and whether a link leads out of the project: config reads with it
    "content": 2,
    "markdown": 2,
    "render": 3,
    "cache": 4,
    "build": 5,
    "check": 6,
    "serve": 6,
    "new": 6,
    "cli": 7,
    "__main__": 8,
    "__init__": 0,
}

# Only these stages may know about caches, processes and forks.
KNOWS_PROCESSES = {"build", "serve", "cli", "cache"}
PROCESS_MODULES = {"multiprocessing", "concurrent.futures", "subprocess", "signal"}


def _stage(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) for every import in the file, relative ones resolved."""
    name = ".".join(["icsgen", *path.relative_to(PACKAGE).with_suffix("").parts]).removesuffix(".__init__")
    return [(line, module) for line, module in _imports_in(path, name)
            if (PACKAGE.parent / module.replace(".", "/")).is_dir()
            or (PACKAGE.parent / (module.replace(".", "/") + ".py")).exists()
            or not module.startswith("icsgen")]


def _public(stage: str) -> set[str]:
    """The names a package's public face lists in `__all__` (a module listed there is public)."""
    for node in ast.parse((PACKAGE / stage / "__init__.py").read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets):
            return {ast.literal_eval(e) for e in node.value.elts}
    return set()


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_imports_point_one_way_through_public_faces() -> None:
    wrong = []
    for path in _sources():
        stage = _stage(path)
        for line, module in _imports(path):
            parts = module.split(".")
            if parts[0] != "icsgen" or len(parts) == 1:
                continue
            target = parts[1]
            if target == stage or target == "__version__":
                continue
            where = f"{path.relative_to(REPO_ROOT)}:{line}"
            if LAYERS[target] >= LAYERS[stage] and stage != "__init__":
                wrong.append(f"{where}: {stage} (layer {LAYERS[stage]}) imports {module} (layer {LAYERS[target]})")
            if len(parts) > 2 and (PACKAGE / target).is_dir() and parts[2] not in _public(target):
                wrong.append(f"{where}: {stage} reaches into {module}; import from icsgen.{target} instead")
    assert not wrong, "\n" + "\n".join(wrong)


def test_only_build_serve_cache_and_cli_start_processes() -> None:
    wrong = []
    for path in _sources():
        stage = _stage(path)
        if stage in KNOWS_PROCESSES:
            continue
        for line, module in _imports(path):
            if module in PROCESS_MODULES or module.split(".")[0] in PROCESS_MODULES:
                wrong.append(f"{path.relative_to(REPO_ROOT)}:{line}: {stage} imports {module}")
        text = path.read_text()
        if "os.fork" in text:
            wrong.append(f"{path.relative_to(REPO_ROOT)}: {stage} forks")
    assert not wrong, "\n" + "\n".join(wrong)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles, state, stack = [], {}, []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def _module_graph(root: Path, prefix: str) -> dict[str, set[str]]:
    names = {".".join([prefix, *p.relative_to(root).with_suffix("").parts]).removesuffix(".__init__"): p
             for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in names.items():
        for _, module in _imports_in(path, name):
            while module and module not in names:
                module = module.rpartition(".")[0]
            if module and module != name and not name.startswith(module + "."):
                graph[name].add(module)
    return graph


def _imports_in(path: Path, name: str) -> list[tuple[int, str]]:
    """(line, absolute name) of every import, and of every name imported (it may be a module)."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.append((node.lineno, module))
            found += [(node.lineno, f"{module}.{a.name}") for a in node.names]
    return found


def test_no_import_cycles_between_modules() -> None:
    cycles = _cycles(_module_graph(PACKAGE, "icsgen"))
    assert not cycles, "\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_no_import_cycles_in_the_benchmarks() -> None:
    bench = REPO_ROOT / "bench"
    graph: dict[str, set[str]] = defaultdict(set)
    scripts = {p.stem for p in bench.glob("*.py")}
    for path in bench.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                graph[path.stem] |= {a.name for a in node.names if a.name in scripts}
            elif isinstance(node, ast.ImportFrom) and (node.module or "") in scripts:
                graph[path.stem].add(node.module)
    cycles = _cycles(graph)
    assert not cycles, "\n" + "\n".join(" -> ".join(c) for c in cycles)
