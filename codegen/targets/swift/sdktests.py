"""The Swift SDK's own XCTest cases, rendered from `codegen.testplan`.

Test-plan values become Swift expressions through the typed API (the same
initializers an app calls). Cases that touch deprecated API (a deprecated
event or enum value) are marked deprecated themselves, so that the package
compiles without warnings under `-warnings-as-errors`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from codegen import testplan
from codegen.ir import AutoValue, Model
from codegen.sdk.contract import OutputFile
from codegen.sdk.names import NameAllocator
from codegen.sdk.templates import TemplateSet
from codegen.targets.swift import lexical as names
from codegen.targets.swift.testvalues import DEPRECATED_TEST, ValueWriter


@dataclass
class CaseView:
    method: str
    attributes: list[str]
    event: str  # Swift expression building the event
    expected_hex: str = ""
    expected_json: str = ""
    constraint: str = ""
    path: str = ""
    message: str = ""  # the ValidationError's text
    warnings: str = ""  # Swift array literal of the deprecation warnings, "" when none


def method_base(case_name: str) -> str:
    return "test_" + re.sub(r"[^A-Za-z0-9_]+", "_", case_name)


def _case(writer: ValueWriter, event: str, values: Mapping[str, Any], name: str,
          methods: NameAllocator, cls: str) -> CaseView:
    writer.uses_deprecated = False
    expr = writer.event(event, values)
    return CaseView(methods.claim(cls, method_base(name)), [DEPRECATED_TEST] if writer.uses_deprecated else [], expr)


def render_tests(model: Model, nm: Any, templates: TemplateSet, common: dict[str, Any]) -> list[OutputFile]:
    """One test class per event (small files compile in parallel), plus the
    tracker, delivery (HttpTransport against a loopback server), runtime and
    vector tests."""
    folder = f"Tests/{nm.module}Tests"
    plan = testplan.plan(model)
    writer = ValueWriter(model, nm)
    classes = NameAllocator(names.RESERVED)
    classes.block("classes", nm.types.values())
    methods = NameAllocator(names.RESERVED)
    by_event: dict[str, dict[str, Any]] = {
        e.name: {"cls": classes.claim("classes", nm.types[("event", e.name)] + "EventTests"),
                 "samples": [], "invalid": []}
        for e in model.events}
    for sample in plan.samples:
        group = by_event[sample.event]
        view = _case(writer, sample.event, sample.values, sample.name, methods, group["cls"])
        view.expected_hex = names.string_literal(sample.proto_hex)
        view.expected_json = names.string_literal(sample.json)
        view.warnings = _string_array(sample.warnings) if sample.warnings else ""
        group["samples"].append(view)
    for case in plan.invalid:
        group = by_event[case.event]
        view = _case(writer, case.event, case.values, case.name, methods, group["cls"])
        view.constraint = names.string_literal(case.constraint)
        view.path = names.string_literal(case.path)
        view.message = names.string_literal(case.message)
        group["invalid"].append(view)
    files = [
        OutputFile(f"{folder}/Events/{group['cls']}.swift", templates.render("tests/event.swift.j2", **common, e=group))
        for group in by_event.values() if group["samples"] or group["invalid"]
    ]
    if plan.samples:  # the tracker is tested with an event of the model
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
    plan = testplan.plan(model)
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
    if plan.invalid:
        case = plan.invalid[0]
        writer.uses_deprecated = False
        expr = writer.event(case.event, case.values)
        view["invalid"] = [{"event": expr, "attributes": [DEPRECATED_TEST] if writer.uses_deprecated else [],
                            "constraint": names.string_literal(case.constraint),
                            "path": names.string_literal(case.path),
                            "message": names.string_literal(case.message)}]
    flagged = max((s for s in plan.samples if s.warnings), key=lambda s: len(s.warnings), default=None)
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
    if not testplan.plan(model).samples:
        return {"context": writer.context(testplan.context_sample(model)), "track": "// (the model has no events)"}
    envelope = testplan.envelope_case(model, nm.module)
    return {"context": writer.context(envelope.context),
            "track": f"try tracker.track({writer.event(envelope.event, envelope.values)})"}

