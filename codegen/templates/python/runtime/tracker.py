# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""The tracker: validates events and the context, builds the envelope and
hands it to a transport. It never lets a transport failure reach the app.

A transport with a `wire_format` ("protobuf" or "json") gets the envelope in
that format only (`enqueue`); any other gets a TrackedEvent with both
(`send`). For Protobuf the hot path checks and writes the event in one pass
(plans.py) against a context checked and written once; anything unusual
takes the generic path, which words the issues and applies the policy."""

from __future__ import annotations

import enum
import logging
import os
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from .codec import AutoValues
from .envelope import (
    JSON,
    PROTOBUF,
    ContextPlan,
    FormatTransport,
    envelope_json,
    envelope_protobuf,
)
from .errors import EncodingError, SdkError, TransportError, ValidationError
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

    def track(self, event: EventMessage) -> bool:
        """Send `event`; True when it reached the transport."""
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
        if wire_format == PROTOBUF and type(event_id) is str:
            plan = self._plan
            if plan is None:
                plan = self._plan = ContextPlan(self._context, self._sdk_values())
            if plan.fast and (stamp is None or type(stamp) is Timestamp):
                body = plan.envelope(event, event_id, seconds, nanos)
                if body is not None:
                    return self._enqueue(transport, event, event_id, body)
        if stamp is None:
            stamp = Timestamp(seconds, nanos)
        return self._track_generic(event, transport, wire_format, event_id, stamp)

    def _track_generic(
        self,
        event: EventMessage,
        transport: Any,
        wire_format: object,
        event_id: str,
        stamp: Timestamp,
    ) -> bool:
        auto = {**self._sdk_values(), "event_id": event_id, "client_timestamp": stamp}
        issues = event.validate() + validate_message(self.context, "context.", auto)
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
                body = envelope_protobuf(self.context, event, auto)
            elif wire_format == JSON:
                body = envelope_json(self.context, event, auto).encode("utf-8")
            else:
                protobuf, json = encode_envelope(self.context, event, auto)
        except (EncodingError, ValueError, TypeError, AttributeError) as exc:
            message = f"cannot encode event {event.EVENT_NAME}: {exc}"
            self._report(EncodingError(message))
            return False
        if wire_format == PROTOBUF or wire_format == JSON:
            return self._enqueue(transport, event, event_id, body)
        try:
            transport.send(TrackedEvent(event.EVENT_NAME, event_id, protobuf, json))
        except Exception as exc:  # the host app must never see transport failures
            self._report(TransportError(event.EVENT_NAME, exc))
            return False
        return True

    def _enqueue(
        self, transport: Any, event: EventMessage, event_id: str, body: bytes
    ) -> bool:
        try:
            transport.enqueue(event.EVENT_NAME, event_id, body)
        except Exception as exc:  # the host app must never see transport failures
            self._report(TransportError(event.EVENT_NAME, exc))
            return False
        return True

    def _sdk_values(self) -> dict[str, object]:
        return {
            "model_version": self.SDK_INFO.model_version,
            "sdk_name": self.SDK_INFO.name,
            "sdk_version": self.SDK_INFO.version,
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
