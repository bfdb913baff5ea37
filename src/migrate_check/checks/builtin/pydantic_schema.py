"""`schema: myapp.models:Ticket`: validity judged by the team's pydantic model, the way the
SDK's `parse` helpers validate (`Model.model_validate_json(content)`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from migrate_check.checks.base import Observation, SideBySideCheck
from migrate_check.checks.callables import InputError, pydantic_model, validate_with_model
from migrate_check.core.completion import Completion

_SCHEMA_FILES = (".json", ".yaml", ".yml")


def names_a_model(spec: Any) -> bool:
    """A dotted path (`pkg.mod:Model`), not a schema file path."""
    return (
        isinstance(spec, str)
        and ":" in spec
        and "/" not in spec
        and "\\" not in spec
        and not spec.lower().endswith(_SCHEMA_FILES)
    )


class PydanticSchemaCheck(SideBySideCheck):
    """`schema` with a pydantic model instead of a JSON Schema (the `schema` check builds it)."""

    name = "schema"
    compares_values = False

    def __init__(self, model: Any, path: str) -> None:
        self.model = model
        self.source = path

    @classmethod
    def from_options(cls, options: Any, base_dir: Path) -> PydanticSchemaCheck:
        """`options` is the model's dotted path (`names_a_model` said so)."""
        return cls(pydantic_model("schema", str(options)), str(options))

    def observe(self, completion: Completion) -> Observation:
        content = completion.content
        if content is None:
            return Observation(False, problem="has no message content (a refusal or tool calls)")
        try:
            validate_with_model(self.model, self.source, content)
        except InputError as exc:
            return Observation(False, problem=str(exc), evidence={"model": self.source})
        return Observation(True)
