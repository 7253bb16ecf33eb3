"""The collector's fast paths against what they stand in for, in-process:

- the validation plans (plans.py) decide like the SDK runtime's validator on
  every sample and invalid case of the test plan of three models and on
  hypothesis-made values at the edges of every rule, and read the same row
  values as the reference's canonical JSON holds;
- the ProtoJSON reader (protojson.py) builds the message json_format builds,
  or leaves the document to json_format.
"""

from __future__ import annotations

import base64
import copy
import json
import math
import struct
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format, timestamp_pb2
from google.protobuf.descriptor import FieldDescriptor
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen.collector.checking import EnvelopeChecker
from codegen.collector.decoding import BatchDecoder, Limits
from codegen.collector.descriptors import Messages, build_messages
from codegen.collector.plans import Broken
from codegen.collector.protojson import _timestamp
from codegen.collector.records import Accepted, Rejected
from codegen.exports.sql import event_columns
from codegen.ir import Model
from codegen.loader import load_model
from codegen.reference import RefEnum, RefMessage, reference_for
from codegen.templates.python.runtime.timestamp import Timestamp
from codegen.templates.python.runtime.validation import validate_message
from codegen.testplan import FIXED_AUTO, all_purposes, context_sample, plan

from .support import Expected, same

ROOT = Path(__file__).resolve().parents[2]
MODELS = ["event_model", "tests/conformance/models/kitchen_sink", "tests/conformance/models/hostile"]
F = FieldDescriptor
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass(frozen=True)
class Setup:
    model: Model
    messages: Messages
    checker: EnvelopeChecker
    decoder: BatchDecoder
    envelopes: tuple[tuple[str, bytes, str], ...]  # (event, Envelope bytes, canonical JSON) of every sample
    invalid: tuple[tuple[Any, bytes, str], ...]  # (case, Envelope bytes, canonical JSON)


@lru_cache(maxsize=None)
def _edges(model: Model) -> tuple[list[int], list[float], list[int], list[str]]:
    return _edges_of(model)


@lru_cache(maxsize=None)
def setup(model_dir: str) -> Setup:
    model = load_model(ROOT / model_dir)
    messages = build_messages(model)
    checker = EnvelopeChecker(model, messages)
    ref = reference_for(model)
    context = context_sample(model)
    test_plan = plan(model)

    def envelope(event: str, values: Any, event_id: str) -> Any:
        auto = {**FIXED_AUTO, "consent": all_purposes(model), "event_id": event_id, "model_version": model.version, "sdk_name": "reference",
                "sdk_version": "1"}
        return ref.envelope(event, values, context, auto)

    samples = tuple((s.event, *_pair(envelope(s.event, s.values, f"sample-{i}")))
                    for i, s in enumerate(test_plan.samples))
    invalid = tuple((c, *_pair(envelope(c.event, c.values, f"invalid-{i}"))) for i, c in enumerate(test_plan.invalid))
    return Setup(model, messages, checker, BatchDecoder(checker, messages, Limits()), samples, invalid)


def _pair(encoded: Any) -> tuple[bytes, str]:
    return encoded.protobuf, encoded.json


def verdicts(checker: EnvelopeChecker, envelope: Any) -> tuple[bool, list[str]]:
    """Whether the plans pass `envelope`, and what the runtime's validator
    finds in it (read into its views, as the collector explains rejects)."""
    event = envelope.WhichOneof("event")
    try:
        checker.plans.context.read(envelope.context)
        if event is not None:
            checker.plans.events[event].read(getattr(envelope, event))
        planned = True
    except Broken:
        planned = False
    issues: list[Any] = []
    context = checker.reader.context.read(envelope.context, "context.", issues)
    issues += validate_message(context, "context.")
    if event is not None:
        payload = checker.reader.events[event].read(getattr(envelope, event), event + ".", issues)
        issues += validate_message(payload, event + ".")
    return planned, [str(i) for i in issues]


# --- the plans ------------------------------------------------------------------


@pytest.mark.parametrize("model_dir", MODELS, ids=lambda p: Path(p).name)
def test_plans_decide_like_the_validator_and_read_the_sent_values(model_dir: str) -> None:
    s = setup(model_dir)
    expected = Expected(s.model, pseudonymised=False)  # the checker's row values, before the privacy step
    accepted = 0
    for event, protobuf, document in s.envelopes:
        envelope = s.messages.envelope.FromString(protobuf)
        planned, issues = verdicts(s.checker, envelope)
        assert planned == (not issues), (event, issues)
        result = s.checker.check(s.messages.envelope.FromString(protobuf), 0, protobuf, protobuf)
        if issues:
            assert isinstance(result, Rejected) and result.reasons == issues
            continue
        assert isinstance(result, Accepted)
        accepted += 1
        want = expected.row(document, event)
        spec = next(e for e in s.model.events if e.name == event)
        for column in event_columns(s.model, spec):
            if column.prop is not None:
                row = result.context if column.scope == "context" else result.payload
                got = row[column.prop.name]
                assert same(got, want[column.name]), (event, column.name, got, want[column.name])
    assert accepted >= len(s.envelopes) - 1
    for case, protobuf, _ in s.invalid:
        planned, issues = verdicts(s.checker, s.messages.envelope.FromString(protobuf))
        assert not planned and issues, case.name
        result = s.checker.check(s.messages.envelope.FromString(protobuf), 0, protobuf, protobuf)
        assert isinstance(result, Rejected) and result.reasons == issues
        assert any(r.startswith(f"{case.event}.{case.path}:") and r.endswith(f"({case.constraint})")
                   for r in result.reasons), (case.name, result.reasons)


def _edges_of(model: Model) -> tuple[list[int], list[float], list[int], list[str]]:
    """Values at and beside every bound of the model: integers, floats,
    lengths, patterns."""
    ints: set[int] = {0, 1, -1}
    floats: set[float] = {0.0, -0.0, math.nan, math.inf, -math.inf, 3.4028234663852886e38}
    lengths: set[int] = {0, 1}
    patterns: set[str] = set()
    holders = [model.context, *model.events, *model.objects]
    for holder in holders:
        for prop in holder.properties:
            c = prop.constraints
            for bound in (c.minimum, c.maximum):
                if bound is not None:
                    floats.update({float(bound), math.nextafter(float(bound), math.inf),
                                   math.nextafter(float(bound), -math.inf)})
                    if float(bound).is_integer():
                        ints.update({int(bound) - 1, int(bound), int(bound) + 1})
            for size in (c.min_length, c.max_length, c.min_items, c.max_items):
                if size is not None:
                    lengths.update({max(0, size - 1), size, size + 1})
            if c.pattern is not None:
                patterns.add(c.pattern)
    return sorted(ints), sorted(floats, key=repr), sorted(lengths), sorted(patterns)


_INT_RANGES = {F.TYPE_INT32: (-(2**31), 2**31 - 1), F.TYPE_INT64: (-(2**63), 2**63 - 1),
               F.TYPE_UINT32: (0, 2**32 - 1), F.TYPE_UINT64: (0, 2**64 - 1)}


def _values(field: Any, edges: tuple[list[int], list[float], list[int], list[str]]) -> st.SearchStrategy[Any]:
    ints, floats, lengths, patterns = edges
    kind = field.type
    if kind in _INT_RANGES:
        low, high = _INT_RANGES[kind]
        near = [i for i in ints if low <= i <= high] + [low, high]
        return st.sampled_from(near) | st.integers(low, high)
    if kind == F.TYPE_FLOAT:
        narrowed = [struct.unpack("<f", struct.pack("<f", f))[0] for f in floats if abs(f) <= 3.4028234663852886e38
                    or not math.isfinite(f)]
        return st.sampled_from(narrowed) | st.floats(width=32)
    if kind == F.TYPE_DOUBLE:
        return st.sampled_from(floats) | st.floats()
    if kind == F.TYPE_BOOL:
        return st.booleans()
    if kind == F.TYPE_BYTES:
        return st.binary(max_size=8)
    if kind == F.TYPE_ENUM:
        numbers = sorted(v.number for v in field.enum_type.values)
        return st.sampled_from(numbers + [max(numbers) + 1, -1]) | st.integers(-(2**31), 2**31 - 1)
    assert kind == F.TYPE_STRING
    sized = st.sampled_from(lengths).flatmap(lambda n: st.text(min_size=n, max_size=n))
    matching = [st.from_regex(p, fullmatch=True) for p in patterns]
    return st.one_of(sized, st.text(max_size=12), *matching)


def _timestamps() -> st.SearchStrategy[tuple[int, int]]:
    low, high = -62_135_596_800, 253_402_300_799
    return st.tuples(st.sampled_from([low - 1, low, 0, high, high + 1]) | st.integers(low - 10, high + 10),
                     st.sampled_from([-1, 0, 999_999_999, 1_000_000_000]) | st.integers(0, 999_999_999))


@st.composite
def mutated(draw: Any, model_dir: str) -> bytes:
    """A sample's envelope with a few fields set to values at the edges of
    the rules (or cleared, or grown), as bytes the collector receives."""
    s = setup(model_dir)
    edges = _edges(s.model)
    event, protobuf, _ = draw(st.sampled_from(s.envelopes))
    envelope = s.messages.envelope.FromString(protobuf)
    for _ in range(draw(st.integers(1, 4))):
        message = envelope.context if draw(st.booleans()) else getattr(envelope, event)
        _mutate(draw, message, edges, depth=0)
    return bytes(envelope.SerializeToString())


def _mutate(draw: Any, message: Any, edges: Any, depth: int) -> None:
    fields = list(message.DESCRIPTOR.fields)
    if not fields:
        return
    field = draw(st.sampled_from(fields))
    name = field.name
    entry = field.message_type if field.message_type is not None else None
    if entry is not None and entry.GetOptions().map_entry:
        target = getattr(message, name)
        if draw(st.booleans()):
            target.clear()
        value_field = entry.fields_by_name["value"]
        for key in draw(st.lists(st.text(max_size=4), max_size=3)):
            if value_field.message_type is None:
                target[key] = draw(_values(value_field, edges))
            elif depth < 3:
                _mutate(draw, target[key], edges, depth + 1)
        return
    if field.is_repeated:
        target = getattr(message, name)
        del target[:]
        count = draw(st.sampled_from(edges[2]) | st.integers(0, 3))
        for _ in range(min(count, 12)):
            if field.message_type is None:
                target.append(draw(_values(field, edges)))
            elif field.message_type.full_name == "google.protobuf.Timestamp":
                seconds, nanos = draw(_timestamps())
                target.add(seconds=seconds, nanos=nanos)
            elif depth < 3:
                _mutate(draw, target.add(), edges, depth + 1)
        return
    if field.has_presence and draw(st.integers(0, 5)) == 0:
        message.ClearField(name)
    elif field.message_type is None:
        setattr(message, name, draw(_values(field, edges)))
    elif field.message_type.full_name == "google.protobuf.Timestamp":
        seconds, nanos = draw(_timestamps())
        getattr(message, name).seconds, getattr(message, name).nanos = seconds, nanos
    elif depth < 3:
        getattr(message, name).SetInParent()
        _mutate(draw, getattr(message, name), edges, depth + 1)


@pytest.mark.parametrize("model_dir", MODELS, ids=lambda p: Path(p).name)
def test_plans_decide_like_the_validator_at_the_edges_of_every_rule(model_dir: str) -> None:
    s = setup(model_dir)

    @FUZZ
    @given(mutated(model_dir))
    def check(protobuf: bytes) -> None:
        planned, issues = verdicts(s.checker, s.messages.envelope.FromString(protobuf))
        assert planned == (not issues), issues
        result = s.checker.check(s.messages.envelope.FromString(protobuf), 0, protobuf, protobuf)
        if isinstance(result, Rejected):
            assert result.reasons and "(internal)" not in " ".join(result.reasons)
            return
        context, payload = s.checker.views(result)  # what the runtime's reader makes of the same bytes
        assert same(result.context, _row(context)) and same(result.payload, _row(payload))

    check()


def _row(value: Any) -> Any:
    """A runtime view value as a row value: enums by name, timestamps in
    microseconds, messages as dicts."""
    if isinstance(value, RefMessage):
        return {spec.name: _row(value.__dict__.get(spec.name)) for spec in value._SPECS}
    if isinstance(value, RefEnum):
        return value.model_name
    if isinstance(value, Timestamp):
        return value.seconds * 1_000_000 + value.nanos // 1000
    if isinstance(value, list):
        return [_row(v) for v in value]
    if isinstance(value, dict):
        return {k: _row(v) for k, v in value.items()}
    return value


# --- the ProtoJSON reader -------------------------------------------------------


def _same_as_json_format(s: Setup, document: Any) -> bool:
    """When the fast reader is sure about `document`, json_format reads it
    too and builds the same message. Whether the fast reader was sure."""
    arguments = s.decoder.json_reader.arguments(document) if isinstance(document, dict) else None
    if arguments is None:
        return False
    try:
        fast = s.messages.envelope(**arguments)
    except Exception:  # the constructor refuses it: json_format decides, as in the decoder
        return False
    reference = s.messages.envelope()
    json_format.ParseDict(document, reference)  # raises when the fast reader took what json_format refuses
    assert fast.SerializeToString(deterministic=True) == reference.SerializeToString(deterministic=True)
    return True


@pytest.mark.parametrize("model_dir", MODELS, ids=lambda p: Path(p).name)
def test_the_json_reader_builds_what_json_format_builds_for_every_case(model_dir: str) -> None:
    s = setup(model_dir)
    documents = [json.loads(d) for _, _, d in s.envelopes] + [json.loads(d) for _, _, d in s.invalid]
    assert all(_same_as_json_format(s, d) for d in documents)  # the SDKs' JSON never needs json_format


_SPELLINGS = st.sampled_from([
    None, "", "NaN", "nan", "Infinity", "-Infinity", "inf", "1e3", " 12", "012", "-0", "+5", "1_000", "12",
    "-9223372036854775809", "18446744073709551616", "4294967296", 2**64, -(2**63) - 1, 2**31, 1.5, 1.0, -0.0,
    1e39, 10**400, True, "3q2+7wA=", "3q2-7wA", "3q2+7wA", "====", "A", "AP+Afw==", "2023-11-14T22:13:20Z",
    "2023-11-14T22:13:20.1234567891Z", "2023-11-14T22:13:20.5+01:00", "2023-11-14t22:13:20z",
    "2023-02-29T00:00:00Z", "2024-02-29T23:59:59.999999999Z", "0000-01-01T00:00:00Z", "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999999999Z", "2023-11-14T23:59:60Z", "2023-1-4T2:03:04Z", {}, [], [None], {"": None},
])


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, (*prefix, index))
    return out


@st.composite
def json_mutants(draw: Any, model_dir: str) -> Any:
    """A sample's JSON with values replaced by other spellings, keys renamed
    to their camelCase JSON name or to unknown ones, enum names by numbers."""
    s = setup(model_dir)
    document = json.loads(draw(st.sampled_from(s.envelopes))[2])
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(document)[1:]))
        *parent_path, last = path
        parent = document
        for step in parent_path:
            parent = parent[step]
        choice = draw(st.integers(0, 3))
        if choice == 0 and isinstance(last, str):
            renamed = draw(st.sampled_from([_camel(last), last.upper(), last + "_x", "@type", "[ext]"]))
            parent[renamed] = parent.pop(last)
        elif choice == 1:
            parent[last] = copy.deepcopy(draw(_SPELLINGS))  # the constants stay as they are
        elif choice == 2 and isinstance(parent[last], str):
            parent[last] = draw(st.integers(-1, 7)) if parent[last].isupper() else parent[last] + draw(st.text(max_size=2))
        else:
            parent[last] = draw(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
                                             lambda c: st.lists(c, max_size=2) | st.dictionaries(st.text(max_size=4), c,
                                                                                                   max_size=2),
                                             max_leaves=4))
    return document


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


@pytest.mark.parametrize("model_dir", MODELS, ids=lambda p: Path(p).name)
def test_the_json_reader_builds_what_json_format_builds_or_leaves_it_to_it(model_dir: str) -> None:
    s = setup(model_dir)

    @FUZZ
    @given(json_mutants(model_dir))
    def check(document: Any) -> None:
        _same_as_json_format(s, document)

    check()


@settings(max_examples=400, deadline=None)
@given(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
       st.integers(0, 9), st.integers(0, 999_999_999))
def test_timestamps_read_like_from_json_string(moment: datetime, digits: int, nanos: int) -> None:
    fraction = f".{nanos:09d}"[: digits + 1] if digits else ""
    text = moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%S").rjust(19, "0") + fraction + "Z"
    reference = timestamp_pb2.Timestamp()
    reference.FromJsonString(text)
    assert _timestamp(text, 0) == {"seconds": reference.seconds, "nanos": reference.nanos}


def test_json_bytes_decode_like_json_format() -> None:
    from codegen.collector.protojson import _bytes

    for raw in (b"", b"\x00", b"\xde\xad\xbe\xef\x00", bytes(range(256))):
        text = base64.b64encode(raw).decode()
        assert _bytes(text, 0) == raw
