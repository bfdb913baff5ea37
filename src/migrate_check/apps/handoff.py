"""Handing the team's function the model it runs on, the way its application does.

- `argument`: a keyword argument (`model=...`, or the name the suite gives);
- `env`: an environment variable the function reads, set for the call and restored;
- `rewrite`: the function keeps its own model name, and every Chat Completions or
  Responses request its OpenAI client sends during the call names this model instead
  (an Azure client's deployment in the path too).
  Embeddings and other endpoints are left alone: their model is not the one migrating.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Iterator, Mapping
from typing import Any

from migrate_check.core.entry import EntryPoint

#: The model `rewrite` puts in the requests of the call running in this context.
_rewritten_model: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "migrate_check_rewritten_model", default=None
)
#: Paths whose requests name the model that migrates.
_REWRITTEN_PATHS = ("/chat/completions", "/responses", "/completions")


@contextlib.contextmanager
def handed_model(entry: EntryPoint, model: str, kwargs: dict[str, Any]) -> Iterator[None]:
    """Within it, the function called with `kwargs` runs on `model`."""
    if entry.handoff == "argument":
        kwargs[entry.handoff_name] = model
        yield
    elif entry.handoff == "env":
        before = os.environ.get(entry.handoff_name)
        os.environ[entry.handoff_name] = model
        try:
            yield
        finally:
            if before is None:
                os.environ.pop(entry.handoff_name, None)
            else:
                os.environ[entry.handoff_name] = before
    else:
        _install_rewrite()
        token = _rewritten_model.set(model)
        try:
            yield
        finally:
            _rewritten_model.reset(token)


def _install_rewrite() -> None:
    """Wrap the SDK's request building once; outside a `rewrite` call it changes nothing."""
    from openai import _base_client

    original = _base_client.BaseClient._build_request
    if getattr(original, "migrate_check_rewrite", False):
        return

    def _build_request(self: Any, options: Any, *args: Any, **kwargs: Any) -> Any:
        model = _rewritten_model.get()
        body = getattr(options, "json_data", None)
        url = str(getattr(options, "url", ""))
        if (
            model is not None
            and isinstance(body, Mapping)
            and "model" in body
            and url.rstrip("/").endswith(_REWRITTEN_PATHS)
        ):
            changes: dict[str, Any] = {"json_data": {**body, "model": model}}
            # Azure's client has put the deployment (the body's model) in the path already.
            named = f"/deployments/{body['model']}/"
            if named in url:
                changes["url"] = url.replace(named, f"/deployments/{model}/", 1)
            options = options.model_copy(update=changes)
        return original(self, options, *args, **kwargs)

    _build_request.migrate_check_rewrite = True  # type: ignore[attr-defined]
    _base_client.BaseClient._build_request = _build_request  # type: ignore[method-assign]
