"""The import structure of codegen, read from the source (AST), against the
layers of DESIGN.md: imports point down only, no target imports another,
and the module graph has no cycles (lazy imports included: a cycle that is
only broken by importing late is still a tangle)."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "codegen"

# Lowest first. A module belongs to the first layer with a matching prefix.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("ir", ("codegen.ir", "codegen.purposes", "codegen.naming", "codegen.texts", "codegen.diagnostics", "codegen.model_files", "codegen.__init__",
            "codegen.terminal", "codegen.invisible")),
    ("loading", ("codegen.loading", "codegen.loader")),
    ("reference", ("codegen.reference", "codegen.templates.python.runtime")),
    ("testplan", ("codegen.testplan",)),
    ("sdk kit", ("codegen.sdk",)),
    ("targets", ("codegen.targets",)),
    ("build", ("codegen.build", "codegen.build_jobs", "codegen.incremental", "codegen.output", "codegen.exports",
               "codegen.collector", "codegen.evolution", "codegen.scaffold", "codegen.docs", "codegen.release",
               "codegen.privacy", "codegen.command_options")),
    ("cli", ("codegen.cli", "codegen.__main__")),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 2:
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> int:
    for index, (_, prefixes) in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return index
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS in {__file__}")


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports_of(path: Path, module: str) -> list[tuple[int, str, bool]]:
    """(line, imported codegen module, only for type checking) of one file."""
    return imports_in(path.read_text(encoding="utf-8"), module, path.name == "__init__.py")


def imports_in(source: str, module: str, is_package: bool = False) -> list[tuple[int, str, bool]]:
    tree = ast.parse(source)
    typing_only = _type_checking_lines(tree)
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # `from codegen.targets.kotlin import views` names a module, not a symbol
            modules = [f"{base}.{a.name}" for a in node.names if _is_module(f"{base}.{a.name}")]
            names = modules + ([base] if len(modules) < len(node.names) else [])
        for name in names:
            if name == "codegen":
                name = "codegen.__init__"  # `from codegen import __version__`
            if name.startswith("codegen."):
                found.append((node.lineno, name, node.lineno in typing_only))
    return found


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _sources() -> list[tuple[Path, str]]:
    return [(p, module_name(p)) for p in sorted(PACKAGE.rglob("*.py")) if "__pycache__" not in p.parts]


def _target_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == ["codegen", "targets"] else None


def upward_imports(where: str, module: str, imports: list[tuple[int, str, bool]]) -> list[str]:
    own = layer_of(module)
    return [f"{where}:{line}: {module} ({LAYERS[own][0]}) imports {imported} ({LAYERS[layer_of(imported)][0]})"
            for line, imported, _ in imports if layer_of(imported) > own]


def test_imports_point_down_the_layers() -> None:
    problems = []
    for path, module in _sources():
        problems += upward_imports(str(path.relative_to(ROOT)), module, imports_of(path, module))
    assert not problems, "imports against the layer order:\n" + "\n".join(problems)


def test_no_target_imports_another() -> None:
    problems = []
    for path, module in _sources():
        mine = _target_of(module)
        if mine is None:
            continue
        for line, imported, _ in imports_of(path, module):
            theirs = _target_of(imported)
            if theirs is not None and theirs != mine:
                problems.append(f"{path.relative_to(ROOT)}:{line}: target {mine} imports {imported}")
    assert not problems, "\n".join(problems)


def test_the_module_graph_has_no_cycles() -> None:
    graph: dict[str, set[str]] = {}
    for path, module in _sources():
        graph[module] = {name for _, name, typing_only in imports_of(path, module)
                         if not typing_only and name != module}
    cycles = []
    state: dict[str, int] = {}  # 1 on the stack, 2 done

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for succ in sorted(graph.get(node, ())):
            if state.get(succ) == 1:
                cycles.append(" -> ".join(stack[stack.index(succ):] + [succ]))
            elif succ not in state and succ in graph:
                visit(succ, stack + [succ])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_the_checker_sees_violations() -> None:
    """A loader module importing a target (directly, relatively or lazily) is reported."""
    source = ("from codegen.targets.python import views\n"
              "def f():\n    from ..reference import samples\n    import codegen.cli\n")
    found = upward_imports("x.py", "codegen.loading.x", imports_in(source, "codegen.loading.x"))
    assert [line.split(" imports ")[1] for line in found] == [
        "codegen.targets.python.views (targets)", "codegen.reference.samples (reference)", "codegen.cli (cli)"]
