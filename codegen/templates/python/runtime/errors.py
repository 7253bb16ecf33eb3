# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""Exceptions of the SDK; every one derives from `SdkError`."""

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
    """An event or the context breaks the model's rules."""

    def __init__(self, subject: str, issues: Sequence[ValidationIssue]) -> None:
        self.subject = subject
        self.issues = tuple(issues)
        details = "; ".join(str(issue) for issue in self.issues)
        super().__init__(f"invalid {subject}: {details}")


class EncodingError(SdkError, ValueError):
    """A value cannot be written to the wire (e.g. an unpaired surrogate)."""


class TransportError(SdkError):
    """The transport failed to deliver an event; reported, never raised."""
