"""Named candidate variants (`variants:`): one suite compared against several candidates.

Each variant gives a model and/or what the candidate sends differently, and is expanded
here into the suite's cases as that variant runs them, so a run treats a variant's cases
like any others.
"""

from __future__ import annotations

import re
from dataclasses import replace

from migrate_check.core.case import Case
from migrate_check.suites.fields import FieldReader
from migrate_check.suites.located import Located
from migrate_check.suites.sides import SIDE_KEYS, side_changes

#: What a named candidate variant may give: its model, and what it sends differently.
VARIANT_KEYS = ("model", *SIDE_KEYS)
_VARIANT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")  # no '.': file names split on it


def read_variants(
    fields: FieldReader, doc: Located, cases: list[Case]
) -> dict[str, tuple[Case, ...]]:
    """`variants:`: each a model and/or what the candidate sends differently, applied to
    every case on top of the case's own `candidate:` changes."""
    node = doc.get("variants")
    if node is None:
        return {}
    line = doc.key_lines["variants"]
    if not isinstance(node, Located) or not node:
        raise fields.error(
            line, "'variants' must map a name to a model and what it sends differently"
        )
    variants: dict[str, tuple[Case, ...]] = {}
    for name, block in node.items():
        where = node.key_lines[name]
        if not _VARIANT_NAME.match(name):
            raise fields.error(
                where,
                f"variant name {name!r} must be a plain slug of letters, digits, '-' and "
                "'_' (it becomes part of file names)",
            )
        other = next((n for n in variants if n.casefold() == name.casefold()), None)
        if other is not None:
            raise fields.error(
                where, f"variant {name!r} differs from {other!r} only in letter case"
            )
        if not isinstance(block, Located):
            raise fields.error(
                where, f"variant {name!r} must be a mapping ({', '.join(VARIANT_KEYS)})"
            )
        fields.check_keys(block, VARIANT_KEYS, f"variant {name!r}", None)
        model = block.get("model")
        if model is not None and (not isinstance(model, str) or not model.strip()):
            raise fields.error(where, f"variant {name!r}: 'model' must be a model name")
        variant_cases = []
        for case in cases:
            current = case.request_for("candidate")
            changes = side_changes(fields, block, current, case, "candidate")
            candidate = {**case.sides.get("candidate", {}), **changes}
            sides = {**case.sides, "candidate": candidate} if candidate else dict(case.sides)
            variant_cases.append(replace(case, sides=sides, variant=name, variant_model=model))
        variants[name] = tuple(variant_cases)
    return variants
