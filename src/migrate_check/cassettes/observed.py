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

    def _kind(self, request: Any) -> str:
        host = (getattr(request, "host", "") or "").lower()
        if host in self.api_hosts:
            return "api"
        port = getattr(request, "port", None)
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
        self.inner.append(request, response)
        self.exchanges.append((request, response))

    def find_requests_with_most_matches(self, request: Any) -> Any:
        return self.inner.find_requests_with_most_matches(request)

    def _save(self, force: bool = False) -> None:
        self.inner._save(force=force)
