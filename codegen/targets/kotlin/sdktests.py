"""The generated package's own JUnit 5 tests, rendered from the language-neutral
test plan: one test class per event (samples and invalid cases), and the
tracker and delivery (HttpTransport) tests around the reference envelope."""

from __future__ import annotations

import re
from typing import Any, Iterator

from codegen import testplan
from codegen.ir import Model
from codegen.naming import pascal
from codegen.sdk.names import NameAllocator, numbered
from codegen.targets.kotlin import lexical as kn
from codegen.targets.kotlin import views as kv
from codegen.targets.kotlin.testvalues import ValueWriter


def _method_names(prefix: str, case_names: list[str]) -> list[str]:
    raw = [prefix + pascal(re.sub(r"[^a-z0-9]+", "_", name.lower())) for name in case_names]
    return NameAllocator((), numbered()).claim_all("methods", raw)


def event_tests(model: Model, names: kv.Names) -> Iterator[tuple[str, dict[str, Any]]]:
    """(class name, template context) of one test class per event with cases."""
    plan = testplan.plan(model)
    writer = ValueWriter(model, names)
    samples_of: dict[str, list[testplan.SampleCase]] = {}
    invalid_of: dict[str, list[testplan.InvalidCase]] = {}
    for sample in plan.samples:
        samples_of.setdefault(sample.event, []).append(sample)
    for case in plan.invalid:
        invalid_of.setdefault(case.event, []).append(case)
    for event in model.events:
        samples = samples_of.get(event.name, [])
        invalid = invalid_of.get(event.name, [])
        if not samples and not invalid:
            continue
        class_name = names.allocate.claim("types", names.of(event.name) + "Test")
        sample_views = [
            {"method": method, "build": writer.event(s.event, s.values),
             "proto_hex": kn.string_literal(s.proto_hex), "json": kn.string_literal(s.json),
             "warnings": _string_list(s.warnings) if s.warnings else ""}
            for method, s in zip(_method_names("sample", [s.name for s in samples]), samples)
        ]
        invalid_views = [
            {"method": method, "build": writer.event(c.event, c.values),
             "constraint": kn.string_literal(c.constraint), "path": kn.string_literal(c.path),
             "message": kn.string_literal(c.message)}
            for method, c in zip(_method_names("invalid", [c.name for c in invalid]), invalid)
        ]
        yield class_name, {"class_name": class_name, "samples": sample_views, "invalid": invalid_views}


def tracker_test(model: Model, names: kv.Names, sdk_name: str) -> dict[str, Any]:
    """The reference envelope (fixed event id and clock) and its pieces."""
    case = testplan.envelope_case(model, sdk_name)
    writer = ValueWriter(model, names)
    clock = case.auto["client_timestamp"]
    samples = testplan.plan(model).samples
    flagged = max((s for s in samples if s.warnings), key=lambda s: len(s.warnings), default=None)
    return {
        "deprecated": [] if flagged is None else [
            {"build": writer.event(flagged.event, flagged.values), "warnings": _string_list(flagged.warnings)}],
        "context": writer.context(case.context),
        "event": writer.event(case.event, case.values),
        "event_id": kn.string_literal(case.auto["event_id"]),
        "clock": f"Timestamp({kn.int_literal(clock.seconds, 'int64')}, {clock.nanos})",
        "proto_hex": kn.string_literal(case.proto_hex),
        "json": kn.string_literal(case.json),
        "invalid_contexts": [
            {"build": writer.context(values),
             "constraint": kn.string_literal(constraint), "path": kn.string_literal("context." + path)}
            for path, constraint, values in _broken_contexts(model)
        ],
        **consent_test(model, names, sdk_name, case, writer),
    }


def consent_test(model: Model, names: kv.Names, sdk_name: str, case: Any, writer: ValueWriter) -> dict[str, Any]:
    """The consent parts of the tracker tests (see codegen.testplan.consent_case)."""
    from codegen.purposes import purpose_rules

    rules = purpose_rules(model)
    entries = {p["wire_name"]: p["name"] for p in kv.purpose_view(model, names)["entries"]}
    member = {p.name: f"{names.purpose}.{entries[kn.string_literal(p.name)]}" for p in model.purposes}
    event = next(e for e in model.events if e.name == case.event)
    needed = sorted(rules.event_needs(event) | rules.context_needs())
    removal = testplan.consent_case(model, sdk_name)
    return {
        "purpose": names.purpose,
        "purposes": "listOf(" + ", ".join(kn.string_literal(p) for p in case.purposes) + ")",
        "withheld_message": kn.string_literal(f"no consent for event {case.event}: {', '.join(needed)}"),
        "withdrawn": member[case.purposes[0]],
        "removal": [] if removal is None else [{
            "context": writer.context(removal.context),
            "event": writer.event(removal.event, removal.values),
            "granted": "setOf(" + ", ".join(member[p] for p in removal.auto["consent"]) + ")",
            "proto_hex": kn.string_literal(removal.proto_hex),
            "json": kn.string_literal(removal.json),
        }],
    }


def _string_list(texts: tuple[str, ...]) -> str:
    return "listOf(" + ", ".join(kn.string_literal(t) for t in texts) + ")"


def _broken_contexts(model: Model) -> list[tuple[str, str, dict[str, Any]]]:
    """One invalid context per constraint, found as the test plan finds invalid events."""
    from codegen.reference.invalid import InvalidFinder
    from codegen.reference.samples import Sampler

    return list(InvalidFinder(model, Sampler(model)).broken(model.context.properties, "context"))


def test_files(model: Model, names: kv.Names) -> list[tuple[str, str, dict[str, Any]]]:
    """(path below the test folder, template, context) of every rendered test."""
    files = [(f"{cls}.kt", "test_event.kt.j2", ctx) for cls, ctx in event_tests(model, names)]
    if model.events:  # the tracker and delivery tests send the reference envelope of an event
        package = kv.settings(model)["package"]
        envelope = tracker_test(model, names, package)
        files.append(("TrackerTest.kt", "test_tracker.kt.j2", envelope))
        files.append(("DeliveryTrackerTest.kt", "test_delivery.kt.j2", envelope))
    return files


def readme_example(model: Model, names: kv.Names) -> dict[str, str]:
    """A tracker and one event for the README: the test plan's smallest valid values."""
    writer = ValueWriter(model, names)
    context = writer.context(testplan.context_sample(model, full=False))
    sample = testplan.plan(model).samples[0] if model.events else None
    event = "event" if sample is None else writer.event(sample.event, sample.values)
    return {"context": context, "event": event}
