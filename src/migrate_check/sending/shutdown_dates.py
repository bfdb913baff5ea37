"""When OpenAI retires each model of the pair, from the live models list.

Asked only on live runs; a model the list does not know, or a failed call, is left out.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence

from migrate_check.safety.log_scrubbing import scrubbed_logs


def shutdown_dates(
    models: Sequence[str], *, api_key: str, base_url: str | None, secrets: Iterable[str | None]
) -> dict[str, str]:
    """`shutdown_date` of each model from the live models list; what fails is left out."""
    import openai

    client = openai.OpenAI(
        api_key=api_key,
        base_url=base_url,
        max_retries=1,
        timeout=10.0,
    )

    def shutdown_date(model: str) -> str | None:
        try:
            raw = client.models.with_raw_response.retrieve(model)
            date = json.loads(raw.http_response.text).get("shutdown_date")
        except (openai.OpenAIError, ValueError, AttributeError):
            return None
        return date if isinstance(date, str) and date else None

    # Asked together, not one after the other: the run waits for the slowest only. The
    # threads are daemons (a pool's are not): a run ended by Ctrl-C does not wait at exit
    # for a lookup that hangs.
    found: dict[str, str | None] = {}

    def ask(model: str) -> None:
        try:
            found[model] = shutdown_date(model)
        except Exception:  # noqa: BLE001 - a date is extra: whatever fails leaves it out
            found[model] = None

    with client, scrubbed_logs(secrets):
        threads = [threading.Thread(target=ask, args=(m,), daemon=True) for m in models]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return {model: date for model in models if (date := found.get(model)) is not None}
