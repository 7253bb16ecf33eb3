"""Deterministic values for the test plan: typical, zero and edge values of
every type, always within the model's constraints (no randomness)."""

from __future__ import annotations

import math
from typing import Any

from codegen.ir import INTEGER_RANGES, Constraints, Kind, Model, Property, Scalar, TypeRef
from codegen.loading import pattern_solver as patterns
from codegen.reference.values import TimestampValue

MINIMAL, ZERO, FULL, EDGE = "minimal", "zero", "full", "edge"
VARIANTS = (MINIMAL, ZERO, FULL, EDGE)

EDGE_DOUBLES = (-0.0, 1e21, 5e-324, 1.7976931348623157e308, -1e-7, 123456789.12345678,
                math.nan, math.inf, -math.inf)
# Not FLT_MAX itself: its shortest form, 3.4028235e+38, lies above FLT_MAX and
# json_format.Parse rejects it (the official library cannot read its own JSON).
EDGE_FLOATS = (-0.0, 3.4e38, 1e-45, 16777217.0, -1e-7, 0.3, math.nan, math.inf, -math.inf)
EDGE_TEXT = 'Ünïcødé 😀 "q" \\ a\nb\tc\x00\x1f </script> \u2028 中文 '
EDGE_KEYS = ("", "Z", "a", "é", "\uff21", "😀", "a\nb", "key")
EDGE_TIMESTAMPS = (TimestampValue(253402300799, 999999999), TimestampValue(-62135596800, 0),
                   TimestampValue(-1, 500000), TimestampValue(0, 1000))
MAX_DEPTH = 4


def parameters(properties: tuple[Property, ...]) -> list[Property]:
    return [p for p in properties if p.is_parameter]


def fit_length(text: str, c: Constraints, filler: str = "x") -> str:
    if c.max_length is not None:
        text = text[: c.max_length]
    if c.min_length is not None and len(text) < c.min_length:
        text += filler * (c.min_length - len(text))
    return text


class Sampler:
    """Values of one model for the four sample variants."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self._objects = {o.name: o for o in model.objects}
        self._enums = {e.name: e for e in model.enums}

    # --- messages -------------------------------------------------------------

    def message(self, properties: tuple[Property, ...], variant: str,
                stack: tuple[str, ...] = ()) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for prop in parameters(properties):
            if variant == MINIMAL and not prop.required:
                continue
            values[prop.name] = self.property_value(prop, variant, stack)
        return values

    def object_values(self, name: str, variant: str, stack: tuple[str, ...]) -> dict[str, Any]:
        if name in stack or len(stack) >= MAX_DEPTH:
            if name in stack and any(p.required and p.type.kind is Kind.OBJECT and p.type.name in stack
                                     for p in self._objects[name].properties):
                raise ValueError(f"object {name} requires itself; no finite value exists")
            variant = MINIMAL
        return self.message(self._objects[name].properties, variant, stack + (name,))

    def property_value(self, prop: Property, variant: str, stack: tuple[str, ...]) -> Any:
        t, c = prop.type, prop.constraints
        if t.kind is Kind.LIST:
            count = self.count(c, variant, prop.required)
            return tuple(self.element(prop, variant, i, stack) for i in range(count))
        if t.kind is Kind.MAP:
            count = self.count(c, variant, prop.required)
            keys = self.keys(variant, count)
            return {k: self.element(prop, variant, i, stack) for i, k in enumerate(keys)}
        return self.element(prop, variant, 0, stack)

    @staticmethod
    def count(c: Constraints, variant: str, required: bool) -> int:
        low, high = c.min_items or 0, c.max_items
        want = {MINIMAL: 1, ZERO: 0, FULL: 2, EDGE: 4}[variant]
        if variant == EDGE and high is not None and high <= 6:
            want = high
        want = max(want, low)
        return min(want, high) if high is not None else want

    @staticmethod
    def keys(variant: str, count: int) -> list[str]:
        if variant == EDGE:
            base = list(EDGE_KEYS)
            return (base + [f"k{i}" for i in range(count)])[:count]
        return [f"key_{i + 1}" for i in range(count)]

    def element(self, prop: Property, variant: str, index: int, stack: tuple[str, ...]) -> Any:
        leaf, c = prop.type.leaf, prop.constraints
        if leaf.kind is Kind.OBJECT:
            return self.object_values(leaf.name or "", variant, stack)
        if leaf.kind is Kind.ENUM:
            return self.enum_value(leaf, variant, index)
        assert leaf.scalar is not None
        if variant == EDGE:
            return self.edge(leaf.scalar, c, index + prop.number - 1)
        if variant == ZERO:
            zero = self.zero(leaf.scalar, c)
            if zero is not None:
                return zero
        return self.typical(leaf.scalar, c, prop, index)

    def enum_value(self, leaf: TypeRef, variant: str, index: int) -> str:
        values = self._enums[leaf.name or ""].values
        current = [v for v in values if v.deprecation is None] or list(values)
        if variant == EDGE:
            return values[-1 - index % len(values)].name
        return current[index % len(current)].name

    # --- scalars ----------------------------------------------------------------

    def typical(self, scalar: Scalar, c: Constraints, prop: Property, index: int) -> Any:
        if scalar is Scalar.STRING:
            return self.typical_string(c, prop, index)
        if scalar.is_integer:
            base = 42 if scalar in (Scalar.INT32, Scalar.UINT32) else 1234567890123
            return int_within(scalar, c, base + index)
        if scalar.is_floating:
            return float_within(c, (0.1, 2.5, 1e-3, 12.75)[index % 4])
        if scalar is Scalar.BOOL:
            return index % 2 == 0
        if scalar is Scalar.BYTES:
            return b"\xde\xad\xbe\xef" + bytes([index])
        return TimestampValue(1700000000 + 86400 * index, 123000000)

    @staticmethod
    def typical_string(c: Constraints, prop: Property, index: int) -> str:
        examples = [e for e in prop.examples if isinstance(e, str)]
        if c.pattern is not None:
            found = patterns.matching(c.pattern, c.min_length, c.max_length)
            if index == 0 and examples:
                return examples[0]
            if found is None:
                raise ValueError(f"no value of {prop.name} matches {c.pattern!r} within its lengths")
            return found
        if examples:
            return examples[index % len(examples)]
        text = prop.name.replace("_", " ") + (f" {index + 1}" if index else "")
        return fit_length(text, c)

    @staticmethod
    def zero(scalar: Scalar, c: Constraints) -> Any:
        if scalar is Scalar.STRING:
            ok = not c.min_length and (c.pattern is None or patterns.fullmatch(c.pattern, ""))
            return "" if ok else None
        if scalar.is_numeric:
            zero = 0.0 if scalar.is_floating else 0
            inside = (c.minimum is None or c.minimum <= 0) and (c.maximum is None or c.maximum >= 0)
            return zero if inside else None
        return {Scalar.BOOL: False, Scalar.BYTES: b"", Scalar.TIMESTAMP: TimestampValue(0, 0)}[scalar]

    def edge(self, scalar: Scalar, c: Constraints, index: int) -> Any:
        if scalar is Scalar.STRING:
            return self.edge_string(c, index)
        if scalar.is_integer:
            low, high = INTEGER_RANGES[scalar]
            if c.minimum is not None:
                low = max(low, math.ceil(c.minimum))
            if c.maximum is not None:
                high = min(high, math.floor(c.maximum))
            order = (low, high) if scalar in (Scalar.INT32, Scalar.INT64) else (high, low)
            return order[index % 2]
        if scalar.is_floating:
            if c.minimum is not None or c.maximum is not None:
                big = 3.4e38 if scalar is Scalar.FLOAT else 1e300
                bottom = float(c.minimum) if c.minimum is not None else -big
                top = float(c.maximum) if c.maximum is not None else big
                return (bottom, top)[index % 2]
            table = EDGE_FLOATS if scalar is Scalar.FLOAT else EDGE_DOUBLES
            return table[index % len(table)]
        if scalar is Scalar.BOOL:
            return index % 2 == 1
        if scalar is Scalar.BYTES:
            return (b"\x00\xff\x80\x7f", b"")[index % 2]
        return EDGE_TIMESTAMPS[index % len(EDGE_TIMESTAMPS)]

    @staticmethod
    def edge_string(c: Constraints, index: int) -> str:
        if c.pattern is not None:
            found = patterns.matching(c.pattern, c.min_length, c.max_length, longest=True)
            if found is None:
                raise ValueError(f"no value matches {c.pattern!r} within its lengths")
            return found
        # Exactly max_length code points (non-BMP ones included) when that is short.
        length = c.max_length if c.max_length is not None and c.max_length <= 128 else 24
        length = max(length, c.min_length or 0)
        start = index % len(EDGE_TEXT)
        text = (EDGE_TEXT[start:] + EDGE_TEXT[:start]) * (length // len(EDGE_TEXT) + 1)
        return text[:length]


def int_within(scalar: Scalar, c: Constraints, value: int) -> int:
    low, high = INTEGER_RANGES[scalar]
    if c.minimum is not None:
        low = max(low, math.ceil(c.minimum))
    if c.maximum is not None:
        high = min(high, math.floor(c.maximum))
    if low <= value <= high:
        return value
    if value < low:
        return low + 1 if low + 1 <= high else low
    return high - 1 if high - 1 >= low else high


def float_within(c: Constraints, value: float) -> float:
    low = c.minimum if c.minimum is not None else -math.inf
    high = c.maximum if c.maximum is not None else math.inf
    bounded = c.minimum is not None or c.maximum is not None
    if low <= value <= high and (math.isfinite(value) or not bounded):  # a bound admits finite values only
        return value
    if c.minimum is not None and c.maximum is not None:
        return (float(c.minimum) + float(c.maximum)) / 2
    return float(low) + 1.5 if c.minimum is not None else float(high) - 1.5
