"""A team's own functions named in suites ("myapp.triage:route"): imported once, given what
the application itself gets from the SDK, and called within a time limit.

Errors are found when the check is built, not on the first case: a typo in a dotted
path is a configuration error with the path quoted.
"""

from __future__ import annotations

import copy
import functools
import inspect
import itertools
import json
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from migrate_check.checks.base import CheckConfigError
from migrate_check.checks.result_snapshot import snapshot
from migrate_check.checks.time_limits import call_in_child, call_with_timeout
from migrate_check.core.completion import Completion

_SHAPE = "a check callable takes (output) or (output, completion)"

#: What a callable may receive instead of the message content.
INPUT_FORMS = ("content", "json", "completion")
#: How many items of an iterator a callable returns are read before it counts as endless.
MAX_RESULT_ITEMS = 10_000


class InputError(Exception):
    """The output cannot be given to the callable in the form it asks for; that side fails.

    The message follows "candidate output", e.g. "is not JSON: ...".
    """


def import_callable(path: str) -> Callable[..., Any]:
    """The object at `pkg.mod:attr` (or `pkg.mod.attr`), which must be callable."""
    target: object = import_object(path)
    if not callable(target):
        raise CheckConfigError(f"{path!r} is not callable")
    return target


def import_object(path: str) -> Any:
    """`pkgutil.resolve_name`, with its failures turned into one-line configuration errors."""
    if not isinstance(path, str) or not path.strip() or "." not in path and ":" not in path:
        raise CheckConfigError(f"a dotted path must look like 'pkg.module:name', got {path!r}")
    try:
        return pkgutil.resolve_name(path)
    except (ImportError, AttributeError, ValueError) as exc:
        raise CheckConfigError(f"cannot import {path!r}: {exc}".splitlines()[0]) from exc
    except Exception as exc:  # the team's module failed while importing (SyntaxError, ...)
        raise CheckConfigError(
            f"cannot import {path!r}: {type(exc).__name__}: {exc}".splitlines()[0]
        ) from exc


@dataclass(frozen=True)
class InputForm:
    """What a callable receives: `content` (the default: what the app reads), `json`, the
    SDK's `completion` object, or a pydantic model (validated as the SDK's `parse` does)."""

    name: str = "content"
    model: Any = None  # the pydantic model class when `name` is its dotted path

    @classmethod
    def parse(cls, check: str, value: Any) -> InputForm:
        if value is None or value == "content":
            return cls()
        if value in INPUT_FORMS:
            return cls(str(value))
        if not isinstance(value, str):
            raise CheckConfigError(
                f"{check}: 'receives' must be one of {', '.join(INPUT_FORMS)} or the dotted "
                f"path of a pydantic model, got {value!r}"
            )
        return cls(value, pydantic_model(check, value))

    def convert(self, completion: Completion) -> Any:
        """The value the application would hold; `InputError` when it cannot exist."""
        run = completion.entry_run
        if run is not None and self.name != "completion":
            if run.raised is not None:
                raise InputError("does not exist: the entry point raised")
            if self.name == "content" or (
                self.name == "json" and not isinstance(run.returned, str)
            ):
                # What the team's function returned, as its application would hold it.
                return copy.deepcopy(run.returned)
        if self.name == "completion":
            return sdk_object(completion)
        content = completion.content
        if self.name == "content":
            return content
        if content is None:
            raise InputError("has no message content (a refusal or tool calls only)")
        if self.name == "json":
            try:
                return json.loads(content)
            except (ValueError, RecursionError) as exc:
                raise InputError(f"is not JSON: {exc}".splitlines()[0][:300]) from None
        return validate_with_model(self.model, self.name, content)


def pydantic_model(check: str, path: str) -> Any:
    """The pydantic model class at `path`; anything else is a configuration error."""
    from pydantic import BaseModel

    target = import_object(path)
    if not (isinstance(target, type) and issubclass(target, BaseModel)):
        raise CheckConfigError(f"{check}: {path!r} is not a pydantic model class")
    return target


def validate_with_model(model: Any, path: str, content: str) -> Any:
    """`model.model_validate_json(content)`, as `client.chat.completions.parse` does."""
    from pydantic import ValidationError

    try:
        return model.model_validate_json(content)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0] if errors else {"loc": (), "msg": str(exc)}
        where = ".".join(str(part) for part in first.get("loc", ())) or "the top level"
        raise InputError(
            f"does not validate as {path} ({len(errors)} error(s)); at {where}: {first['msg']}"
        ) from None


def sdk_object(completion: Completion) -> Any:
    """The SDK's own typed response (`ChatCompletion` or `Response`), rebuilt from the body."""
    body = completion.body
    if not isinstance(body, dict):
        raise InputError("has no recorded response body to build the SDK's object from")
    if isinstance(body.get("choices"), list):
        from openai.types.chat import ChatCompletion

        return ChatCompletion.model_construct(**body)
    from openai.types.responses import Response

    return Response.model_construct(**body)


@dataclass(frozen=True)
class CheckCallable:
    """A team's function and how to call it: with the output, or the output and completion."""

    path: str
    function: Callable[..., Any]
    wants_completion: bool
    receives: InputForm = InputForm()
    isolated: bool = False  # run in a child process, so even `os._exit` cannot end the run

    def __call__(self, completion: Completion, timeout: float, what: str) -> Any:
        """The function's result within `timeout` seconds, as plain data (`snapshot`, taken
        within the limit too, so nothing of the team's runs when it is compared or shown).

        Raises `InputError` (that side fails), the function's own exception, or
        `CheckRunError` (timeout, a process that died, a BaseException).
        """
        value = self.receives.convert(completion)
        args = (value, completion) if self.wants_completion else (value,)
        if self.isolated:
            return call_in_child(call_by_name, self.path, args, timeout, what)
        return call_with_timeout(lambda: result_of(self.function, args), timeout, what)


@functools.lru_cache(maxsize=256)
def _imported(path: str) -> Callable[..., Any]:
    return import_callable(path)


def call_by_name(path: str, args: tuple[Any, ...]) -> Any:
    """Import the callable at `path` (once per process) and call it: what a child runs."""
    return result_of(_imported(path), args)


def result_of(function: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    """`function(*args)`, an iterator's items listed, copied into plain data."""
    return snapshot(materialized(function(*args), MAX_RESULT_ITEMS))


def materialized(value: Any, limit: int) -> Any:
    """An iterator's items as a list (an endless generator ends at the time limit or `limit`)."""
    if not isinstance(value, Iterator):
        return value
    items = list(itertools.islice(value, limit + 1))
    if len(items) > limit:
        raise ValueError(f"returned an iterator of more than {limit} items")
    return items


def load_check_callable(
    path: str, receives: InputForm = InputForm(), isolated: bool = False
) -> CheckCallable:
    """Import `path` and decide from its signature whether it also takes the completion."""
    function = import_callable(path)
    return CheckCallable(path, function, _wants_completion(path, function), receives, isolated)


def _wants_completion(path: str, function: Callable[..., Any]) -> bool:
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):  # some builtins have no signature: assume (output)
        return False
    positional = [
        p
        for p in parameters
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    required = [p for p in positional if p.default is inspect.Parameter.empty]
    variadic = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters)
    if not positional and not variadic:
        raise CheckConfigError(f"{path!r} takes 0 arguments; {_SHAPE}")
    if len(required) > 2:
        raise CheckConfigError(f"{path!r} takes {len(required)} arguments; {_SHAPE}")
    # A second parameter with a default (`strict=False`) is the team's, not ours.
    return len(required) == 2 or any(p.name == "completion" for p in positional[1:2])
