"""What an SDK program tracks in the delivery tests, defined without any SDK:
event `i` is the valid conformance case `i mod N` of the bundled model, with
the full context sample, event id `EVENT_ID_FORMAT % i` and the fixed client
timestamp. Every SDK's program builds the same events through its own
typed API; the tests compute the rows DuckDB must hold from the reference
encoder's canonical JSON (sdk_name is each SDK's own, see
docs/wire-contract.md)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "conformance"))

import caseio  # noqa: E402
from codegen.ir import Model  # noqa: E402
from codegen.loader import load_model  # noqa: E402
from codegen.testplan import FIXED_AUTO, all_purposes, context_sample  # noqa: E402

MODEL_DIR = ROOT / "event_model"
EVENT_ID_FORMAT = "00000000-0000-4000-8000-%012d"
CLIENT_TIMESTAMP = FIXED_AUTO["client_timestamp"]


@dataclass(frozen=True)
class Tracked:
    event_id: str
    event: str
    values: Any


@lru_cache(maxsize=1)
def model() -> Model:
    return load_model(MODEL_DIR)


@lru_cache(maxsize=1)
def cases() -> tuple[caseio.Case, ...]:
    return tuple(c for c in caseio.load_cases("bundled") if not c.rejected)


def context() -> dict[str, Any]:
    return context_sample(model())


def event(i: int) -> Tracked:
    case = cases()[i % len(cases())]
    return Tracked(EVENT_ID_FORMAT % i, case.event, case.values)


def expected_envelopes(count: int, sdk_name: str, skip: frozenset[int] = frozenset()) -> dict[str, tuple[str, str]]:
    """event_id -> (event, canonical envelope JSON) of events 0..count-1."""
    from codegen.reference import reference_for

    m = model()
    ref = reference_for(m)
    ctx = context()
    out = {}
    for i in range(count):
        if i in skip:
            continue
        tracked = event(i)
        auto = {**FIXED_AUTO, "event_id": tracked.event_id, "model_version": m.version, "sdk_name": sdk_name,
                "sdk_version": m.version, "consent": all_purposes(m)}
        out[tracked.event_id] = (tracked.event, ref.envelope(tracked.event, tracked.values, ctx, auto).json)
    return out


def consented(count: int, sdk_name: str, granted: frozenset[str]) -> dict[int, tuple[str, str | None, tuple[str, ...]]]:
    """What a tracker whose consent grants `granted` does with events
    0..count-1, by the reference: i -> (event, canonical envelope JSON or
    None when it is dropped, the purposes it needs or the ones it lacks)."""
    from codegen.reference import reference_for

    m = model()
    ref = reference_for(m)
    ctx = context()
    out = {}
    for i in range(count):
        tracked = event(i)
        auto = {**FIXED_AUTO, "event_id": tracked.event_id, "model_version": m.version, "sdk_name": sdk_name,
                "sdk_version": m.version}
        result = ref.consented_envelope(tracked.event, tracked.values, ctx, auto, granted)
        if result.encoded is None:
            out[i] = (tracked.event, None, tuple(result.missing))
        else:
            out[i] = (tracked.event, result.encoded.json, tuple(result.purposes))
    return out
