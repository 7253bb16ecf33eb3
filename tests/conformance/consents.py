"""Consent cases: a model's valid cases tracked under consent states (none,
the default, all, and all but one purpose at a time), with what every SDK's
tracker must do with them (docs/event-model.md, "Consent"): drop the event
with a ConsentError text, or send the envelope with the consent stamp and
without the values whose purposes are not granted, needing the purposes it
lists (what a withdrawal purges by).

The decisions come from `ConsentRules` below, written from the model's
documented rules without codegen's own (codegen.purposes and the runtime's
consent.py); the bytes from Google's protobuf (protoref.py). make_cases.py
holds codegen.reference to the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from caseio import Case, MapValue, decode_value, encode_value, load_document
from codegen.ir import Kind, LawfulBasis, Model, Property
from codegen.testplan import FIXED_AUTO, TimestampValue, context_sample

DROPPED = "dropped"
EVENT_ID = "00000000-0000-4000-8000-0000000c0de5"
CLIENT_TIMESTAMP: TimestampValue = FIXED_AUTO["client_timestamp"]


class ConsentRules:
    """Which purposes an event needs, and which values a consent removes."""

    def __init__(self, model: Model) -> None:
        self.model = model

    def _object_needs(self, prop: Property) -> set[str]:
        leaf = prop.type.leaf
        if leaf.kind is not Kind.OBJECT:
            return set()
        return self.needs(self.model.object(leaf.name or "").properties)

    def needs(self, properties: Sequence[Property]) -> set[str]:
        found: set[str] = set()
        for prop in properties:
            if prop.required:
                found |= set(prop.purposes) | self._object_needs(prop)
        return found

    def event_needs(self, event_name: str) -> set[str]:
        event = next(e for e in self.model.events if e.name == event_name)
        return set(event.purposes) | self.needs(event.properties) | self.needs(self.model.context.properties)

    def kept(self, properties: Sequence[Property], values: Mapping[str, Any], granted: set[str],
             used: set[str]) -> dict[str, Any]:
        """`values` without what `granted` does not cover; the purposes of the
        optional values kept go into `used`."""
        out: dict[str, Any] = {}
        by_name = {p.name: p for p in properties}
        for name, value in values.items():
            prop = by_name[name]
            if not prop.required:
                wanted = set(prop.purposes) | self._object_needs(prop)
                if not wanted <= granted:
                    continue
                used |= wanted
            out[name] = self._inner(prop, value, granted, used)
        return out

    def _inner(self, prop: Property, value: Any, granted: set[str], used: set[str]) -> Any:
        leaf = prop.type.leaf
        if leaf.kind is not Kind.OBJECT:
            return value
        inner = self.model.object(leaf.name or "").properties
        if prop.type.kind is Kind.LIST:
            return tuple(self.kept(inner, v, granted, used) for v in value)
        if prop.type.kind is Kind.MAP:
            return MapValue((k, self.kept(inner, v, granted, used)) for k, v in value.items())
        return self.kept(inner, value, granted, used)


@dataclass(frozen=True)
class ConsentCase:
    model: str
    name: str
    member: str  # the valid case it tracks
    granted: tuple[str, ...]  # the tracker's consent, in the model's order
    context: Mapping[str, Any]  # the context's parameters (test-plan values)
    expected: Mapping[str, str]  # target -> the line after the id: "json\thex\tpurposes" or "dropped\ttext"

    @property
    def id(self) -> str:
        return f"{self.model}/consent/{self.name}"

    def line(self, target: str) -> str:
        return f"{self.id}\t{self.expected[target]}"


def states(model: Model) -> list[tuple[str, tuple[str, ...]]]:
    """(name, granted) of every consent state a case is tracked under."""
    every = tuple(p.name for p in model.purposes)
    default = tuple(p.name for p in model.purposes if p.lawful_basis is not LawfulBasis.CONSENT)
    out = [("none", ()), ("default", default), ("all", every)]
    out += [(f"all_but_{p}", tuple(q for q in every if q != p)) for p in every]
    return out


def members(model: Model, cases: Sequence[Case]) -> list[Case]:
    """The full sample of the first two events, and of every event whose own
    values can be removed (the context's values count for every event)."""
    full = {c.event: c for c in cases if c.name == f"{c.event}_sample_full"}
    chosen = [e.name for e in model.events[:2]]
    for event in model.events:
        if event.name not in chosen and any(_removable(model, p) for p in event.properties):
            chosen.append(event.name)
    return [full[name] for name in chosen if name in full]


def _removable(model: Model, prop: Property, seen: frozenset[str] = frozenset()) -> bool:
    if not prop.required and prop.purposes:
        return True
    leaf = prop.type.leaf
    if leaf.kind is not Kind.OBJECT or leaf.name in seen:
        return False
    inner = model.object(leaf.name or "").properties
    return any(_removable(model, p, seen | {leaf.name or ""}) for p in inner) or (
        not prop.required and bool(ConsentRules(model).needs(inner)))


def build(key: str, model: Model, cases: Sequence[Case], envelope: Any, sdk_names: Mapping[str, str]
          ) -> list[ConsentCase]:
    """`envelope(event, values, context, auto)` gives (json, hex) from Google's protobuf."""
    rules = ConsentRules(model)
    context = context_sample(model)
    out = []
    for case in members(model, cases):
        for state, granted in states(model):
            allowed = set(granted)
            needed = rules.event_needs(case.event)
            lacking = sorted(needed - allowed)
            expected: dict[str, str] = {}
            for target, sdk_name in sorted(sdk_names.items()):
                if lacking:
                    expected[target] = f"{DROPPED}\tno consent for event {case.event}: {', '.join(lacking)}"
                    continue
                used = set(needed)
                event = next(e for e in model.events if e.name == case.event)
                values = rules.kept(event.properties, case.values, allowed, used)
                kept_context = rules.kept(model.context.properties, context, allowed, used)
                auto = {"event_id": EVENT_ID, "client_timestamp": CLIENT_TIMESTAMP, "model_version": model.version,
                        "sdk_name": sdk_name, "sdk_version": model.version, "consent": granted}
                json_text, proto_hex = envelope(case.event, values, kept_context, auto)
                expected[target] = f"{json_text}\t{proto_hex}\t{','.join(sorted(used))}"
            out.append(ConsentCase(key, f"{case.event}_{state}", case.name, granted, context, expected))
    return out


def consent_to_json(case: ConsentCase) -> dict[str, Any]:
    return {"name": case.name, "member": case.member, "granted": list(case.granted),
            "context": encode_value(dict(case.context)), "expected": dict(case.expected)}


def consent_from_json(model: str, data: Mapping[str, Any]) -> ConsentCase:
    return ConsentCase(model, data["name"], data["member"], tuple(data["granted"]), decode_value(data["context"]),
                       dict(data["expected"]))


def load_consents(model: str) -> list[ConsentCase]:
    return [consent_from_json(model, c) for c in load_document(model).get("consents", [])]
