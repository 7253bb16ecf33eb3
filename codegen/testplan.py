"""Language-neutral test cases that every target renders into its SDK's own
tests: valid values with the bytes and JSON the reference produces for them,
and invalid values with the constraint they break.

Values use plain Python data, read with the property's TypeRef:
string -> str, bool -> bool, integers -> int, float/double -> float,
bytes -> bytes, timestamp -> TimestampValue, enum -> the model value name (str),
object -> dict of wire name -> value, list -> tuple, map -> dict of str -> value.
Only parameters appear (const and auto values are filled in by the SDK).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Mapping

from codegen.reference.values import TimestampValue

__all__ = ["EnvelopeCase", "InvalidCase", "SampleCase", "TestPlan", "TimestampValue", "context_sample",
           "EventCases", "deprecated_sample", "envelope_case", "first_invalid", "first_sample", "plan", "sdk_plan"]


@dataclass(frozen=True)
class SampleCase:
    event: str  # event wire name
    name: str  # case id, unique, snake_case, e.g. "article_read_full"
    values: Mapping[str, Any]
    proto_hex: str  # the event message, lower-case hex
    json: str  # the event message, canonical JSON
    warnings: tuple[str, ...] = ()  # the event's deprecation warnings, in order (docs/sdk-api.md)


@dataclass(frozen=True)
class InvalidCase:
    event: str
    name: str
    values: Mapping[str, Any]
    constraint: str  # minimum, maximum, min_length, max_length, pattern, min_items, max_items
    path: str  # where the error is reported, e.g. "tags[1]"
    message: str = ""  # the ValidationError's text, e.g. "invalid event e: tags[1]: ... (max_length)"


@dataclass(frozen=True)
class TestPlan:
    samples: tuple[SampleCase, ...]
    invalid: tuple[InvalidCase, ...]


@dataclass(frozen=True)
class EnvelopeCase:
    """A whole envelope as a tracker sends it: `context` holds the context's
    parameters, `auto` the values the tracker fills in (keyed by AutoValue
    name: event_id, client_timestamp, model_version, sdk_name, sdk_version,
    consent: every purpose, which the test's tracker grants)."""

    event: str
    values: Mapping[str, Any]
    context: Mapping[str, Any]
    auto: Mapping[str, Any]
    proto_hex: str
    json: str
    purposes: tuple[str, ...] = ()  # those the envelope needs (its TrackedEvent's)


_CACHE: dict[tuple[str, ...], Any] = {}
ALL_VARIANTS = ("minimal", "zero", "full", "edge")
# What the SDKs' own tests carry (codegen.sdk.vectors): the edge variant
# exercises the runtimes' value edges, which the conformance suite covers.
SDK_VARIANTS = ("minimal", "zero", "full")


def sdk_plan(model: Any) -> TestPlan:
    """The plan of the SDKs' own tests: `plan` with the SDK_VARIANTS."""
    return plan(model, SDK_VARIANTS)


def plan(model: Any, variants: tuple[str, ...] = ALL_VARIANTS) -> TestPlan:
    """Samples (by default minimal, zero, full, edge) of every event and one
    invalid case per constraint, with the reference's bytes and JSON.
    Deterministic; computed once per model object and variants, as every
    target asks for it. (Tests check that samples validate and each invalid
    case breaks its constraint.) Case names are unique across the plan."""
    cached = _CACHE.get(variants)
    if cached is not None and cached[0] is model:
        return cached[1]  # type: ignore[no-any-return]
    cases = EventCases(model)
    names: set[str] = set()
    samples = [replace(s, name=_unique(s.name, names)) for e in model.events for s in cases.samples(e, variants)]
    invalid = [replace(c, name=_unique(c.name, names)) for e in model.events for c in cases.invalid(e)]
    result = TestPlan(tuple(samples), tuple(invalid))
    _CACHE[variants] = (model, result)
    return result


class EventCases:
    """The plan one event at a time, in model order: an invalid case of an
    object's constraint comes with the first event that holds the object,
    so `invalid` must see the events in order (or be told, by `covered`,
    which object constraints earlier events covered)."""

    def __init__(self, model: Any, covered: set[tuple[str, str, str]] | None = None) -> None:
        from codegen.reference import reference_for
        from codegen.reference.invalid import InvalidFinder
        from codegen.reference.samples import Sampler

        self.ref = reference_for(model)
        self.sampler = Sampler(model)
        self.finder = InvalidFinder(model, self.sampler)
        self.finder.covered |= covered or set()

    def samples(self, event: Any, variants: tuple[str, ...] = ALL_VARIANTS) -> list[SampleCase]:
        """The event's samples, each named <event>_<variant> (a variant
        whose values an earlier one has already is left out)."""
        seen: list[Mapping[str, Any]] = []
        out = []
        for variant in variants:
            values = self.sampler.message(event.properties, variant)
            if values in seen:
                continue
            seen.append(values)
            encoded, found = self.ref.event_and_warnings(event.name, values)
            warnings = tuple(found)
            out.append(SampleCase(event.name, f"{event.name}_{variant}", values, encoded.proto_hex, encoded.json,
                                  warnings))
        return out

    def invalid(self, event: Any) -> list[InvalidCase]:
        return [InvalidCase(event.name, f"{event.name}_{_slug(path)}_{constraint}", values, constraint, path,
                            self.ref.validation_error(event.name, values))
                for path, constraint, values in self.finder.broken(event.properties, f"event:{event.name}")]

    def object_coverage(self) -> set[tuple[str, str, str]]:
        """The object constraints covered so far (what the next events need to know)."""
        return {key for key in self.finder.covered if key[0].startswith("object:")}


def first_invalid(model: Any) -> InvalidCase | None:
    """The plan's first invalid case (of the first event that has one)."""
    cases = EventCases(model)
    for event in model.events:
        found = cases.invalid(event)
        if found:
            return found[0]
    return None


def first_sample(model: Any) -> SampleCase | None:
    """The plan's first sample: the first event's minimal one."""
    return EventCases(model).samples(model.events[0], SDK_VARIANTS[:1])[0] if model.events else None


def deprecated_sample(model: Any) -> SampleCase | None:
    """The sample with the most deprecation warnings (the first of those),
    among every variant, edge included, of the events that can warn at all:
    what the SDKs' tracker tests check their deprecation warnings with
    (computed once per model object)."""
    cached = _CACHE.get(("deprecated",))
    if cached is not None and cached[0] is model:
        return cached[1]  # type: ignore[no-any-return]
    best = _most_warnings(model)
    _CACHE[("deprecated",)] = (model, best)
    return best


def _most_warnings(model: Any) -> SampleCase | None:
    from codegen.reference import reference_for
    from codegen.reference.samples import Sampler

    ref = reference_for(model)
    sampler = Sampler(model)
    best: SampleCase | None = None
    for event in _warning_events(model):
        for variant in ALL_VARIANTS:
            values = sampler.message(event.properties, variant)
            warnings = tuple(ref.deprecation_warnings(event.name, values))
            if warnings and (best is None or len(warnings) > len(best.warnings)):
                encoded = ref.event(event.name, values)
                best = SampleCase(event.name, f"{event.name}_{variant}", values, encoded.proto_hex, encoded.json,
                                  warnings)
    return best


def _warning_events(model: Any) -> list[Any]:
    """The events that are, or hold (through objects too), something deprecated."""
    from codegen.ir import Kind

    enums = {e.name for e in model.enums if any(v.deprecation for v in e.values)}
    objects: set[str] = set()

    def warns(prop: Any) -> bool:
        leaf = prop.type.leaf
        return prop.deprecation is not None or (leaf.kind is Kind.ENUM and leaf.name in enums) or (
            leaf.kind is Kind.OBJECT and leaf.name in objects)

    grew = True
    while grew:  # a fixpoint: objects hold objects, cycles included
        before = len(objects)
        objects |= {o.name for o in model.objects if any(warns(p) for p in o.properties)}
        grew = len(objects) > before
    return [e for e in model.events if e.deprecation is not None or any(warns(p) for p in e.properties)]


def context_sample(model: Any, full: bool = True) -> dict[str, Any]:
    """Values of the context's parameters (all of them, or only required)."""
    from codegen.reference.samples import FULL, MINIMAL, Sampler

    return Sampler(model).message(model.context.properties, FULL if full else MINIMAL)


FIXED_AUTO: Mapping[str, Any] = {
    "event_id": "00000000-0000-4000-8000-000000000001",
    "client_timestamp": TimestampValue(1700000000, 250000000),
}


def all_purposes(model: Any) -> tuple[str, ...]:
    """The consent stamp of a tracker that was granted every purpose (what
    the SDKs' own tests and the conformance batches track with)."""
    return tuple(p.name for p in model.purposes)


def envelope_case(model: Any, sdk_name: str, sdk_version: str | None = None) -> EnvelopeCase:
    """The envelope of the first event's full sample with the full context
    sample and fixed auto values (`sdk_name` differs per SDK)."""
    from codegen.reference import reference_for

    if not model.events:
        raise ValueError(f"model {model.name} has no events")
    samples = EventCases(model).samples(model.events[0], SDK_VARIANTS)  # the first event's: the plan's first
    sample = next((s for s in samples if s.name == f"{s.event}_full"), samples[0])
    context = context_sample(model)
    auto = {**FIXED_AUTO, "model_version": model.version, "sdk_name": sdk_name,
            "sdk_version": sdk_version or model.version, "consent": all_purposes(model)}
    tracked = reference_for(model).consented_envelope(sample.event, sample.values, context, auto,
                                                      frozenset(auto["consent"]))
    assert tracked.encoded is not None  # every purpose is granted
    return EnvelopeCase(sample.event, sample.values, context, auto, tracked.encoded.proto_hex, tracked.encoded.json,
                        tracked.purposes)


def consent_case(model: Any, sdk_name: str, sdk_version: str | None = None) -> EnvelopeCase | None:
    """An envelope tracked with only the purposes its event needs granted
    (`auto["consent"]`), so that values of other purposes are removed: the
    first full sample (with the full context) that loses a value that way;
    None when no value of the model can be removed. (The search is done
    once per model object.)"""
    from codegen.reference import reference_for

    cached = _CACHE.get(("consent",))
    if cached is None or cached[0] is not model:
        cached = _CACHE[("consent",)] = (model, _consent_sample(model))
    if cached[1] is None:
        return None
    sample, granted = cached[1]
    stamp = tuple(p.name for p in model.purposes if p.name in granted)
    auto = {**FIXED_AUTO, "model_version": model.version, "sdk_name": sdk_name,
            "sdk_version": sdk_version or model.version, "consent": stamp}
    context = context_sample(model)
    tracked = reference_for(model).consented_envelope(sample.event, sample.values, context, auto, granted)
    assert tracked.encoded is not None
    return EnvelopeCase(sample.event, sample.values, context, auto, tracked.encoded.proto_hex,
                        tracked.encoded.json, tracked.purposes)


def _consent_sample(model: Any) -> tuple[SampleCase, frozenset[str]] | None:
    """The sample consent_case tracks and what it grants (the same for every SDK)."""
    from codegen.purposes import purpose_rules
    from codegen.reference import reference_for
    from codegen.templates.python.runtime.consent import withheld

    rules = purpose_rules(model)
    ref = reference_for(model)
    context = context_sample(model)
    cases: EventCases | None = None
    context_needs = rules.context_needs()
    context_may: dict[frozenset[str], bool] = {}  # by what is granted
    for event in model.events:
        granted = rules.event_needs(event) | context_needs
        # Most events can lose no value at all: their samples are not needed.
        if not rules.may_withhold(event.properties, granted):
            if granted not in context_may:
                context_may[granted] = rules.may_withhold(model.context.properties, granted)
            if not context_may[granted]:
                continue
        cases = cases or EventCases(model)
        # The plan's full sample of the event (left out when an earlier variant has its values).
        sample = next((s for s in cases.samples(event, SDK_VARIANTS) if s.name == f"{event.name}_full"), None)
        if sample is None:
            continue
        removed = withheld(ref.event_message(sample.event, sample.values), granted) + withheld(
            ref.context_message(context), granted)
        if removed:
            return sample, granted
    return None


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", path.lower()).strip("_") or "value"


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    taken.add(candidate)
    return candidate
