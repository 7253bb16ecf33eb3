# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""The tracker: validates events and the context, builds the envelope and
hands it to a transport. It never lets a transport failure reach the app.

A transport with a `wire_format` ("protobuf" or "json") gets the envelope in
that format only (`enqueue`); any other gets a TrackedEvent with both
(`send`). For Protobuf the hot path checks and writes the event in one pass
(plans.py) against a context checked and written once; anything unusual
takes the generic path, which words the issues and applies the policy.

Consent comes first (consent.py): an event that needs a purpose the user has
not granted is dropped before anything else happens to it, and optional
values whose purposes are not granted are removed before it is checked and
encoded. Withdrawing a purpose purges what the transport still holds of it."""

from __future__ import annotations

import enum
import logging
import os
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from .codec import AutoValues
from .consent import missing, redact
from .envelope import (
    JSON,
    PROTOBUF,
    ContextPlan,
    FormatTransport,
    envelope_json,
    envelope_protobuf,
)
from .errors import (
    ConsentError,
    EncodingError,
    SdkError,
    TransportError,
    ValidationError,
)
from .message import EventMessage, Message
from .timestamp import Timestamp
from .transport import TrackedEvent, Transport
from .validation import validate_message


class Policy(enum.Enum):
    """What `track` does with an invalid event."""

    THROW = "throw"  # raise ValidationError, send nothing
    DROP = "drop"  # report to on_error, send nothing
    SEND = "send"  # report to on_error, send anyway


@dataclass(frozen=True)
class SdkInfo:
    """Who made the events: the context's sdk_name, sdk_version and model_version."""

    name: str
    version: str
    model_version: str


ErrorHandler = Callable[[SdkError], None]
WarningHandler = Callable[[str], None]


def encode_envelope(
    context: Message, event: EventMessage, auto: AutoValues | None = None
) -> tuple[bytes, str]:
    """Protobuf bytes and canonical JSON of the envelope of `event`."""
    return envelope_protobuf(context, event, auto), envelope_json(context, event, auto)


class Tracker:
    """Validates, encodes and sends events with a common context.

    `on_error` receives every reported problem (by default logged),
    `on_warning` each deprecation warning once (by default a
    DeprecationWarning); `clock` and `id_generator` replace the system clock
    and random UUIDs (tests).
    """

    SDK_INFO: ClassVar[SdkInfo] = SdkInfo(name="", version="", model_version="")
    # The model's purposes (members of the SDK's Purpose enum, in model
    # order) and the names of those granted until the app says otherwise.
    PURPOSES: ClassVar[tuple[enum.Enum, ...]] = ()
    DEFAULT_GRANTED: ClassVar[frozenset[str]] = frozenset()

    def __init__(
        self,
        transport: Transport | FormatTransport,
        context: Message,
        policy: Policy = Policy.THROW,
        on_error: ErrorHandler | None = None,
        on_warning: WarningHandler | None = None,
        *,
        clock: Callable[[], Timestamp] = Timestamp.now,
        id_generator: Callable[[], str] | None = None,
    ) -> None:
        self.transport = transport
        self.context = context  # checked and written once (see the property)
        self.policy = policy
        self.on_error = on_error if on_error is not None else self._log_error
        self.on_warning = on_warning if on_warning is not None else _warn
        self.clock = clock
        self.id_generator = id_generator if id_generator is not None else _uuid4
        self._warned: set[str] = set()
        self._granted = frozenset(self.DEFAULT_GRANTED)
        self._stamp = self._stamp_of(self._granted)
        self._consent_dropped = 0
        bind = getattr(transport, "bind", None)
        if callable(bind):  # delivery reports its drops through on_error
            bind(self.SDK_INFO, self._report)

    @property
    def context(self) -> Message:
        """The context of every event; setting it checks it again."""
        return self._context

    @context.setter
    def context(self, value: Message) -> None:
        self._context = value
        self._plan: ContextPlan | None = None
        self._consented: tuple[Message, frozenset[str]] | None = None

    @property
    def consent(self) -> frozenset[Any]:
        """The purposes the user granted (members of the SDK's Purpose enum).
        Set it from the app's consent banner; withdrawing a purpose purges
        the events the transport still holds that need it."""
        return frozenset(p for p in self.PURPOSES if p.value in self._granted)

    @consent.setter
    def consent(self, granted: Iterable[Any]) -> None:
        self._set_consent(granted)

    def _set_consent(self, granted: Iterable[Any]) -> None:
        names = set()
        for purpose in granted:
            if purpose not in self.PURPOSES:
                kind = type(self.PURPOSES[0]).__name__ if self.PURPOSES else "Purpose"
                raise TypeError(f"consent takes members of {kind}, not {purpose!r}")
            names.add(purpose.value)
        withdrawn = self._granted - names
        self._granted = frozenset(names)
        self._stamp = self._stamp_of(self._granted)
        self._plan = None
        self._consented = None
        purge = getattr(self.transport, "purge", None)
        if withdrawn and callable(purge):
            try:
                purge(frozenset(withdrawn))
            except Exception as exc:  # the host app must never see transport failures
                self._report(
                    SdkError(f"cannot purge events of withdrawn purposes: {exc!r}")
                )

    @property
    def consent_dropped(self) -> int:
        """Events dropped because a purpose they need was not granted."""
        return self._consent_dropped

    def _stamp_of(self, granted: frozenset[str]) -> tuple[str, ...]:
        return tuple(p.value for p in self.PURPOSES if p.value in granted)

    def _consented_context(self) -> tuple[Message, frozenset[str]]:
        """The context without the values the consent does not cover, and the
        purposes it uses (worked out once per context and consent)."""
        found = self._consented
        if found is None:
            used = set(getattr(self._context, "PURPOSES", ()))
            context = self._context
            if getattr(context, "REDACTS", False):
                context = redact(context, self._granted, used)
            found = self._consented = (context, frozenset(used))
        return found

    def track(self, event: EventMessage) -> bool:
        """Send `event`; True when it reached the transport."""
        granted = self._granted
        context, used = self._consented_context()
        needed = event.PURPOSES
        if not (needed <= granted and used <= granted):
            return self._withhold(event, needed | used)
        if event.REDACTS:
            kept = set(needed)
            event = redact(event, granted, kept)
            needed = frozenset(kept)
        if event.CAN_WARN:
            self._warn_deprecations(event)
        event_id = self.id_generator()
        clock = self.clock
        if clock == Timestamp.now:
            seconds, nanos = divmod(time.time_ns(), 1_000_000_000)
            stamp = None
        else:
            stamp = clock()
            seconds, nanos = getattr(stamp, "seconds", 0), getattr(stamp, "nanos", 0)
        transport = self.transport
        wire_format = getattr(transport, "wire_format", None)
        purposes = needed | used
        if wire_format == PROTOBUF and type(event_id) is str:
            plan = self._plan
            if plan is None:
                plan = self._plan = ContextPlan(context, self._sdk_values())
            if plan.fast and (stamp is None or type(stamp) is Timestamp):
                body = plan.envelope(event, event_id, seconds, nanos)
                if body is not None:
                    return self._enqueue(transport, event, event_id, body, purposes)
        if stamp is None:
            stamp = Timestamp(seconds, nanos)
        return self._track_generic(
            event, context, transport, wire_format, event_id, stamp, purposes
        )

    def _withhold(self, event: EventMessage, needed: frozenset[str]) -> bool:
        """Drop an event the consent does not cover: nothing of it is encoded."""
        self._consent_dropped += 1
        self._report(ConsentError(event.EVENT_NAME, missing(needed, self._granted)))
        return False

    def _track_generic(
        self,
        event: EventMessage,
        context: Message,
        transport: Any,
        wire_format: object,
        event_id: str,
        stamp: Timestamp,
        purposes: frozenset[str],
    ) -> bool:
        auto = {**self._sdk_values(), "event_id": event_id, "client_timestamp": stamp}
        issues = event.validate() + validate_message(context, "context.", auto)
        if issues:
            error = ValidationError(event.EVENT_NAME, issues)
            if self.policy is Policy.THROW:
                raise error
            self._report(error)
            if self.policy is Policy.DROP:
                return False
        event_id = str(event_id)
        try:
            if wire_format == PROTOBUF:
                body = envelope_protobuf(context, event, auto)
            elif wire_format == JSON:
                body = envelope_json(context, event, auto).encode("utf-8")
            else:
                protobuf, json = encode_envelope(context, event, auto)
        except (EncodingError, ValueError, TypeError, AttributeError) as exc:
            message = f"cannot encode event {event.EVENT_NAME}: {exc}"
            self._report(EncodingError(message))
            return False
        if wire_format == PROTOBUF or wire_format == JSON:
            return self._enqueue(transport, event, event_id, body, purposes)
        try:
            tracked = TrackedEvent(
                event.EVENT_NAME, event_id, protobuf, json, tuple(sorted(purposes))
            )
            transport.send(tracked)
        except Exception as exc:  # the host app must never see transport failures
            self._report(TransportError(event.EVENT_NAME, exc))
            return False
        return True

    def _enqueue(
        self,
        transport: Any,
        event: EventMessage,
        event_id: str,
        body: bytes,
        purposes: frozenset[str],
    ) -> bool:
        try:
            transport.enqueue(event.EVENT_NAME, event_id, body, purposes)
        except Exception as exc:  # the host app must never see transport failures
            self._report(TransportError(event.EVENT_NAME, exc))
            return False
        return True

    def _sdk_values(self) -> dict[str, object]:
        return {
            "model_version": self.SDK_INFO.model_version,
            "sdk_name": self.SDK_INFO.name,
            "sdk_version": self.SDK_INFO.version,
            "consent": self._stamp,
        }

    def _warn_deprecations(self, event: EventMessage) -> None:
        # Each distinct warning once per tracker, like a log line.
        for message in event.deprecation_warnings():
            if message in self._warned:
                continue
            self._warned.add(message)
            try:
                self.on_warning(message)
            except Exception:  # a failing handler must not break tracking
                logging.getLogger(__name__).exception("on_warning raised")

    def _report(self, error: SdkError) -> None:
        try:
            self.on_error(error)
        except Exception:  # a failing handler must not break tracking either
            logging.getLogger(__name__).exception("on_error raised")

    def _log_error(self, error: SdkError) -> None:
        logging.getLogger(self.SDK_INFO.name or __name__).warning("%s", error)


def _warn(message: str) -> None:
    # stacklevel: the caller of track(), past _warn_deprecations and track.
    warnings.warn(message, DeprecationWarning, stacklevel=4)


class _RandomIds:
    """Random (version 4) UUIDs from a pool of os.urandom bytes refilled
    every 256 ids: os.urandom releases the interpreter lock, and on the
    tracker's thread that lets the delivery threads run for up to a switch
    interval. The pool is refilled in a forked child, so processes never
    share ids."""

    POOL = 4096  # bytes

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._refill()

    def _refill(self) -> None:
        self._hex = os.urandom(self.POOL).hex()
        self._at = 0

    def __call__(self) -> str:
        with self._lock:
            at = self._at
            if at >= 2 * self.POOL:
                self._refill()
                at = 0
            self._at = at + 32
            h = self._hex[at : at + 32]
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"


# The variant bits 10xx over a random hex digit.
_VARIANT = {d: "89ab"[int(d, 16) & 3] for d in "0123456789abcdef"}
_uuid4 = _RandomIds()
os.register_at_fork(after_in_child=_uuid4._refill)
