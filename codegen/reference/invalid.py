"""One invalid case per constraint of the model: the smallest change to a
valid (minimal) event that breaks exactly that constraint, with its path."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

from codegen.ir import INTEGER_RANGES, Constraints, Kind, Model, Property, Scalar
from codegen.loading import pattern_solver as patterns
from codegen.reference.samples import FULL, MINIMAL, Sampler, parameters

Broken = tuple[str, str, dict[str, Any]]  # path, constraint, message values


class InvalidFinder:
    def __init__(self, model: Model, sampler: Sampler) -> None:
        self.sampler = sampler
        self._objects = {o.name: o for o in model.objects}
        self.covered: set[tuple[str, str, str]] = set()

    def _new(self, owner: str, prop: Property, kind: str) -> bool:
        key = (owner, prop.name, kind)
        if key in self.covered:
            return False
        self.covered.add(key)
        return True

    def broken(self, properties: tuple[Property, ...], owner: str,
               stack: tuple[str, ...] = ()) -> Iterator[Broken]:
        base = self.sampler.message(properties, MINIMAL, stack)
        for prop in parameters(properties):
            c, t = prop.constraints, prop.type
            if t.is_repeated:
                if c.min_items and self._new(owner, prop, "min_items"):
                    yield prop.name, "min_items", {**base, prop.name: self.collection(prop, c.min_items - 1, stack)}
                if c.max_items is not None and self._new(owner, prop, "max_items"):
                    yield prop.name, "max_items", {**base, prop.name: self.collection(prop, c.max_items + 1, stack)}
            leaf = t.leaf
            if leaf.kind is Kind.SCALAR:
                assert leaf.scalar is not None
                for kind, bad in bad_values(leaf.scalar, c):
                    if self._new(owner, prop, kind):
                        path, value = self.place(prop, bad, stack)
                        yield path, kind, {**base, prop.name: value}
            elif leaf.kind is Kind.OBJECT and leaf.name not in stack:
                name = leaf.name or ""
                inner = self.broken(self._objects[name].properties, f"object:{name}", stack + (name,))
                for sub_path, kind, obj_values in inner:
                    path, value = self.place(prop, obj_values, stack)
                    yield f"{path}.{sub_path}", kind, {**base, prop.name: value}

    def collection(self, prop: Property, count: int, stack: tuple[str, ...]) -> Any:
        items = [self.sampler.element(prop, FULL, i, stack) for i in range(count)]
        if prop.type.kind is Kind.MAP:
            return {f"key_{i + 1}": v for i, v in enumerate(items)}
        return tuple(items)

    def place(self, prop: Property, bad: Any, stack: tuple[str, ...]) -> tuple[str, Any]:
        """Put `bad` where `prop` holds it: the value itself, or one element of
        a list or map whose other elements are valid."""
        if not prop.type.is_repeated:
            return prop.name, bad
        c = prop.constraints
        count = max(2, c.min_items or 0)
        if c.max_items is not None:
            count = max(1, min(count, c.max_items))
        items = list(self.collection(prop, count, stack).items()) if prop.type.kind is Kind.MAP else None
        if items is not None:
            key = items[-1][0]
            return f"{prop.name}[{json.dumps(key, ensure_ascii=False)}]", {**dict(items[:-1]), key: bad}
        values = list(self.collection(prop, count, stack))
        values[-1] = bad
        return f"{prop.name}[{count - 1}]", tuple(values)


def bad_values(scalar: Scalar, c: Constraints) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    if scalar.is_integer:
        low, high = INTEGER_RANGES[scalar]
        if c.minimum is not None and math.ceil(c.minimum) - 1 >= low:
            out.append(("minimum", math.ceil(c.minimum) - 1))
        if c.maximum is not None and math.floor(c.maximum) + 1 <= high:
            out.append(("maximum", math.floor(c.maximum) + 1))
    elif scalar.is_floating:
        if c.minimum is not None:
            out.append(("minimum", float(c.minimum) - max(1.0, abs(float(c.minimum)))))
        if c.maximum is not None:
            out.append(("maximum", float(c.maximum) + max(1.0, abs(float(c.maximum)))))
    elif scalar is Scalar.STRING:
        if c.min_length:
            out.append(("min_length", string_of_length(c, c.min_length - 1)))
        if c.max_length is not None:
            out.append(("max_length", string_of_length(c, c.max_length + 1)))
        if c.pattern is not None:
            valid = patterns.matching(c.pattern, c.min_length, c.max_length) or ""
            bad = patterns.breaking(c.pattern, valid, c.min_length, c.max_length)
            if bad is not None:
                out.append(("pattern", bad))
    return out


def string_of_length(c: Constraints, length: int) -> str:
    """`length` code points that match the pattern if possible (so only the
    length is wrong); without a pattern, non-BMP characters, which a UTF-16
    count would get wrong."""
    if c.pattern is None:
        return "😀" * min(length, 4) + "x" * max(0, length - 4)
    return patterns.of_length(c.pattern, length) or "x" * length
