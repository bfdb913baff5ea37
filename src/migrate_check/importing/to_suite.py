"""Prompts -> one suite file plus the baseline's recordings, ready for `pytest --model-pair`.

Identical requests become one case whose recorded answers are its samples, in
order. Each recorded answer is written as the cassette the plugin would have
recorded for that model (`cassettes/<suite>/<case>/<model>.yaml`, body
`{**case.request, "model": model}`), so a later run records only the candidate.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from migrate_check.core.atomic import write_atomic
from migrate_check.core.canonical import canonical_json
from migrate_check.core.case import Api
from migrate_check.importing.case_ids import IdAllocator
from migrate_check.importing.cassette_reader import Exchange
from migrate_check.importing.errors import SourceError
from migrate_check.importing.sources import Collected, Prompt, Skipped

SUITE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
DEFAULT_CHECKS: tuple[dict[str, Any], ...] = ({"similarity": {"min": 80}},)
_PROMPT_KEYS = ("messages", "input")  # a case's own prompt, never shared by the suite
_DROPPED_HEADERS = ("content-encoding", "content-length")


@dataclass
class ImportedCase:
    """One distinct request, with every answer recorded for it, per model."""

    id: str
    api: Api
    request: dict[str, Any]
    checks: list[dict[str, Any]]
    models: list[str] = field(default_factory=list)
    recordings: dict[str, list[Exchange]] = field(default_factory=dict)
    origins: list[str] = field(default_factory=list)
    description: str = ""

    @property
    def samples(self) -> int:
        """As many samples as every recorded model can replay."""
        return min((len(a) for a in self.recordings.values()), default=1)


@dataclass
class ImportResult:
    suite: str
    suite_path: Path
    cases: list[ImportedCase]
    cassettes: list[Path]
    skipped: list[Skipped]
    warnings: list[str] = field(default_factory=list)

    @property
    def models(self) -> Counter[str]:
        """How many cases each model was asked (recorded, or named in a logged request)."""
        return Counter(m for case in self.cases for m in case.models)

    @property
    def recorded_models(self) -> Counter[str]:
        return Counter(m for case in self.cases for m in case.recordings)


def merge_prompts(prompts: list[Prompt]) -> list[ImportedCase]:
    """One case per distinct (API, request, checks), in order of first appearance."""
    ids = IdAllocator()
    cases: dict[str, ImportedCase] = {}
    for prompt in prompts:
        checks = [*prompt.checks, *structural_checks(prompt.api, prompt.request)]
        key = canonical_json([prompt.api, prompt.request, checks])
        case = cases.get(key)
        if case is None:
            case_id = ids.allocate({"api": prompt.api, **prompt.request})
            case = cases[key] = ImportedCase(case_id, prompt.api, prompt.request, checks)
            case.description = prompt.description
        case.origins.append(prompt.origin)
        if prompt.model and prompt.model not in case.models:
            case.models.append(prompt.model)
        if prompt.answer is not None and prompt.model:
            case.recordings.setdefault(prompt.model, []).append(prompt.answer)
    return list(cases.values())


def structural_checks(api: Api, request: dict[str, Any]) -> list[dict[str, Any]]:
    """Checks the request itself calls for: its JSON schema, and tool calls when tools exist."""
    checks: list[dict[str, Any]] = []
    schema = _json_schema(api, request)
    if schema is not None:
        checks.append({"schema": schema})
    if request.get("tools"):
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


def suite_document(
    name: str, description: str, cases: list[ImportedCase], default_checks: list[dict[str, Any]]
) -> dict[str, Any]:
    """The suite as YAML-ready data; shared request parameters and checks are hoisted."""
    shared_request = _shared_items([c.request for c in cases], exclude=_PROMPT_KEYS)
    shared_checks = _shared_checks([c.checks for c in cases])
    doc: dict[str, Any] = {"suite": name, "description": description}
    if shared_request:
        doc["request"] = shared_request
    doc["checks"] = [*default_checks, *shared_checks]
    doc["cases"] = [_case_entry(c, shared_request, shared_checks) for c in cases]
    return doc


def _shared_items(requests: list[dict[str, Any]], exclude: tuple[str, ...]) -> dict[str, Any]:
    if len(requests) < 2:
        return {}
    first, *rest = requests
    return {
        k: v
        for k, v in first.items()
        if k not in exclude
        and all(k in r and canonical_json(r[k]) == canonical_json(v) for r in rest)
    }


def _shared_checks(check_lists: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    if len(check_lists) < 2:
        return []
    first, *rest = check_lists
    keys = [{canonical_json(c) for c in checks} for checks in rest]
    return [c for c in first if all(canonical_json(c) in k for k in keys)]


def _case_entry(
    case: ImportedCase, shared_request: dict[str, Any], shared_checks: list[dict[str, Any]]
) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": case.id}
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
    if case.samples > 1:
        entry["samples"] = case.samples
    if case.recordings:
        recorded = sorted(case.recordings)
        entry["recorded_with"] = recorded[0] if len(recorded) == 1 else recorded
    if case.origins:
        entry["origin"] = case.origins[0] if len(case.origins) == 1 else list(case.origins)
    return entry


def cassette_interactions(answers: list[Exchange]) -> list[dict[str, Any]]:
    """Recorded answers as vcrpy interactions, bodies decoded so replay needs no codec."""
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


def describe(collected: Collected) -> str:
    """Where the cases came from, in a sentence for the suite's `description:`."""
    kinds = {
        "cassette": "cassettes",
        "evals": "OpenAI Evals samples",
        "requests": "logged requests",
    }
    what = " and ".join(kinds[k] for k in sorted(collected.kinds)) or "nothing"
    files = collected.files
    if len(files) == 1:
        return f"Imported by migrate-check from {what} in {files[0].name}."
    common = Path(os.path.commonpath([p.parent.resolve() for p in files])) if files else Path()
    return f"Imported by migrate-check from {what} in {len(files)} files under {common.name}/."


class _SuiteDumper(yaml.SafeDumper):
    """Multi-line strings as `|` blocks, so prompts stay readable in review."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value and value == value.strip(" ") and "\t" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_SuiteDumper.add_representer(str, _represent_str)


def dump_suite(doc: dict[str, Any]) -> str:
    return yaml.dump(doc, Dumper=_SuiteDumper, sort_keys=False, allow_unicode=True, width=100)


def write_import(
    collected: Collected,
    suite_path: Path,
    cassette_root: Path,
    *,
    name: str | None = None,
    default_checks: list[dict[str, Any]] | None = None,
) -> ImportResult:
    """Write the suite file and the baseline cassettes; returns what was written and skipped."""
    from migrate_check.cassettes.files import write_interactions
    from migrate_check.cassettes.paths import cassette_path
    from migrate_check.suites.loading import parse_suite_text
    from migrate_check.suites.suite import SuiteError

    suite = name or suite_path.stem
    if not SUITE_NAME.fullmatch(suite):
        raise SourceError(suite_path, f"suite name {suite!r} must be a slug (letters, digits, -_.)")
    checks = list(DEFAULT_CHECKS) if default_checks is None else default_checks
    skipped = list(collected.skipped)
    cases = []
    merged = merge_prompts(collected.prompts)
    warnings = _drop_unusable_checks(merged, suite_path.parent)
    for case in merged:
        try:  # each case alone through the real suite loader: one bad case must not sink all
            parse_suite_text(dump_suite(suite_document(suite, "", [case], [])), suite_path)
        except SuiteError as exc:
            skipped.append(Skipped(case.origins[0], f"not a valid case: {exc.message}"))
            continue
        cases.append(case)
    if not cases:
        reasons = "; ".join(str(s) for s in skipped[:3]) or "the inputs hold no requests"
        first = collected.files[0] if collected.files else suite_path
        raise SourceError(first, f"nothing to import ({reasons})")
    text = dump_suite(suite_document(suite, describe(collected), cases, checks))
    parse_suite_text(text, suite_path)
    written = []
    for case in cases:
        for model, answers in case.recordings.items():
            path = cassette_path(cassette_root, suite, case.id, model)
            write_interactions(path, cassette_interactions(answers))
            written.append(path)
    write_atomic(suite_path, text)
    return ImportResult(suite, suite_path, cases, written, skipped, warnings)


def _drop_unusable_checks(cases: list[ImportedCase], base_dir: Path) -> list[str]:
    """A check this install cannot build (unknown name, a schema jsonschema rejects) would
    fail the whole suite at load; it is left out of that case, with a warning."""
    from migrate_check.checks import CheckConfigError, build_check
    from migrate_check.core.case import CheckSpec

    warnings = []
    for case in cases:
        kept = []
        for check in case.checks:
            ((name, options),) = check.items()
            try:
                build_check(CheckSpec(name, options), base_dir)
            except CheckConfigError as exc:
                warnings.append(f"case {case.id}: check left out: {exc}")
                continue
            kept.append(check)
        case.checks = kept
    return warnings
