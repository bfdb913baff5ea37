"""When OpenAI retires each model of the pair, from the live models list.

Asked only on live runs; a model the list does not know, or a failed call, is left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from migrate_check.log_scrubbing import scrubbed_logs


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
    dates: dict[str, str] = {}
    with client, scrubbed_logs(secrets):
        for model in models:
            try:
                raw = client.models.with_raw_response.retrieve(model)
                date = json.loads(raw.http_response.text).get("shutdown_date")
            except (openai.OpenAIError, ValueError, AttributeError):
                continue
            if isinstance(date, str) and date:
                dates[model] = date
    return dates
