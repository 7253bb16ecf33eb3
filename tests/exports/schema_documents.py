"""JSON documents of test-plan values, as an SDK would write them if it did
not validate first: ProtoJSON value rules (docs/wire-contract.md) as plain
Python data. For valid values they equal the SDKs' canonical JSON (the
differential test checks that on every valid conformance case), so for
invalid values they are the documents a careless producer would send.

A required value that was not given is left out (in ProtoJSON its zero value
would be written instead, which no schema can tell from a given zero).
"""

from __future__ import annotations

import base64
import datetime
import math
import sys
from pathlib import Path
from typing import Any, Mapping

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "conformance"))

from caseio import MapValue  # noqa: E402
from codegen.ir import Kind, Model, Property, Scalar, TypeRef  # noqa: E402
from codegen.naming import enum_value_json_name  # noqa: E402
from codegen.templates.python.runtime.jcs import float32_json  # noqa: E402
from codegen.testplan import TimestampValue  # noqa: E402

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def rfc3339(value: TimestampValue) -> str:
    moment = EPOCH + datetime.timedelta(seconds=value.seconds)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if len(text) < 19:  # years before 1000: strftime may not pad them
        text = f"{moment.year:04d}" + text[text.index("-"):]
    nanos = value.nanos
    if nanos:
        digits = 3 if nanos % 1_000_000 == 0 else 6 if nanos % 1000 == 0 else 9
        text += "." + f"{nanos:09d}"[:digits]
    return text + "Z"


def _number(value: float) -> Any:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


class Documents:
    def __init__(self, model: Model) -> None:
        self.model = model
        self.objects = {o.name: o for o in model.objects}
        self.events = {e.name: e for e in model.events}
        self.enums = {e.name: e for e in model.enums}

    def event(self, name: str, values: Mapping[str, Any]) -> dict[str, Any]:
        return self.message(self.events[name].properties, values)

    def message(self, properties: tuple[Property, ...], values: Mapping[str, Any],
                auto: Mapping[str, Any] | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for prop in properties:
            if prop.const is not None:
                value: Any = prop.const
            elif prop.auto is not None and auto is not None:
                value = auto[prop.auto.value]
            elif prop.name in values:
                value = values[prop.name]
            elif prop.type.is_repeated:
                value = MapValue() if prop.type.kind is Kind.MAP else ()
            else:
                continue
            out[prop.name] = self.property(prop.type, value)
        return out

    def property(self, t: TypeRef, value: Any) -> Any:
        if t.kind is Kind.LIST:
            assert t.element is not None
            return [self.value(t.element, v) for v in value]
        if t.kind is Kind.MAP:
            assert t.element is not None
            return {k: self.value(t.element, v) for k, v in value.items()}
        return self.value(t, value)

    def value(self, t: TypeRef, value: Any) -> Any:
        if t.kind is Kind.OBJECT:
            return self.message(self.objects[t.name or ""].properties, value)
        if t.kind is Kind.ENUM:
            return enum_value_json_name(t.name or "", str(value))
        scalar = t.scalar
        if scalar in (Scalar.INT64, Scalar.UINT64):
            return str(value)
        if scalar is Scalar.FLOAT:
            return _number(float32_json(float(value)))
        if scalar is Scalar.DOUBLE:
            return _number(float(value))
        if scalar is Scalar.TIMESTAMP:
            return rfc3339(value)
        if scalar is Scalar.BYTES:
            return base64.b64encode(bytes(value)).decode("ascii")
        return value
