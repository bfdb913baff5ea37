"""Azure OpenAI: the SDK's Azure client from the usual settings, and deployments' models.

With `AZURE_OPENAI_ENDPOINT` set, recording goes through `openai.AsyncAzureOpenAI`: the
API version from `OPENAI_API_VERSION`, the key from `AZURE_OPENAI_API_KEY` (sent as the
`api-key` header), else an Entra ID token from `AZURE_OPENAI_AD_TOKEN`, else, with
`azure-identity` installed, a token provider over `DefaultAzureCredential`. The names in
`--model-pair` are deployments; `migrate_check_azure_models` (`deployment = model` lines)
says which model each stands for, for prices, shutdown dates and the answering-model check.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from migrate_check.core.completion import CompletionsByCase

ENDPOINT_ENV = "AZURE_OPENAI_ENDPOINT"
VERSION_ENV = "OPENAI_API_VERSION"
KEY_ENV = "AZURE_OPENAI_API_KEY"
TOKEN_ENV = "AZURE_OPENAI_AD_TOKEN"
TOKEN_SCOPE = "https://cognitiveservices.azure.com/.default"


class AzureSettingsError(ValueError):
    """Azure settings that cannot work; the message names the variable."""


@dataclass(frozen=True)
class AzureTarget:
    """An Azure OpenAI resource: its endpoint and the API version requests ask for."""

    endpoint: str
    api_version: str


def _identity_available() -> bool:
    try:
        return importlib.util.find_spec("azure.identity") is not None
    except (ImportError, ValueError):
        return False


def azure_target(environ: Mapping[str, str] | None = None, *, records: bool) -> AzureTarget | None:
    """The Azure resource named by the environment, or None; `records`: credentials are
    needed (a replay needs none)."""
    env = os.environ if environ is None else environ
    endpoint = env.get(ENDPOINT_ENV, "").strip()
    if not endpoint:
        return None
    version = env.get(VERSION_ENV, "").strip()
    if not version:
        raise AzureSettingsError(
            f"{ENDPOINT_ENV} is set but {VERSION_ENV} is not: set it to your resource's API "
            "version, e.g. 2024-10-21"
        )
    if records and not (env.get(KEY_ENV) or env.get(TOKEN_ENV) or _identity_available()):
        raise AzureSettingsError(
            f"{ENDPOINT_ENV} is set but there is no credential: set {KEY_ENV} (or "
            f"{TOKEN_ENV}, or install azure-identity for a token provider)"
        )
    return AzureTarget(endpoint.rstrip("/"), version)


def parse_models(lines: Iterable[str]) -> dict[str, str]:
    """`deployment = model` lines (ini `migrate_check_azure_models`) into a mapping."""
    found: dict[str, str] = {}
    for line in lines:
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        name, sep, model = (part.strip() for part in text.partition("="))
        if not sep or not name or not model:
            raise AzureSettingsError(f"{line.strip()!r} is not 'deployment = model'")
        found[name] = model
    return found


def mark_deployment_models(
    results: CompletionsByCase, deployments: Iterable[tuple[str, str]]
) -> CompletionsByCase:
    """Each answer says what model its name stands for (an Azure deployment's), from
    `deployments` (deployment -> model); without any, the answers are left as they are."""
    models = dict(deployments)
    if models:
        for completions in results.values():
            for completion in completions:
                completion.stands_for = models.get(completion.model)
    return results


def async_client(
    target: AzureTarget, *, max_retries: int, timeout: float, http_client: Any = None
) -> Any:
    """The SDK's `AsyncAzureOpenAI` for `target`, with the credential the environment gives."""
    import openai

    credential: dict[str, Any] = {}
    if key := os.environ.get(KEY_ENV):
        credential["api_key"] = key
    elif token := os.environ.get(TOKEN_ENV):
        credential["azure_ad_token"] = token
    elif _identity_available():
        identity = importlib.import_module("azure.identity")
        credential["azure_ad_token_provider"] = identity.get_bearer_token_provider(
            identity.DefaultAzureCredential(), TOKEN_SCOPE
        )
    else:
        credential["api_key"] = "replay-without-key"  # offline: nothing is sent
    return openai.AsyncAzureOpenAI(
        azure_endpoint=target.endpoint,
        api_version=target.api_version,
        max_retries=max_retries,
        timeout=timeout,
        http_client=http_client,
        **credential,
    )
