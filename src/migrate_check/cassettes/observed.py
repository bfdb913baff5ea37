"""A case cassette for a team's own function: it sees every exchange, and guards hosts.

An entry-point case runs the team's code, which may make several OpenAI calls and may
reach other services too. `ObservedCassette` stands in front of the case's vcrpy
cassette in the run's routing (`recording.use_case_cassette`) and:

- keeps each OpenAI exchange played or recorded, in order, so the run can say which
  calls the function made (`exchanges`);
- lets requests to the suite's `allow_hosts` go out unrecorded;
- refuses every other host (`BlockedHost`, noted in `blocked`): a database or another
  API is the team's business, and must neither be recorded nor be reached by surprise;
- notes each request replay could not answer (`missing`), so the case's error names the
  step rather than the SDK's "Connection error".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from migrate_check.safety import secrets
from migrate_check.safety.bodies import decode_response

#: Exchanges an entry-point case may make on one model before the rest are refused.
MAX_EXCHANGES = 200


class BlockedHost(ConnectionRefusedError):
    """A request to a host that is neither the OpenAI API nor in `allow_hosts`."""


@dataclass
class ObservedCassette:
    """Wraps one case's vcrpy cassette; the routing cassette calls it as it would the cassette."""

    inner: Any
    #: Hosts that answer as the OpenAI API (recorded and replayed).
    api_hosts: frozenset[str]
    #: Other hosts the suite allows: sent for real, never recorded.
    allowed_hosts: frozenset[str] = frozenset()
    exchanges: list[tuple[Any, dict[str, Any]]] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    #: Credentials the function's requests carried (its own client's key, too).
    credentials: set[str] = field(default_factory=set)

    def _kind(self, request: Any) -> str:
        host = (getattr(request, "host", "") or "").lower()
        port = getattr(request, "port", None)
        if f"{host}:{port}" in self.api_hosts:
            return "api"
        if host in self.allowed_hosts or f"{host}:{port}" in self.allowed_hosts:
            return "allowed"
        if host not in self.blocked:
            self.blocked.append(host)
        raise BlockedHost(
            f"migrate-check blocked a request to {host}: only the OpenAI API is recorded; "
            "name the host in the suite's entry.allow_hosts to let it through"
        )

    def _limit(self) -> None:
        if len(self.exchanges) >= MAX_EXCHANGES:
            raise ConnectionAbortedError(
                f"migrate-check: more than {MAX_EXCHANGES} OpenAI calls in one case"
            )

    # -- what the routing cassette (and vcrpy's stubs through it) calls ----------------

    @property
    def write_protected(self) -> bool:
        return bool(self.inner.write_protected)

    @property
    def play_count(self) -> int:
        return int(self.inner.play_count)

    @property
    def _path(self) -> Any:
        return self.inner._path

    def filter_request(self, request: Any) -> Any:
        if self._kind(request) == "allowed":
            return None  # vcrpy then sends it for real and keeps nothing of it
        return self.inner.filter_request(request)

    def can_play_response_for(self, request: Any) -> bool:
        # Asked first with the live request, before the case cassette's filter strips its
        # headers: the credentials it carries are scrubbed from what is recorded.
        self.credentials.update(_credentials(request))
        if self._kind(request) == "allowed":
            return False
        self._limit()
        if self.inner.can_play_response_for(request):
            return True
        if self.inner.write_protected:
            self.missing.append(f"{request.method} {request.path}")
        return False

    def play_response(self, request: Any) -> Any:
        response = self.inner.play_response(request)
        self.exchanges.append((request, response))
        return response

    def append(self, request: Any, response: Any) -> None:
        if self._kind(request) == "allowed":
            return  # an allowed host's answer is never recorded
        response = _without_credentials(request, response, self.credentials)
        kept = len(self.inner.data)
        self.inner.append(request, response)
        if len(self.inner.data) > kept:  # a 429 or 5xx the SDK retried is not kept: no call
            self.exchanges.append((request, response))

    def find_requests_with_most_matches(self, request: Any) -> Any:
        return self.inner.find_requests_with_most_matches(request)

    def _save(self, force: bool = False) -> None:
        self.inner._save(force=force)


def _credentials(request: Any) -> set[str]:
    """The credential values a live request carries (bearer token, Azure key, org)."""
    found = set()
    for name, value in (getattr(request, "headers", None) or {}).items():
        if str(name).lower() in ("authorization", "api-key", "openai-organization"):
            text = value[0] if isinstance(value, list) and value else value
            found.add(str(text).removeprefix("Bearer ").strip())
    return {value for value in found if len(value) >= 8}


def _without_credentials(
    request: Any, response: dict[str, Any], credentials: set[str]
) -> dict[str, Any]:
    """The response (and request) with the credentials the function's requests carried
    scrubbed by value.

    The environment's key is scrubbed everywhere already; a team's function may make its
    client with a key from its own configuration, which only its requests show (an echo
    of it in an answer would otherwise reach the cassette).
    """
    if not credentials:
        return response
    scrubber = secrets.from_environment(extra=sorted(credentials))
    response = decode_response(dict(response))  # a gzipped body shows no value to scrub
    if isinstance(request.uri, str):
        request.uri = scrubber.uri(request.uri)
    if isinstance(request.body, bytes):
        request.body = scrubber.raw(request.body)
    body = dict(response.get("body") or {})
    if isinstance(body.get("string"), bytes):
        body["string"] = scrubber.raw(body["string"])
    elif isinstance(body.get("string"), str):
        body["string"] = scrubber.text(body["string"])
    headers = {
        name: [scrubber.text(str(v)) for v in value] if isinstance(value, list) else value
        for name, value in (response.get("headers") or {}).items()
    }
    return {**response, "body": body, "headers": headers}
