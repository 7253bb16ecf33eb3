# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""Where tracked events go: any object with `send(TrackedEvent)`."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class TrackedEvent:
    """One envelope, ready to deliver in either encoding; `purposes` are
    those it needs (its own, and those of the values it carries)."""

    event_name: str
    event_id: str
    protobuf: bytes
    json: str
    purposes: tuple[str, ...] = ()


class Transport(Protocol):
    def send(self, event: TrackedEvent) -> None:
        """Deliver (or queue) one event; may raise, the tracker reports it."""


class InMemoryTransport:
    """Keeps every event in `events`; for tests and batching."""

    def __init__(self) -> None:
        self.events: list[TrackedEvent] = []

    def send(self, event: TrackedEvent) -> None:
        self.events.append(event)

    def clear(self) -> None:
        self.events.clear()

    def purge(self, purposes: Set[str]) -> int:
        """Forget the events that need one of `purposes` (withdrawn); how many."""
        kept = [e for e in self.events if purposes.isdisjoint(e.purposes)]
        purged = len(self.events) - len(kept)
        self.events[:] = kept
        return purged
