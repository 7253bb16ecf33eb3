"""In-process checks of the decoder: descriptors equal protoc's, Confluent
framing goldens, and hypothesis fuzzing (whatever the bytes, the decoder
answers with a protocol error or per-event results, never anything else)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import grpc_tools
import pytest
from google.protobuf import descriptor_pb2
from grpc_tools import protoc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen.collector.checking import EnvelopeChecker
from codegen.collector.decoding import JSON, PROTOBUF, BatchDecoder, Limits, ProtocolError, decompress
from codegen.collector.descriptors import build_messages, file_descriptor
from codegen.collector.records import Received
from codegen.collector.sinks.framing import frame, message_indexes, unframe
from codegen.exports.proto import render_proto
from codegen.loader import load_model

from . import sdk

ROOT = Path(__file__).resolve().parents[2]
MODELS = [ROOT / "event_model", ROOT / "tests/conformance/models/kitchen_sink", ROOT / "tests/conformance/models/hostile"]


def _normalized(fd: descriptor_pb2.FileDescriptorProto) -> descriptor_pb2.FileDescriptorProto:
    """Without what decoding ignores: json names, options, reserved ranges, source info."""
    fd = descriptor_pb2.FileDescriptorProto.FromString(fd.SerializeToString())
    fd.name = "model.proto"
    fd.ClearField("source_code_info")

    def walk(message: descriptor_pb2.DescriptorProto) -> None:
        for field in message.field:
            field.ClearField("json_name")
            field.ClearField("options")
        if not message.options.map_entry:
            message.ClearField("options")
        message.ClearField("reserved_range")
        message.ClearField("reserved_name")
        for nested in message.nested_type:
            walk(nested)

    for message in fd.message_type:
        walk(message)
    for enum in fd.enum_type:
        enum.ClearField("reserved_range")
        enum.ClearField("reserved_name")
        enum.ClearField("options")
        for value in enum.value:
            value.ClearField("options")
    return fd


@pytest.mark.parametrize("model_dir", MODELS, ids=lambda p: p.name)
def test_descriptors_built_from_the_ir_equal_protocs(tmp_path: Path, model_dir: Path) -> None:
    model = load_model(model_dir)
    (tmp_path / "model.proto").write_text(render_proto(model), encoding="utf-8")
    include = Path(grpc_tools.__file__).parent / "_proto"
    assert protoc.main(["protoc", f"-I{tmp_path}", f"-I{include}", f"--descriptor_set_out={tmp_path}/out.pb",
                        "model.proto"]) == 0
    reference = descriptor_pb2.FileDescriptorSet.FromString((tmp_path / "out.pb").read_bytes()).file[0]
    assert _normalized(file_descriptor(model)) == _normalized(reference)


def test_confluent_framing_goldens() -> None:
    payload = b"\x0a\x00"
    assert frame(42, [0], payload).hex() == "000000002a00" + payload.hex()
    assert frame(42, [1], payload).hex() == "000000002a0202" + payload.hex()
    assert frame(42, [2, 0], payload).hex() == "000000002a040400" + payload.hex()
    assert frame(70000, [1, 2, 3], b"").hex() == "0000011170" + "06020406"
    assert message_indexes([64]) == b"\x02\x80\x01"
    for indexes in ([0], [1], [2, 0], [5, 3, 1], [64]):
        assert unframe(frame(7, indexes, payload)) == (7, indexes, payload)
    with pytest.raises(ValueError):
        unframe(b"\x01\x00\x00\x00\x01\x00")


@pytest.fixture(scope="module")
def decoder() -> BatchDecoder:
    model = load_model(ROOT / "event_model")
    messages = build_messages(model)
    return BatchDecoder(EnvelopeChecker(model, messages), messages, Limits(max_event=4096))


def _decode(decoder: BatchDecoder, body: bytes, content_type: str) -> Received | None:
    try:
        return decoder.decode(body, content_type, time.time_ns() // 1000)
    except ProtocolError as exc:
        assert exc.status in (400, 413) and exc.message
        return None


ENVELOPES = [e.protobuf for e in sdk.Recorder().track(*[sdk.page_view(i) for i in range(3)])]
DOCUMENTS = [e.json for e in sdk.Recorder().track(sdk.page_view(7))]
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(st.binary(max_size=2000))
def test_fuzz_random_bytes(decoder: BatchDecoder, data: bytes) -> None:
    _decode(decoder, data, PROTOBUF)
    _decode(decoder, data, JSON)


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=8), st.integers(0, 2))
def test_fuzz_mutated_batches_keep_every_event_accounted_for(decoder: BatchDecoder, flips, which) -> None:
    body = bytearray(sdk.protobuf_batch(ENVELOPES[: which + 1]))
    for position, value in flips:
        body[position % len(body)] = value
    received = _decode(decoder, bytes(body), PROTOBUF)
    if received is not None:
        indexes = sorted([a.index for a in received.accepted] + [r.index for r in received.rejected])
        assert indexes == list(range(len(indexes)))
        assert all(r.reasons for r in received.rejected)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20)


@FUZZ
@given(st.sampled_from(["context", "page_view", "search", "events"]), st.text(max_size=12), json_values)
def test_fuzz_json_events_with_wrong_keys_and_types(decoder: BatchDecoder, section, key, value) -> None:
    document = json.loads(DOCUMENTS[0])
    document.setdefault(section, {})[key] = value
    body = json.dumps({"events": [document, value]}).encode()
    received = _decode(decoder, body, JSON)
    assert received is not None
    assert len(received.accepted) + len(received.rejected) == 2
    assert received.rejected and received.rejected[-1].index == 1


def test_gzip_limit_holds_for_a_bomb() -> None:
    import gzip

    bomb = gzip.compress(b"\x00" * 50_000_000)
    with pytest.raises(ProtocolError) as info:
        decompress(bomb, "gzip", 1_048_576)
    assert info.value.status == 413


def test_json_numbers_too_large_for_a_float_are_a_per_event_rejection(decoder: BatchDecoder) -> None:
    good, huge = json.loads(DOCUMENTS[0]), json.loads(DOCUMENTS[0])
    huge["context"]["device"]["screen"]["pixel_ratio"] = 10**400  # float(int) overflows in json_format
    received = decoder.decode(json.dumps({"events": [huge, good]}).encode(), JSON, time.time_ns() // 1000)
    assert [a.index for a in received.accepted] == [1]
    assert [r.index for r in received.rejected] == [0]
    assert received.rejected[0].reasons == ["envelope: int too large to convert to float (decode)"]


def test_unknown_fields_inside_a_timestamp_are_rejected(decoder: BatchDecoder) -> None:
    envelope = decoder.messages.envelope.FromString(ENVELOPES[0])
    stamp = envelope.context.client_timestamp.SerializeToString() + b"\x18\x01"  # field 3: not in Timestamp
    context = envelope.context
    context.client_timestamp.MergeFromString(stamp)
    data = envelope.SerializeToString()
    received = decoder.decode(sdk.protobuf_batch([data, ENVELOPES[1]]), PROTOBUF, time.time_ns() // 1000)
    assert [a.index for a in received.accepted] == [1]
    assert received.rejected[0].reasons == [
        "context.client_timestamp: field number 3 is not in the model (unknown_field)"]


def _field(number: int, payload: bytes) -> bytes:
    return sdk.varint(number << 3 | 2) + sdk.varint(len(payload)) + payload


def test_bytes_other_sdks_may_send_are_read_like_canonical_ones(decoder: BatchDecoder) -> None:
    """Envelope bytes that differ from the canonical encoding (fields in
    another order, a map entry without its empty key) are accepted with the
    same values, and an unknown field among them is still found: the check
    for unknown fields takes canonical bytes as proof only when they are."""
    canonical = decoder.messages.envelope.FromString(ENVELOPES[0])
    fields = {fd.name: (fd.number, value.SerializeToString()) for fd, value in canonical.ListFields()}
    context, event = fields["context"], fields["page_view"]
    reordered = _field(*event) + _field(*context)

    page_view = canonical.page_view
    utm = page_view.DESCRIPTOR.fields_by_name["utm_parameters"]
    used = {f.number for f in page_view.DESCRIPTOR.fields}
    spare = next(n for n in range(1, 16) if n not in used)
    without_utm = type(page_view)()
    without_utm.CopyFrom(page_view)
    without_utm.ClearField("utm_parameters")
    keyless = without_utm.SerializeToString() + _field(utm.number, _field(2, b"x"))  # key "" left out
    # Two bytes of an unknown field where the canonical encoding would add two (the empty key).
    hidden = _field(context[0], context[1]) + _field(event[0], keyless + sdk.varint(spare << 3) + b"\x01")
    plain = _field(context[0], context[1]) + _field(event[0], keyless)

    received = decoder.decode(sdk.protobuf_batch([ENVELOPES[0], reordered, plain, hidden]), PROTOBUF,
                              time.time_ns() // 1000)
    assert [a.index for a in received.accepted] == [0, 1, 2]
    first, second, third = received.accepted
    assert (second.context, second.payload) == (first.context, first.payload)
    assert third.payload["utm_parameters"] == {"": "x"}
    assert [r.index for r in received.rejected] == [3]
    assert received.rejected[0].reasons == [f"page_view: field number {spare} is not in the model (unknown_field)"]
