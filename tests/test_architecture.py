"""The layers hold: imports point one way (server -> scheduler -> nudges ->
messages), the domain is pure, and no two modules of the project import each
other, directly or round a loop.

Read from the source (the AST of every module, lazy imports inside functions
included: a cycle through a function body still ties two modules together),
so nothing is imported to check it.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("messages", "nudges", "scheduler", "server")
# Frameworks the pure domain must not know about (top-level distribution names).
FRAMEWORKS = frozenset(
    {"flask", "flask_login", "flask_wtf", "flask_limiter", "werkzeug"}
    | {"sqlalchemy", "alembic", "twilio"}
)
# The one cycle left, being taken apart by issue 14's outbox work (one module
# owns every outbox write): delete it from here when that lands. Any other
# cycle fails, and so does this one if another module joins it.
ALLOWED_CYCLES: list[list[str]] = []


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def imported_names(path: Path, module: str) -> Iterator[str]:
    """Every name `path` imports, absolute: `from a import b` gives `a.b`
    (a module, or a name defined in module `a`: `import_graph` tells which)."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = module.split(".") if is_package else module.split(".")[:-1]
                anchor = here[: len(here) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield from (f"{base}.{alias.name}" for alias in node.names)


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the project's modules it imports. `from a import b` is an
    edge to `a.b` when that is a module (the usual `from nudges import
    metrics`), else to `a`, where the name is defined."""
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets = set()
        for name in imported_names(path, module):
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name:
                targets.add(name)
        targets.discard(module)
        graph[module] = targets
    # nudges.cli loads the commands of the packages above it through entry
    # points: not an import statement, but a cycle all the same if one of
    # them imports nudges.cli back.
    for target in command_modules():
        if "nudges.cli" in graph and target in modules:
            graph["nudges.cli"].add(target)
    return graph


def command_modules() -> set[str]:
    """The modules named by the `nudges.commands` entry points in pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    commands = project.get("entry-points", {}).get("nudges.commands", {})
    return {target.partition(":")[0] for target in commands.values()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def offending_imports(modules: dict[str, Path], within: str, forbidden: Iterable[str]) -> list[str]:
    """`module -> name` for each import in package `within` of a forbidden top-level name."""
    banned = set(forbidden)
    return sorted(
        f"{module} -> {name}"
        for module, path in modules.items()
        if module == within or module.startswith(within + ".")
        for name in set(imported_names(path, module))
        if name.split(".")[0] in banned
    )


MODULES = project_modules()


def test_the_graph_is_read_from_every_package() -> None:
    graph = import_graph(MODULES)
    assert {m.split(".")[0] for m in graph} == set(PACKAGES)
    # A known edge, so an empty graph (a parser that sees nothing) cannot pass.
    assert "nudges.domain.crisis" in graph["nudges.domain.keywords"]


def test_no_import_cycle_between_modules_of_the_project() -> None:
    found = [c for c in cycles(import_graph(MODULES)) if c not in ALLOWED_CYCLES]
    assert not found, "import cycles: " + "; ".join(" <-> ".join(c) for c in found)


def test_the_domain_imports_no_framework() -> None:
    bad = offending_imports(MODULES, "nudges.domain", FRAMEWORKS)
    assert not bad, f"nudges/domain must stay pure: {bad}"


@pytest.mark.parametrize(
    ("package", "above"),
    [
        ("messages", ("nudges", "scheduler", "server")),
        ("nudges", ("scheduler", "server")),
        ("scheduler", ("server",)),
    ],
)
def test_imports_point_one_way(package: str, above: tuple[str, ...]) -> None:
    bad = offending_imports(MODULES, package, above)
    assert not bad, f"{package} imports from a layer above it: {bad}"


def test_the_cycle_finder_names_a_loop() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
