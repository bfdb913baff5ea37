"""The suite loader's quick constructor builds exactly what the careful one builds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from migrate_check.safety import safe_yaml
from migrate_check.suites.located import Located as _Located
from migrate_check.suites.located import LocatedList as _LocatedList
from migrate_check.suites.located import LocatedLoader as _Loader
from migrate_check.suites.located import load_located as _load_located

ROOT = Path(__file__).resolve().parents[2]


def _shape(value: Any) -> Any:
    """The value with every line the reader can ask for, to compare two loads."""
    if isinstance(value, _Located):
        return ("map", value.line, value.key_lines, {k: _shape(v) for k, v in value.items()})
    if isinstance(value, _LocatedList):
        return ("seq", value.line, [_shape(v) for v in value])
    return (type(value).__name__, value)


DOCUMENTS = [
    "",
    "cases: []\n",
    "suite: s\ncases:\n  - id: a\n    messages: [{role: user, content: hi}]\n",
    "a: 1\nb: 1.5\nc: true\nd: null\ne: ~\nf: 2024-01-01\ng: !!binary aGk=\n",
    "a: &x {k: 1}\nb: *x\n",
    "a: {<<: {k: 1}, j: 2}\n",
    "1: one\n",
    "[a, b]: c\n",
    "a: b\na: c\n",
    "a: [1, [2, [3, {b: c}]]]\n",
    "a: !!set {x, y}\n",
    "= : x\n",
    "'quoted': \"text\"\nplain: 0x1F\noctal: 0o17\nbig: 1_000\nsexa: 1:30\n",
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_quick_loader_builds_what_the_careful_one_builds(text: str) -> None:
    try:
        careful = _shape(safe_yaml.load(text, _Loader))
    except Exception as exc:  # noqa: BLE001 - the quick path must fail the same way
        with pytest.raises(type(exc)):
            _load_located(text)
        return
    assert _shape(_load_located(text)) == careful


@pytest.mark.parametrize("path", sorted((ROOT / "suites").glob("*.yaml")), ids=lambda p: p.name)
def test_bundled_suites_load_the_same(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert _shape(_load_located(text)) == _shape(safe_yaml.load(text, _Loader))


@pytest.mark.parametrize("text", ["a: [1, 2\n", "a: 'open\n", "a:\n- b\n c: d\n", "\t- x\n"])
def test_syntax_errors_are_the_careful_loaders(text: str) -> None:
    with pytest.raises(Exception) as careful:
        safe_yaml.load(text, _Loader)
    with pytest.raises(type(careful.value)) as quick:
        _load_located(text)
    assert str(quick.value) == str(careful.value)


def test_aliases_share_one_object_as_pyyaml_does() -> None:
    doc = _load_located("a: &s {k: [1, 2]}\nb: *s\nc: [*s, *s]\n")
    assert doc["a"] is doc["b"] is doc["c"][0]
    assert _shape(doc) == _shape(safe_yaml.load("a: &s {k: [1, 2]}\nb: *s\nc: [*s, *s]\n", _Loader))


def test_alias_bombs_are_still_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]
    with pytest.raises(safe_yaml.YamlBombError):
        _load_located("\n".join(lines) + "\n")
