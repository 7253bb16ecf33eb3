# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""What delivery tells the app: an error for every dropped event (grouped
per occurrence) and counters (docs/delivery.md, "Observability")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .errors import SdkError

# Why an event left the queue without being stored by the collector.
REJECTED = "rejected"  # the collector refused it in a 2xx answer (its reasons)
CLIENT_ERROR = "client_error"  # a 4xx answer other than 408, 413, 429
TOO_LARGE = "too_large"  # 413 for a batch of this one event
RETRIES_EXHAUSTED = "retries_exhausted"  # max_attempts, or max_retry_age passed
EXPIRED = "expired"  # waited longer than queue_max_age
QUEUE_FULL = "queue_full"  # the oldest, when the queue's caps were exceeded
STORAGE_ERROR = "storage_error"  # the queue file could not take it
CONSENT_WITHDRAWN = "consent_withdrawn"  # it needs a purpose the user withdrew
DROP_REASONS = (
    REJECTED,
    CLIENT_ERROR,
    TOO_LARGE,
    RETRIES_EXHAUSTED,
    EXPIRED,
    QUEUE_FULL,
    STORAGE_ERROR,
    CONSENT_WITHDRAWN,
)


@dataclass(frozen=True)
class DroppedEvent:
    event_id: str
    event_name: str
    reasons: tuple[str, ...] = ()  # the collector's, for a rejected event


class DeliveryError(SdkError):
    """Events were dropped: `reason` (one of DROP_REASONS), the events, the
    HTTP status when an answer caused it, and the detail (its message)."""

    def __init__(
        self,
        reason: str,
        events: Sequence[DroppedEvent],
        detail: str = "",
        status: int | None = None,
    ) -> None:
        self.reason = reason
        self.events = tuple(events)
        self.detail = detail
        self.status = status
        answer = f" (HTTP {status})" if status is not None else ""
        text = f"dropped {len(self.events)} event(s): {reason}{answer}"
        super().__init__(f"{text}: {detail}" if detail else text)


@dataclass(frozen=True)
class DeliveryCounters:
    """A snapshot. tracked = buffered + queued + in_flight + sent + dropped."""

    tracked: int = 0  # events handed to the transport
    buffered: int = 0  # handed over, not yet in the queue file
    queued: int = 0  # in the queue, waiting (includes in_flight)
    in_flight: int = 0  # in the request being sent now
    sent: int = 0  # acknowledged by a 2xx (stored, or known duplicates)
    retried: int = 0  # times an event was put back after a failed attempt
    requests: int = 0  # requests attempted
    dropped: Mapping[str, int] = field(default_factory=dict)  # by reason

    @property
    def dropped_total(self) -> int:
        return sum(self.dropped.values())
