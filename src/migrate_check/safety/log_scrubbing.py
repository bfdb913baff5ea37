"""Log lines without secrets: the SDK, httpcore and vcrpy log headers and error bodies.

A run attaches `SecretFilter` to the root logger's handlers while it fetches, so
`--log-file` and pytest's captured logs never hold a key, a cookie or a URL's password.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterable, Iterator

from migrate_check.safety import secrets as secret_values

# A secret header's value in a logged header list or dict: `(b'set-cookie', b'...')`
# (httpcore) or `'set-cookie': ['...']` (vcrpy).
_SECRET_HEADER = re.compile(
    r"""(?i)(b?['"](?:set-cookie|cookie|authorization|api-key|openai-organization|"""
    r"""openai-project)['"]\s*[,:]\s*\[?\s*b?['"])([^'"]*)"""
)


class SecretFilter(logging.Filter):
    """Scrubs keys, secret header values and known secrets from every log record.

    Attached to the root logger's handlers while a run fetches: the SDK, httpcore and
    vcrpy log headers and error bodies at DEBUG and INFO, and `--log-file` writes them.
    """

    def __init__(self, secrets: Iterable[str | None]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def scrub(self, text: str) -> str:
        return scrub_secrets(_SECRET_HEADER.sub(r"\1[redacted]", text), self.secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logging's to report, not ours
            return True
        record.msg, record.args = self.scrub(message), None
        if record.exc_info:
            text = record.exc_text or logging.Formatter().formatException(record.exc_info)
            record.exc_text, record.exc_info = self.scrub(text), None
        return True


@contextlib.contextmanager
def scrubbed_logs(secrets: Iterable[str | None]) -> Iterator[None]:
    """Every handler of the root logger drops secrets for the duration."""
    handlers = list(logging.getLogger().handlers)
    secret_filter = SecretFilter(secrets)
    for handler in handlers:
        handler.addFilter(secret_filter)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(secret_filter)


def scrub_secrets(text: str, secrets: Iterable[str | None] = ()) -> str:
    """An error message or log line without known secrets (those of the environment,
    OPENAI_BASE_URL's credentials and `secrets`) or anything shaped like a credential."""
    return secret_values.from_environment(extra=secrets).message(text)
