# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""Runtime shared by every event: encoders, validation, tracker, transports.

Only the standard library is used."""

from .codec import encode_message, json_message
from .errors import (
    EncodingError,
    SdkError,
    TransportError,
    ValidationError,
    ValidationIssue,
)
from .fields import FieldSpec, ProtoEnum
from .jcs import JsonValue, canonical_json, es_number, float32_json
from .message import EventMessage, Message
from .timestamp import Timestamp
from .deprecations import deprecation_warnings
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
    "EncodingError",
    "ErrorHandler",
    "EventMessage",
    "FieldSpec",
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
    "encode_envelope",
    "encode_message",
    "es_number",
    "float32_json",
    "json_message",
    "validate_message",
]
