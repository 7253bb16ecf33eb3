# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""Runtime shared by every event: encoders, validation, tracker, transports
(the in-memory one and HttpTransport, the delivery to the collector).

Only the standard library is used."""

from .batch import encode_batch
from .codec import encode_message, json_message
from .delivery import HttpTransport
from .deprecations import deprecation_warnings
from .errors import (
    ConsentError,
    EncodingError,
    SdkError,
    TransportError,
    ValidationError,
    ValidationIssue,
)
from .fields import FieldSpec, ProtoEnum
from .jcs import JsonValue, canonical_json, es_number, float32_json
from .message import EventMessage, Message
from .options import DeliveryOptions
from .reports import DeliveryCounters, DeliveryError, DroppedEvent
from .timestamp import Timestamp
from .tracker import (
    ErrorHandler,
    Policy,
    SdkInfo,
    Tracker,
    WarningHandler,
    encode_envelope,
)
from .transport import InMemoryTransport, TrackedEvent, Transport
from .validation import validate_message

__all__ = [
    "ConsentError",
    "DeliveryCounters",
    "DeliveryError",
    "DeliveryOptions",
    "DroppedEvent",
    "EncodingError",
    "ErrorHandler",
    "EventMessage",
    "FieldSpec",
    "HttpTransport",
    "InMemoryTransport",
    "JsonValue",
    "Message",
    "Policy",
    "ProtoEnum",
    "SdkError",
    "SdkInfo",
    "Timestamp",
    "TrackedEvent",
    "Tracker",
    "Transport",
    "TransportError",
    "ValidationError",
    "ValidationIssue",
    "WarningHandler",
    "canonical_json",
    "deprecation_warnings",
    "encode_batch",
    "encode_envelope",
    "encode_message",
    "es_number",
    "float32_json",
    "json_message",
    "validate_message",
]
