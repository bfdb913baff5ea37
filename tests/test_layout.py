"""The package's imports follow the data flow: no cycle, and no stage reaching a later one."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "migrate_check"

#: Each module's stage, in the order data flows; the pytest wiring and the importer sit
#: on top and may use every stage. A new module needs a line here.
STAGES: dict[str, int] = {
    **dict.fromkeys(
        ["case", "completion", "results", "defaults", "paths", "atomic", "canonical"], 0
    ),
    **dict.fromkeys(["suite", "safe_yaml"], 1),
    **dict.fromkeys(
        [
            "sdk_request", "runner", "recording", "replay", "forked_replay", "answers",
            "fetch_messages", "pacing", "deadline", "progress", "shutdown_dates", "secrets",
            "log_scrubbing", "sanitize", "bodies", "stale", "batch", "batch_state", "azure",
            "sharded_recording",
        ],
        2,
    ),
    **dict.fromkeys(
        ["checks", "callables", "time_limits", "judging", "approvals", "pricing", "grading"], 3
    ),
    **dict.fromkeys(["report", "failure_text"], 4),
    **dict.fromkeys(
        [
            "plugin", "hooks", "items", "session", "pytest_options", "settings",
            "worker_transfer", "first_contact", "cli", "importing",
        ],
        5,
    ),
}  # fmt: skip


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
