"""The fast path of track() (runtime writers.py, plans.py and envelope.ContextPlan)
against the generic validator and encoder, on every conformance case of
the three models, through the generated SDKs' typed API:
- a plan returns bytes only for events validation accepts (None for every
  rejected case), and then exactly the generic encoder's bytes;
- the tracker's single-format envelope (Protobuf fast, JSON generic)
  equals the envelope the in-memory transport receives;
- odd but valid values (int subclasses, list-likes) take the generic path
  and still encode the same.
"""

from __future__ import annotations

import sys
from collections import UserList
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from codegen.loader import load_model
from codegen.testplan import context_sample
from targets.python.support import MODELS, SdkValues, build_sdk, import_sdk

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "conformance"))
import caseio  # noqa: E402

PACKAGES = {"bundled": "broadcaster_analytics", "kitchen_sink": "kitchen_sink", "hostile": "hostile_sdk"}


@pytest.fixture(scope="module")
def sdks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Any, ModuleType, SdkValues]]:
    out = {}
    for key, folder in MODELS.items():
        model = load_model(folder)
        root = build_sdk(model, tmp_path_factory.mktemp(key))
        sdk = import_sdk(root, PACKAGES[key])
        out[key] = (model, sdk, SdkValues(model, sdk))
    return out


class Capture:
    def __init__(self, wire_format: str) -> None:
        self.wire_format = wire_format
        self.bodies: list[bytes] = []

    def enqueue(self, event_name: str, event_id: str, body: bytes, purposes: Any = ()) -> None:
        self.bodies.append(body)


@pytest.mark.parametrize("key", sorted(MODELS))
def test_plans_agree_with_validation_and_the_generic_encoder(key: str, sdks: dict[str, Any]) -> None:
    model, sdk, values = sdks[key]
    plans = sys.modules[f"{PACKAGES[key]}._runtime.writers"]
    codec = sys.modules[f"{PACKAGES[key]}._runtime.codec"]
    validation = sys.modules[f"{PACKAGES[key]}._runtime.validation"]  # not validate(): it asks the plan first
    checked = 0
    problems = []
    for case in caseio.load_cases(key):
        event = values.event(case.event, case.values)
        fast = plans.encode_fast(event)
        issues = validation.validate_message(event)
        checked += 1
        if issues and fast is not None:
            problems.append(f"{case.id}: invalid ({issues[0]}) but the plan encoded it")
        elif not issues and fast is None:
            problems.append(f"{case.id}: valid but the plan gave up")
        elif not issues and fast != codec.encode_message(event):
            problems.append(f"{case.id}: the plan's bytes differ from the generic encoder's")
        elif event.validate() != issues:
            problems.append(f"{case.id}: validate() differs from the generic validator")
    assert checked > 70 and problems == [], problems[:10]


@pytest.mark.parametrize("key", sorted(MODELS))
def test_single_format_envelopes_equal_the_in_memory_ones(key: str, sdks: dict[str, Any]) -> None:
    model, sdk, values = sdks[key]
    context = values.context(context_sample(model))
    clock = sdk.Timestamp(1_700_000_000, 250_000_000)

    def tracker(transport: Any) -> Any:
        made = sdk.Tracker(transport, context, sdk.Policy.DROP, lambda error: None, clock=lambda: clock,
                           id_generator=lambda: "00000000-0000-4000-8000-000000000001")
        made.consent = sdk.ALL_PURPOSES
        return made

    memory, protobuf, json = sdk.InMemoryTransport(), Capture("protobuf"), Capture("json")
    trackers = [tracker(memory), tracker(protobuf), tracker(json)]
    valid = [c for c in caseio.load_cases(key) if not c.rejected]
    for case in valid:
        event = values.event(case.event, case.values)
        with _quiet():
            for t in trackers:
                assert t.track(event), case.id
    assert [e.protobuf for e in memory.events] == protobuf.bodies
    assert [e.json.encode("utf-8") for e in memory.events] == json.bodies


def test_client_timestamps_on_the_fast_path_equal_the_generic_ones(sdks: dict[str, Any]) -> None:
    # The fast path keeps the last second's record: every step below changes
    # or keeps the seconds, crosses zero and the range ends.
    model, sdk, values = sdks["bundled"]
    context = values.context(context_sample(model))
    low, high = sdk.Timestamp.MIN_SECONDS, sdk.Timestamp.MAX_SECONDS
    steps = [(1_700_000_000, 0), (1_700_000_000, 5), (1_700_000_001, 5), (0, 0), (0, 1), (0, 999_999_999),
             (-1, 999_999_999), (-1, 0), (low, 0), (low - 1, 0), (high, 999_999_999), (high + 1, 0),
             (5, -1), (5, 1_000_000_000), (1.5, 0), (5, 0.5), (2**7, 2**7), (2**35, 2**29), (1_700_000_001, 5)]
    stamps = iter([sdk.Timestamp(s, n) for s, n in steps for _ in range(2)])
    errors: list[Any] = []

    def tracker(transport: Any) -> Any:
        made = sdk.Tracker(transport, context, sdk.Policy.DROP, errors.append, clock=lambda: next(stamps),
                           id_generator=lambda: "00000000-0000-4000-8000-000000000001")
        made.consent = sdk.ALL_PURPOSES
        return made

    memory, protobuf = sdk.InMemoryTransport(), Capture("protobuf")
    generic, fast = tracker(memory), tracker(protobuf)
    event = values.event(*next((c.event, c.values) for c in caseio.load_cases("bundled") if not c.rejected))
    sent = [(generic.track(event), fast.track(event)) for _ in steps]
    assert [a for a, b in sent] == [b for a, b in sent]
    assert sum(a for a, b in sent) == len(steps) - 6 and len(errors) == 12  # the six out of range or not ints
    assert [e.protobuf for e in memory.events] == protobuf.bodies


def test_unusual_values_take_the_generic_path(sdks: dict[str, Any]) -> None:
    model, sdk, values = sdks["bundled"]
    plans = sys.modules["broadcaster_analytics._runtime.writers"]

    class Count(int):
        pass

    position = sdk.PlaybackPosition(offset_ms=Count(5))
    event = sdk.VideoHeartbeat(playback_id="0" * 32, position=position,
                               buffer_health_s=UserList([1.0, 2.0]))  # type: ignore[arg-type]
    assert plans.encode_fast(event) is None
    plain = sdk.VideoHeartbeat(playback_id="0" * 32, position=sdk.PlaybackPosition(offset_ms=5),
                               buffer_health_s=[1.0, 2.0])
    assert plans.encode_fast(plain) is not None
    assert event.to_protobuf() == plain.to_protobuf()


class _quiet:
    def __enter__(self) -> None:
        import warnings

        self._catch = warnings.catch_warnings()
        self._catch.__enter__()
        warnings.simplefilter("ignore", DeprecationWarning)

    def __exit__(self, *exc: object) -> None:
        self._catch.__exit__(*exc)
