"""What goes into a batch: the samples each case lacks, as JSONL request files.

For each (case, model) the record mode decides which samples a batch must bring
(`cases_to_batch`): `once` records cases without a cassette, `new_episodes` the samples
a cassette lacks, `all` every sample again. Each sample becomes one input line with a
`custom_id` that is stable across runs for the same request (a changed prompt gets a new
id), and the lines are split into files within the API's limits (50,000 lines, 200 MB),
one case's samples always in one file. `batch` uploads and follows them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrate_check.cassettes.files import CassetteLoadError
from migrate_check.cassettes.paths import case_cassette_path
from migrate_check.core.case import Case
from migrate_check.sending.sdk_request import Job, api_path, request_body

MAX_LINES = 50_000  # requests per batch (the API's limit)
MAX_FILE_BYTES = 200 * 1024 * 1024  # bytes per input file (the API's limit)


@dataclass(frozen=True)
class Target:
    """Where requests go, as the SDK addresses them: OpenAI's base URL, or an Azure
    endpoint and API version (deployments in the path)."""

    base_url: str = "https://api.openai.com/v1"
    azure_endpoint: str | None = None
    api_version: str | None = None

    def uri(self, case: Case, model: str) -> str:
        """The URI a live call of this case records."""
        operation = api_path(case).lstrip("/")
        if self.azure_endpoint is None:
            return f"{self.base_url.rstrip('/')}/{operation}"
        root = f"{self.azure_endpoint.rstrip('/')}/openai"
        path = "responses" if case.api == "responses" else f"deployments/{model}/{operation}"
        return f"{root}/{path}?api-version={self.api_version}"

    def endpoint(self, case: Case) -> str:
        """A batch's `endpoint` (and its lines' `url`): Azure's have no `/v1`."""
        operation = api_path(case)
        return operation if self.azure_endpoint is not None else f"/v1{operation}"


@dataclass
class BatchedCase:
    """A case on a model whose samples (all, or the ones its cassette lacks) go to a batch,
    and what came back for them so far."""

    case: Case
    model: str
    path: Path
    body: dict[str, Any]
    custom_ids: list[str]
    answers: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (body, batch)
    failure: str | None = None
    running: str | None = None  # a batch still running when the run stopped waiting
    written: bool = False  # in its cassette already (answers then let go)

    def settled(self) -> bool:
        return len(self.answers) == len(self.custom_ids)


def sdk_body(case: Case, model: str) -> dict[str, Any]:
    """`request_body` in the order the SDK serialises it (`model` first)."""
    body = request_body(case, model)
    return {"model": model, **{k: v for k, v in body.items() if k != "model"}}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def custom_id(case: Case, model: str, body: dict[str, Any], sample: int) -> str:
    """Stable across runs for the same case, model, request and sample; a changed prompt
    gets a new id, so an old batch's answer never lands on it."""
    request = json.dumps(body, sort_keys=True, ensure_ascii=False)
    return f"mc-{_digest(case.key)}-{_digest(model + chr(0) + request)}-{sample}"


def recorded_count(path: Path, case: Case, body: dict[str, Any]) -> int:
    """How many recorded exchanges in `path` answer this request (0 without a cassette)."""
    from migrate_check.cassettes.replay import matching_answers

    return len(matching_answers(path, case, body))


def cases_to_batch(jobs: Sequence[Job], record_mode: str, cassette_dir: Path) -> list[BatchedCase]:
    """What a batch must bring for each (case, model): `once` records cases without a
    cassette, `new_episodes` the samples a cassette lacks, `all` every sample again."""
    found = []
    for case, model in jobs:
        path = case_cassette_path(cassette_dir, case, model)
        body = sdk_body(case, model)
        have = 0
        if record_mode == "once" and path.exists():
            continue
        if record_mode == "new_episodes":
            try:
                have = recorded_count(path, case, body)
            except CassetteLoadError:
                continue  # replay names the unreadable file
        ids = [custom_id(case, model, body, s) for s in range(have, case.samples)]
        if ids:
            found.append(BatchedCase(case, model, path, body, ids))
    return found


def input_line(custom: str, url: str, body: dict[str, Any]) -> bytes:
    line = {"custom_id": custom, "method": "POST", "url": url, "body": body}
    return (json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def split(
    groups: Iterable[list[bytes]], max_lines: int = MAX_LINES, max_bytes: int = MAX_FILE_BYTES
) -> list[list[bytes]]:
    """Lines into files within both limits; a group (one case's samples) stays whole.

    A group larger than one file's limits alone is refused (ValueError): no batch can
    hold it.
    """
    files: list[list[bytes]] = []
    current: list[bytes] = []
    size = 0
    for group in groups:
        group_size = sum(map(len, group))
        if len(group) > max_lines or group_size > max_bytes:
            raise ValueError(
                f"{len(group)} requests of {group_size} bytes exceed one batch file's limits"
            )
        if current and (len(current) + len(group) > max_lines or size + group_size > max_bytes):
            files.append(current)
            current, size = [], 0
        current += group
        size += group_size
    if current:
        files.append(current)
    return files
