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
from dataclasses import dataclass
from typing import Any, Mapping

from codegen.reference.values import TimestampValue

__all__ = ["EnvelopeCase", "InvalidCase", "SampleCase", "TestPlan", "TimestampValue", "context_sample",
           "envelope_case", "plan"]


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


_CACHE: dict[str, Any] = {}


def plan(model: Any) -> TestPlan:
    """Samples (minimal, zero, full, edge) of every event and one invalid
    case per constraint, with the reference's bytes and JSON. Deterministic;
    computed once per model object, as every target asks for it. (Tests
    check that samples validate and each invalid case breaks its constraint.)"""
    cached = _CACHE.get("plan")
    if cached is not None and cached[0] is model:
        return cached[1]  # type: ignore[no-any-return]
    from codegen.reference import reference_for
    from codegen.reference.invalid import InvalidFinder
    from codegen.reference.samples import VARIANTS, Sampler

    ref = reference_for(model)
    sampler = Sampler(model)
    samples: list[SampleCase] = []
    names: set[str] = set()
    for event in model.events:
        seen: list[Mapping[str, Any]] = []
        for variant in VARIANTS:
            values = sampler.message(event.properties, variant)
            if values in seen:
                continue
            seen.append(values)
            encoded = ref.event(event.name, values)
            name = _unique(f"{event.name}_{variant}", names)
            warnings = tuple(ref.deprecation_warnings(event.name, values))
            samples.append(SampleCase(event.name, name, values, encoded.proto_hex, encoded.json, warnings))
    finder = InvalidFinder(model, sampler)
    invalid: list[InvalidCase] = []
    for event in model.events:
        for path, constraint, values in finder.broken(event.properties, f"event:{event.name}"):
            name = _unique(f"{event.name}_{_slug(path)}_{constraint}", names)
            message = ref.validation_error(event.name, values)
            invalid.append(InvalidCase(event.name, name, values, constraint, path, message))
    result = TestPlan(tuple(samples), tuple(invalid))
    _CACHE["plan"] = (model, result)
    return result


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

    samples = plan(model).samples
    if not samples:
        raise ValueError(f"model {model.name} has no events")
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
    None when no value of the model can be removed."""
    from codegen.purposes import purpose_rules
    from codegen.reference import reference_for
    from codegen.templates.python.runtime.consent import withheld

    rules = purpose_rules(model)
    ref = reference_for(model)
    context = context_sample(model)
    events = {e.name: e for e in model.events}
    for sample in plan(model).samples:
        if sample.name != f"{sample.event}_full":
            continue
        granted = rules.event_needs(events[sample.event]) | rules.context_needs()
        stamp = tuple(p.name for p in model.purposes if p.name in granted)
        auto = {**FIXED_AUTO, "model_version": model.version, "sdk_name": sdk_name,
                "sdk_version": sdk_version or model.version, "consent": stamp}
        removed = withheld(ref.event_message(sample.event, sample.values), granted) + withheld(
            ref.context_message(context), granted)
        if removed:
            tracked = ref.consented_envelope(sample.event, sample.values, context, auto, granted)
            assert tracked.encoded is not None
            return EnvelopeCase(sample.event, sample.values, context, auto, tracked.encoded.proto_hex,
                                tracked.encoded.json, tracked.purposes)
    return None


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", path.lower()).strip("_") or "value"


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    taken.add(candidate)
    return candidate
