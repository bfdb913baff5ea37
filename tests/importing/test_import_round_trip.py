"""Whatever a logged request holds, the suite an import writes loads back as that request:
the cases are checked without a YAML round trip and written with libyaml's emitter, so the
text must hold every string and value exactly (or the case is left out, saying why)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from migrate_check.importing.errors import SourceError
from migrate_check.importing.sources import Collected, Prompt
from migrate_check.importing.to_suite import write_import
from migrate_check.suites.loading import load_suite

SDK_OPTIONS = ("extra_headers", "extra_query", "extra_body", "timeout")
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)
PARAMS = st.dictionaries(
    st.text(max_size=6).filter(lambda k: k not in ("messages", "input", "model", *SDK_OPTIONS)),
    JSON,
    max_size=3,
)
ODD_TEXT = st.text(st.characters(codec=None), max_size=40) | st.sampled_from(
    ["\ud800", "a\x00b", "x\x85y", "p\u2028q", "\ufeffbom", "\t lead\n trail \n", "yes", "~"]
)


def imported(request: dict[str, Any]) -> dict[str, Any] | str:
    """The request as the written suite loads it, or why the case was left out."""
    with tempfile.TemporaryDirectory() as folder:
        suite = Path(folder) / "s.yaml"
        prompts = [Prompt("chat", request, None, "log.jsonl: line 1")]
        try:
            write_import(Collected(prompts=prompts), suite, Path(folder) / "cassettes")
        except SourceError as exc:
            return exc.message
        [case] = load_suite(suite).cases
        return case.request


@settings(max_examples=150, deadline=None)
@given(st.lists(ODD_TEXT, min_size=1, max_size=3), PARAMS)
def test_an_imported_request_loads_back_exactly(
    contents: list[str], params: dict[str, Any]
) -> None:
    request = {**params, "messages": [{"role": "user", "content": c} for c in contents]}
    loaded = imported(request)
    if isinstance(loaded, str):  # only a lone surrogate, which UTF-8 cannot hold
        assert "cannot be written as YAML" in loaded
        assert any(0xD800 <= ord(char) <= 0xDFFF for text in contents for char in text)
    else:
        assert loaded == request
