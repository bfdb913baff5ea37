"""What `downstream` and `assert` share: a team's function, called on each side's output as
the application calls it.

Options: a dotted path `"myapp.triage:route"`, or a mapping
`{callable: ..., receives: content|json|completion|<pydantic model path>, timeout: seconds
(default 10), isolate: true|false}`. By default the function gets the message content
string, exactly what the app reads from the SDK (Responses API: `output_text`); a second
required parameter gets the whole `Completion`. `isolate: true` runs it in a child
process, so not even `os._exit` in it can end the run.
"""

from __future__ import annotations

import abc
from pathlib import Path
from typing import Any, ClassVar, Self

from migrate_check.checks import option_values as opts
from migrate_check.checks.base import CheckRunError, Observation, SideBySideCheck
from migrate_check.checks.callables import CheckCallable, InputError, InputForm, load_check_callable
from migrate_check.core.completion import Completion

DEFAULT_TIMEOUT = 10.0
OPTIONS = ("callable", "receives", "timeout", "isolate")


def exception_text(exc: BaseException) -> str:
    message = str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def raised(function: CheckCallable, exc: BaseException) -> Observation:
    """A side whose call raised: it fails, with the exception shown."""
    return Observation(
        False,
        problem=f"makes {function.path} raise {exception_text(exc)}",
        evidence={"raised": type(exc).__name__, "message": str(exc)[:2000]},
    )


class CallableCheck(SideBySideCheck):
    """A check that calls a team's function per sample; subclasses read its result."""

    verb: ClassVar[str]  # how reports name the check: "assert", "downstream"

    def __init__(self, function: CheckCallable, timeout: float) -> None:
        self.function = function
        self.timeout = timeout

    @classmethod
    def from_options(cls, options: Any, base_dir: Path) -> Self:
        mapping = opts.as_mapping(cls.name, options, shorthand="callable")
        opts.reject_unknown(cls.name, mapping, OPTIONS)
        path = opts.text(cls.name, mapping, "callable")
        timeout = opts.number(cls.name, mapping, "timeout", DEFAULT_TIMEOUT, 0.001)
        assert timeout is not None  # it has a default
        receives = InputForm.parse(cls.name, mapping.get("receives"))
        isolated = opts.flag(cls.name, mapping, "isolate", False)
        return cls(load_check_callable(path, receives, isolated), timeout)

    @property
    def label(self) -> str:
        return f"{self.name} {self.function.path}"

    def observe(self, completion: Completion) -> Observation:
        try:
            result = self.function(completion, self.timeout, self.name)
        except CheckRunError:  # a timeout or a process that died: the check could not run
            raise
        except InputError as exc:
            form = self.function.receives.name
            return Observation(
                False,
                problem=f"{exc}, so {self.function.path} cannot get it as {form}",
                evidence={"receives": form, "problem": str(exc)},
            )
        except Exception as exc:  # noqa: BLE001 - whatever the team's code raises fails that side
            return self.failed(exc)
        return self.succeeded(result)

    def failed(self, exc: Exception) -> Observation:
        """The side whose call raised `exc`."""
        return raised(self.function, exc)

    @abc.abstractmethod
    def succeeded(self, result: Any) -> Observation:
        """The side whose call returned `result`."""
