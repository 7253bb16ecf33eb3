"""Wire proof: for values hypothesis draws for every event of a model (within
its constraints), the generated Python SDK's Protobuf bytes and canonical
JSON equal the official protobuf package's (see support.check_encoding), and
so does the tracker's envelope.

Run in the test process (upb backend, maps left empty: upb orders map
entries its own way) and as `python -m targets.python.wire_proof MODEL --maps`
under the pure-Python backend, the contract's reference for maps.
"""

from __future__ import annotations

import argparse
import math
import struct
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any, Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen.ir import INTEGER_RANGES, Constraints, Kind, Model, Property, Scalar, TypeRef
from codegen.loader import load_model
from codegen.targets.python import Options
from codegen.targets.python.views import package_name
from codegen.templates.python.runtime.wire import FLT_MAX, narrow_float32
from codegen.testplan import TimestampValue
from targets.python.support import (
    MODELS,
    Official,
    SdkValues,
    backend,
    build_sdk,
    canonical_nan,
    check_encoding,
    compile_proto,
    import_sdk,
)

MIN_SECONDS, MAX_SECONDS = -62135596800, 253402300799


def _float32_within(value: float, c: Constraints) -> bool:
    """Valid for a float property: the narrowed value within the narrowed
    bounds, and finite when there is a bound (docs/event-model.md)."""
    if c.minimum is None and c.maximum is None:
        return True
    narrowed = _narrow32(value)
    return (math.isfinite(narrowed) and (c.minimum is None or narrowed >= _narrow32(float(c.minimum)))
            and (c.maximum is None or narrowed <= _narrow32(float(c.maximum))))


def _narrow32(value: float) -> float:
    try:
        return float(struct.unpack("<f", struct.pack("<f", value))[0])
    except OverflowError:
        return math.copysign(math.inf, value)


def _float32_ok(value: float) -> bool:
    # FLT_MAX's shortest JSON form exceeds FLT_MAX, which json_format.Parse
    # refuses: the official library cannot read back its own JSON for it.
    return abs(narrow_float32(value)) != FLT_MAX


class Strategies:
    def __init__(self, model: Model, maps: bool) -> None:
        self.model = model
        self.maps = maps
        self.objects = {o.name: o for o in model.objects}
        self.enums = {e.name: e for e in model.enums}

    def message(self, properties: tuple[Property, ...], depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
        required: dict[str, Any] = {}
        optional: dict[str, Any] = {}
        for prop in properties:
            if not prop.is_parameter:
                continue
            strategy = self.property(prop, depth)
            if strategy is None:
                continue
            (required if prop.required else optional)[prop.name] = strategy
        if depth > 3:
            optional = {}
        return st.fixed_dictionaries(required, optional=optional)

    def property(self, prop: Property, depth: int) -> st.SearchStrategy[Any] | None:
        t, c = prop.type, prop.constraints
        low = c.min_items or 0
        high = max(low, min(c.max_items if c.max_items is not None else 4, 4))
        if t.kind is Kind.LIST:
            return st.lists(self.leaf(t.leaf, c, depth), min_size=low, max_size=high).map(tuple)
        if t.kind is Kind.MAP:
            if not self.maps:
                return st.just({}) if not low else None
            keys = st.text(max_size=4)
            return st.dictionaries(keys, self.leaf(t.leaf, c, depth), min_size=low, max_size=high)
        return self.leaf(t, c, depth)

    def leaf(self, ref: TypeRef, c: Constraints, depth: int) -> st.SearchStrategy[Any]:
        if ref.kind is Kind.ENUM:
            return st.sampled_from([v.name for v in self.enums[ref.name or ""].values])
        if ref.kind is Kind.OBJECT:
            return self.message(self.objects[ref.name or ""].properties, depth + 1)
        assert ref.scalar is not None
        return self.scalar(ref.scalar, c)

    def scalar(self, scalar: Scalar, c: Constraints) -> st.SearchStrategy[Any]:
        if scalar is Scalar.STRING:
            low, high = c.min_length or 0, c.max_length
            if c.pattern is not None:
                fits: Callable[[str], bool] = lambda s: len(s) >= low and (high is None or len(s) <= high)
                return st.from_regex(c.pattern, fullmatch=True).filter(fits)
            return st.text(min_size=low, max_size=max(low, min(high if high is not None else 12, 12)))
        if scalar.is_integer:
            lo, hi = INTEGER_RANGES[scalar]
            if c.minimum is not None:
                lo = max(lo, math.ceil(c.minimum))
            if c.maximum is not None:
                hi = min(hi, math.floor(c.maximum))
            return st.integers(lo, hi)
        if scalar.is_floating:
            return self.floating(scalar is Scalar.FLOAT, c)
        if scalar is Scalar.BOOL:
            return st.booleans()
        if scalar is Scalar.BYTES:
            return st.binary(max_size=12)
        return st.builds(TimestampValue, st.integers(MIN_SECONDS, MAX_SECONDS), st.integers(0, 999_999_999))

    @staticmethod
    def floating(single: bool, c: Constraints) -> st.SearchStrategy[float]:
        if c.minimum is not None or c.maximum is not None:
            values = st.floats(
                min_value=None if c.minimum is None else float(c.minimum),
                max_value=None if c.maximum is None else float(c.maximum),
                allow_nan=False,
                allow_infinity=False,  # a bound admits finite values only
            )
        else:
            values = st.floats().map(canonical_nan)
        if single:
            # upb narrows the midpoint above FLT_MAX to infinity, unlike the
            # contract and the pure-Python backend (_float32_ok excludes it).
            values = st.one_of(values, st.floats(width=32).map(canonical_nan),
                               st.sampled_from([3.5e38, -1e39]))
            values = values.filter(lambda v: _float32_ok(v) and _float32_within(v, c))
        return values


def prove(name: str, maps: bool, examples: int, random: bool = False) -> int:
    """Run the proof for model `name`; the number of checks run."""
    model = load_model(MODELS[name])
    work = Path(tempfile.mkdtemp(prefix="wire-proof-"))
    official = Official(model, compile_proto(model, work))
    sdk = import_sdk(build_sdk(model, work / "sdk"), package_name(model, Options.of(model, "python")))
    values_of = SdkValues(model, sdk)
    strategies = Strategies(model, maps)
    options = settings(max_examples=examples, deadline=None, derandomize=not random, database=None,
                       suppress_health_check=list(HealthCheck))
    runs = 0

    for event in model.events:
        @options
        @given(strategies.message(event.properties))
        def check_event(values: dict[str, Any]) -> None:
            typed = values_of.event(event.name, values)
            assert typed.validate() == [], f"drawn values must be valid: {typed.validate()}"
            problems = check_encoding(official.event(event.name, values), typed.to_protobuf(), typed.to_json())
            assert not problems, "\n".join(problems)

        check_event()
        runs += examples

    names = [e.name for e in model.events]

    @options
    @given(st.sampled_from(names).flatmap(
        lambda n: st.tuples(st.just(n), strategies.message(model.events[names.index(n)].properties))),
        strategies.message(model.context.properties))
    def check_envelope(drawn: tuple[str, dict[str, Any]], context: dict[str, Any]) -> None:
        event_name, values = drawn
        transport = sdk.InMemoryTransport()
        clock = sdk.Timestamp(1_700_000_000, 5)
        tracker = sdk.Tracker(transport, values_of.context(context), clock=lambda: clock,
                              id_generator=lambda: "id-1")
        tracker.consent = sdk.ALL_PURPOSES
        assert tracker.track(values_of.event(event_name, values))
        sent = transport.events[0]
        auto = {"event_id": "id-1", "client_timestamp": TimestampValue(1_700_000_000, 5),
                "model_version": model.version, "sdk_name": sdk.Tracker.SDK_INFO.name,
                "sdk_version": sdk.Tracker.SDK_INFO.version, "consent": tuple(p.name for p in model.purposes)}
        envelope = official.envelope(event_name, values, context, auto)
        problems = check_encoding(envelope, sent.protobuf, sent.json)
        assert not problems, "\n".join(problems)

    check_envelope()
    return runs + examples


def main() -> None:
    warnings.simplefilter("ignore", DeprecationWarning)  # deprecated events are drawn too
    parser = argparse.ArgumentParser()
    parser.add_argument("model", choices=sorted(MODELS))
    parser.add_argument("--maps", action="store_true")
    parser.add_argument("--examples", type=int, default=40)
    parser.add_argument("--random", action="store_true", help="explore (not derandomized)")
    args = parser.parse_args()
    runs = prove(args.model, args.maps, args.examples, args.random)
    print(f"backend={backend()} model={args.model} maps={args.maps} examples={runs}: equal")


if __name__ == "__main__":
    sys.exit(main())
