"""What the collector makes of one request: accepted and rejected events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Accepted:
    """A valid event with its row values (see plans.py): per property name,
    enums by name, timestamps in microseconds, objects as dicts."""

    index: int  # position in the batch
    event: str  # the event's wire name
    event_id: str
    model_version: str
    context: dict[str, Any]
    payload: dict[str, Any]
    protobuf: bytes  # the Envelope's bytes (as received, or encoded from JSON; re-encoded once pseudonymised)
    event_time_us: int | None = None  # corrected client time, set by the batch
    client_ip: str | None = None  # truncated, when the model asks for it and the stamp grants its purposes
    pseudonym_key: str | None = None  # the id of the key its pseudonymous values were hashed with


@dataclass
class Rejected:
    """An event that breaks a rule; kept with its raw bytes in bad_events."""

    index: int
    reasons: list[str]
    raw: bytes
    event_id: str | None = None
    event: str | None = None
    model_version: str | None = None

    def answer(self) -> dict[str, object]:
        return {"index": self.index, "event_id": self.event_id, "reasons": self.reasons}


@dataclass
class Received:
    """One decoded request, with the server's fields."""

    content_type: str
    received_at_us: int
    sent_at_us: int | None
    accepted: list[Accepted] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


@dataclass(frozen=True)
class Stored:
    """What a sink reports once a request's events are durable."""

    accepted: int
    duplicates: int
    duplicate_ids: frozenset[str] = frozenset()  # when the sink knows them
