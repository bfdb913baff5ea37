"""The package's imports follow the data flow: no cycle, and no stage reaching a later one."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "migrate_check"

#: Each package's stage, in the order data flows: a module may import its own package and
#: earlier stages, never a later one. The pytest wiring, the importer and the command sit
#: on top. A new top-level module or package needs a line here.
STAGES: dict[str, int] = {
    "core": 0,
    "safety": 1,
    "suites": 2,
    "cassettes": 3,
    "sending": 4,
    "checks": 5,
    "apps": 5,
    "judging": 6,
    "report": 7,
    "pytest_plugin": 8,
    "importing": 8,
    "cli": 9,
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules `name` imports, at module level or inside functions."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            elif base.startswith("migrate_check"):
                base = base.removeprefix("migrate_check").lstrip(".")
            else:
                continue
            for alias in node.names:
                full = f"{base}.{alias.name}".lstrip(".")
                found.add(full if full in modules else base)
        elif isinstance(node, ast.Import):
            found |= {
                a.name.removeprefix("migrate_check.")
                for a in node.names
                if a.name.startswith("migrate_check.")
            }
    return {m for m in found if m in modules and m and m != name}


def _stage(module: str) -> int:
    top = module.split(".")[0]
    assert top in STAGES, f"{module} has no stage in tests/test_layout.py"
    return STAGES[top]


def test_every_module_has_a_stage_and_imports_none_of_a_later_one() -> None:
    modules = _modules()
    backwards = [
        f"{name} -> {target}"
        for name, path in modules.items()
        if name
        for target in _imports(name, path, modules)
        if _stage(target) > _stage(name)
    ]
    assert backwards == []


def test_no_import_cycle() -> None:
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            raise AssertionError(" -> ".join([*trail[trail.index(name) :], name]))
        if name in done:
            return
        for target in sorted(graph[name]):
            visit(target, [*trail, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])


def test_few_top_level_modules_and_every_one_a_stage() -> None:
    """Beside the stage packages, the package root holds only a few modules of its own."""
    top = sorted(p.stem for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    packages = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    assert len(top) <= 8, top
    assert sorted([*top, *packages]) == sorted(STAGES)


def test_no_module_over_400_lines() -> None:
    """A module past 400 lines holds more than one concern: split it."""
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text().splitlines())) > 400
    }
    assert long == {}
