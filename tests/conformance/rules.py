"""The model's rules (docs/wire-contract.md, "Constraints"), checked on
test-plan values independently of every SDK: make_cases.py uses it to prove
that valid cases are valid and that each rejected case breaks exactly the
rules it lists."""

from __future__ import annotations

import json
import math
import re
import struct
from typing import Any, Callable, Mapping

from codegen.ir import INTEGER_RANGES, Constraints, Kind, Model, Property, Scalar, TypeRef
from codegen.testplan import TimestampValue

MIN_SECONDS, MAX_SECONDS = -62135596800, 253402300799
FLT_MAX = 3.4028234663852886e38
FLT_MAX_MIDPOINT = 3.4028235677973366e38


def _surrogate(text: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text)


class Rules:
    def __init__(self, model: Model) -> None:
        self.objects = {o.name: o for o in model.objects}
        self.events = {e.name: e for e in model.events}

    def event_issues(self, event: str, values: Mapping[str, Any]) -> list[str]:
        return sorted(self.message(self.events[event].properties, values, ""))

    def message(self, properties: tuple[Property, ...], values: Mapping[str, Any], prefix: str) -> list[str]:
        out: list[str] = []
        for prop in properties:
            if prop.name not in values:
                if prop.required and prop.is_parameter:
                    out.append(f"required@{prefix}{prop.name}")
                continue
            out += self.property(prop, values[prop.name], prefix + prop.name)
        return out

    def property(self, prop: Property, value: Any, path: str) -> list[str]:
        t, c = prop.type, prop.constraints
        if t.kind in (Kind.LIST, Kind.MAP):
            assert t.element is not None
            out = []
            if c.min_items is not None and len(value) < c.min_items:
                out.append(f"min_items@{path}")
            if c.max_items is not None and len(value) > c.max_items:
                out.append(f"max_items@{path}")
            if t.kind is Kind.LIST:
                for i, item in enumerate(value):
                    out += self.value(t.element, c, item, f"{path}[{i}]")
            else:
                for key, item in value.items():
                    if _surrogate(key):
                        out.append(f"surrogate@{path}")
                        continue
                    out += self.value(t.element, c, item, f"{path}[{json.dumps(key, ensure_ascii=False)}]")
            return out
        return self.value(t, c, value, path)

    def value(self, t: TypeRef, c: Constraints, value: Any, path: str) -> list[str]:
        if t.kind is Kind.OBJECT:
            return self.message(self.objects[t.name or ""].properties, value, path + ".")
        if t.kind is Kind.ENUM:
            return []
        scalar = t.scalar
        assert scalar is not None
        out = []
        if scalar is Scalar.STRING:
            if _surrogate(value):
                return [f"surrogate@{path}"]
            if c.min_length is not None and len(value) < c.min_length:
                out.append(f"min_length@{path}")
            if c.max_length is not None and len(value) > c.max_length:
                out.append(f"max_length@{path}")
            if c.pattern is not None and re.fullmatch(c.pattern, value) is None:
                out.append(f"pattern@{path}")
        elif scalar.is_integer:
            low, high = INTEGER_RANGES[scalar]
            assert isinstance(value, int) and low <= value <= high, (path, value)
            out += _bounds(c, value, path, int)
        elif scalar is Scalar.FLOAT:
            out += _bounds(c, _float32(float(value)), path, _float32)
        elif scalar is Scalar.DOUBLE:
            out += _bounds(c, float(value), path, float)
        elif scalar is Scalar.TIMESTAMP:
            assert isinstance(value, TimestampValue)
            if not (MIN_SECONDS <= value.seconds <= MAX_SECONDS and 0 <= value.nanos < 10**9):
                out.append(f"range@{path}")
        return out


def _bounds(c: Constraints, value: float, path: str, as_type: Callable[[Any], Any]) -> list[str]:
    """Bounds are read as the property's type; a bound admits finite numbers
    only, so NaN and the infinities fail every bound."""
    finite = not (math.isnan(value) or math.isinf(value))
    out = []
    if c.minimum is not None and not (finite and value >= as_type(c.minimum)):
        out.append(f"minimum@{path}")
    if c.maximum is not None and not (finite and value <= as_type(c.maximum)):
        out.append(f"maximum@{path}")
    return out


def _float32(value: float) -> float:
    """IEEE narrowing to float32, except that the midpoint above FLT_MAX
    narrows to FLT_MAX as in the official library (docs/wire-contract.md)."""
    if abs(value) == FLT_MAX_MIDPOINT:
        return math.copysign(FLT_MAX, value)
    try:
        return float(struct.unpack("<f", struct.pack("<f", value))[0])
    except OverflowError:
        return math.copysign(math.inf, value)
