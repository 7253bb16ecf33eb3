"""Cases at and just past every bound of a model: for each constrained
parameter (nested objects too), its value at each bound and one step past
it, placed in an event whose other values hypothesis drew (valid, fixed
seed). Numbers step to the next value of their type (the next integer, the
next double, the next float32), floats also land on a bound by narrowing and
overflow float32, bounded floats get NaN and the infinities; strings step
one code point past their lengths and break their patterns; lists and maps
step one element past their counts.

Which of these a model's rules reject is decided by rules.py, not here:
make_cases.py records its verdict, and every SDK must agree with it
(test_conformance_targets.py); the exported JSON Schemas must too
(tests/exports/test_jsonschema_differential.py).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterator
from typing import Any

import draw
from caseio import MapValue
from codegen.ir import INTEGER_RANGES, Constraints, Kind, Model, Property, Scalar
from codegen.loading import pattern_solver as patterns
from codegen.reference.samples import FULL, MINIMAL, Sampler

SEED_OFFSET = 7919  # base events differ from the drawn cases of draw.py
BASES_PER_EVENT = 3


def float32(value: float) -> float:
    try:
        return float(struct.unpack("<f", struct.pack("<f", value))[0])
    except OverflowError:
        return math.copysign(math.inf, value)


def next_float32(value: float, direction: float) -> float:
    """The float32 next to the float32 `value`, towards `direction`."""
    bits = struct.unpack("<I", struct.pack("<f", value))[0]
    if value == 0:
        return math.copysign(float.fromhex("0x1p-149"), direction)
    step = 1 if (value > 0) == (direction > value) else -1
    return float(struct.unpack("<f", struct.pack("<I", bits + step))[0])


def number_variants(scalar: Scalar, c: Constraints) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    if scalar.is_integer:
        low, high = INTEGER_RANGES[scalar]
        for name, bound, step in (("min", c.minimum, -1), ("max", c.maximum, 1)):
            if bound is None:
                continue
            out.append((f"at {name}", int(bound)))
            if low <= int(bound) + step <= high:
                out.append((f"past {name}", int(bound) + step))
        return out
    bounded = c.minimum is not None or c.maximum is not None
    for name, bound, direction in (("min", c.minimum, -math.inf), ("max", c.maximum, math.inf)):
        if bound is None:
            continue
        if scalar is Scalar.DOUBLE:
            at = float(bound)
            out += [(f"at {name}", at), (f"past {name}", math.nextafter(at, direction))]
            continue
        at = float32(float(bound))
        past = next_float32(at, direction)
        out += [(f"at {name} (narrowed)", at), (f"past {name}", past)]
        # A double between the bound and the next float32 outwards narrows onto the bound.
        inside = math.nextafter(at, direction)
        if float32(inside) == at:
            out.append((f"narrows onto {name}", inside))
        if not float(bound).is_integer() and float(bound) != at:
            out.append((f"{name} as written", float(bound)))
    if scalar is Scalar.FLOAT:
        out.append(("overflows float32", 3.5e38))
    if bounded:
        out += [("NaN", math.nan), ("+Infinity", math.inf), ("-Infinity", -math.inf)]
    return out


def string_variants(c: Constraints) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []

    def of_length(length: int) -> str:
        if c.pattern is None:
            return ("😀" * length)[:length] if length <= 4 else "😀" * 4 + "x" * (length - 4)
        return patterns.of_length(c.pattern, length) or "x" * length

    for name, bound, step in (("min_length", c.min_length, -1), ("max_length", c.max_length, 1)):
        if bound is None:
            continue
        out.append((f"at {name}", of_length(bound)))
        if bound + step >= 0:
            out.append((f"past {name}", of_length(bound + step)))
    if c.pattern is not None:
        valid = patterns.matching(c.pattern, c.min_length, c.max_length)
        if valid is not None:
            out.append(("matches pattern", valid))
            broken = patterns.breaking(c.pattern, valid, c.min_length, c.max_length)
            if broken is not None:
                out.append(("breaks pattern", broken))
            out.append(("pattern then a newline", valid + "\n"))
    return out


class BoundCases:
    def __init__(self, model: Model) -> None:
        self.model = model
        self.sampler = Sampler(model)
        self.objects = {o.name: o for o in model.objects}

    def cases(self) -> Iterator[tuple[str, str, dict[str, Any], str]]:
        """(event, case suffix, values, note) for every bound of every event."""
        drawn: dict[str, list[dict[str, Any]]] = {}
        for event, values in draw.draw_events(self.model, BASES_PER_EVENT, draw.SEED + SEED_OFFSET):
            drawn.setdefault(event.name, []).append(values)
        for event in self.model.events:
            bases = drawn.get(event.name) or [{}]
            for index, (path, note, values) in enumerate(self.message(event.properties, bases, ())):
                yield event.name, f"b{index + 1:03d}", values, f"{note} at {path}"

    def message(self, properties: tuple[Property, ...], bases: list[dict[str, Any]],
                stack: tuple[str, ...]) -> Iterator[tuple[str, str, dict[str, Any]]]:
        count = 0
        for prop in properties:
            if not prop.is_parameter:
                continue
            for path, note, value in self.property(prop, stack, bases[0].get(prop.name)):
                base = bases[count % len(bases)]
                count += 1
                yield path, note, {**base, prop.name: value}

    def property(self, prop: Property, stack: tuple[str, ...], current: Any) -> Iterator[tuple[str, str, Any]]:
        t, c = prop.type, prop.constraints
        if t.kind is Kind.OBJECT and t.name not in stack:
            name = t.name or ""
            inner = current if isinstance(current, dict) else self.sampler.object_values(name, MINIMAL, stack)
            for path, note, values in self.message(self.objects[name].properties, [inner], stack + (name,)):
                yield f"{prop.name}.{path}", note, values
            return
        if t.is_repeated:
            for name, bound, step in (("min_items", c.min_items, -1), ("max_items", c.max_items, 1)):
                if bound is None:
                    continue
                yield prop.name, f"{name} items", self.collection(prop, bound, stack)
                if bound + step >= 0:
                    yield prop.name, f"past {name}", self.collection(prop, bound + step, stack)
        leaf = t.leaf
        if leaf.kind is not Kind.SCALAR:
            return
        assert leaf.scalar is not None
        if leaf.scalar.is_numeric:
            variants = number_variants(leaf.scalar, c)
        elif leaf.scalar is Scalar.STRING:
            variants = string_variants(c)
        else:
            variants = []
        for note, value in variants:
            yield self.place(prop, value, note, stack)

    def collection(self, prop: Property, count: int, stack: tuple[str, ...]) -> Any:
        items = [self.sampler.element(prop, FULL, i, stack) for i in range(count)]
        if prop.type.kind is Kind.MAP:
            return MapValue((f"k{i}", v) for i, v in enumerate(items))
        return tuple(items)

    def place(self, prop: Property, value: Any, note: str, stack: tuple[str, ...]) -> tuple[str, str, Any]:
        """The value itself, or the last element of a collection whose size
        meets the item counts."""
        if not prop.type.is_repeated:
            return prop.name, note, value
        c = prop.constraints
        size = max(1, c.min_items or 0)
        if c.max_items is not None:
            size = min(size, max(c.max_items, 1))
        items = self.collection(prop, size, stack)
        if prop.type.kind is Kind.MAP:
            entries = list(items.items())
            entries[-1] = (entries[-1][0], value)
            return prop.name, note, MapValue(entries)
        return prop.name, note, (*items[:-1], value)
