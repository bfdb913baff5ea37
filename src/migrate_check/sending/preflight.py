"""Before a recording run sends anything: is there a key, and does the API's host answer?

Without it, a run would send a placeholder key, or retry a DNS failure for seconds per
case, and end in "connection error: ConnectError: ...". So, once per run and only when
some answer has no recording to replay (offline replay never needs a key or a network),
this checks the credentials and opens one TCP connection to the API's host. When either
fails, nothing is sent: each answer that needed recording becomes one error naming the
variable or the URL, the rest replay from their cassettes, and the summary says it in
one line (`not_sent_line`).
"""

from __future__ import annotations

import os
import socket
import threading
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from urllib.parse import urlsplit

from migrate_check.cassettes.paths import case_cassette_path
from migrate_check.core.case import Case
from migrate_check.core.completion import Completion, CompletionsByCase
from migrate_check.sending.azure import AzureSettingsError, azure_target
from migrate_check.sending.failures import RecordHint
from migrate_check.sending.sdk_request import Job
from migrate_check.sending.settings import RunnerSettings

#: Where the SDK sends without `OPENAI_BASE_URL`.
DEFAULT_API = "https://api.openai.com/v1"
#: How long the one connection may take (name lookup included) before the host counts
#: as not answering: the SDK's own attempts would each wait the request timeout.
CONNECT_TIMEOUT_S = 5.0
#: What each held-back answer's error starts with, and what parts it: the summary line
#: reads the reason back from the errors, as they cross from xdist workers.
NOT_SENT = "not sent: "
_THEN = ". Record case "


def credentials_problem(
    settings: RunnerSettings, environ: Mapping[str, str] | None = None
) -> str | None:
    """Why no request could be authorised, naming the variable; None when one can.

    A base URL without a key is a local or compatible server: those take any key.
    """
    env = os.environ if environ is None else environ
    if settings.azure is not None:
        try:
            azure_target(env, records=True)
        except AzureSettingsError as exc:
            return str(exc)
        return None
    if env.get("OPENAI_API_KEY") or settings.base_url:
        return None
    return (
        "OPENAI_API_KEY is not set (set it to record from the OpenAI API, or set "
        "OPENAI_BASE_URL to an OpenAI-compatible server)"
    )


def target_url(settings: RunnerSettings) -> str:
    """The URL requests go to: the Azure endpoint, OPENAI_BASE_URL, else the OpenAI API."""
    if settings.azure is not None:
        return settings.azure.endpoint
    return settings.base_url or DEFAULT_API


def _named(settings: RunnerSettings, url: str) -> str:
    if settings.azure is not None:
        return f"AZURE_OPENAI_ENDPOINT {url}"
    return f"OPENAI_BASE_URL {url}" if settings.base_url else f"the OpenAI API at {url}"


def _proxy_for(url: str) -> str | None:
    """The proxy the SDK's client would take to `url` from the environment, if any."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    proxies = urllib.request.getproxies()
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if not proxy or (host and urllib.request.proxy_bypass(host)):
        return None
    return proxy


def _connect(host: str, port: int, timeout_s: float) -> str | None:
    """Why `host:port` takes no TCP connection, or None when it does (then closed)."""
    try:
        socket.create_connection((host, port), timeout=timeout_s).close()
    except socket.gaierror as exc:
        return f"its host {host} does not resolve ({exc.strerror or exc})"
    except ConnectionRefusedError:
        return f"{host}:{port} refused the connection"
    except TimeoutError:
        return f"no connection to {host}:{port} within {timeout_s:g} s"
    except OSError as exc:
        return f"no connection to {host}:{port} ({exc.strerror or exc})"
    return None


def reachability_problem(
    settings: RunnerSettings, timeout_s: float = CONNECT_TIMEOUT_S
) -> str | None:
    """Why the API's host (or the proxy before it) cannot be reached, naming the URL.

    One name lookup and one TCP connection, bounded as a whole by `timeout_s`: a lookup
    cannot be given a timeout of its own, so it runs in a daemon thread.
    """
    url = target_url(settings)
    proxy = _proxy_for(url)
    parts = urlsplit(proxy or url)
    host = parts.hostname
    named = _named(settings, url) + (f" through the proxy {proxy}" if proxy else "")
    if not host:
        return f"{named} cannot be reached: it names no host"
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return f"{named} cannot be reached: its port is not a number"
    found: list[str | None] = []
    worker = threading.Thread(
        target=lambda: found.append(_connect(host, port, timeout_s)), daemon=True
    )
    worker.start()
    worker.join(timeout_s + 0.5)
    if not found:
        return f"{named} cannot be reached: {host} did not answer within {timeout_s:g} s"
    return None if found[0] is None else f"{named} cannot be reached: {found[0]}"


def would_send(case: Case, model: str, settings: RunnerSettings) -> bool:
    """Whether the answer is asked of the API (not replayed): `all` asks every one, the
    other recording modes those without a cassette."""
    if settings.record_mode == "none":
        return False
    if settings.record_mode == "all":
        return True
    return not case_cassette_path(settings.cassette_dir, case, model).exists()


def not_sent(problem: str, case: Case, model: str, hint: RecordHint, mode: str) -> Completion:
    """The error an answer held back carries: the problem, and the command to record it."""
    command = hint(case, model, mode)
    return Completion(
        model=model, error=f"{NOT_SENT}{problem}{_THEN}{case.key!r} on {model!r} with: {command}"
    )


class Preflight:
    """One run's check before sending, made the first time something will be sent."""

    def __init__(self, settings: RunnerSettings) -> None:
        self.settings = settings
        self._checked = False
        self._problem: str | None = None
        #: Whether grader calls were kept from being sent (replayed only) for the problem.
        self.grader_held = False

    @property
    def failed(self) -> bool:
        """Whether the check was made and failed (without making it)."""
        return self._checked and self._problem is not None

    def problem(self) -> str | None:
        """Why nothing can be sent (checked once), or None when requests can go out."""
        if not self._checked:
            self._checked = True
            self._problem = credentials_problem(self.settings) or reachability_problem(
                self.settings
            )
        return self._problem

    def split(
        self, jobs: Sequence[Job], hint: RecordHint
    ) -> tuple[list[Job], CompletionsByCase, RunnerSettings]:
        """The jobs to hand the runner, the answers held back, and the runner's settings.

        With nothing to send, or when the check passes, every job goes as it is. When it
        fails, the jobs that would send are held back as errors, and the rest (each with a
        cassette) replay under `once`, which never sends for a cassette that exists; so
        `new_episodes` checks too, as any of its replays may turn into a request.
        """
        settings = self.settings
        mode = settings.record_mode
        if mode == "none" or not jobs:
            return list(jobs), {}, settings
        sending = [would_send(case, model, settings) for case, model in jobs]
        if not any(sending) and mode != "new_episodes":
            return list(jobs), {}, settings
        problem = self.problem()
        if problem is None:
            return list(jobs), {}, settings
        held: CompletionsByCase = {}
        rest: list[Job] = []
        for (case, model), sends in zip(jobs, sending, strict=True):
            if sends:
                error = not_sent(problem, case, model, hint, mode)
                held[(case.key, model)] = [error] * case.samples
            else:
                rest.append((case, model))
        return rest, held, replace(settings, record_mode="once")


def not_sent_line(errors: Iterable[str | None]) -> str | None:
    """The summary's one line when answers were held back: how many, and why (every
    held-back answer of a run has the same problem)."""
    held = sorted({e for e in errors if e and e.startswith(NOT_SENT)})
    if not held:
        return None
    # One error per case and model (the samples of one answer say the same words).
    count, problem = len(held), held[0][len(NOT_SENT) :].partition(_THEN)[0]
    if not count:
        return None
    if count == 1:
        return f"1 answer needed recording and was not sent: {problem}"
    return f"{count} answers needed recording and none was sent: {problem}"
