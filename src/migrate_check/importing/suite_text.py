"""A suite as an import writes it: each case's entry, the header, what the cases share,
the YAML text and the recordings as vcrpy interactions.

Kept apart from the reading (`sources`, `spool`) and the writing (`writing`), so both the
in-memory import (`to_suite`) and the streamed one make the same text.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from migrate_check.core.canonical import canonical_json
from migrate_check.core.case import Api
from migrate_check.importing.cassette_reader import Exchange
from migrate_check.importing.skipped import Skipped

SUITE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
DEFAULT_CHECKS: tuple[dict[str, Any], ...] = ({"similarity": {"min": 80}},)
_PROMPT_KEYS = ("messages", "input")  # a case's own prompt, never shared by the suite
_DROPPED_HEADERS = ("content-encoding", "content-length")


class CaseData(Protocol):
    """What a suite entry is made of: an `ImportedCase`, or a case back from the spool."""

    api: Api
    request: dict[str, Any]
    checks: list[dict[str, Any]]
    description: str
    origins: list[str]
    #: A loop case's `loop:`, as the suite holds it; None for a request case.
    loop: dict[str, Any] | None

    @property
    def samples(self) -> int: ...

    @property
    def recorded(self) -> list[str]: ...


@dataclass
class ImportResult:
    """What one suite of an import wrote: a file, or several within the loader's bound."""

    suite: str
    #: The suite file asked for, or the folder of its parts when it took several files.
    suite_path: Path
    files: list[Path]
    case_count: int
    cassette_count: int
    #: How many cases each model was asked (recorded, or named in a logged request).
    models: Counter[str]
    recorded_models: Counter[str]
    skipped: list[Skipped]  # the first `spool.MAX_LISTED`; `skipped_count` in all
    skipped_count: int = 0
    warnings: list[str] = field(default_factory=list)
    warning_count: int = 0
    #: Only when asked for (`write_import`): every case and cassette written.
    cases: list[Any] = field(default_factory=list)
    cassettes: list[Path] = field(default_factory=list)
    #: Cases holding each kind of personal data (`redaction.KINDS`), any kind, and
    #: how many of them were redacted.
    personal: Counter[str] = field(default_factory=Counter)
    personal_cases: int = 0
    redacted_cases: int = 0
    #: What a sample took (`sampling.Coverage`), when one was asked for.
    coverage: Any = None
    #: Case folders of an earlier import of the suite removed (`--force`, `replaced`).
    replaced_cases: int = 0


def structural_checks(
    api: Api, request: dict[str, Any], *, loop: bool = False
) -> list[dict[str, Any]]:
    """Checks the request itself calls for: its JSON schema, and tool calls when tools
    exist (not for a loop case: its answer is the loop's last, and `trajectory` judges
    the calls on the way)."""
    checks: list[dict[str, Any]] = []
    schema = _json_schema(api, request)
    if schema is not None:
        checks.append({"schema": schema})
    if request.get("tools") and not loop:
        checks.append({"tool_calls": {}})
    return checks


def _json_schema(api: Api, request: dict[str, Any]) -> Any:
    if api == "chat":
        fmt = request.get("response_format")
        spec = fmt.get("json_schema") if isinstance(fmt, dict) else None
    else:
        text = request.get("text")
        spec = text.get("format") if isinstance(text, dict) else None
    if not isinstance(spec, dict) or (api == "responses" and spec.get("type") != "json_schema"):
        return None
    schema = spec.get("schema")
    return schema if isinstance(schema, dict) else None


def suite_header(
    name: str, description: str, request: dict[str, Any], checks: list[dict[str, Any]]
) -> dict[str, Any]:
    doc: dict[str, Any] = {"suite": name, "description": description}
    if request:
        doc["request"] = request
    doc["checks"] = checks
    return doc


class Shared:
    """The request parameters and checks every case of a suite file shares, found a case
    at a time (a part of a large import is never held whole), as `suite_document` does."""

    def __init__(self) -> None:
        self.cases = 0
        self._request: dict[str, tuple[str, Any]] = {}
        self._checks: dict[str, dict[str, Any]] = {}

    def add(self, request: dict[str, Any], checks: Iterable[dict[str, Any]]) -> None:
        if self.cases == 0:
            self._request = {
                k: (canonical_json(v), v) for k, v in request.items() if k not in _PROMPT_KEYS
            }
            self._checks = {canonical_json(c): c for c in checks}
        else:
            self._request = {
                k: (text, v)
                for k, (text, v) in self._request.items()
                if k in request and canonical_json(request[k]) == text
            }
            own = {canonical_json(c) for c in checks}
            self._checks = {k: c for k, c in self._checks.items() if k in own}
        self.cases += 1

    @property
    def request(self) -> dict[str, Any]:
        return {k: v for k, (_, v) in self._request.items()} if self.cases > 1 else {}

    @property
    def checks(self) -> list[dict[str, Any]]:
        return list(self._checks.values()) if self.cases > 1 else []


def case_entry(
    case_id: str,
    case: CaseData,
    shared_request: dict[str, Any],
    shared_checks: list[dict[str, Any]],
) -> dict[str, Any]:
    """One case as the suite file holds it, less what the suite's header shares."""
    entry: dict[str, Any] = {"id": case_id}
    if case.description:
        entry["description"] = case.description
    if case.api == "responses":
        entry["api"] = "responses"
        entry["input"] = case.request["input"]
    else:
        entry["messages"] = case.request["messages"]
    params = {
        k: v for k, v in case.request.items() if k not in _PROMPT_KEYS and k not in shared_request
    }
    if params:
        entry["request"] = params
    hoisted = {canonical_json(c) for c in shared_checks}
    checks = [c for c in case.checks if canonical_json(c) not in hoisted]
    if checks:
        entry["checks"] = checks
    if case.loop is not None:
        entry["loop"] = case.loop
    if case.samples > 1:
        entry["samples"] = case.samples
    recorded = case.recorded
    if recorded:
        entry["recorded_with"] = recorded[0] if len(recorded) == 1 else recorded
    if case.origins:
        entry["origin"] = case.origins[0] if len(case.origins) == 1 else list(case.origins)
    return entry


def cassette_interactions(answers: list[Exchange]) -> list[dict[str, Any]]:
    """Recorded answers as vcrpy interactions, bodies decoded so replay needs no codec
    (a loop's steps each with the request migrate-check's loop sends)."""
    interactions = []
    for answer in answers:
        assert answer.request is not None and answer.response_text is not None
        headers = {k: [v] for k, v in answer.response_headers.items() if k not in _DROPPED_HEADERS}
        if answer.stream:  # the SDK streams only what is served as an event stream
            headers["content-type"] = ["text/event-stream; charset=utf-8"]
        else:
            headers.setdefault("content-type", ["application/json"])
        interactions.append(
            {
                "request": {
                    "method": answer.method,
                    "uri": answer.uri,
                    "body": json.dumps(answer.request, ensure_ascii=False),
                    "headers": {"content-type": ["application/json"]},
                },
                "response": {
                    "status": {"code": answer.status, "message": "OK"},
                    "headers": headers,
                    "body": {"string": answer.response_text},
                },
            }
        )
    return interactions


#: libyaml's emitter when PyYAML has it: the same text, several times faster.
_Dumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_STR, _MAP, _SEQ = (f"tag:yaml.org,2002:{kind}" for kind in ("str", "map", "seq"))


class _SuiteDumper(_Dumper):  # type: ignore[valid-type,misc]
    """Multi-line strings as `|` blocks, so prompts stay readable in review.

    Strings, mappings and lists (nearly every node of a suite) are represented directly,
    without the generic dispatch and alias bookkeeping: the same text in half the time.
    Other scalars go the usual way. No object is ever written as an anchor and aliases
    (`&id001` ... `*id001`), even one the data holds twice: a suite is read and edited by
    people, and each case must stand alone.
    """

    nodes = 0  # how many nodes it made: the loader's bound counts them

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def represent_data(self, data: Any) -> yaml.Node:
        self.nodes += 1
        kind = type(data)
        if kind is str:
            block = "\n" in data and data == data.strip(" ") and "\t" not in data
            return yaml.ScalarNode(_STR, data, style="|" if block else None)
        if kind is dict:
            pairs = [(self.represent_data(k), self.represent_data(v)) for k, v in data.items()]
            return yaml.MappingNode(_MAP, pairs, flow_style=False)
        if kind is list:
            return yaml.SequenceNode(_SEQ, [self.represent_data(v) for v in data], flow_style=False)
        node: yaml.Node = super().represent_data(data)
        return node

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> str:
        """The emitter asks twice per scalar; when the answer cannot depend on the value
        (no implicit resolution, and no path resolvers are ever registered), say it at once."""
        if kind is yaml.ScalarNode and not implicit[0] and not self.yaml_path_resolvers:
            return _STR
        tag: str = super().resolve(kind, value, implicit)
        return tag


def dump_suite(doc: Any) -> str:
    """A suite document, or a part of one (a list of cases), as the suite file's YAML."""
    return dump_counted(doc)[0]


def dump_counted(doc: Any) -> tuple[str, int]:
    """`dump_suite`'s text, and the YAML nodes it holds as the loader counts them."""
    stream = io.StringIO()
    dumper = _SuiteDumper(
        stream, default_flow_style=False, width=100, allow_unicode=True, sort_keys=False
    )
    try:
        dumper.open()
        dumper.represent(doc)
        dumper.close()
    finally:
        dumper.dispose()
    return stream.getvalue(), dumper.nodes
