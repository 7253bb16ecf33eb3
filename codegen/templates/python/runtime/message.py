# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""Base classes of the generated events, objects and context."""

from __future__ import annotations

from typing import ClassVar

from .codec import encode_message, json_message
from .deprecations import deprecation_warnings
from .errors import ValidationIssue
from .fields import FieldSpec
from .jcs import JsonValue, canonical_json
from .writers import encode_fast, plainly_valid
from .validation import validate_message


class Message:
    """A message of the model: validation and both encodings, driven by the
    subclass's `_SPECS`."""

    _SPECS: ClassVar[tuple[FieldSpec, ...]] = ()
    # The purposes this message always needs (its required values'; for an
    # event its own too), and whether optional values may be removed from it
    # for want of consent (docs/event-model.md, "Purposes").
    PURPOSES: ClassVar[frozenset[str]] = frozenset()
    REDACTS: ClassVar[bool] = False

    def validate(self) -> list[ValidationIssue]:
        """Every broken rule (empty when the message is valid)."""
        if plainly_valid(self):  # the fast path accepts only valid messages
            return []
        return validate_message(self)

    def to_protobuf(self) -> bytes:
        """The Protobuf bytes of this message alone (the fast path when every
        value is plainly valid, else the generic encoder, which refuses
        what cannot be written)."""
        fast = encode_fast(self)
        return fast if fast is not None else encode_message(self)

    def to_json_value(self) -> dict[str, JsonValue]:
        """The ProtoJSON value of this message (a dict keyed by wire name)."""
        return json_message(self)

    def to_json(self) -> str:
        """The canonical JSON (RFC 8785) of this message alone."""
        return canonical_json(json_message(self))


class EventMessage(Message):
    """An event: a message with a name and a number in the envelope;
    `DEPRECATED` is the warning of a deprecated event."""

    EVENT_NAME: ClassVar[str] = ""
    EVENT_NUMBER: ClassVar[int] = 0
    DEPRECATED: ClassVar[str | None] = None
    # False when nothing the event can hold is deprecated: the tracker then
    # skips looking for warnings on its hot path.
    CAN_WARN: ClassVar[bool] = True

    def deprecation_warnings(self) -> list[str]:
        """The warnings for the deprecated things this event uses (the
        tracker reports each once to `on_warning`)."""
        return deprecation_warnings(self, self.EVENT_NAME + ".")
