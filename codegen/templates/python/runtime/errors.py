# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""Errors of the SDK; every one derives from `SdkError`. Their texts are the
catalogue of docs/sdk-api.md, the same in every SDK of the model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ValidationIssue:
    """One broken rule: where (`path`, e.g. ``tags[2]``), which rule
    (`constraint`, e.g. ``max_length``) and a readable `message`."""

    path: str
    constraint: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} ({self.constraint})"


class SdkError(Exception):
    """Base class of the errors this SDK raises or reports."""


class ValidationError(SdkError, ValueError):
    """An event or the context breaks the model's rules:
    ``invalid event <event_name>: <issue>; <issue>``."""

    def __init__(self, event_name: str, issues: Sequence[ValidationIssue]) -> None:
        self.event_name = event_name
        self.issues = tuple(issues)
        details = "; ".join(str(issue) for issue in self.issues)
        super().__init__(f"invalid event {event_name}: {details}")


class EncodingError(SdkError, ValueError):
    """A value cannot be written to the wire (e.g. an unpaired surrogate)."""


class ConsentError(SdkError):
    """An event needs purposes the user has not granted, so it was dropped
    before encoding (``no consent for event <event_name>: <purpose>, ...``);
    reported, never raised."""

    def __init__(self, event_name: str, missing: Sequence[str]) -> None:
        self.event_name = event_name
        self.missing = tuple(missing)
        super().__init__(
            f"no consent for event {event_name}: {', '.join(self.missing)}"
        )


class TransportError(SdkError):
    """The transport failed to take an event (``cannot send event
    <event_name>: <cause>``); reported, never raised. `cause` is what the
    transport raised."""

    def __init__(self, event_name: str, cause: BaseException) -> None:
        self.event_name = event_name
        self.cause = cause
        super().__init__(
            f"cannot send event {event_name}: {type(cause).__name__}: {cause}"
        )
