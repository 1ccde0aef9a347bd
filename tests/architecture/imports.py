"""Hostwerk's import graph, read from the source with `ast` (imports inside functions included):
which app imports which, and the cycles between apps."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "src" / "hostwerk"


@dataclass(frozen=True)
class Import:
    source: str  # the importing module, e.g. "hostwerk.orders.acceptance"
    target: str  # the imported module, e.g. "hostwerk.billing.actions"
    line: int
    type_checking: bool  # under `if TYPE_CHECKING:`, so never run
    deferred: bool  # inside a function: runs at call time, not at import time

    @property
    def source_app(self) -> str:
        return app_of(self.source)

    @property
    def target_app(self) -> str:
        return app_of(self.target)


def app_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _module_name(path: Path) -> str:
    relative = path.relative_to(SOURCE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


class _Visitor(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool) -> None:
        self.module = module
        self.package = module if is_package else module.rpartition(".")[0]
        self.imports: list[Import] = []
        self._type_checking = 0
        self._function = 0

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._function += 1
        self.generic_visit(node)
        self._function -= 1

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        guarded = (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        )
        if guarded:
            self._type_checking += 1
            for child in node.body:
                self.visit(child)
            self._type_checking -= 1
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)

    def _add(self, target: str, node: ast.AST) -> None:
        if target.startswith("hostwerk."):
            self.imports.append(
                Import(
                    self.module, target, node.lineno, self._type_checking > 0, self._function > 0
                )
            )

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.package.split(".")
            base = base[: len(base) - (node.level - 1)]
            target = ".".join([*base, node.module] if node.module else base)
        else:
            target = node.module or ""
        # `from package import module` imports that module: name it, so cycles are exact.
        for alias in node.names:
            self._add(f"{target}.{alias.name}", node)


def all_modules() -> set[str]:
    return {_module_name(path) for path in SOURCE.rglob("*.py") if "migrations" not in path.parts}


def imports() -> list[Import]:
    found: list[Import] = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = _module_name(path)
        visitor = _Visitor(module, path.name == "__init__.py")
        visitor.visit(ast.parse(path.read_text(), filename=str(path)))
        found.extend(visitor.imports)
    return found


def app_graph(found: list[Import]) -> dict[str, set[str]]:
    """App → the apps it imports at run time (type-checking imports left out)."""
    graph: dict[str, set[str]] = {}
    for item in found:
        if item.type_checking or not item.source_app or not item.target_app:
            continue
        if item.source_app != item.target_app:
            graph.setdefault(item.source_app, set()).add(item.target_app)
    return graph


def _task_seam(item: Import) -> bool:
    """An import at call time into or out of a `tasks` module: actions enqueue their jobs and
    jobs call actions, so one of the two imports is made when the function runs."""
    return item.deferred and (item.source.endswith(".tasks") or item.target.endswith(".tasks"))


def module_cycles(found: list[Import]) -> list[list[str]]:
    """Strongly connected groups of modules that import each other (run time, any depth).

    A package importing its own modules (to offer their names) and a module importing its
    package are one unit, as are the deferred imports of the task seam."""
    graph: dict[str, set[str]] = {}
    modules = all_modules()
    for item in found:
        if item.type_checking or _task_seam(item):
            continue
        target = item.target
        while target not in modules and "." in target:
            target = target.rpartition(".")[0]  # `from pkg.mod import name` → pkg.mod
        related = target.startswith(item.source + ".") or item.source.startswith(target + ".")
        if target in modules and target != item.source and not related:
            graph.setdefault(item.source, set()).add(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = [0]

    def connect(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for neighbour in graph.get(node, ()):
            if neighbour not in index:
                connect(neighbour)
                low[node] = min(low[node], low[neighbour])
            elif neighbour in on_stack:
                low[node] = min(low[node], index[neighbour])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    import sys

    sys.setrecursionlimit(10000)
    for node in sorted(modules):
        if node not in index:
            connect(node)
    return sorted(groups)
