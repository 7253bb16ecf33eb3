"""The Swift SDK's own XCTest cases: the test plan as data (`plan.json`,
read by `PlanTests` through the typed builders of `PlanBuilders`, see
`codegen.sdk.vectors`) and the tracker tests, whose values are Swift
expressions through the typed API. Tests that touch deprecated API (a
deprecated event or enum value) are marked deprecated themselves, so that
the package compiles without warnings under `-warnings-as-errors`.
"""

from __future__ import annotations

from typing import Any

from codegen import testplan
from codegen.ir import AutoValue, Model
from codegen.sdk.contract import OutputFile
from codegen.sdk.templates import TemplateSet
from codegen.sdk.vectors import plan_vectors
from codegen.targets.swift import lexical as names
from codegen.targets.swift.builders import builders_view
from codegen.targets.swift.testvalues import DEPRECATED_TEST, ValueWriter


def render_tests(model: Model, nm: Any, templates: TemplateSet, common: dict[str, Any]) -> list[OutputFile]:
    """The test plan as data (plan.json, its typed builders, reader and
    runner), plus the tracker, delivery (HttpTransport against a loopback
    server), runtime and vector tests."""
    folder = f"Tests/{nm.module}Tests"
    writer = ValueWriter(model, nm)
    builders = builders_view(model, nm, templates.memo)
    files = [
        OutputFile(f"{folder}/plan.json", plan_vectors(model)),
        OutputFile(f"{folder}/PlanBuilders.swift", templates.render("tests/plan_builders.swift.j2", **common,
                                                                    b=builders)),
        OutputFile(f"{folder}/PlanNode.swift", templates.render("tests/PlanNode.swift.j2", **common)),
        OutputFile(f"{folder}/PlanTests.swift", templates.render("tests/PlanTests.swift.j2", **common,
                                                                 attributes=builders["attributes"])),
    ]
    if model.events:  # the tracker is tested with an event of the model
        files.append(OutputFile(f"{folder}/TrackerTests.swift", templates.render(
            "tests/tracker.swift.j2", **common, t=tracker_view(model, nm, writer))))
        files.append(OutputFile(f"{folder}/DeliveryTrackerTests.swift", templates.render(
            "tests/DeliveryTrackerTests.swift.j2", **common, t=tracker_view(model, nm, writer))))
    for path in ("RuntimeTests.swift", "VectorTests.swift", "TestSupport.swift", "DeliveryTests.swift",
                 "TestCollector.swift"):
        files.append(OutputFile(f"{folder}/{path}", templates.render(f"tests/{path}.j2", **common)))
    return files


def tracker_view(model: Model, nm: Any, writer: ValueWriter) -> dict[str, Any]:
    """The envelope case (fixed clock and id) plus an invalid event for the
    policies and, when the model has one, a sample using deprecated parts."""
    envelope = testplan.envelope_case(model, nm.module)
    writer.uses_deprecated = False
    context = writer.context(envelope.context)
    event = writer.event(envelope.event, envelope.values)
    auto = envelope.auto
    stamp = auto["client_timestamp"]
    view: dict[str, Any] = {
        "attributes": [DEPRECATED_TEST] if writer.uses_deprecated else [],
        "context": context,
        "event": event,
        "event_name": names.string_literal(envelope.event),
        "event_id": names.string_literal(auto["event_id"]),
        "clock": f"Timestamp(seconds: {stamp.seconds}, nanos: {stamp.nanos})",
        "expected_hex": names.string_literal(envelope.proto_hex),
        "expected_json": names.string_literal(envelope.json),
        "invalid": [],
        "deprecated": [],
        # Where a clock out of range shows up (context paths start with "context.").
        "clock_paths": [names.string_literal(f"context.{p.name}") for p in model.context.properties
                        if p.auto is AutoValue.CLIENT_TIMESTAMP][:1],
    }
    view.update(consent_view(model, nm, writer, envelope))
    case = testplan.first_invalid(model)
    if case is not None:
        writer.uses_deprecated = False
        expr = writer.event(case.event, case.values)
        view["invalid"] = [{"event": expr, "attributes": [DEPRECATED_TEST] if writer.uses_deprecated else [],
                            "constraint": names.string_literal(case.constraint),
                            "path": names.string_literal(case.path),
                            "message": names.string_literal(case.message)}]
    flagged = testplan.deprecated_sample(model)
    if flagged is not None:
        writer.uses_deprecated = False
        expr = writer.event(flagged.event, flagged.values)
        view["deprecated"] = [{"event": expr, "warnings": _string_array(flagged.warnings),
                               "attributes": [DEPRECATED_TEST] if writer.uses_deprecated else []}]
    return view


def consent_view(model: Model, nm: Any, writer: ValueWriter, envelope: Any) -> dict[str, Any]:
    """The consent parts of the tracker tests (see codegen.testplan.consent_case)."""
    from codegen.purposes import purpose_rules

    rules = purpose_rules(model)
    event = next(e for e in model.events if e.name == envelope.event)
    needed = sorted(rules.event_needs(event) | rules.context_needs())
    view: dict[str, Any] = {
        "purpose": nm.purpose_type,
        "purposes": _string_array(envelope.purposes),
        "withheld_message": names.string_literal(f"no consent for event {envelope.event}: {', '.join(needed)}"),
        "withdrawn": f".{nm.purposes[envelope.purposes[0]]}",
        "removal": [],
    }
    removal = testplan.consent_case(model, nm.module)
    if removal is not None:
        writer.uses_deprecated = False
        context, expr = writer.context(removal.context), writer.event(removal.event, removal.values)
        view["removal"] = [{
            "context": context, "event": expr,
            "attributes": [DEPRECATED_TEST] if writer.uses_deprecated else [],
            "granted": "[" + ", ".join(f".{nm.purposes[p]}" for p in removal.auto["consent"]) + "]",
            "proto_hex": names.string_literal(removal.proto_hex), "json": names.string_literal(removal.json),
        }]
    return view


def _string_array(texts: tuple[str, ...]) -> str:
    return "[" + ", ".join(names.string_literal(t) for t in texts) + "]"


def readme_example(model: Model, nm: Any) -> dict[str, str]:
    """A context and an event that validate, for the README."""
    writer = ValueWriter(model, nm)
    if not model.events:
        return {"context": writer.context(testplan.context_sample(model)), "track": "// (the model has no events)"}
    envelope = testplan.envelope_case(model, nm.module)
    return {"context": writer.context(envelope.context),
            "track": f"try tracker.track({writer.event(envelope.event, envelope.values)})"}

