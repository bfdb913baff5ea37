"""The HTTP side of the local server: routing, headers, latency, streaming and faults.

Standard library only (`http.server`), so it needs no dependency and can do
what a framework would hide: drop a connection mid-body, or reset it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import random
import socket
import struct
import threading
import time
import uuid
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from urllib.parse import parse_qs

from devtools.local_openai import answers, azure, embeddings, respond, routes, wire
from devtools.local_openai.batches import BatchPlan, BatchStore
from devtools.local_openai.errors import JSON_PARSE_ERROR, ApiError, json_body
from devtools.local_openai.faults import ECHO_FAULTS, FaultPlan, choose, escape_echo
from devtools.local_openai.files import MAX_UPLOAD_BYTES, FileStore
from devtools.local_openai.prompt import BadRequest, Prompt
from devtools.local_openai.stats import Stats
from devtools.local_openai.stored import StoredStore

log = logging.getLogger("devtools.local_openai")

MODELS: dict[str, tuple[int, str | None]] = {
    # id: (created, shutdown_date)
    "gpt-4o-mini": (1721172741, "2027-01-14"),
    "gpt-4o-mini-2024-07-18": (1721172717, "2027-01-14"),
    "gpt-4o": (1715367049, None),
    "gpt-4.1-mini": (1744318173, "2027-01-14"),
    "gpt-4.1-mini-2025-04-14": (1744317547, "2027-01-14"),
    "gpt-4.1": (1744316542, None),
    "gpt-4.1-nano": (1744321707, None),
}
TIMEOUT_FAULT_S = 30.0  # longer than any test's client timeout
SLOW_STREAM_GAP_S = 0.1  # between stream chunks
SLOW_ANSWER_S = 1.0  # extra wait for a non-streamed answer
TRICKLE_GAP_S = 0.05  # between the bytes of a trickled answer: a 1 KiB body takes ~50 s
RATE_LIMIT_REQUESTS = 30_000
RATE_LIMIT_TOKENS = 150_000_000
MAX_BODY_BYTES = 64 * 1024 * 1024  # any request body; uploads have their own, smaller cap
__all__ = ["JSON_PARSE_ERROR", "LocalHTTPServer", "ServerState"]
NO_KEY = (
    "You didn't provide an API key. You need to provide your API key in an Authorization header "
    "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (i.e. "
    "https://api.openai.com/v1/chat/completions). You can obtain an API key from "
    "https://platform.openai.com/account/api-keys."
)


class ServerState:
    """Settings and counters shared by all handler threads of one server."""

    def __init__(self, latency_ms: float, faults: FaultPlan, seed: int) -> None:
        self.latency_ms = latency_ms
        #: A stream's pace: a wait before its first frame and between frames, each scaled
        #: by the model family's latency factor, so streamed models differ as they arrive.
        self.first_token_ms = 0.0
        self.token_ms = 0.0
        self.processing_header = True
        self.faults = faults
        self.stats = Stats()
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self._attempts: dict[bytes, int] = {}
        self._samples: dict[bytes, int] = {}
        self._used: dict[str, tuple[int, int]] = {}
        self.batch_plan = BatchPlan()
        self.azure_deployments: dict[str, str] = {}
        self.files = FileStore(lambda: self.new_id("file"), MAX_UPLOAD_BYTES)
        self.batches = BatchStore(self.files, self._run_line, self.new_id)
        self.stored = StoredStore()  # what `store: true` kept (stored.py)

    def _run_line(
        self, api: str, request: dict[str, Any], azure: bool
    ) -> tuple[int, dict[str, Any]]:
        """A batch line, answered as a first live call is (see `respond.run`)."""
        return respond.run(api, request, self.ids(), any_model=azure)

    def azure_model(self, deployment: str) -> str:
        """The model an Azure deployment serves: its own name unless mapped."""
        return self.azure_deployments.get(deployment, deployment)

    def new_id(self, kind: str) -> str:
        """An id in the API's style for files, batches, batch lines and request ids."""
        with self._lock:
            if kind == "file":
                alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                return "file-" + "".join(self._rng.choice(alphabet) for _ in range(22))
            hex_id = self._rng.randbytes(16).hex()
        return hex_id if kind == "request" else f"{kind}_{hex_id}"

    def next_attempt(self, key: bytes) -> int:
        """How many times this exact body arrived before (faults draw per attempt)."""
        with self._lock:
            attempt = self._attempts.get(key, 0)
            self._attempts[key] = attempt + 1
            return attempt

    def next_sample(self, key: bytes, *, commit: bool = True) -> int:
        """How many answers this exact body got before (wording varies per sample)."""
        with self._lock:
            sample = self._samples.get(key, 0)
            if commit:
                self._samples[key] = sample + 1
            return sample

    def reset_counters(self) -> None:
        with self._lock:
            self._attempts.clear()
            self._samples.clear()

    def token(self, nbytes: int) -> str:
        with self._lock:
            return self._rng.randbytes(nbytes).hex()

    def ids(self) -> wire.Ids:
        with self._lock:
            alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
            base = "".join(self._rng.choice(alphabet) for _ in range(29))
        return wire.Ids(base=base, created=int(time.time()), fingerprint="fp_b376dfbbd5")

    def spend(self, model: str, tokens: int) -> tuple[int, int]:
        """(requests, tokens) used so far by a model, this one included."""
        with self._lock:
            requests, used = self._used.get(model, (0, 0))
            self._used[model] = (requests + 1, used + tokens)
            return self._used[model]


class LocalHTTPServer(ThreadingHTTPServer):
    """A threading server that carries the shared state for its handlers."""

    daemon_threads = True
    request_queue_size = 128  # the default 5 refuses connections at concurrency 32
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: ServerState) -> None:
        super().__init__(address, Handler)
        self.state = state

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Log instead of printing a traceback: a client that hangs up (as fault tests
        make clients do) is routine for a test server, and its stderr is the tests'."""
        log.debug("error while answering %s", client_address, exc_info=True)


class Handler(BaseHTTPRequestHandler):
    """One connection; answers like api.openai.com."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    server_version = "migrate-check-local"
    sys_version = ""

    @property
    def state(self) -> ServerState:
        return cast(LocalHTTPServer, self.server).state

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet: tests read stats, not access logs."""

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        self._handle("POST")

    def do_DELETE(self) -> None:  # noqa: N802 - stdlib naming
        self._handle("DELETE")

    # ------------------------------------------------------------ dispatch

    def _handle(self, method: str) -> None:
        # A request is in flight from its arrival until its answer starts: once the
        # headers are out the client may read the answer and send its next request, and
        # counting until the last write would overlap the two on a busy machine.
        stats = self.state.stats
        stats.enter()
        self._in_flight = True
        try:
            self._dispatch(method)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True
        finally:
            self._answer_started()

    def _answer_started(self) -> None:
        if getattr(self, "_in_flight", False):
            self._in_flight = False
            self.state.stats.leave()

    def end_headers(self) -> None:
        self._answer_started()
        super().end_headers()

    def _dispatch(self, method: str) -> None:
        self._latency_factor = 1.0
        self._model = ""
        self._tokens = 0
        self._echo = ""
        self._echo_escaped = False
        raw_path, _, raw_query = self.path.partition("?")
        path = raw_path.rstrip("/")
        self._azure = azure.is_azure(path)
        body = self._read_body()
        if body is None:
            return
        query = parse_qs(raw_query)
        model: str | None = None
        try:
            if self._azure:
                azure.check_key(
                    self.headers.get("api-key", ""), self.headers.get("Authorization", "")
                )
                target = azure.route(path, query, self.state.azure_deployments)
                path, model = target.path, target.model
            elif not self._authorized():
                return
            self._route(method, path, query, body, model)
        except ApiError as exc:
            self._sleep()
            self._json(exc.status, exc.body, extra=getattr(exc, "headers", None))

    def _route(
        self, method: str, path: str, query: dict[str, list[str]], body: bytes, model: str | None
    ) -> None:
        state = self.state
        if path == "/v1/files" or path.startswith("/v1/files/"):
            content_type = self.headers.get("Content-Type", "")
            self._reply(routes.files(state.files, method, path, query, body, content_type))
        elif path == "/v1/batches" or path.startswith("/v1/batches/"):
            model_for = state.azure_model if self._azure else _same
            plan = state.batch_plan
            self._reply(
                routes.batches(
                    state.batches, method, path, query, body, plan, model_for, azure=self._azure
                )
            )
        elif method == "POST" and path == "/v1/embeddings":
            self._embed(body, model)
        elif method == "GET" and path == "/v1/models":
            self._sleep()
            self._json(200, {"object": "list", "data": [_model(m) for m in MODELS]})
        elif method == "GET" and path.startswith("/v1/models/"):
            name = path.removeprefix("/v1/models/")
            state.stats.saw_lookup(name)
            self._sleep()
            if name in MODELS:
                self._json(200, _model(name))
            else:
                message = f"The model '{name}' does not exist"
                self._json(404, wire.error(message, "invalid_request_error", "model_not_found"))
        elif method == "POST" and path == "/v1/chat/completions":
            self._complete(body, "chat", model)
        elif method == "POST" and path == "/v1/responses":
            self._complete(body, "responses", model)
        elif method == "GET" and path.startswith(("/v1/chat/completions", "/v1/responses/")):
            self._reply(state.stored.route(method, path, query))
        else:
            self._reply(None)

    def _reply(self, reply: routes.Reply | None) -> None:
        """Write what a route gave: JSON, raw file bytes, or the API's 404 for no route."""
        self._sleep()
        if reply is None:
            if self._azure:
                self._json(404, azure.not_found().body)
                return
            message = f"Invalid URL ({self.command} {self.path})"
            self._json(404, wire.error(message, "invalid_request_error"))
        elif isinstance(reply[1], bytes):
            self._send(reply[0], reply[1], "application/octet-stream")
        else:
            self._json(reply[0], reply[1])

    def _read_body(self) -> bytes | None:
        """The request body; None (after a 413) when it is over `MAX_BODY_BYTES`."""
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            message = f"Request body of {length} bytes is over the {MAX_BODY_BYTES} byte limit."
            self._json(413, wire.error(message, "invalid_request_error", "request_too_large"))
            return None
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            parts: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
                if sum(len(p) for p in parts) > MAX_BODY_BYTES:
                    self.close_connection = True
                    message = f"Request body is over the {MAX_BODY_BYTES} byte limit."
                    self._json(413, wire.error(message, "invalid_request_error"))
                    return None
        return self.rfile.read(length) if length else b""

    def _authorized(self) -> bool:
        auth = self.headers.get("Authorization", "")
        if auth.lower().startswith("basic "):
            # A gateway in front of the API that takes the base URL's `user:pass@`.
            try:
                credential = base64.b64decode(auth[6:].strip()).decode()
            except ValueError:
                credential = ""
            if "invalid" in credential or ":" not in credential:
                message = f"Invalid credentials in the authorization header: {auth}"
                self._json(401, wire.error(message, "invalid_request_error", "invalid_api_key"))
                return False
            return True
        key = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        if not key:
            self._json(401, wire.error(NO_KEY, "invalid_request_error"))
            return False
        if "invalid" in key:
            shown = f"{key[:8]}***{key[-4:]}" if len(key) > 12 else "***"
            message = (
                f"Incorrect API key provided: {shown}. You can find your API key at "
                "https://platform.openai.com/account/api-keys."
            )
            self._json(401, wire.error(message, "invalid_request_error", "invalid_api_key"))
            return False
        return True

    def _sleep(self, extra_s: float = 0.0) -> None:
        """Wait the simulated latency in this thread, so concurrent requests overlap."""
        self.state.stopping.wait(self.state.latency_ms / 1000 + extra_s)

    # ------------------------------------------------------------ completions

    def _embed(self, body: bytes, model: str | None) -> None:
        """`POST /v1/embeddings` (Azure: the deployment's, any model name goes)."""
        request = self._request(json_body(body), model)
        answer = embeddings.create(request, any_model=self._azure)
        self._model = str(request.get("model"))
        self._tokens = int(answer["usage"]["prompt_tokens"])
        self._sleep()
        self._json(200, answer)

    def _request(self, request: dict[str, Any], model: str | None) -> dict[str, Any]:
        """The request with its model as Azure reads it: the deployment's, or mapped."""
        if model is not None:
            return {**request, "model": model}
        if self._azure and isinstance(request.get("model"), str):
            return {**request, "model": self.state.azure_model(request["model"])}
        return request

    def _complete(self, body: bytes, api: str, model: str | None = None) -> None:
        try:
            request = json.loads(body)
            if not isinstance(request, dict):
                raise ValueError("not an object")
        except ValueError:
            self._sleep()
            self._json(400, wire.error(JSON_PARSE_ERROR, "invalid_request_error"))
            return
        request = self._request(request, model)
        try:
            prompt = respond.prompt_of(api, request)
        except BadRequest as exc:
            self._sleep()
            self._json(
                400, wire.error(str(exc), "invalid_request_error", "invalid_value", exc.param)
            )
            return
        state = self.state
        state.stats.saw_model(prompt.model)
        self._model = prompt.model
        self._latency_factor = answers.LATENCY_FACTOR[answers.family(prompt.model)]
        key = hashlib.sha256(body).digest()
        fault = choose(state.faults, body, prompt.raw_user, state.next_attempt(key))
        if fault is not None:
            state.stats.saw_fault(fault)
            if self._inject(fault, prompt):
                return
        self._sleep(SLOW_ANSWER_S if fault == "slow_stream" and not prompt.stream else 0.0)
        # Only answers that reach the client count as samples: a retry after a cut body
        # gets the same wording the cut answer had.
        delivered = fault in (None, "slow_stream")
        reply = answers.answer(prompt, state.next_sample(key, commit=delivered))
        self._tokens = reply.prompt_tokens + reply.completion_tokens
        ids = state.ids()
        gap = SLOW_STREAM_GAP_S if fault == "slow_stream" else 0.0
        later = state.next_sample(key, commit=False)
        answer = respond.body(api, reply, prompt, request, ids, later)
        if delivered and not self._azure:  # a streamed answer is stored whole, as the API does
            state.stored.keep(api, request, answer)
        if api == "chat":
            if prompt.stream:
                events = wire.chat_chunks(reply, ids, include_usage=prompt.include_usage)
                self._stream((wire.sse(e, named=False) for e in events), gap, fault, done=True)
            else:
                self._json(200, self._azure_dress(answer), fault=fault)
        elif prompt.stream:
            events = wire.response_events(reply, ids, request)
            self._stream((wire.sse(e, named=True) for e in events), gap, fault, done=False)
        else:
            self._json(200, answer, fault=fault)

    def _azure_dress(self, completion: dict[str, Any]) -> dict[str, Any]:
        """Azure adds content-filter results to a chat completion; OpenAI does not."""
        if not self._azure:
            return completion
        return azure.with_filter_results(completion)

    def _inject(self, fault: str, prompt: Prompt) -> bool:
        """Answer with an error-kind fault; False for faults that shape a normal answer."""
        plan = self.state.faults
        if fault == "429":
            self._sleep()
            message = (
                f"Rate limit reached for {prompt.model} in organization org-localtest on requests "
                f"per min (RPM): Limit 500, Used 500, Requested 1. Please try again in "
                f"{int(plan.retry_after_s * 1000)}ms. Visit "
                "https://platform.openai.com/account/rate-limits to learn more."
            )
            self._json(
                429,
                wire.error(message, "requests", "rate_limit_exceeded"),
                extra={
                    "retry-after": f"{plan.retry_after_s:g}",
                    "retry-after-ms": str(int(plan.retry_after_s * 1000)),
                },
            )
        elif fault == "insufficient_quota":
            self._sleep()
            message = (
                "You exceeded your current quota, please check your plan and billing details. "
                "For more information on this error, read the docs: "
                "https://platform.openai.com/docs/guides/error-codes/api-errors."
            )
            self._json(429, wire.error(message, "insufficient_quota", "insufficient_quota"))
        elif fault in ("500", "503"):
            self._sleep()
            message = (
                "The server had an error while processing your request. Sorry about that!"
                if fault == "500"
                else "The engine is currently overloaded, please try again later."
            )
            self._json(int(fault), wire.error(message, "server_error"))
        elif fault == "502":
            self._sleep()
            page = (
                b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n"
                b"</body>\r\n</html>\r\n"
            )
            self._send(502, page, "text/html")
        elif fault in ECHO_FAULTS:
            self._echo = self.headers.get("Authorization", "").partition(" ")[2]
            self._echo_escaped = fault == "echo_auth_escaped"
            return False
        elif fault == "reset":
            self._reset()
        elif fault == "timeout":
            self.state.stopping.wait(TIMEOUT_FAULT_S)
            self._reset()
        else:
            return False
        return True

    def _reset(self) -> None:
        """Close with a TCP reset and no answer, as a dropped upstream does."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # ------------------------------------------------------------ writing

    def _headers(self, status: int, content_type: str, extra: dict[str, str] | None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if self.state.processing_header:  # a gateway may strip it
            processing = int(round(self.state.latency_ms * self._latency_factor))
            self.send_header("openai-processing-ms", str(processing))
        self.send_header("openai-version", "2020-10-01")
        self.send_header("openai-organization", "org-localtest")
        self.send_header("openai-project", "proj_localtest")
        self.send_header("x-request-id", f"req_{self.state.token(16)}")
        self.send_header("set-cookie", "__cf_bm=local-cookie; path=/; HttpOnly")
        requests, tokens = self.state.spend(self._model, self._tokens)
        limited = status == 429
        self.send_header("x-ratelimit-limit-requests", str(RATE_LIMIT_REQUESTS))
        remaining = 0 if limited else max(RATE_LIMIT_REQUESTS - requests, 0)
        self.send_header("x-ratelimit-remaining-requests", str(remaining))
        self.send_header("x-ratelimit-reset-requests", "2ms")
        self.send_header("x-ratelimit-limit-tokens", str(RATE_LIMIT_TOKENS))
        self.send_header("x-ratelimit-remaining-tokens", str(max(RATE_LIMIT_TOKENS - tokens, 0)))
        self.send_header("x-ratelimit-reset-tokens", "0s")
        if getattr(self, "_azure", False):
            self.send_header("apim-request-id", str(uuid.UUID(self.state.token(16))))
            self.send_header("x-ms-region", "Local")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        if getattr(self, "_echo", ""):
            self.send_header("x-echo-authorization", self._echo)

    def _send(
        self,
        status: int,
        payload: bytes,
        content_type: str,
        extra: dict[str, str] | None = None,
        fault: str | None = None,
    ) -> None:
        self._headers(status, content_type, extra)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if fault == "cut_body":
            self.wfile.write(payload[: len(payload) // 2])
            self.wfile.flush()
            self._reset()
            return
        if fault == "trickle":
            for index in range(len(payload)):
                if self.state.stopping.wait(TRICKLE_GAP_S if index else 0):
                    return
                self.wfile.write(payload[index : index + 1])
                self.wfile.flush()
            return
        self.wfile.write(payload)
        self.wfile.flush()

    def _json(
        self,
        status: int,
        body: dict[str, Any],
        extra: dict[str, str] | None = None,
        fault: str | None = None,
    ) -> None:
        if getattr(self, "_echo", "") and status == 200:
            body = {**body, "system_fingerprint": self._echo}
        payload = json.dumps(body, ensure_ascii=False, indent=2).encode()
        if getattr(self, "_echo_escaped", False):
            payload = escape_echo(payload, self._echo)
        if fault == "bad_json":
            payload = payload[: len(payload) * 2 // 3] + b"\n<!-- upstream timeout -->"
        self._send(status, payload, "application/json", extra, fault)

    def _stream(
        self, events: Iterable[bytes], gap: float, fault: str | None, *, done: bool
    ) -> None:
        """Server-sent events in chunked encoding; a fault may garble or cut the stream."""
        self._headers(200, "text/event-stream; charset=utf-8", None)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        frames = list(events)
        if done:
            frames.append(b"data: [DONE]\n\n")
        if fault == "bad_json":
            frames[len(frames) // 2] = b'data: {"id": "chatcmpl-broken", "choices": [\n\n'
        pace = self._latency_factor / 1000
        for index, frame in enumerate(frames):
            if fault == "cut_body" and index >= len(frames) // 2:
                self._reset()
                return
            if gap and index:
                self.state.stopping.wait(gap)
            elif wait := (self.state.token_ms if index else self.state.first_token_ms) * pace:
                self.state.stopping.wait(wait)
            self.wfile.write(b"%x\r\n%s\r\n" % (len(frame), frame))
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


def _same(model: str) -> str:
    """OpenAI batches keep their lines' models; only Azure maps deployments."""
    return model


def _model(name: str) -> dict[str, Any]:
    created, shutdown = MODELS[name]
    entry: dict[str, Any] = {
        "id": name,
        "object": "model",
        "created": created,
        "owned_by": "system",
    }
    if shutdown:
        entry["shutdown_date"] = shutdown
    return entry
