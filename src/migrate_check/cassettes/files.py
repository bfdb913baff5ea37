"""Reading and writing one cassette file: atomically, within bounds, errors naming the file.

vcrpy reads and writes cassettes through a serializer and a persister it is handed; the
ones here refuse YAML alias bombs and oversized files, turn any malformed content into a
`CassetteLoadError` naming the file, and never leave a half-written cassette behind.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from migrate_check.cassettes.matching import matchers
from migrate_check.cassettes.scrubbing import scrub_request, scrub_response
from migrate_check.cassettes.stream_timing import prune
from migrate_check.core.atomic import write_atomic
from migrate_check.safety import safe_yaml
from migrate_check.safety.bodies import BodyTooLarge

MAX_CASSETTE_BYTES = 64 * 1024 * 1024  # one case on one model; real ones are kilobytes

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


@contextlib.contextmanager
def deferred_writes() -> Iterator[list[tuple[Path, str]]]:
    """Within it, cassettes saved by this task are not written: their (path, YAML) pairs
    are collected in the list it yields, for the caller to write off the event loop."""
    writes: list[tuple[Path, str]] = []
    token = _deferred_writes.set(writes)
    try:
        yield writes
    finally:
        _deferred_writes.reset(token)


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

        text = serialize(prune(cassette_dict), serializer)
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
