"""A local OpenAI-compatible server: real HTTP on 127.0.0.1, model-dependent answers, faults.

Tests and examples drive the real `openai` SDK and vcrpy against it, so
nothing reaches the OpenAI API:

    with LocalServer(latency_ms=50) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test")

Endpoints: chat completions and the Responses API (`app.py`, `answers.py`),
embeddings (`embeddings.py`), files and batches (`files.py`, `batches.py`),
Azure's paths for all of them (`azure.py`,
`openai.AzureOpenAI(azure_endpoint=server.azure_endpoint, ...)`), and LLM-judge
answers for structured outputs named `migrate_check_judge` or
`migrate_check_rubric` (`judge.py`). Test markers in a prompt: `[fault:KIND]`
(`faults.py`), `[drift:KIND]` (`answers.py`), `[answer:KIND]` (`answer_markers.py`),
`[batch:fail]` (`batches.py`), `[judge:flip]` and `[rubric:fail]` (`judge.py`).
Requests sent with `store: true` are kept and listed back (`stored.py`).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any

from devtools.local_openai import respond
from devtools.local_openai.app import LocalHTTPServer, ServerState
from devtools.local_openai.batches import BatchPlan
from devtools.local_openai.faults import ALL_FAULTS, FaultPlan
from devtools.local_openai.stats import Stats

__all__ = ["ALL_FAULTS", "BatchPlan", "FaultPlan", "LocalServer", "Stats"]


class LocalServer:
    """The server in a background thread; a context manager that starts and stops it."""

    def __init__(
        self,
        latency_ms: float = 0.0,
        faults: FaultPlan | None = None,
        seed: int = 0,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        batches: BatchPlan | None = None,
        azure_deployments: Mapping[str, str] | None = None,
    ) -> None:
        self._state = ServerState(latency_ms, faults or FaultPlan(), seed)
        self.set_batch_plan(batches or BatchPlan())
        self.set_azure_deployments(azure_deployments or {})
        self._address = (host, port)
        self._httpd: LocalHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def stats(self) -> Stats:
        return self._state.stats

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("LocalServer is not running; use `with LocalServer() as server:`")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """What `OPENAI_BASE_URL` or `openai.OpenAI(base_url=...)` take."""
        return f"http://{self._address[0]}:{self.port}/v1"

    @property
    def azure_endpoint(self) -> str:
        """What `openai.AzureOpenAI(azure_endpoint=...)` takes (it adds `/openai/...`)."""
        return f"http://{self._address[0]}:{self.port}"

    def set_batch_plan(self, plan: BatchPlan) -> None:
        """How long batches created from now on spend per status, and when they expire."""
        self._state.batch_plan = plan

    def set_azure_deployments(self, deployments: Mapping[str, str]) -> None:
        """Map Azure deployment names to models; an unmapped deployment serves its own name."""
        self._state.azure_deployments = dict(deployments)

    def set_upload_limit(self, max_bytes: int) -> None:
        """The largest file `POST /v1/files` takes (16 MiB unless set; the API takes 512 MB)."""
        self._state.files.max_upload_bytes = max_bytes

    @property
    def batch_lines_run(self) -> int:
        """Batch lines answered so far (they are not HTTP requests, so `stats` leaves them out)."""
        return self._state.batches.lines_run

    @property
    def stored_reads(self) -> Counter[str]:
        """Stored reads answered so far, by kind: list, retrieve, messages, response,
        input_items (faults included)."""
        return self._state.stored.reads

    def fail_stored_reads(self, kind: str | None, after: int = 0) -> None:
        """Every stored read after the next `after` answers `kind` (500, 503, 429) on
        every attempt; None heals."""
        self._state.stored.fail(kind, after)

    def set_stored_limit(self, count: int) -> None:
        """How many stored objects of each kind the server keeps (oldest dropped first)."""
        self._state.stored.limit = count

    def clear_stored(self) -> None:
        """Forget every stored completion and response, and heal stored faults."""
        limit = self._state.stored.limit
        self._state.stored = type(self._state.stored)(limit)

    def add_stored(
        self, api: str, requests: Iterable[dict[str, Any]], created: int | None = None
    ) -> list[str]:
        """Test seeding: answer each request as a first live call would and store it
        (`created`: its time, default now), without HTTP; the ids, in order."""
        ids = []
        for request in requests:
            status, answer = respond.run(api, request, self._state.ids())
            if status != 200:
                raise ValueError(f"request not answered ({status}): {answer}")
            store = self._state.stored
            keep = store.keep_chat if api == "chat" else store.keep_response
            ids.append(keep(request, answer, int(time.time()) if created is None else created))
        return ids

    def set_latency(self, ms: float) -> None:
        self._state.latency_ms = ms

    def set_stream_pace(self, first_token_ms: float, token_ms: float) -> None:
        """Streams wait `first_token_ms` before their first event and `token_ms` between
        events (each times the model family's latency factor: a candidate arrives faster)."""
        self._state.first_token_ms = first_token_ms
        self._state.token_ms = token_ms

    def set_processing_header(self, sent: bool) -> None:
        """Send `openai-processing-ms` (as the API does) or not (as some gateways do)."""
        self._state.processing_header = sent

    def set_faults(self, faults: FaultPlan) -> None:
        self._state.faults = faults

    def reset_counters(self) -> None:
        """Forget earlier attempts and samples, so identical requests answer as if first."""
        self._state.reset_counters()

    def start(self) -> LocalServer:
        if self._httpd is not None:
            return self
        self._state.stopping.clear()
        self._httpd = LocalHTTPServer(self._address, self._state)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"migrate-check-server-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def wait(self) -> None:
        """Block until the server stops (the command line's foreground mode; Ctrl-C ends it)."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout=0.5)

    def stop(self) -> None:
        """Stop serving; requests hanging in a fault wake up and drop their connection."""
        self._state.stopping.set()
        if self._httpd is not None:
            if self._thread is not None:
                self._httpd.shutdown()
                self._thread.join(timeout=5)
            self._httpd.server_close()
        self._httpd = None
        self._thread = None

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
