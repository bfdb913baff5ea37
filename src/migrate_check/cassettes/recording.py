"""Cassettes: one plain vcrpy cassette per case per model, safe to commit.

vcrpy patches the HTTP client globally, so one cassette context serves a whole run. To
record concurrent requests into per-case files, the context holds a `RoutingCassette`
that hands every request to the child cassette of the case whose asyncio task sent it
(a context variable names the case). Each child is an ordinary vcrpy `Cassette` with its
own file, record mode and matching, so per-file vcrpy semantics hold unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from migrate_check.cassettes.answers import endpoint_of
from migrate_check.core.atomic import write_atomic
from migrate_check.core.case import Case
from migrate_check.safety import safe_yaml, secrets
from migrate_check.safety.bodies import BodyTooLarge, decode_response

RECORD_MODES = ("none", "once", "new_episodes", "all")

# Request headers kept in a cassette; everything else (authorization, api-key,
# openai-organization, openai-project, cookie, the SDK's volatile x-stainless-* and
# user-agent) is dropped, so nothing secret lands and re-recording does not churn.
KEPT_REQUEST_HEADERS = frozenset({"content-type", "accept"})
# Response headers kept: only what replay, latency, cost and pacing read. An allow-list,
# so a header a proxy invents (one echoing the key, a cookie under a new name) never lands.
KEPT_RESPONSE_HEADERS = frozenset(
    {
        "content-type",
        "content-encoding",
        "openai-processing-ms",
        "openai-batch-id",  # marks an exchange recorded through the Batch API (batch.py)
        "retry-after",
        "retry-after-ms",
        *(
            f"x-ratelimit-{what}-{kind}"
            for what in ("limit", "remaining", "reset")
            for kind in ("requests", "tokens")
        ),
    }
)

MAX_CASSETTE_BYTES = 64 * 1024 * 1024  # one case on one model; real ones are kilobytes

_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-]")

current_cassette: contextvars.ContextVar[Any] = contextvars.ContextVar("migrate_check_cassette")
#: Where `AtomicPersister` leaves a cassette's YAML for the caller to write, when set.
_deferred_writes: contextvars.ContextVar[list[tuple[Path, str]] | None] = contextvars.ContextVar(
    "migrate_check_deferred_writes"
)


class CassetteLoadError(Exception):
    """A cassette file exists but cannot be read as a vcrpy cassette."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"cassette {path} cannot be read: {reason}")


def safe_name(name: str) -> str:
    """A model or case name as a file-name part (`ft:gpt-4o-mini:org::x` keeps its meaning)."""
    return _UNSAFE.sub("_", name)


def file_key(name: str) -> str:
    """What a name becomes as a file name on a case-insensitive disk (macOS, Windows)."""
    return safe_name(name).casefold()


def cassette_path(root: Path, suite: str, case_id: str, model: str) -> Path:
    """Where the cassette of one case on one model lives: `<root>/<suite>/<case>/<model>.yaml`."""
    return root / safe_name(suite) / safe_name(case_id) / f"{safe_name(model)}.yaml"


#: A variant's cassettes in its case's folder: `variant.<name>.<model>.yaml`.
VARIANT_PREFIX = "variant."


def cassette_variant(file_name: str) -> str | None:
    """The variant a cassette file belongs to (`variant.<name>.…yaml`), None for the pair's."""
    if not file_name.startswith(VARIANT_PREFIX):
        return None
    return file_name[len(VARIANT_PREFIX) :].split(".", 1)[0]


def case_cassette_path(root: Path, case: Case, model: str, prefix: str = "") -> Path:
    """The cassette of `case` on `model`: `<prefix><model>.yaml` in the case's folder, and
    `variant.<name>.<prefix><model>.yaml` for a named variant, whose requests differ."""
    stem = f"{VARIANT_PREFIX}{case.variant}.{prefix}" if case.variant else prefix
    return root / safe_name(case.suite) / safe_name(case.id) / f"{safe_name(stem + model)}.yaml"


def _endpoint_matcher(r1: Any, r2: Any) -> None:
    if endpoint_of(r1.path) != endpoint_of(r2.path):
        raise AssertionError(f"{r1.path} != {r2.path}")


def _json_of(body: Any) -> Any:
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return body


def _json_body_matcher(r1: Any, r2: Any) -> None:
    """Bodies equal as JSON: a changed prompt is a missing recording, never a stale answer."""
    left, right = _json_of(r1.body), _json_of(r2.body)
    if left != right:
        raise AssertionError(_body_difference(left, right))


def _body_difference(left: Any, right: Any) -> str:
    if isinstance(left, dict) and isinstance(right, dict):
        keys = sorted(k for k in set(left) | set(right) if left.get(k) != right.get(k))
        return f"request body differs in {', '.join(keys)}"
    return "request body differs"


def matchers() -> list[Any]:
    from vcr import matchers

    return [matchers.method, _endpoint_matcher, _json_body_matcher]


def scrub_request(request: Any) -> Any:
    """Keep only harmless request headers, and no secret value in the URI or body; runs on
    live requests before matching too, so both sides of a match are scrubbed alike."""
    for name in list(request.headers):
        if name.lower() not in KEPT_REQUEST_HEADERS:
            del request.headers[name]
    scrubber = secrets.from_environment()
    request.uri = scrubber.uri(request.uri)
    if scrubber and isinstance(request.body, bytes):
        request.body = scrubber.raw(request.body)
    elif scrubber and isinstance(request.body, str):
        request.body = scrubber.text(request.body)
    return request


def scrub_response(response: dict[str, Any]) -> dict[str, Any] | None:
    """Record only 2xx answers, decoded, without secret or volatile headers."""
    status = response.get("status", {}).get("code", 0)
    if not 200 <= int(status) < 300:
        return None
    response = decode_response(response)
    if not body_is_whole(response):
        return None  # a 200 whose body was cut or garbled: replaying it would fail forever
    scrubber = secrets.from_environment()
    headers = response.get("headers", {})
    response["headers"] = {
        name: [scrubber.text(str(v)) for v in value] if isinstance(value, list) else value
        for name, value in headers.items()
        if name.lower() in KEPT_RESPONSE_HEADERS
    }
    body = response.get("body", {})
    if scrubber and isinstance(body.get("string"), bytes):
        body["string"] = scrubber.raw(body["string"])
    elif scrubber and isinstance(body.get("string"), str):
        body["string"] = scrubber.text(body["string"])
    return response


def _header(headers: dict[str, Any], wanted: str) -> str:
    for name, value in headers.items():
        if name.lower() == wanted:
            return " ".join(map(str, value)) if isinstance(value, list) else str(value)
    return ""


def body_is_whole(response: dict[str, Any]) -> bool:
    """Whether a (decoded) answer's body is complete: JSON that parses, or an event stream
    whose every `data:` event parses. Bodies of other types are taken as they are."""
    content_type = _header(response.get("headers", {}), "content-type").lower()
    if "json" not in content_type and "event-stream" not in content_type:
        return True
    body = response.get("body", {}).get("string", "")
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else str(body)
        if "event-stream" not in content_type:
            json.loads(text)
            return True
        for block in text.replace("\r\n", "\n").split("\n\n"):
            data = "\n".join(
                line[5:].strip() for line in block.split("\n") if line.startswith("data:")
            )
            if data and data != "[DONE]":
                json.loads(data)
    except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return False
    return True


class BoundedYamlSerializer:
    """vcrpy's YAML serializer, but loading refuses alias bombs (see `safe_yaml`)."""

    @staticmethod
    def deserialize(text: str) -> Any:
        from vcr.serializers import yamlserializer

        loader = getattr(yamlserializer, "_CassetteLoader", safe_yaml.SafeLoader)
        return safe_yaml.load(text, loader)

    @staticmethod
    def serialize(cassette_dict: Any) -> str:
        from vcr.serializers import yamlserializer

        return str(yamlserializer.serialize(cassette_dict))


class AtomicPersister:
    """vcrpy's filesystem persister, but each cassette is written atomically, and read
    within bounds (file size, YAML aliases)."""

    @classmethod
    def load_cassette(cls, cassette_path: str | Path, serializer: Any) -> Any:
        import yaml
        from vcr.persisters.filesystem import CassetteNotFoundError
        from vcr.serialize import deserialize

        path = Path(cassette_path)
        if not path.is_file():
            raise CassetteNotFoundError()
        try:
            text = safe_yaml.read_text(path, MAX_CASSETTE_BYTES)
        except (OSError, UnicodeDecodeError) as exc:
            raise CassetteLoadError(path, str(exc)) from None
        if not text.strip():
            raise CassetteLoadError(path, "the file is empty")
        try:
            return deserialize(text, BoundedYamlSerializer)
        except safe_yaml.YamlBombError as exc:
            mark = exc.problem_mark
            where = f"line {mark.line + 1}: " if mark is not None else ""
            raise CassetteLoadError(path, f"{where}{exc.problem}") from None
        except yaml.MarkedYAMLError as exc:  # garbled or cut short
            mark = exc.problem_mark or exc.context_mark
            where = f" at line {mark.line + 1}" if mark is not None else ""
            problem = exc.problem or exc.context or "invalid YAML"
            raise CassetteLoadError(path, f"not valid YAML{where}: {problem}") from None
        except (KeyError, TypeError, AttributeError, IndexError):
            reason = "not a vcrpy cassette (expected a mapping with an 'interactions' list)"
            raise CassetteLoadError(path, reason) from None
        except Exception as exc:  # noqa: BLE001 - any malformed content must name the file, not crash
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise CassetteLoadError(path, reason) from None

    @staticmethod
    def save_cassette(cassette_path: str | Path, cassette_dict: Any, serializer: Any) -> None:
        from vcr.serialize import serialize

        text = serialize(cassette_dict, serializer)
        deferred = _deferred_writes.get(None)
        if deferred is not None:
            deferred.append((Path(cassette_path), text))
        else:
            write_atomic(Path(cassette_path), text)


def open_case_cassette(path: Path, record_mode: str) -> Any:
    """Load (or start) the vcrpy cassette of one case on one model."""
    from vcr.cassette import Cassette
    from vcr.record_mode import RecordMode
    from vcr.serializers import yamlserializer

    mode = RecordMode(record_mode)
    try:
        return Cassette.load(
            path=str(path),
            serializer=yamlserializer,
            persister=AtomicPersister,
            record_mode=mode,
            match_on=matchers(),
            # `all` rewrites (pytest-recording's meaning): a replaced cassette holds only
            # the exchanges of the case's current request, not stale ones.
            drop_unused_requests=mode is RecordMode.ALL,
            before_record_request=scrub_request,
            before_record_response=scrub_response,
        )
    except BodyTooLarge as exc:  # vcrpy filters every loaded interaction: decoding included
        raise CassetteLoadError(path, f"an interaction is refused: {exc}") from None
    except (KeyError, TypeError, AttributeError, IndexError, ValueError) as exc:
        # vcrpy filters every loaded interaction too: a request or response of the wrong
        # shape (`response: null`) fails there, after the file itself parsed.
        detail = f"{type(exc).__name__}: {exc}".splitlines()[0]
        reason = f"not a vcrpy cassette (an interaction has the wrong shape: {detail})"
        raise CassetteLoadError(path, reason) from None


def _routing_cassette_class() -> Any:
    from vcr.cassette import Cassette

    class RoutingCassette(Cassette):  # type: ignore[misc]
        """The one patched cassette; every call goes to the current task's case cassette."""

        def _load(self) -> None:
            self.children: dict[int, Any] = {}
            self.write_errors: list[tuple[Path, OSError]] = []

        @property
        def _child(self) -> Any:
            child = current_cassette.get(None)
            if child is None:
                raise RuntimeError("migrate-check: an HTTP request was sent outside a case")
            return child

        @property
        def write_protected(self) -> bool:
            return bool(self._child.write_protected)

        def can_play_response_for(self, request: Any) -> bool:
            return bool(self._child.can_play_response_for(request))

        def play_response(self, request: Any) -> Any:
            return self._child.play_response(request)

        def append(self, request: Any, response: Any) -> None:
            self._child.append(request, response)

        def filter_request(self, request: Any) -> Any:
            return self._child.filter_request(request)

        def find_requests_with_most_matches(self, request: Any) -> Any:
            return self._child.find_requests_with_most_matches(request)

        def _save(self, force: bool = False) -> None:
            for child in list(self.children.values()):
                try:
                    child._save(force=force)
                except OSError as exc:  # a full disk or read-only folder: say so, keep going
                    self.write_errors.append((Path(child._path), exc))

    return RoutingCassette


@contextlib.contextmanager
def recording_session() -> Iterator[Any]:
    """Patch HTTP clients once for a run; yields the routing cassette.

    Cassettes opened with `use_case_cassette` inside it are saved when it closes,
    also on an interrupt (each file atomically, so none is left half-written).
    """
    cls = _routing_cassette_class()
    with cls.use(path="<migrate-check run>") as router:
        yield router


@contextlib.contextmanager
def use_case_cassette(router: Any, cassette: Any) -> Iterator[None]:
    """Route the HTTP requests of the current task to `cassette`."""
    router.children.setdefault(id(cassette), cassette)
    token = current_cassette.set(cassette)
    try:
        yield
    finally:
        current_cassette.reset(token)


def discard_case_cassette(router: Any, cassette: Any) -> None:
    """Forget a case's cassette unsaved: what it holds on disk stays as it was."""
    router.children.pop(id(cassette), None)


async def release_case_cassette(router: Any, cassette: Any) -> None:
    """Save a finished case's cassette now and stop holding it: memory stays flat.

    The YAML is made here; the write (a temporary file, an fsync, a rename) runs in a
    worker thread, so the event loop keeps sending meanwhile. Only system calls run in
    that thread: Python work there would take the GIL from the loop. The write is
    shielded: a run cancelled meanwhile (Ctrl-C, an exhausted quota) still finishes it,
    since asyncio.run waits for its executor's queued work. A cassette that cannot be
    written (full disk, read-only folder) is noted in `router.write_errors`; the answers
    stay with the caller, for the report.
    """
    router.children.pop(id(cassette), None)
    writes: list[tuple[Path, str]] = []
    token = _deferred_writes.set(writes)
    try:
        cassette._save()
    finally:
        _deferred_writes.reset(token)
    loop = asyncio.get_running_loop()
    for path, text in writes:
        write = loop.run_in_executor(None, write_atomic, path, text)
        write.add_done_callback(functools.partial(_note_failed_write, router, path))
        with contextlib.suppress(OSError):  # noted by the callback
            await asyncio.shield(write)


def _note_failed_write(router: Any, path: Path, write: asyncio.Future[None]) -> None:
    if not write.cancelled() and isinstance(write.exception(), OSError):
        router.write_errors.append((path, write.exception()))


def write_interactions(path: Path, interactions: list[dict[str, Any]]) -> None:
    """Write vcrpy-format interactions as a plain vcrpy cassette, atomically (for importers)."""
    from vcr.request import Request
    from vcr.serialize import serialize
    from vcr.serializers import yamlserializer

    requests = []
    responses = []
    for interaction in interactions:
        request = Request._from_dict(interaction["request"])
        scrub_request(request)
        response = scrub_response(interaction["response"])
        if response is None:
            continue
        requests.append(request)
        responses.append(response)
    text = serialize({"requests": requests, "responses": responses}, yamlserializer)
    write_atomic(path, text)
