# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""Where tracked events go: any object with `send(TrackedEvent)`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class TrackedEvent:
    """One envelope, ready to deliver in either encoding."""

    event_name: str
    event_id: str
    protobuf: bytes
    json: str


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
