"""Hand-made cassettes in the layouts vcrpy has written, for the import's tests (issue 28)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

CHAT_URI = "https://api.openai.com/v1/chat/completions"


def chat_request(model: str, prompt: str) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": prompt}]}


def chat_answer(model: str, text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8},
    }


def _request(model: str, prompt: str) -> dict[str, Any]:
    """A chat call's request as vcrpy writes it (the same in every layout)."""
    return {
        "method": "POST",
        "uri": CHAT_URI,
        "body": json.dumps(chat_request(model, prompt)),
        "headers": {"content-type": ["application/json"]},
    }


def interaction(
    model: str, prompt: str, text: str, *, answered_by: str | None = None, status: int = 200
) -> dict[str, Any]:
    """One chat call as vcrpy writes it today (`status: {code: ...}`, `body: {string: ...}`)."""
    return {
        "request": _request(model, prompt),
        "response": {
            "status": {"code": status, "message": "OK"},
            "headers": {"content-type": ["application/json"]},
            "body": {"string": json.dumps(chat_answer(answered_by or model, text))},
        },
    }


def old_httpx_interaction(model: str, prompt: str, text: str) -> dict[str, Any]:
    """The same call as vcrpy's httpx stubs wrote it before 4.x: `status_code`, the decoded
    `content` (while the headers still say gzip) and `http_version` in the response."""
    return {
        "request": _request(model, prompt),
        "response": {
            "content": json.dumps(chat_answer(model, text)),
            "headers": {"Content-Encoding": ["gzip"], "Content-Type": ["application/json"]},
            "http_version": "HTTP/1.1",
            "status_code": 200,
        },
    }


def cassette_text(*interactions: dict[str, Any]) -> str:
    return yaml.safe_dump({"interactions": list(interactions), "version": 1}, sort_keys=False)


def write_cassette(path: Path, *interactions: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(cassette_text(*interactions))
    return path


def section(out: str, heading: str) -> list[str]:
    """The lines printed under the line that starts with `heading`, up to the next one
    that is not indented."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    block = []
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        block.append(line)
    return block
