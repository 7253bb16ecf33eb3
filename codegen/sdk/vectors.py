"""The test plan as data: the vectors file every SDK's own tests read.

Each SDK carries one JSON file with the cases of `codegen.testplan` (the
reference's bytes, JSON and texts) and a generated typed builder per event
and object, which turns a case's values into the event through the SDK's
typed API; a hand-written runner checks every case. The file is the same in
every SDK, so it is rendered once per model.

Values are written by type, so that every language reads them exactly:
strings, booleans and 32-bit integers as themselves, 64-bit integers and
floating-point numbers as text (`"-0.0"`, `"NaN"`, `"-Infinity"`, and the
shortest round-trip form otherwise), bytes as lower-case hex, timestamps as
`[seconds, nanos]`, enum values by their model name, objects and maps as
JSON objects, lists as arrays. An invalid case holds only the values that
differ from the event's minimal sample.
"""

from __future__ import annotations

import json
import math
import re
from functools import partial
from typing import Any, Callable, Iterable, Mapping

from codegen.ir import Kind, Model, Property, Scalar, TypeRef
from codegen.reference.values import TimestampValue
from codegen.sdk.contract import GENERATED_MARKER, EncodedText
from codegen.sdk.memo import NO_MEMO, Memo
from codegen.invisible import FORMAT_CLASS

VECTORS_NOTE = ("The test plan of this SDK's own tests (codegen's docs/targets.md): per event, samples "
                "[variant, values, Protobuf hex, canonical JSON, deprecation warnings if any], each built "
                "through the typed API, and invalid cases [path, constraint, values that differ from the "
                "minimal sample, the ValidationError's text after 'invalid event <name>: '].")
# Kept out of the file as raw characters: invisible format characters (a
# reviewer cannot see them), line separators and unpaired surrogates.
_ESCAPED = re.compile(f"[{FORMAT_CLASS}\u2028\u2029\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def dumps(value: Any) -> str:
    """Compact JSON, UTF-8 text except for the characters above."""
    return _ESCAPED.sub(_escape, json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def float_text(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(float(value))


class ValueCodec:
    """Test-plan values of one model to and from their vectors form."""

    def __init__(self, model: Model) -> None:
        self._objects = {o.name: o.properties for o in model.objects}

    def message(self, properties: tuple[Property, ...], values: Mapping[str, Any]) -> dict[str, Any]:
        return self._message(properties, values, _scalar, list)

    def value(self, ref: TypeRef, value: Any) -> Any:
        return self._convert(ref, value, _scalar, list)

    def read_message(self, properties: tuple[Property, ...], data: Mapping[str, Any]) -> dict[str, Any]:
        return self._message(properties, data, _read_scalar, tuple)

    def read(self, ref: TypeRef, data: Any) -> Any:
        return self._convert(ref, data, _read_scalar, tuple)

    def _message(self, properties: tuple[Property, ...], values: Mapping[str, Any],
                 scalar: Callable[[Scalar | None, Any], Any], sequence: Callable[[Iterable[Any]], Any]) -> dict[str, Any]:
        types = {p.name: p.type for p in properties}
        return {name: self._convert(types[name], value, scalar, sequence) for name, value in values.items()}

    def _convert(self, ref: TypeRef, value: Any, scalar: Callable[[Scalar | None, Any], Any],
                 sequence: Callable[[Iterable[Any]], Any]) -> Any:
        """One walk over a type's kinds for both directions: `scalar`
        converts a leaf, `sequence` builds a list (JSON list or tuple)."""
        if ref.kind is Kind.LIST:
            assert ref.element is not None
            return sequence(self._convert(ref.element, v, scalar, sequence) for v in value)
        if ref.kind is Kind.MAP:
            assert ref.element is not None
            return {k: self._convert(ref.element, v, scalar, sequence) for k, v in value.items()}
        if ref.kind is Kind.OBJECT:
            return self._message(self._objects[ref.name or ""], value, scalar, sequence)
        if ref.kind is Kind.ENUM:
            return value
        return scalar(ref.scalar, value)


def _scalar(scalar: Scalar | None, value: Any) -> Any:
    if scalar in (Scalar.INT64, Scalar.UINT64):
        return str(value)
    if scalar in (Scalar.FLOAT, Scalar.DOUBLE):
        return float_text(value)
    if scalar is Scalar.BYTES:
        return bytes(value).hex()
    if scalar is Scalar.TIMESTAMP:
        return [value.seconds, value.nanos]
    return value


def _read_scalar(scalar: Scalar | None, data: Any) -> Any:
    if scalar in (Scalar.INT64, Scalar.UINT64):
        return int(data)
    if scalar in (Scalar.FLOAT, Scalar.DOUBLE):
        return float(data)
    if scalar is Scalar.BYTES:
        return bytes.fromhex(data)
    if scalar is Scalar.TIMESTAMP:
        return TimestampValue(data[0], data[1])
    return data


VARIANTS = ("minimal", "zero", "full")  # codegen.testplan.SDK_VARIANTS
MESSAGE_PREFIX = "invalid event {event}: "


def event_entry(codec: ValueCodec, event: Any, samples: list[Any], invalid: list[Any]) -> dict[str, Any]:
    """One event's cases: samples as [variant, values, protobuf hex, JSON
    (, warnings)], invalid cases as [path, constraint, the values that
    differ from the minimal sample, the ValidationError's text after
    'invalid event <name>: ']."""
    out: dict[str, Any] = {"event": event.name, "samples": [], "invalid": []}
    base = None
    for sample in samples:
        variant = sample.name[len(event.name) + 1:] if sample.name.startswith(event.name + "_") else ""
        base = base or (sample if variant == "minimal" else None)
        if variant not in VARIANTS:
            continue
        entry = [variant, codec.message(event.properties, sample.values), sample.proto_hex, sample.json]
        if sample.warnings:
            entry.append(list(sample.warnings))
        out["samples"].append(entry)
    prefix = MESSAGE_PREFIX.format(event=event.name)
    for case in invalid:
        assert base is not None and case.message.startswith(prefix), case.name
        delta = {k: v for k, v in case.values.items() if k not in base.values or base.values[k] != v}
        assert {**base.values, **delta} == dict(case.values), case.name  # InvalidFinder changes the minimal sample
        out["invalid"].append([case.path, case.constraint, codec.message(event.properties, delta),
                               case.message[len(prefix):]])
    return out


def document(lines: list[str]) -> str:
    """The vectors file from its event lines: one event a line, so that a
    change of one event changes one line."""
    body = "[]" if not lines else "[\n  " + ",\n  ".join(lines) + "\n ]"
    return f'{{\n "//": {dumps(GENERATED_MARKER)},\n "about": {dumps(VECTORS_NOTE)},\n "events": {body}\n}}\n'


def document_bytes(lines: list[bytes]) -> bytes:
    """`document` in UTF-8, from the lines in UTF-8 (joined as bytes: the
    lines of a model are megabytes of text, most of it not Latin-1)."""
    head, _, tail = document(["\0"]).partition("\0")
    return head.encode("utf-8") + b",\n  ".join(lines) + tail.encode("utf-8") if lines else document([]).encode()


_TEXTS: list[tuple[Model, EncodedText]] = []
_MEMOS: list[tuple[Model, Memo]] = []
_PROVIDERS: list[tuple[Model, Callable[[], object]]] = []


def use_memo(model: Model, memo: Memo) -> None:
    """Let `plan_vectors` of this model object reuse what `memo` holds (the
    build's memo of the test plan, see codegen.incremental)."""
    _MEMOS[:] = [(model, memo)]


def use_provider(model: Model, provide: Callable[[], object]) -> None:
    """Let `plan_vectors` of this model object take the text from `provide`
    (a build worker: its parent renders the vectors while it renders)."""
    _PROVIDERS[:] = [(model, provide)]


def plan_vectors(model: Model) -> EncodedText:
    """The vectors file of the model's test plan, rendered once for every
    target that asks while the same model object is passed; each event's
    line comes from the memo when it has it."""
    if _TEXTS and _TEXTS[0][0] is model:
        return _TEXTS[0][1]
    if _PROVIDERS and _PROVIDERS[0][0] is model:
        provided = _PROVIDERS[0][1]()  # the file in UTF-8 (plan_vectors_data)
        assert isinstance(provided, bytes)
        text = EncodedText.of(provided)
    else:
        memo = _MEMOS[0][1] if _MEMOS and _MEMOS[0][0] is model else NO_MEMO
        try:
            text = EncodedText.of(_render_vectors(model, memo))
        except (ValueError, TypeError):  # a damaged piece of the memo (not UTF-8, not JSON)
            memo.discard()
            text = EncodedText.of(_render_vectors(model, memo))
    _TEXTS[:] = [(model, text)]
    return text


def plan_vectors_data(model: Model) -> bytes:
    """The vectors file in UTF-8 (what a build worker is handed)."""
    return plan_vectors(model).utf8


def _render_vectors(model: Model, memo: Memo) -> bytes:
    from codegen.testplan import SDK_VARIANTS, EventCases

    codec = ValueCodec(model)
    found: list[EventCases] = []
    covered: set[tuple[str, str, str]] = set()  # object constraints whose invalid case an earlier event has

    def event_chunk(event: Any) -> str:
        if not found:
            found.append(EventCases(model))
        cases = found[0]
        cases.finder.covered |= covered
        entry = event_entry(codec, event, cases.samples(event, SDK_VARIANTS), cases.invalid(event))
        # The event's own constraints never come up again: dropped, the
        # covered set stays as small as the objects' (no scan of every event's).
        own = f"event:{event.name}"
        cases.finder.covered -= {key for key in cases.finder.covered if key[0] == own}
        # The line (JSON has no raw line end), then what the event covered.
        return dumps(entry) + "\n" + dumps(sorted(cases.object_coverage() - covered))

    lines = []
    covered_text = dumps(sorted(covered))  # written again only when it grows
    for event in model.events:
        chunk = bytes(memo.event_data(event, (covered_text,), partial(event_chunk, event)))
        end = chunk.index(b"\n")
        lines.append(chunk[:end])
        covers = chunk[end + 1:]
        if covers != b"[]":
            covered |= {(owner, name, kind) for owner, name, kind in json.loads(covers)}
            covered_text = dumps(sorted(covered))
    return document_bytes(lines)


Reader = Callable[[str], str]


class TypeReads:
    """How a language reads a vectors value of each type: hooks that turn an
    expression of the runner's node type into an expression of the typed
    API's value (`item` reads one element of a list or map)."""

    def scalar(self, scalar: Scalar, node: str) -> str:
        raise NotImplementedError

    def enum(self, enum: str, node: str) -> str:
        raise NotImplementedError

    def object(self, name: str, node: str) -> str:
        raise NotImplementedError

    def list(self, element: TypeRef, node: str, item: Reader) -> str:
        raise NotImplementedError

    def map(self, element: TypeRef, node: str, item: Reader) -> str:
        raise NotImplementedError


def read_expression(reads: TypeReads, ref: TypeRef, node: str, item_node: str = "x") -> str:
    """The expression that reads `node` as a value of `ref`."""
    if ref.kind in (Kind.LIST, Kind.MAP):
        element = ref.element
        assert element is not None

        def item(inner: str) -> str:
            return read_expression(reads, element, inner, item_node)

        return (reads.list if ref.kind is Kind.LIST else reads.map)(element, node, item)
    if ref.kind is Kind.ENUM:
        return reads.enum(ref.name or "", node)
    if ref.kind is Kind.OBJECT:
        return reads.object(ref.name or "", node)
    assert ref.scalar is not None
    return reads.scalar(ref.scalar, node)


_BUILDERS: list[tuple[Model, tuple[tuple[str, str, tuple[Property, ...]], ...]]] = []


def builder_messages(model: Model) -> tuple[tuple[str, str, tuple[Property, ...]], ...]:
    """(kind, name, parameters) of every message a builder is written for:
    the objects that events hold (directly or inside other objects), then
    the events, each with the properties callers pass (computed once per
    model object: every target asks)."""
    if _BUILDERS and _BUILDERS[0][0] is model:
        return _BUILDERS[0][1]
    used = used_types(model)
    out = [("object", o.name, tuple(p for p in o.properties if p.is_parameter))
           for o in model.objects if ("object", o.name) in used]
    out += [("event", e.name, tuple(p for p in e.properties if p.is_parameter)) for e in model.events]
    _BUILDERS[:] = [(model, tuple(out))]
    return _BUILDERS[0][1]


_USED: list[tuple[Model, set[tuple[str, str]]]] = []


def used_types(model: Model) -> set[tuple[str, str]]:
    """("enum" or "object", name) of every type a parameter of an event
    holds, directly or inside objects (computed once per model object)."""
    if _USED and _USED[0][0] is model:
        return _USED[0][1]
    objects = {o.name: o for o in model.objects}
    found: set[tuple[str, str]] = set()
    pending = [p for e in model.events for p in e.properties if p.is_parameter]
    while pending:
        leaf = pending.pop().type.leaf
        if leaf.kind in (Kind.ENUM, Kind.OBJECT) and (leaf.kind.value, leaf.name or "") not in found:
            found.add((leaf.kind.value, leaf.name or ""))
            if leaf.kind is Kind.OBJECT:
                pending += [p for p in objects[leaf.name or ""].properties if p.is_parameter]
    _USED[:] = [(model, found)]
    return found
