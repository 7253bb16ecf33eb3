"""Valid values of any model's events, drawn by hypothesis with a fixed seed.

Values stay within every constraint (they are cases that must encode), so
floats of `float` properties are drawn as exact float32 values: whether an
SDK narrows before or after checking a bound must not matter here (the
narrowing pitfalls are explicit cases in pitfalls.py).
"""

from __future__ import annotations

import math
from typing import Any, Callable, Literal

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.internal.conjecture import providers as _providers

# Hypothesis mixes literals mined from every "local" module in sys.modules
# (codegen's own source included) into what it draws, so any edit anywhere
# in the project would change the drawn cases. A fixed seed must mean fixed
# cases: draw without local constants (pinned hypothesis; internal API).
_NO_LOCAL_CONSTANTS = _providers.Constants()
_providers._get_local_constants = lambda: _NO_LOCAL_CONSTANTS

from caseio import MapValue
from codegen.ir import INTEGER_RANGES, Constraints, Event, Kind, Model, Property, Scalar, TypeRef
from codegen.testplan import TimestampValue

SEED = 20240607
MAX_ITEMS = 4  # lists and maps: keep cases small
MAX_TEXT = 12
MIN_SECONDS, MAX_SECONDS = -62135596800, 253402300799  # 0001-01-01 .. 9999-12-31


class Strategies:
    """Hypothesis strategies for the values of one model's messages."""

    def __init__(self, model: Model) -> None:
        self.objects = {o.name: o for o in model.objects}
        self.enums = {e.name: [v.name for v in e.values] for e in model.enums}

    def message(self, properties: tuple[Property, ...]) -> st.SearchStrategy[dict[str, Any]]:
        required = {p.name: self.property(p) for p in properties if p.is_parameter and p.required}
        optional = {p.name: self.property(p) for p in properties if p.is_parameter and not p.required}
        return st.fixed_dictionaries(required, optional=optional)

    def property(self, prop: Property) -> st.SearchStrategy[Any]:
        t, c = prop.type, prop.constraints
        if t.kind is Kind.LIST:
            assert t.element is not None
            low, high = c.min_items or 0, min(c.max_items if c.max_items is not None else MAX_ITEMS, MAX_ITEMS)
            return st.lists(self.value(t.element, c), min_size=low, max_size=max(low, high)).map(tuple)
        if t.kind is Kind.MAP:
            assert t.element is not None
            low, high = c.min_items or 0, min(c.max_items if c.max_items is not None else MAX_ITEMS, MAX_ITEMS)
            keys = st.text(max_size=6)
            return st.dictionaries(keys, self.value(t.element, c), min_size=low,
                                   max_size=max(low, high)).map(lambda d: MapValue(d.items()))
        return self.value(t, c)

    def value(self, t: TypeRef, c: Constraints) -> st.SearchStrategy[Any]:
        if t.kind is Kind.ENUM:
            return st.sampled_from(self.enums[t.name or ""])
        if t.kind is Kind.OBJECT:
            return st.deferred(lambda: self.message(self.objects[t.name or ""].properties))
        assert t.scalar is not None
        return SCALARS[t.scalar](c)


def _text(c: Constraints) -> st.SearchStrategy[str]:
    low = c.min_length or 0
    if c.pattern is not None:  # the pattern decides the length; the bounds only filter
        high = c.max_length if c.max_length is not None else math.inf
        return st.from_regex(c.pattern, fullmatch=True).filter(lambda s: low <= len(s) <= high)
    high = max(low, min(c.max_length if c.max_length is not None else MAX_TEXT, MAX_TEXT))
    return st.text(min_size=low, max_size=high)


def _integer(scalar: Scalar) -> Callable[[Constraints], st.SearchStrategy[int]]:
    def make(c: Constraints) -> st.SearchStrategy[int]:
        low, high = INTEGER_RANGES[scalar]
        if c.minimum is not None:
            low = max(low, math.ceil(c.minimum))
        if c.maximum is not None:
            high = min(high, math.floor(c.maximum))
        # Mostly anywhere in range, often at its ends.
        return st.one_of(st.integers(low, high), st.sampled_from(sorted({low, high, min(max(0, low), high)})))
    return make


def _floating(width: Literal[32, 64]) -> Callable[[Constraints], st.SearchStrategy[float]]:
    def make(c: Constraints) -> st.SearchStrategy[float]:
        bounded = c.minimum is not None or c.maximum is not None
        return st.floats(min_value=c.minimum, max_value=c.maximum, allow_nan=not bounded,
                         allow_infinity=not bounded, width=width)
    return make


def _timestamp(c: Constraints) -> st.SearchStrategy[TimestampValue]:
    return st.builds(TimestampValue, st.integers(MIN_SECONDS, MAX_SECONDS), st.integers(0, 999_999_999))


SCALARS: dict[Scalar, Callable[[Constraints], st.SearchStrategy[Any]]] = {
    Scalar.STRING: _text,
    Scalar.BOOL: lambda c: st.booleans(),
    Scalar.INT32: _integer(Scalar.INT32),
    Scalar.INT64: _integer(Scalar.INT64),
    Scalar.UINT32: _integer(Scalar.UINT32),
    Scalar.UINT64: _integer(Scalar.UINT64),
    Scalar.FLOAT: _floating(32),
    Scalar.DOUBLE: _floating(64),
    Scalar.TIMESTAMP: _timestamp,
    Scalar.BYTES: lambda c: st.binary(max_size=8),
}


def draw_events(model: Model, per_event: int, seed_value: int = SEED) -> list[tuple[Event, dict[str, Any]]]:
    """Up to `per_event` distinct value sets of every event, the same on
    every run (fixed seed, no example database)."""
    strategies = Strategies(model)
    drawn: list[tuple[Event, dict[str, Any]]] = []
    for index, event in enumerate(model.events):
        found: list[dict[str, Any]] = []
        seen: set[str] = set()

        @seed(seed_value + index)
        @settings(max_examples=per_event * 3, database=None, deadline=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck), derandomize=False)
        @given(strategies.message(event.properties))
        def collect(values: dict[str, Any]) -> None:
            key = repr(_freeze(values))
            if key not in seen and len(found) < per_event:
                seen.add(key)
                found.append(values)

        collect()
        drawn += [(event, values) for values in found]
    return drawn


def _freeze(value: Any) -> Any:
    """A comparable form (NaN != NaN would defeat de-duplication; -0.0 == 0.0 would merge)."""
    if isinstance(value, float):
        return ("f", value.hex() if not math.isnan(value) else "nan")
    if isinstance(value, dict):
        return ("d", tuple((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, tuple):
        return ("t", tuple(_freeze(v) for v in value))
    return value
