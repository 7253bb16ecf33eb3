# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""A portable point in time: `google.protobuf.Timestamp` semantics."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import ClassVar

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_NANOS = 1_000_000_000


@dataclass(frozen=True, order=True)
class Timestamp:
    """Seconds and nanoseconds since 1970-01-01T00:00:00Z (UTC).

    Valid from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z with
    ``0 <= nanos < 1_000_000_000``; `validate()` of an event reports others.
    """

    seconds: int
    nanos: int = 0

    MIN_SECONDS: ClassVar[int] = -62_135_596_800
    MAX_SECONDS: ClassVar[int] = 253_402_300_799

    @classmethod
    def now(cls) -> Timestamp:
        """The current time of the system clock."""
        return cls.from_epoch_nanos(time.time_ns())

    @classmethod
    def from_epoch_nanos(cls, nanos: int) -> Timestamp:
        seconds, rest = divmod(nanos, _NANOS)
        return cls(seconds=seconds, nanos=rest)

    @classmethod
    def from_epoch_millis(cls, millis: int) -> Timestamp:
        seconds, rest = divmod(millis, 1000)
        return cls(seconds=seconds, nanos=rest * 1_000_000)

    @classmethod
    def from_datetime(cls, value: datetime) -> Timestamp:
        """From an aware datetime (naive ones are ambiguous and refused)."""
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("a naive datetime has no time zone; pass an aware one")
        delta = value - _EPOCH
        return cls(
            seconds=delta.days * 86_400 + delta.seconds,
            nanos=delta.microseconds * 1000,
        )

    def to_datetime(self) -> datetime:
        """An aware UTC datetime (datetime keeps microseconds only)."""
        return _EPOCH + timedelta(seconds=self.seconds, microseconds=self.nanos // 1000)

    def to_epoch_millis(self) -> int:
        return self.seconds * 1000 + self.nanos // 1_000_000

    @property
    def is_valid(self) -> bool:
        return (
            self.MIN_SECONDS <= self.seconds <= self.MAX_SECONDS
            and 0 <= self.nanos < _NANOS
        )

    def to_rfc3339(self) -> str:
        """RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits."""
        if not self.is_valid:
            raise ValueError(f"{self!r} is outside the Timestamp range")
        moment = _EPOCH + timedelta(seconds=self.seconds)
        text = (
            f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
            f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
        )
        if self.nanos == 0:
            return text + "Z"
        if self.nanos % 1_000_000 == 0:
            return f"{text}.{self.nanos // 1_000_000:03d}Z"
        if self.nanos % 1000 == 0:
            return f"{text}.{self.nanos // 1000:06d}Z"
        return f"{text}.{self.nanos:09d}Z"
