"""The context memo (context_cache.py) reads what the whole context plan
reads: on every sample of three models, with other event ids and client
times (memo hits), with the context's fields in another order (misses),
and with a broken per-event value behind a known rest (still rejected)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from codegen.collector.checking import EnvelopeChecker
from codegen.collector.context_cache import ContextReader
from codegen.collector.descriptors import build_messages
from codegen.collector.plans import Broken
from codegen.collector.records import Accepted, Rejected
from codegen.ir import Privacy
from codegen.loader import load_model

from .test_fast_paths import MODELS, setup

ROOT = Path(__file__).resolve().parents[2]


def _reordered(envelope: bytes, messages) -> bytes:  # type: ignore[no-untyped-def]
    """The same envelope with the context's fields written last to first."""
    message = messages.envelope.FromString(envelope)
    context = message.context
    parts = []
    for field, _ in reversed(context.ListFields()):
        single = type(context)()
        single.MergeFrom(context)
        for other in single.DESCRIPTOR.fields:
            if other.name != field.name:
                single.ClearField(other.name)
        parts.append(single.SerializeToString(deterministic=True))
    rest = type(message)()
    rest.MergeFrom(message)
    rest.ClearField("context")
    body = b"".join(parts)
    return bytes([1 << 3 | 2]) + _varint(len(body)) + body + rest.SerializeToString(deterministic=True)


def _varint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


@pytest.mark.parametrize("model_dir", MODELS, ids=lambda p: Path(p).name)
def test_the_memo_reads_what_the_whole_plan_reads(model_dir: str) -> None:
    s = setup(model_dir)
    checker = EnvelopeChecker(s.model, s.messages)  # a memo of its own
    reader = checker.context_reader
    assert reader.enabled
    checked = 0
    for round_ in range(3):
        for event, protobuf, _ in s.envelopes:
            message = s.messages.envelope.FromString(protobuf)
            message.context.event_id = f"memo-{round_}-{checked}"
            message.context.client_timestamp.seconds += round_ * 3600 + checked
            data = message.SerializeToString(deterministic=True)
            if round_ == 2:
                data = _reordered(data, s.messages)
            result = checker.check(s.messages.envelope.FromString(data), 0, data, data)
            if isinstance(result, Rejected):  # the sample the consent or version rules reject anyway
                continue
            assert isinstance(result, Accepted)
            whole = reader.read_all(s.messages.envelope.FromString(data).context)
            assert result.context == whole, (event, round_)
            checked += 1
    assert checked >= 3 * (len(s.envelopes) - 1)
    assert reader.hits >= len(s.envelopes) - 1  # the second round reads from the memo

    # A broken per-event value behind a rest the memo knows is still broken.
    message = s.messages.envelope.FromString(s.envelopes[0][1])
    message.context.client_timestamp.seconds = 253_402_300_800  # the year 10000
    data = message.SerializeToString(deterministic=True)
    with pytest.raises(Broken):
        reader.read(s.messages.envelope.FromString(data).context, data)
    result = checker.check(s.messages.envelope.FromString(data), 0, data, data)
    assert isinstance(result, Rejected)
    assert any(r.startswith("context.client_timestamp:") for r in result.reasons), result.reasons


def test_the_memo_is_off_when_the_privacy_step_would_change_a_shared_object() -> None:
    model = load_model(ROOT / "event_model")
    device = model.object("device")
    pseudonymous = dataclasses.replace(device.properties[0], privacy=Privacy.PSEUDONYMOUS)
    changed = dataclasses.replace(model, objects=tuple(
        dataclasses.replace(o, properties=(pseudonymous, *o.properties[1:])) if o.name == "device" else o
        for o in model.objects))
    messages = build_messages(changed)
    number = messages.envelope.DESCRIPTOR.fields_by_name["context"].number
    assert ContextReader(model, EnvelopeChecker(model, build_messages(model)).plans, number).enabled
    assert not ContextReader(changed, EnvelopeChecker(changed, messages).plans, number).enabled


def test_values_hashed_by_the_privacy_step_are_hashed_once_per_event() -> None:
    from codegen.collector.decoding import PROTOBUF, BatchDecoder, Limits
    from codegen.collector.privacy import PrivacyStep
    from codegen.collector.pseudonyms import PseudonymKey

    from . import sdk

    model = load_model(ROOT / "event_model")
    messages = build_messages(model)
    decoder = BatchDecoder(EnvelopeChecker(model, messages), messages, Limits())
    key = PseudonymKey.of(b"k" * 32)
    step = PrivacyStep(model, messages, key, rewrite_protobuf=False)
    events = sdk.Recorder().track(*[sdk.page_view(i) for i in range(4)])
    for _ in range(2):  # the second batch meets a memo filled by the first
        received = step.apply(decoder.decode(sdk.protobuf_batch(e.protobuf for e in events), PROTOBUF, 0), None)
        assert len(received.accepted) == 4
        user_ids = {a.context["user_id"] for a in received.accepted}
        assert user_ids == {key.text("user-7")}
        # The memo keeps the values as sent: each event's copy was hashed, not the shared row.
        assert all(row["user_id"] == "user-7" for row in decoder.checker.context_reader._memo.values())
