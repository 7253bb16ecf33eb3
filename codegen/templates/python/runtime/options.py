# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""Delivery settings and their defaults (docs/delivery.md, "Defaults"; a
unit test of every SDK pins them). Times are seconds, sizes bytes."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

from .envelope import JSON, PROTOBUF, WireFormat


@dataclass(frozen=True)
class DeliveryOptions:
    """How an HttpTransport batches, retries and keeps events."""

    wire_format: WireFormat = PROTOBUF
    """The request body's format: "protobuf" or "json"."""
    batch_max_events: int = 100
    """Events per request, at most."""
    batch_max_bytes: int = 512_000
    """Bytes per request body before compression, at most (one event always fits)."""
    flush_interval: float = 10.0
    """An event waits at most this long before its batch is sent."""
    request_timeout: float = 10.0
    """Seconds to connect and for each read of the answer; then the attempt failed."""
    backoff_base: float = 1.0
    """The first retry waits up to this long (full jitter), doubling per failure."""
    backoff_max: float = 60.0
    """The backoff's cap."""
    retry_after_max: float = 300.0
    """A `Retry-After` answer is honoured up to this long."""
    max_attempts: int = 10
    """Attempts per event before it is dropped (retries_exhausted)."""
    max_retry_age: float = 86_400.0
    """Seconds since an event's first failed attempt after which it is dropped."""
    queue_max_events: int = 10_000
    """Events kept in the queue; beyond it the oldest are dropped (queue_full)."""
    queue_max_bytes: int = 5_242_880
    """Envelope bytes kept in the queue; beyond it the oldest are dropped."""
    queue_max_age: float = 604_800.0
    """Seconds an event may wait in the queue; then it is dropped (expired)."""
    gzip_min_bytes: int = 1024
    """Bodies larger than this are sent with Content-Encoding: gzip."""
    exit_timeout: float = 5.0
    """At interpreter exit, flush for at most this long (the rest stays queued)."""
    persist: bool = True
    """Keep the queue in a file (SQLite), so events survive a crash or a restart."""
    queue_dir: str | None = None
    """The queue's folder; None: the user's cache folder (see docs/delivery.md)."""
    headers: Mapping[str, str] = field(default_factory=dict)
    """Extra request headers (e.g. authorization)."""

    def __post_init__(self) -> None:
        if self.wire_format not in (PROTOBUF, JSON):
            raise ValueError(
                f"wire_format must be 'protobuf' or 'json', not {self.wire_format!r}"
            )
        for option in dataclasses.fields(self):
            value = getattr(self, option.name)
            if type(value) in (int, float) and not value > 0:
                raise ValueError(f"{option.name} must be positive, not {value!r}")
        object.__setattr__(self, "headers", dict(self.headers))
