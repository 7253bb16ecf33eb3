"""Batch cases: groups of a model's valid cases tracked with a fixed context,
fixed automatic values and a fixed `sent_at`, and the `Batch` request body
they must give in both formats (docs/wire-contract.md, "The batch").

The envelopes of different SDKs differ in one value only, the context's
`sdk_name` (each package's own name, pinned here per target and model);
so each batch case holds one expectation per target, all computed by
Google's protobuf package (protoref.py). A registered target missing from
SDK_NAMES fails the suite by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from caseio import Case, decode_value, encode_value, load_document
from codegen.ir import Model
from codegen.testplan import FIXED_AUTO, TimestampValue, context_sample

# The context's sdk_name of every target's SDK of each conformance model.
SDK_NAMES: dict[str, dict[str, str]] = {
    "bundled": {"javascript": "@broadcaster/analytics", "kotlin": "org.broadcaster.analytics",
                "python": "broadcaster_analytics", "swift": "BroadcasterAnalytics"},
    "kitchen_sink": {"javascript": "@conformance/kitchen-sink", "kotlin": "org.conformance.kitchensink",
                     "python": "kitchen_sink", "swift": "KitchenSink"},
    "hostile": {"javascript": "@conformance/hostile", "kotlin": "org.conformance.hostile",
                "python": "hostile_sdk", "swift": "Hostile"},
}

EVENT_ID_FORMAT = "00000000-0000-4000-8000-%012d"
CLIENT_TIMESTAMP = FIXED_AUTO["client_timestamp"]
SENT_AT = TimestampValue(1_764_582_915, 701_000_123)  # 2025-12-01T09:55:15.701000123Z
SENT_AT_MILLIS = TimestampValue(1_764_582_915, 701_000_000)
EPOCH = TimestampValue(0, 0)  # an empty Timestamp message, still written


@dataclass(frozen=True)
class BatchCase:
    model: str
    name: str
    members: tuple[tuple[str, str], ...]  # (case name, event id), in tracking order
    context: Mapping[str, Any]  # the context's parameters (test-plan values)
    client_timestamp: TimestampValue  # every event's
    sent_at: TimestampValue
    expected: Mapping[str, tuple[str, str]]  # target -> (canonical JSON, Protobuf hex)

    @property
    def id(self) -> str:
        return f"{self.model}/batch/{self.name}"

    def auto(self, model: Model, target: str, event_id: str) -> dict[str, Any]:
        # The harnesses track batches with every purpose granted.
        return {"event_id": event_id, "client_timestamp": self.client_timestamp, "model_version": model.version,
                "sdk_name": SDK_NAMES[self.model][target], "sdk_version": model.version,
                "consent": tuple(p.name for p in model.purposes)}


@dataclass(frozen=True)
class Plan:
    """A batch before its expectations: which cases, which context."""

    name: str
    cases: tuple[Case, ...]
    full_context: bool
    sent_at: TimestampValue


def plans(cases: Sequence[Case]) -> list[Plan]:
    """Five batches of a model's valid cases: one event, the first case of
    every event, eight spread over the model, none, and two sent at the
    epoch with the minimal context."""
    valid = [c for c in cases if not c.rejected]
    firsts: dict[str, Case] = {}
    for case in valid:
        firsts.setdefault(case.event, case)
    stride = max(1, len(valid) // 8)
    return [
        Plan("single", tuple(valid[:1]), True, SENT_AT),
        Plan("every_event", tuple(firsts.values()), True, SENT_AT_MILLIS),
        Plan("spread", tuple(valid[::stride][:8]), True, SENT_AT),
        Plan("empty", (), True, SENT_AT),
        Plan("epoch_minimal_context", tuple(valid[-2:]), False, EPOCH),
    ]


def build(key: str, model: Model, cases: Sequence[Case], encode: Any) -> list[BatchCase]:
    """`encode(batch_case_without_expectations, target)` gives (json, hex)."""
    out = []
    number = 1
    for plan in plans(cases):
        members = []
        for case in plan.cases:
            members.append((case.name, EVENT_ID_FORMAT % number))
            number += 1
        draft = BatchCase(key, plan.name, tuple(members), context_sample(model, full=plan.full_context),
                          CLIENT_TIMESTAMP, plan.sent_at, {})
        expected = {target: encode(draft, target) for target in sorted(SDK_NAMES[key])}
        out.append(BatchCase(key, plan.name, draft.members, draft.context, draft.client_timestamp,
                             draft.sent_at, expected))
    return out


# --- the case file ------------------------------------------------------------------


def batch_to_json(case: BatchCase) -> dict[str, Any]:
    return {
        "name": case.name,
        "members": [list(m) for m in case.members],
        "context": encode_value(dict(case.context)),
        "client_timestamp": encode_value(case.client_timestamp),
        "sent_at": encode_value(case.sent_at),
        "sdk_names": SDK_NAMES[case.model],
        "expected": {t: {"json": j, "proto": p} for t, (j, p) in case.expected.items()},
    }


def batch_from_json(model: str, data: Mapping[str, Any]) -> BatchCase:
    return BatchCase(
        model, data["name"], tuple((m[0], m[1]) for m in data["members"]), decode_value(data["context"]),
        decode_value(data["client_timestamp"]), decode_value(data["sent_at"]),
        {t: (e["json"], e["proto"]) for t, e in data["expected"].items()})


def load_batches(model: str) -> list[BatchCase]:
    return [batch_from_json(model, b) for b in load_document(model).get("batches", [])]
