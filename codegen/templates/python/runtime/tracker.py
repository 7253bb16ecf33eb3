# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""The tracker: validates events and the context, builds the envelope and
hands it to a transport. It never lets a transport failure reach the app."""

from __future__ import annotations

import enum
import logging
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from .codec import AutoValues, encode_message, json_message
from .errors import EncodingError, SdkError, TransportError, ValidationError
from .jcs import canonical_json
from .message import EventMessage, Message
from .timestamp import Timestamp
from .transport import TrackedEvent, Transport
from .validation import validate_message
from .wire import append_len


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
    body = bytearray()
    append_len(body, 1, encode_message(context, auto))
    append_len(body, event.EVENT_NUMBER, encode_message(event))
    document = {
        "context": json_message(context, auto),
        event.EVENT_NAME: json_message(event),
    }
    return bytes(body), canonical_json(dict(document))


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
        transport: Transport,
        context: Message,
        policy: Policy = Policy.THROW,
        on_error: ErrorHandler | None = None,
        on_warning: WarningHandler | None = None,
        *,
        clock: Callable[[], Timestamp] = Timestamp.now,
        id_generator: Callable[[], str] | None = None,
    ) -> None:
        self.transport = transport
        self.context = context
        self.policy = policy
        self.on_error = on_error if on_error is not None else self._log_error
        self.on_warning = on_warning if on_warning is not None else _warn
        self.clock = clock
        self.id_generator = id_generator if id_generator is not None else _uuid4
        self._warned: set[str] = set()

    def track(self, event: EventMessage) -> bool:
        """Send `event`; True when it reached the transport."""
        self._warn_deprecations(event)
        auto = self._auto_values()
        issues = event.validate() + validate_message(self.context, "context.", auto)
        if issues:
            error = ValidationError(event.EVENT_NAME, issues)
            if self.policy is Policy.THROW:
                raise error
            self._report(error)
            if self.policy is Policy.DROP:
                return False
        event_id = str(auto["event_id"])
        try:
            protobuf, json = encode_envelope(self.context, event, auto)
        except (EncodingError, ValueError, TypeError, AttributeError) as exc:
            message = f"cannot encode event {event.EVENT_NAME}: {exc}"
            self._report(EncodingError(message))
            return False
        try:
            self.transport.send(
                TrackedEvent(event.EVENT_NAME, event_id, protobuf, json)
            )
        except Exception as exc:  # the host app must never see transport failures
            self._report(TransportError(event.EVENT_NAME, exc))
            return False
        return True

    def _auto_values(self) -> dict[str, object]:
        return {
            "event_id": self.id_generator(),
            "client_timestamp": self.clock(),
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


def _uuid4() -> str:
    return str(uuid.uuid4())
