"""Azure OpenAI paths, read into the OpenAI path they stand for, with Azure's checks.

`openai.AzureOpenAI(azure_endpoint=server.azure_endpoint, api_version=..., api_key=...)`
builds (see the SDK's `lib/azure.py`):

* `/openai/deployments/{deployment}/chat/completions` and `.../embeddings`: the
  deployment names the model (the SDK puts the `model` argument there);
* everything else under `/openai/`: `/openai/responses`, `/openai/files`,
  `/openai/batches`, `/openai/models`, with `model` in the body naming a deployment;
* `/openai/v1/...`: Azure's v1 API, which `openai.OpenAI(base_url=.../openai/v1)` uses.

Each needs an `api-key` header (or `Authorization: Bearer`), else 401; each
but `/openai/v1/...` needs `?api-version=`: missing, Azure answers 404
"Resource not found" (it does, not 400); not a version, 400 "API version not
supported". A deployment's model is its own name unless the server maps it
(`LocalServer.set_azure_deployments`). Errors use Azure's envelope
(`{"error": {"code": "404", "message": ...}}`); non-streamed chat completions
carry Azure's `prompt_filter_results` and per-choice `content_filter_results`
(streams are left as OpenAI sends them), and every answer `apim-request-id`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from devtools.local_openai.errors import ApiError, azure_error

PREFIX = "/openai/"
DEPLOYMENT_ENDPOINTS = ("/chat/completions", "/embeddings")
ACCESS_DENIED = (
    "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide "
    "a valid key for an active subscription and use a correct regional API endpoint for your "
    "resource."
)
_VERSION = re.compile(r"\d{4}-\d{2}-\d{2}(?:-preview)?|preview|latest")
_DEPLOYMENT = re.compile(r"/openai/deployments/([^/]+)(/.*)?")


@dataclass(frozen=True)
class Route:
    """Where an Azure request goes: the OpenAI path, and the deployment's model if named."""

    path: str
    model: str | None = None


def is_azure(path: str) -> bool:
    return path.startswith(PREFIX) or path == PREFIX.rstrip("/")


def not_found() -> ApiError:
    return ApiError(404, azure_error("404", "Resource not found"))


def check_key(api_key: str, auth: str) -> None:
    """An `api-key` header or a bearer token (Entra ID), else Azure's 401."""
    key = api_key.strip()
    if not key and auth.lower().startswith("bearer "):
        key = auth[7:].strip()
    if not key or "invalid" in key:
        raise ApiError(401, azure_error("401", ACCESS_DENIED))


def route(path: str, query: Mapping[str, list[str]], deployments: Mapping[str, str]) -> Route:
    """The OpenAI path (and model) an Azure path stands for; `ApiError` as Azure answers."""
    if path.startswith("/openai/v1/"):
        return Route("/v1/" + path.removeprefix("/openai/v1/"))
    versions = query.get("api-version") or []
    if not versions or not versions[0]:
        raise not_found()
    if not _VERSION.fullmatch(versions[0]):
        raise ApiError(400, azure_error("BadRequest", "API version not supported"))
    match = _DEPLOYMENT.fullmatch(path)
    if match is not None:
        deployment, rest = match.group(1), match.group(2) or ""
        if rest not in DEPLOYMENT_ENDPOINTS:
            raise not_found()
        return Route("/v1" + rest, deployments.get(deployment, deployment))
    return Route("/v1/" + path.removeprefix(PREFIX))


_CATEGORIES = ("hate", "self_harm", "sexual", "violence")


def _safe() -> dict[str, object]:
    return {name: {"filtered": False, "severity": "safe"} for name in _CATEGORIES}


def with_filter_results(completion: dict[str, Any]) -> dict[str, Any]:
    """A chat completion as Azure sends it: content-filter results for the prompt and choices."""
    undetected = {"filtered": False, "detected": False}
    choices = [
        {
            **choice,
            "content_filter_results": {
                **_safe(),
                "protected_material_code": dict(undetected),
                "protected_material_text": dict(undetected),
            },
        }
        for choice in completion.get("choices", [])
    ]
    prompt_results = {**_safe(), "jailbreak": dict(undetected)}
    return {
        **completion,
        "choices": choices,
        "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": prompt_results}],
    }
