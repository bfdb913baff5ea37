"""migrate-check: what changes downstream when an LLM feature switches models.

The public API is what a team uses from its own code; everything else is private by name
or by package. A team writes its own check and registers it in `conftest.py`:

```python
from migrate_check import Difference, Observation, SideBySideCheck


class WordCount(SideBySideCheck):
    name = "word_count"

    def __init__(self, most: int) -> None:
        self.most = most

    @classmethod
    def from_options(cls, options, base_dir):
        return cls(int(options.get("most", 100)))

    def observe(self, completion):
        words = len(completion.text.split())
        return Observation(words <= self.most, words, f"has {words} words")

    def compare(self, baseline, candidate):
        summary = f"{baseline.value} -> {candidate.value} words"
        return Difference(baseline.value != candidate.value, summary)


def pytest_migrate_check_configure(config, registry):
    registry.register(WordCount)
```

The names are imported when first used, so a `pytest` run without a model pair pays
nothing for the plugin being installed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from migrate_check.checks.base import (
        Check,
        CheckConfigError,
        CheckRunError,
        SideBySideCheck,
    )
    from migrate_check.checks.observations import Difference, Observation
    from migrate_check.checks.outcome_rules import NoiseFloor
    from migrate_check.checks.registry import CheckRegistry
    from migrate_check.core.completion import Completion
    from migrate_check.core.results import CheckResult, Outcome
    from migrate_check.report.run_report import RunReport

#: Each public name, and the module that defines it.
_PUBLIC = {
    "Check": "migrate_check.checks.base",
    "SideBySideCheck": "migrate_check.checks.base",
    "CheckConfigError": "migrate_check.checks.base",
    "CheckRunError": "migrate_check.checks.base",
    "Observation": "migrate_check.checks.observations",
    "Difference": "migrate_check.checks.observations",
    "NoiseFloor": "migrate_check.checks.outcome_rules",
    "CheckRegistry": "migrate_check.checks.registry",
    "Completion": "migrate_check.core.completion",
    "CheckResult": "migrate_check.core.results",
    "Outcome": "migrate_check.core.results",
    "RunReport": "migrate_check.report.run_report",
}

__all__ = [
    "Check",
    "CheckConfigError",
    "CheckRegistry",
    "CheckResult",
    "CheckRunError",
    "Completion",
    "Difference",
    "NoiseFloor",
    "Observation",
    "Outcome",
    "RunReport",
    "SideBySideCheck",
    "__version__",
]


def __getattr__(name: str) -> Any:
    """Import a public name's module when the name is first used (PEP 562)."""
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'migrate_check' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])
