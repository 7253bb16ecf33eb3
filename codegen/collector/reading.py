"""Decoded protobuf messages read into the SDK runtime's own message view, so
the runtime's validator (the rules every SDK enforces) checks them as is.

The wire allows a few things that the SDKs' types make impossible; reading
reports those itself: enum numbers that the model does not define (0, the
UNSPECIFIED value, among them) and consts with another value.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

from codegen.ir import Kind, Model, Property, Scalar, TypeRef
from codegen.naming import enum_value_json_name
from codegen.purposes import purpose_rules
from codegen.reference import RefEnum, RefMessage
from codegen.reference.specs import message_specs
from codegen.templates.python.runtime.errors import ValidationIssue
from codegen.templates.python.runtime.fields import FieldSpec
from codegen.templates.python.runtime.jcs import json_string
from codegen.templates.python.runtime.timestamp import Timestamp
from codegen.templates.python.runtime.wire import narrow_float32

Issues = list[ValidationIssue]
# (decoded element, path, issues) -> view value
Convert = Callable[[Any, str, Issues], Any]

# How a field is read: as is (implicit presence), None unless set (explicit
# presence), an enum number (0 means unset), a message (None unless set),
# a list or a map (each element converted).
PLAIN, PRESENT, ENUM, MESSAGE, LIST, MAP = range(6)


@dataclasses.dataclass(frozen=True)
class FieldReader:
    name: str
    mode: int
    convert: Convert | None  # per element; None when elements are used as is
    const: Any = None


class MessageReader:
    """Reads one message type (the context, an event or an object)."""

    def __init__(self, key: str, properties: tuple[Property, ...], readers: ModelReader) -> None:
        self.key = key
        self.properties = properties
        # The validator checks every field itself: consts and auto values
        # are data here, not what the SDK fills in.
        self.specs: tuple[FieldSpec, ...] = tuple(
            dataclasses.replace(s, const=None, auto=None)
            for s in message_specs(properties, attr=lambda p: p.name, const=lambda p: None,
                                   rules=purpose_rules(readers.model)))
        self._readers = readers
        self.fields: tuple[FieldReader, ...] = ()

    def compile(self) -> None:
        self.fields = tuple(self._reader(p) for p in self.properties)

    def _reader(self, prop: Property) -> FieldReader:
        t = prop.type
        convert = self._readers.converter(t.leaf)
        if t.kind is Kind.LIST:
            mode = LIST
        elif t.kind is Kind.MAP:
            mode = MAP
        elif t.kind is Kind.ENUM:
            mode = PRESENT if prop.has_presence else ENUM
        elif convert is not None:
            mode = MESSAGE
        else:
            mode = PRESENT if prop.has_presence else PLAIN
        return FieldReader(prop.name, mode, convert, prop.const)

    def read(self, pb: Any, prefix: str, issues: Issues) -> RefMessage:
        values: dict[str, Any] = {}
        for f in self.fields:
            name = f.name
            mode = f.mode
            if mode == PLAIN:
                value = getattr(pb, name)
            elif mode == PRESENT:
                value = getattr(pb, name) if pb.HasField(name) else None
                if value is not None and f.convert is not None:
                    value = f.convert(value, prefix + name, issues)
            elif mode == ENUM:
                number = getattr(pb, name)
                # 0 is UNSPECIFIED, which no SDK sends: unset (the validator says "required")
                value = None if number == 0 else f.convert(number, prefix + name, issues)  # type: ignore[misc]
            elif mode == MESSAGE:
                value = f.convert(getattr(pb, name), prefix + name, issues) if pb.HasField(name) else None  # type: ignore[misc]
            elif mode == LIST:
                items = getattr(pb, name)
                convert = f.convert
                if convert is None or not items:
                    value = list(items)
                else:
                    path = prefix + name
                    value = [convert(item, f"{path}[{i}]", issues) for i, item in enumerate(items)]
            else:
                entries = getattr(pb, name)
                convert = f.convert
                if convert is None or not entries:
                    value = dict(entries)
                else:
                    path = prefix + name
                    value = {k: convert(v, f"{path}[{json_string(k)}]", issues) for k, v in entries.items()}
            if f.const is not None:
                _check_const(f, value, prefix + name, issues)
            values[name] = value
        return RefMessage(self.specs, values)


def _check_const(f: FieldReader, value: Any, path: str, issues: Issues) -> None:
    actual = value.model_name if isinstance(value, RefEnum) else value
    if not const_matches(f.const, actual):
        issues.append(ValidationIssue(path, "const", f"must be {f.const!r}, not {actual!r}"))


def const_matches(expected: Any, actual: Any) -> bool:
    """Whether a decoded value (an enum by its name) is the model's const."""
    if isinstance(expected, float) and isinstance(actual, float):
        return actual == expected or actual == narrow_float32(expected) or (math.isnan(actual) and math.isnan(expected))
    return actual == expected and type(actual) is type(expected)


class ModelReader:
    """Readers for every message of a model, compiled once."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self._enums: dict[str, dict[int, RefEnum]] = {
            e.name: {v.number: RefEnum(v.name, v.number, enum_value_json_name(e.name, v.name)) for v in e.values}
            for e in model.enums}
        self.objects = {o.name: MessageReader(f"object:{o.name}", o.properties, self) for o in model.objects}
        self.events = {e.name: MessageReader(f"event:{e.name}", e.properties, self) for e in model.events}
        self.context = MessageReader("context", model.context.properties, self)
        for reader in (*self.objects.values(), *self.events.values(), self.context):
            reader.compile()

    def converter(self, type_ref: TypeRef) -> Convert | None:
        """How one decoded element becomes a view value, or None when it is
        used as is (strings, numbers, bools, bytes)."""
        if type_ref.kind is Kind.ENUM:
            return self._enum_converter(type_ref.name or "")
        if type_ref.kind is Kind.OBJECT:
            return self._object_converter(type_ref.name or "")
        if type_ref.scalar is Scalar.TIMESTAMP:
            return _timestamp
        return None

    def _enum_converter(self, name: str) -> Convert:
        values = self._enums[name]

        def convert(number: int, path: str, issues: Issues) -> Any:
            member = values.get(number)
            if member is None:
                issues.append(ValidationIssue(path, "enum", f"{number} is not a value of the enum {name}"))
                return RefEnum("", number, "")  # so the validator reports nothing more
            return member

        return convert

    def _object_converter(self, name: str) -> Convert:
        def convert(value: Any, path: str, issues: Issues) -> Any:
            return self.objects[name].read(value, path + ".", issues)

        return convert


def _timestamp(value: Any, path: str, issues: Issues) -> Timestamp:
    return Timestamp(value.seconds, value.nanos)
