"""What the local server saw, for tests that check concurrency, retries and faults."""

from __future__ import annotations

import threading
import time


class Stats:
    """Counters shared by the handler threads; read them from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.by_model: dict[str, int] = {}
        self.faults: dict[str, int] = {}
        #: When the first and the last model call arrived (time.monotonic), for rates.
        self.first_call_at: float | None = None
        self.last_call_at: float | None = None
        #: When each model's own entry (`GET /v1/models/{id}`) was asked (time.monotonic).
        self.model_lookups: list[tuple[str, float]] = []

    @property
    def completions(self) -> int:
        """Model calls answered (chat completions and responses), not counting model lists."""
        with self._lock:
            return sum(self.by_model.values())

    def enter(self) -> None:
        """A request arrived."""
        with self._lock:
            self.requests += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave(self) -> None:
        """A response was fully written (or the connection dropped)."""
        with self._lock:
            self.in_flight -= 1

    def saw_model(self, model: str) -> None:
        now = time.monotonic()
        with self._lock:
            self.by_model[model] = self.by_model.get(model, 0) + 1
            if self.first_call_at is None:
                self.first_call_at = now
            self.last_call_at = now

    def saw_lookup(self, model: str) -> None:
        with self._lock:
            self.model_lookups.append((model, time.monotonic()))

    @property
    def calls_span(self) -> float:
        """Seconds from the first model call's arrival to the last one's."""
        with self._lock:
            if self.first_call_at is None or self.last_call_at is None:
                return 0.0
            return self.last_call_at - self.first_call_at

    def saw_fault(self, kind: str) -> None:
        with self._lock:
            self.faults[kind] = self.faults.get(kind, 0) + 1

    def reset(self) -> None:
        """Zero the counters; requests still being handled stay counted as in flight."""
        with self._lock:
            self.requests = 0
            self.max_in_flight = self.in_flight
            self.by_model = {}
            self.faults = {}
            self.first_call_at = self.last_call_at = None
            self.model_lookups = []

    def __repr__(self) -> str:
        return (
            f"Stats(requests={self.requests}, max_in_flight={self.max_in_flight}, "
            f"by_model={self.by_model}, faults={self.faults})"
        )
