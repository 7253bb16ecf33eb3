"""The reference encoder: Protobuf bytes and canonical JSON of any event,
object or envelope of a model, from test-plan values (see codegen.testplan).

Batches (`batch`) are the request bodies of the collection protocol.
It drives the Python SDK's hand-written runtime (the same modules every
generated Python package copies) with FieldSpecs built from the IR, so there
is one implementation of the wire format in Python; tests prove it equal to
the official protobuf library. The goldens of every other SDK come from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from codegen.ir import Kind, Model, Property, Scalar, TypeRef
from codegen.naming import enum_value_json_name
from codegen.purposes import purpose_rules
from codegen.reference.specs import message_specs
from codegen.templates.python.runtime import batch, codec, consent, deprecations, jcs, tracker, validation
from codegen.templates.python.runtime.errors import ValidationError, ValidationIssue
from codegen.templates.python.runtime.fields import FieldSpec
from codegen.templates.python.runtime.timestamp import Timestamp
from codegen.templates.python.runtime.wire import narrow_float32
from codegen.reference.values import TimestampValue
from codegen.texts import deprecation_predicate, deprecation_warning, event_subject

__all__ = ["Consented", "Encoded", "ReferenceEncoder", "ValidationIssue", "narrow_float32", "reference_for"]


@dataclass(frozen=True)
class Encoded:
    protobuf: bytes
    json: str

    @property
    def proto_hex(self) -> str:
        return self.protobuf.hex()


@dataclass(frozen=True)
class Consented:
    """A tracked event under some consent: its envelope and the purposes it
    needs, or (`encoded` None) the purposes it lacked, so it was dropped."""

    encoded: Encoded | None
    purposes: tuple[str, ...]
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class RefEnum:
    """An enum value as the runtime sees it (number, JSON name and the
    predicate of its deprecation warning)."""

    model_name: str
    number: int
    json_name: str
    deprecated: str | None = None


class RefMessage:
    """A message instance for the runtime: `_SPECS` plus one attribute per set
    value, named by its wire name (snake_case, so never a dunder or one of
    the three names below); the runtime reads unset ones as None."""

    def __init__(self, specs: tuple[FieldSpec, ...], values: Mapping[str, Any], name: str = "",
                 number: int = 0, deprecated: str | None = None, purposes: frozenset[str] = frozenset(),
                 redacts: bool = False) -> None:
        self.__dict__.update(values)
        self._SPECS = specs
        self.EVENT_NAME = name
        self.EVENT_NUMBER = number
        self.DEPRECATED = deprecated
        self.PURPOSES = purposes  # what the message always needs (docs/event-model.md, "Purposes")
        self.REDACTS = redacts


class ReferenceEncoder:
    """Encoder for one model; specs are built once per message type."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self._events = {e.name: e for e in model.events}
        self._objects = {o.name: o for o in model.objects}
        self._enums = {e.name: {v.name: RefEnum(v.name, v.number, enum_value_json_name(e.name, v.name),
                                                deprecation_predicate(v.deprecation) if v.deprecation else None)
                                for v in e.values} for e in model.enums}
        self._specs: dict[str, tuple[FieldSpec, ...]] = {}
        self._conv: dict[str, dict[str, Any]] = {}
        self._redacts: dict[str, bool] = {}
        self._event_facts: dict[str, tuple[str | None, frozenset[str]]] = {}  # warning, purposes
        self.rules = purpose_rules(model)

    # --- values -------------------------------------------------------------

    def _message_specs(self, key: str, properties: tuple[Property, ...]) -> tuple[FieldSpec, ...]:
        specs = self._specs.get(key)
        if specs is None:
            specs = self._specs[key] = message_specs(
                properties, attr=lambda p: p.name, const=lambda p: self.value(p.type, p.const), rules=self.rules)
        return specs

    def value(self, type_ref: TypeRef, value: Any) -> Any:
        """Convert a test-plan value of `type_ref` into what the runtime reads."""
        if value is None:
            return None
        if type_ref.kind is Kind.LIST:
            assert type_ref.element is not None
            return tuple(self.value(type_ref.element, v) for v in value)
        if type_ref.kind is Kind.MAP:
            assert type_ref.element is not None
            return {k: self.value(type_ref.element, v) for k, v in value.items()}
        if type_ref.kind is Kind.ENUM:
            return self._enums[type_ref.name or ""][value]
        if type_ref.kind is Kind.OBJECT:
            return self.object_message(type_ref.name or "", value)
        if isinstance(value, TimestampValue):
            return Timestamp(value.seconds, value.nanos)
        return value

    def _converters(self, key: str, properties: tuple[Property, ...]) -> dict[str, Any]:
        """Per property: None when test-plan values pass through unchanged
        (most scalars), else the TypeRef to convert with."""
        table = self._conv.get(key)
        if table is None:
            table = self._conv[key] = {
                p.name: None if _plain(p.type) else p.type for p in properties}
        return table

    def _message(self, key: str, properties: tuple[Property, ...], values: Mapping[str, Any],
                 name: str = "", number: int = 0, deprecated: str | None = None,
                 purposes: frozenset[str] = frozenset()) -> RefMessage:
        table = self._converters(key, properties)
        converted = {}
        for k, v in values.items():
            type_ref = table[k]  # KeyError: not a property of this message
            converted[k] = v if type_ref is None else self.value(type_ref, v)
        redacts = self._redacts.get(key)
        if redacts is None:
            redacts = self._redacts[key] = self.rules.message_redacts(properties)
        return RefMessage(self._message_specs(key, properties), converted, name, number, deprecated, purposes,
                          redacts)

    def object_message(self, name: str, values: Mapping[str, Any]) -> RefMessage:
        return self._message(f"object:{name}", self._objects[name].properties, values)

    def event_message(self, name: str, values: Mapping[str, Any]) -> RefMessage:
        event = self._events[name]
        facts = self._event_facts.get(name)
        if facts is None:
            facts = self._event_facts[name] = (
                deprecation_warning(event_subject(name), event.deprecation) if event.deprecation else None,
                self.rules.event_needs(event))
        return self._message(f"event:{name}", event.properties, values, event.name, event.number, *facts)

    def context_message(self, values: Mapping[str, Any]) -> RefMessage:
        return self._message("context:", self.model.context.properties, values,
                             purposes=self.rules.context_needs())

    # --- encodings ----------------------------------------------------------

    @staticmethod
    def encode(message: RefMessage, auto: Mapping[str, Any] | None = None) -> Encoded:
        return Encoded(codec.encode_message(message, auto),
                       jcs.canonical_json(codec.json_message(message, auto)))

    def event(self, name: str, values: Mapping[str, Any]) -> Encoded:
        return self.encode(self.event_message(name, values))

    def object(self, name: str, values: Mapping[str, Any]) -> Encoded:
        return self.encode(self.object_message(name, values))

    def context(self, values: Mapping[str, Any], auto: Mapping[str, Any] | None = None) -> Encoded:
        return self.encode(self.context_message(values), self.auto_values(auto))

    def envelope(self, event: str, values: Mapping[str, Any], context: Mapping[str, Any],
                 auto: Mapping[str, Any]) -> Encoded:
        """The whole envelope as a tracker sends it, with `auto` values
        (keyed by AutoValue name; TimestampValue for client_timestamp)."""
        protobuf, json = tracker.encode_envelope(
            self.context_message(context),  # type: ignore[arg-type]
            self.event_message(event, values),  # type: ignore[arg-type]
            self.auto_values(auto))
        return Encoded(protobuf, json)

    def consented_envelope(self, event: str, values: Mapping[str, Any], context: Mapping[str, Any],
                           auto: Mapping[str, Any], granted: frozenset[str]) -> Consented:
        """What a tracker whose consent grants `granted` does with the event:
        the envelope it sends (with the stamp, without the values the consent
        does not cover) and the purposes it needs, or the purposes it lacks
        when it drops the event."""
        message = self.event_message(event, values)
        context_message = self.context_message(context)
        needed = set(message.PURPOSES) | set(context_message.PURPOSES)
        lacking = consent.missing(needed, granted)
        if lacking:
            return Consented(None, (), lacking)
        stamp = tuple(p.name for p in self.model.purposes if p.name in granted)
        protobuf, json = tracker.encode_envelope(
            consent.redact(context_message, granted, needed),  # type: ignore[arg-type]
            consent.redact(message, granted, needed),  # type: ignore[arg-type]
            self.auto_values({**auto, "consent": stamp}))
        return Consented(Encoded(protobuf, json), tuple(sorted(needed)))

    @staticmethod
    def batch(envelopes: Sequence[Encoded], sent_at: TimestampValue) -> Encoded:
        """The `Batch` of `envelopes` (in this order) sent at `sent_at`."""
        stamp = Timestamp(sent_at.seconds, sent_at.nanos)
        protobuf = batch.encode_batch([e.protobuf for e in envelopes], stamp, "protobuf")
        json = batch.encode_batch([e.json.encode("utf-8") for e in envelopes], stamp, "json")
        return Encoded(protobuf, json.decode("utf-8"))

    @staticmethod
    def auto_values(auto: Mapping[str, Any] | None) -> dict[str, Any] | None:
        if auto is None:
            return None
        return {k: Timestamp(v.seconds, v.nanos) if isinstance(v, TimestampValue) else v
                for k, v in auto.items()}

    def validate_event(self, name: str, values: Mapping[str, Any]) -> list[ValidationIssue]:
        return validation.validate_message(self.event_message(name, values))

    def validation_error(self, name: str, values: Mapping[str, Any]) -> str:
        """What every SDK's ValidationError for these values says
        ('invalid event <name>: <issue>; ...'); '' when they are valid."""
        issues = self.validate_event(name, values)
        return str(ValidationError(name, issues)) if issues else ""

    def deprecation_warnings(self, name: str, values: Mapping[str, Any]) -> list[str]:
        """The deprecation warnings every SDK's event reports for these values."""
        return deprecations.deprecation_warnings(self.event_message(name, values), name + ".")

    def event_and_warnings(self, name: str, values: Mapping[str, Any]) -> tuple[Encoded, list[str]]:
        """`event` and `deprecation_warnings` of the same values, from one message."""
        message = self.event_message(name, values)
        return self.encode(message), deprecations.deprecation_warnings(message, name + ".")


def _plain(type_ref: TypeRef) -> bool:
    return type_ref.kind is Kind.SCALAR and type_ref.scalar is not Scalar.TIMESTAMP


_CACHE: list[tuple[Model, ReferenceEncoder]] = []


def reference_for(model: Model) -> ReferenceEncoder:
    """The encoder of `model`, reused while the same model object is passed."""
    if _CACHE and _CACHE[0][0] is model:
        return _CACHE[0][1]
    encoder = ReferenceEncoder(model)
    _CACHE[:] = [(model, encoder)]
    return encoder
