"""The shape of a suite document: its keys, its cases, and what each case inherits.

Turns one parsed (located) document into a `Suite`: the suite-level defaults, each case
built on them, then each side's changes and the named variants applied.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from migrate_check.core.case import Api, Case, CheckSpec
from migrate_check.core.entry import EntryPoint
from migrate_check.suites.entries import entry_case_inputs, read_entry
from migrate_check.suites.fields import FieldReader
from migrate_check.suites.located import Located, line_of, plain
from migrate_check.suites.loops import check_suite_tools, loop_case, read_loop
from migrate_check.suites.prompts import read_input, read_messages
from migrate_check.suites.sides import side_blocks, with_sides
from migrate_check.suites.suite import Suite
from migrate_check.suites.variants import read_variants

SUITE_KEYS = (
    "suite",
    "description",
    "request",
    "checks",
    "cases",
    "samples",
    "api",
    "recorded_with",
    "baseline",
    "candidate",
    "variants",
    "entry",
    "loop",
)
CASE_KEYS = (
    "id",
    "description",
    "messages",
    "input",
    "request",
    "checks",
    "samples",
    "api",
    "recorded_with",
    "origin",
    "baseline",
    "candidate",
    "entry",
    "inputs",
    "loop",
)
_CASE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


class SuiteReader(FieldReader):
    """Turns one parsed document into a Suite, raising SuiteError at the first mistake."""

    def read(self, doc: Any) -> Suite:
        if doc is None:
            raise self.error(1, "the suite is empty; it needs at least 'cases:'")
        if not isinstance(doc, Located):
            raise self.error(line_of(doc, 1), "a suite must be a mapping with a 'cases:' list")
        self.check_keys(doc, SUITE_KEYS, "the suite", None)
        name = self.string(doc, "suite", None, default=self.file.stem)
        if not _CASE_ID.match(name):
            raise self.error(doc.key_lines["suite"], f"suite name {name!r} must be a plain slug")
        description = self.string(doc, "description", None, default="")
        request = plain(self.mapping(doc, "request", None))
        api = self.api(doc, None, "chat")
        samples = self.samples(doc, None, 1)
        checks = self.checks(doc, None)
        recorded_with = self.strings(doc, "recorded_with", None)
        cases_node = doc.get("cases")
        if cases_node is None:
            raise self.error(doc.line, "the suite has no 'cases:' list")
        if not isinstance(cases_node, list):
            raise self.error(doc.key_lines["cases"], "'cases' must be a list of cases")
        if not cases_node:
            raise self.error(doc.key_lines["cases"], "'cases' is empty; add at least one case")
        seen: dict[str, int] = {}
        cases = []
        suite_sides = side_blocks(self, doc, None)
        entry = read_entry(self, doc, None, None)
        suite_loop = read_loop(self, doc, None, None)
        if entry is not None:
            for key in ("request", "api", "baseline", "candidate", "variants", "loop"):
                if key in doc:
                    raise self.error(
                        doc.key_lines[key],
                        f"{key!r} does not apply to a suite of entry-point cases: its "
                        f"function ({entry.function}) builds its own requests",
                    )
        for index, node in enumerate(cases_node):
            case = self._case(
                node, index, name, request, api, samples, checks, recorded_with, entry is not None
            )
            case_entry = read_entry(self, node, case.id, entry) if not case.request else None
            if case_entry is not None:
                cases.append(self._entry_case(node, case, case_entry, seen))
                continue
            if not case.request:
                raise self.error(
                    case.line,
                    "'inputs' are an entry-point case's arguments: name its function in "
                    "'entry' (the case's or the suite's)",
                    case.id,
                )
            case = with_sides(self, case, suite_sides, side_blocks(self, node, case.id))
            case_loop = read_loop(self, node, case.id, suite_loop)
            if case_loop is not None:
                case = loop_case(self, case, case_loop, suite_loop)
            if case.id in seen:
                raise self.error(
                    case.line, f"duplicate case id (first used on line {seen[case.id]})", case.id
                )
            seen[case.id] = case.line
            cases.append(case)
        check_suite_tools(self, suite_loop, cases)
        variants = read_variants(self, doc, cases)
        return Suite(
            name=name,
            file=self.file,
            description=description,
            cases=tuple(cases),
            variants=variants,
        )

    def _entry_case(
        self, node: Located, case: Case, entry: EntryPoint, seen: dict[str, int]
    ) -> Case:
        """An entry-point case: the team's function with this case's `inputs`."""
        if case.id in seen:
            raise self.error(
                case.line, f"duplicate case id (first used on line {seen[case.id]})", case.id
            )
        seen[case.id] = case.line
        if not entry.function:
            raise self.error(
                case.line,
                "an entry-point case needs a function: give the case an 'entry' "
                "('pkg.module:function'), or the suite's 'entry' a 'function'",
                case.id,
            )
        if "loop" in node:
            raise self.error(
                node.key_lines["loop"],
                f"'loop' does not apply to an entry-point case: its function "
                f"({entry.function}) runs its own tool calls",
                case.id,
            )
        entry = entry_case_inputs(self, node, case.id, entry)
        return replace(case, request={}, entry=entry, recorded_with=())

    def _case(
        self,
        node: Any,
        index: int,
        suite: str,
        suite_request: dict[str, Any],
        suite_api: Api,
        suite_samples: int,
        suite_checks: tuple[CheckSpec, ...],
        suite_recorded_with: tuple[str, ...] = (),
        entry_suite: bool = False,
    ) -> Case:
        if not isinstance(node, Located):
            raise self.error(line_of(node, 0), f"case #{index + 1} must be a mapping with an 'id'")
        raw_id = node.get("id")
        if raw_id is None:
            raise self.error(node.line, f"case #{index + 1} has no 'id'")
        case_id = str(raw_id)
        if not _CASE_ID.match(case_id):
            raise self.error(
                node.key_lines["id"],
                "a case id may hold letters, digits, '.', '_' and '-' and starts with a "
                "letter or digit",
                case_id,
            )
        self.check_keys(node, CASE_KEYS, "a case", case_id)
        if entry_suite or "entry" in node or ("inputs" in node and "messages" not in node):
            return Case(  # an entry-point case: `_entry_case` reads the rest
                suite=suite,
                id=case_id,
                request={},
                checks=suite_checks + self.checks(node, case_id),
                samples=self.samples(node, case_id, suite_samples),
                file=self.file,
                line=node.line,
                description=self.string(node, "description", case_id, default=""),
            )
        if "inputs" in node:
            raise self.error(
                node.key_lines["inputs"],
                "'inputs' are an entry-point case's arguments: name its function in 'entry'",
                case_id,
            )
        api = self.api(node, case_id, suite_api)
        # The suite's request is plain already (its values are shared by the cases, as
        # nothing changes a case's request); the case's own parts are made plain here.
        request = {**suite_request, **plain(self.mapping(node, "request", case_id))}
        if "model" in request:
            raise self.error(node.line, "'model' is set by --model-pair, not in the suite", case_id)
        if api == "chat":
            if "input" in node:
                raise self.error(
                    node.key_lines["input"],
                    "'input' is for 'api: responses'; use 'messages'",
                    case_id,
                )
            request["messages"] = read_messages(self, node, case_id)
        else:
            if "messages" in node and "input" not in node:
                request["input"] = read_messages(self, node, case_id)
            elif "input" in node:
                request["input"] = read_input(self, node, case_id)
            else:
                raise self.error(node.line, "a responses case needs 'input'", case_id)
        try:
            json.dumps(request)
        except (TypeError, ValueError) as exc:
            raise self.error(
                node.line,
                f"the request holds a value JSON cannot carry ({exc}); quote it in the YAML",
                case_id,
            ) from None
        checks = suite_checks + self.checks(node, case_id)
        return Case(
            suite=suite,
            id=case_id,
            request=request,
            checks=checks,
            api=api,
            samples=self.samples(node, case_id, suite_samples),
            file=self.file,
            line=node.line,
            description=self.string(node, "description", case_id, default=""),
            recorded_with=self.strings(node, "recorded_with", case_id) or suite_recorded_with,
            origin=self.strings(node, "origin", case_id),
        )
