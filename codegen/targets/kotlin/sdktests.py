"""The generated package's own JUnit 5 tests: the test plan as data
(`plan.json` among the test resources, read by the hand-written `PlanTest`
through the typed builders of `PlanBuilders` and `PlanEventsN`), and the
tracker and delivery (HttpTransport) tests around the reference envelope."""

from __future__ import annotations

from typing import Any

from codegen import testplan
from codegen.ir import Model
from codegen.sdk.memo import NO_MEMO, Memo
from codegen.targets.kotlin import lexical as kn
from codegen.targets.kotlin import views as kv
from codegen.targets.kotlin.builders import builder_files
from codegen.targets.kotlin.testvalues import ValueWriter


def tracker_test(model: Model, names: kv.Names, sdk_name: str) -> dict[str, Any]:
    """The reference envelope (fixed event id and clock) and its pieces."""
    case = testplan.envelope_case(model, sdk_name)
    writer = ValueWriter(model, names)
    clock = case.auto["client_timestamp"]
    flagged = testplan.deprecated_sample(model)
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


def test_files(model: Model, names: kv.Names, memo: Memo = NO_MEMO) -> list[tuple[str, str, dict[str, Any]]]:
    """(path below the test folder, template, context) of every rendered test;
    the plan's vectors go among the test resources."""
    files: list[tuple[str, str, dict[str, Any]]] = [
        (f"{cls}.kt", "plan_builders.kt.j2" if cls == "PlanBuilders" else "plan_events.kt.j2", ctx)
        for cls, ctx in builder_files(model, names, memo)]
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
    sample = testplan.first_sample(model)
    event = "event" if sample is None else writer.event(sample.event, sample.values)
    return {"context": context, "event": event}
