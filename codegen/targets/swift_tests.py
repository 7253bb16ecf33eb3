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
from codegen.ir import AutoValue, Kind, Model, Property, Scalar, TypeRef
from codegen.render import TemplateSet
from codegen.targets import swift_names as names
from codegen.targets.base import OutputFile

DEPRECATED_TEST = '@available(*, deprecated, message: "exercises deprecated API on purpose")'


class ValueWriter:
    """Swift expressions for test-plan values of one model."""

    def __init__(self, model: Model, nm: Any) -> None:
        self.model = model
        self.nm = nm
        self.events = {e.name: e for e in model.events}
        self.objects = {o.name: o for o in model.objects}
        self.deprecated_values = {(e.name, v.name) for e in model.enums for v in e.values if v.deprecation}
        self.uses_deprecated = False  # set while writing a value that needs DEPRECATED_TEST

    def value(self, ref: TypeRef, value: Any) -> str:
        if ref.kind is Kind.LIST:
            assert ref.element is not None
            return "[" + ", ".join(self.value(ref.element, v) for v in value) + "]"
        if ref.kind is Kind.MAP:
            assert ref.element is not None
            if not value:
                return "[:]"
            return "[" + ", ".join(f"{names.string_literal(k)}: {self.value(ref.element, v)}"
                                   for k, v in value.items()) + "]"
        if ref.kind is Kind.ENUM:
            if (ref.name, value) in self.deprecated_values:
                self.uses_deprecated = True
            return f"{self.nm.type_of(ref)}.{self.nm.cases[ref.name or ''][value]}"
        if ref.kind is Kind.OBJECT:
            obj = self.objects[ref.name or ""]
            return self.construct(self.nm.type_of(ref), ("object", obj.name), obj.properties, value)
        assert ref.scalar is not None
        return self.scalar(ref.scalar, value)

    def scalar(self, scalar: Scalar, value: Any) -> str:
        if scalar is Scalar.STRING:
            return names.string_literal(value)
        if scalar is Scalar.BOOL:
            return "true" if value else "false"
        if scalar is Scalar.FLOAT:
            return names.float_literal(float(value))
        if scalar is Scalar.DOUBLE:
            return names.double_literal(float(value))
        if scalar is Scalar.BYTES:
            return "[" + ", ".join(f"0x{b:02x}" for b in bytes(value)) + "]"
        if scalar is Scalar.TIMESTAMP:
            return f"Timestamp(seconds: {value.seconds}, nanos: {value.nanos})"
        return names.integer_literal(value)

    def construct(self, type_name: str, scope: tuple[str, str], properties: tuple[Property, ...],
                  values: Mapping[str, Any]) -> str:
        idents = self.nm.members[scope]
        args = [f"{idents[p.name]}: {self.value(p.type, values[p.name])}"
                for p in properties if p.name in values and p.is_parameter]
        return f"{type_name}(" + ", ".join(args) + ")"

    def event(self, name: str, values: Mapping[str, Any]) -> str:
        event = self.events[name]
        if event.deprecation is not None:
            self.uses_deprecated = True
        return self.construct(self.nm.types[("event", name)], ("event", name), event.properties, values)

    def context(self, values: Mapping[str, Any]) -> str:
        return self.construct(self.nm.context_type, ("context", ""), self.model.context.properties, values)


@dataclass
class CaseView:
    method: str
    attributes: list[str]
    event: str  # Swift expression building the event
    expected_hex: str = ""
    expected_json: str = ""
    constraint: str = ""
    path: str = ""


def method_name(case_name: str, taken: set[str]) -> str:
    base = "test_" + re.sub(r"[^A-Za-z0-9_]+", "_", case_name)
    return names.escape(base, taken=taken)


def _case(writer: ValueWriter, event: str, values: Mapping[str, Any], name: str, taken: set[str]) -> CaseView:
    writer.uses_deprecated = False
    expr = writer.event(event, values)
    view = CaseView(method_name(name, taken), [DEPRECATED_TEST] if writer.uses_deprecated else [], expr)
    taken.add(view.method)
    return view


def render_tests(model: Model, nm: Any, templates: TemplateSet, common: dict[str, Any]) -> list[OutputFile]:
    """One test class per event (small files compile in parallel), plus the
    tracker, runtime and vector tests."""
    folder = f"Tests/{nm.module}Tests"
    plan = testplan.plan(model)
    writer = ValueWriter(model, nm)
    types = set(nm.types.values())
    by_event: dict[str, dict[str, Any]] = {
        e.name: {"cls": names.escape(nm.types[("event", e.name)] + "EventTests", taken=types),
                 "samples": [], "invalid": [], "taken": set()}
        for e in model.events}
    for sample in plan.samples:
        group = by_event[sample.event]
        view = _case(writer, sample.event, sample.values, sample.name, group["taken"])
        view.expected_hex = names.string_literal(sample.proto_hex)
        view.expected_json = names.string_literal(sample.json)
        group["samples"].append(view)
    for case in plan.invalid:
        group = by_event[case.event]
        view = _case(writer, case.event, case.values, case.name, group["taken"])
        view.constraint = names.string_literal(case.constraint)
        view.path = names.string_literal(case.path)
        group["invalid"].append(view)
    files = [
        OutputFile(f"{folder}/Events/{group['cls']}.swift", templates.render("tests/event.swift.j2", **common, e=group))
        for group in by_event.values() if group["samples"] or group["invalid"]
    ]
    if plan.samples:  # the tracker is tested with an event of the model
        files.append(OutputFile(f"{folder}/TrackerTests.swift", templates.render(
            "tests/tracker.swift.j2", **common, t=tracker_view(model, nm, writer))))
    for path in ("RuntimeTests.swift", "VectorTests.swift", "TestSupport.swift"):
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
    if plan.invalid:
        case = plan.invalid[0]
        writer.uses_deprecated = False
        expr = writer.event(case.event, case.values)
        view["invalid"] = [{"event": expr, "attributes": [DEPRECATED_TEST] if writer.uses_deprecated else [],
                            "constraint": names.string_literal(case.constraint),
                            "path": names.string_literal(case.path)}]
    for sample in plan.samples:
        keys = deprecated_keys(writer.events[sample.event], sample.values)
        if keys:
            writer.uses_deprecated = False
            expr = writer.event(sample.event, sample.values)
            view["deprecated"] = [{"event": expr, "count": len(keys),
                                   "attributes": [DEPRECATED_TEST] if writer.uses_deprecated else []}]
            break
    return view


def readme_example(model: Model, nm: Any) -> dict[str, str]:
    """A context and an event that validate, for the README."""
    writer = ValueWriter(model, nm)
    if not testplan.plan(model).samples:
        return {"context": writer.context(testplan.context_sample(model)), "track": "// (the model has no events)"}
    envelope = testplan.envelope_case(model, nm.module)
    return {"context": writer.context(envelope.context),
            "track": f"try tracker.track({writer.event(envelope.event, envelope.values)})"}


def deprecated_keys(event: Any, values: Mapping[str, Any]) -> list[str]:
    """What the tracker warns about for this sample: the event, set properties."""
    keys = [""] if event.deprecation else []
    keys += [p.name for p in event.properties if p.deprecation and (p.name in values or p.const is not None)]
    return keys
