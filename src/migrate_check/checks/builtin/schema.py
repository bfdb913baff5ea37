"""`schema`: does each model's output parse as JSON and validate against a JSON Schema?

Options: a path to a schema file (.json, .yaml or .yml, relative to the suite file),
an inline schema mapping, or `{schema: <path or mapping>}`. The schema is checked
against its metaschema and compiled once. An output fenced in ```json fails: that
fence is exactly what breaks the app's `json.loads`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from jsonschema.exceptions import SchemaError, best_match
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for

from migrate_check.checks import schema_refs
from migrate_check.checks.base import CheckConfigError, Observation, SideBySideCheck
from migrate_check.checks.builtin.pydantic_schema import PydanticSchemaCheck, names_a_model
from migrate_check.checks.outputs import not_json_problem
from migrate_check.core.completion import Completion
from migrate_check.safety import safe_yaml

_MAX_ERRORS = 5


class SchemaCheck(SideBySideCheck):
    name = "schema"
    compares_values = False

    def __init__(self, validator: Validator, source: str) -> None:
        self.validator = validator
        self.source = source

    @classmethod
    def from_options(cls, options: Any, base_dir: Path) -> SideBySideCheck:
        spec = options
        if isinstance(options, Mapping) and set(options) == {"schema"}:
            spec = options["schema"]
        if names_a_model(spec):
            return PydanticSchemaCheck.from_options(spec, base_dir)
        relative_to = base_dir
        if isinstance(spec, str):
            schema, source = _load_schema_file(base_dir / spec, spec), spec
            relative_to = (base_dir / spec).parent
        elif isinstance(spec, Mapping):
            schema, source = dict(spec), "inline schema"
        else:
            raise CheckConfigError(
                f"schema: expected a schema file path or an inline schema, got {options!r}"
            )
        validator_class = validator_for(schema)
        try:
            validator_class.check_schema(schema)
        except SchemaError as exc:
            where = exc.json_path if exc.path else "the top level"
            raise CheckConfigError(
                f"schema: {source} is not a valid JSON Schema at {where}: {exc.message}"
            ) from exc
        # Offline: $refs resolve from files beside the suite only, patterns in bounded time.
        schema_refs.check_refs(schema, relative_to, base_dir, source)
        validator = schema_refs.bounded(validator_class)(
            schema,
            format_checker=validator_class.FORMAT_CHECKER,
            registry=schema_refs.local_registry(relative_to, base_dir),
        )
        return cls(validator, source)

    def observe(self, completion: Completion) -> Observation:
        parsed = completion.parsed
        if not parsed.ok:
            return Observation(False, problem=not_json_problem(completion))
        errors = list(self.validator.iter_errors(parsed.value))
        if not errors:
            return Observation(True)
        first = best_match(errors)
        assert first is not None  # errors is not empty
        details = [{"path": e.json_path, "message": e.message} for e in errors[:_MAX_ERRORS]]
        return Observation(
            False,
            problem=f"fails schema at {first.json_path}: {first.message}",
            evidence={"errors": details, "error_count": len(errors)},
        )


def _load_schema_file(path: Path, written: str) -> dict[str, Any]:
    try:
        text = safe_yaml.read_text(path, schema_refs.MAX_SCHEMA_BYTES)
    except UnicodeDecodeError as exc:
        raise CheckConfigError(f"schema: {written!r} is not UTF-8 text") from exc
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise CheckConfigError(f"schema: cannot read {written!r} ({reason}: {path})") from exc
    try:
        loaded = json.loads(text) if path.suffix == ".json" else safe_yaml.load(text)
    except (ValueError, RecursionError, yaml.YAMLError) as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CheckConfigError(f"schema: {written!r} does not parse: {first_line}") from exc
    if not isinstance(loaded, dict):
        raise CheckConfigError(f"schema: {written!r} must hold a mapping, got {loaded!r}")
    return loaded
