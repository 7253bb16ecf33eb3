"""The generated package's tests, rendered from `codegen.testplan`: every
sample (bytes and JSON equal the reference's), every invalid case (the
constraint is reported at its path) and the tracker (envelope, policies,
transport failures, deprecation notices)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

from codegen.ir import Kind, Property, Scalar, TypeRef
from codegen.targets import javascript_names as js
from codegen.targets.base import OutputFile
from codegen.testplan import TimestampValue, context_sample, envelope_case, plan

if TYPE_CHECKING:
    from codegen.targets.javascript import Renderer


@dataclass(frozen=True)
class SampleView:
    name: str
    construct: str
    proto_hex: str
    json: str


@dataclass(frozen=True)
class InvalidView:
    name: str
    construct: str
    path: str
    constraint: str


@dataclass(frozen=True)
class RequiredView:
    """A required context value to leave out: its identifier and error path."""

    ident: str
    path: str


class Values:
    """Test-plan values (see codegen.testplan) as TypeScript expressions."""

    def __init__(self, renderer: Renderer) -> None:
        self.model = renderer.model
        self.names = renderer.names
        self.events = {e.name: e for e in self.model.events}
        self.used: set[str] = set()  # names the rendered expressions refer to

    def take_used(self) -> str:
        """The names used since the last call, for an import statement."""
        names, self.used = sorted(self.used), set()
        return ", ".join(names)

    def value(self, ref: TypeRef, value: Any) -> str:
        if ref.kind is Kind.LIST:
            assert ref.element is not None
            return "[" + ", ".join(self.value(ref.element, v) for v in value) + "]"
        if ref.kind is Kind.MAP:
            assert ref.element is not None
            entries = ", ".join(f"[{js.ts_string(k)}]: {self.value(ref.element, v)}" for k, v in value.items())
            return "{ " + entries + " }" if entries else "{}"
        if ref.kind is Kind.ENUM:
            return js.ts_string(value)
        if ref.kind is Kind.OBJECT:
            obj = self.model.object(str(ref.name))
            return self.props(obj.properties, self.names.members[("object", obj.name)], value)
        return self.scalar(ref.scalar or Scalar.STRING, value)

    def scalar(self, scalar: Scalar, value: Any) -> str:
        if scalar is Scalar.STRING:
            return js.ts_string(value)
        if scalar is Scalar.BOOL:
            return "true" if value else "false"
        if scalar in (Scalar.INT64, Scalar.UINT64):
            return js.ts_bigint(int(value))
        if scalar in (Scalar.INT32, Scalar.UINT32):
            return js.ts_number(int(value))
        if scalar in (Scalar.FLOAT, Scalar.DOUBLE):
            return js.ts_number(float(value))
        if scalar is Scalar.BYTES:
            return f"new Uint8Array([{', '.join(str(b) for b in bytes(value))}])"
        assert isinstance(value, TimestampValue)
        self.used.add("Timestamp")
        return f"new Timestamp({js.ts_bigint(value.seconds)}, {value.nanos})"

    def props(self, properties: tuple[Property, ...], idents: dict[str, str], values: Mapping[str, Any]) -> str:
        entries = [f"{idents[p.name]}: {self.value(p.type, values[p.name])}" for p in properties if p.name in values]
        return "{ " + ", ".join(entries) + " }" if entries else "{}"

    def event(self, event_name: str, values: Mapping[str, Any]) -> str:
        event = self.events[event_name]
        idents = self.names.members[("event", event_name)]
        self.used.add(self.names.types[("event", event_name)])
        return f"new {self.names.types[('event', event_name)]}({self.props(event.properties, idents, values)})"

    def context(self, values: Mapping[str, Any]) -> str:
        idents = self.names.members[("context", "")]
        return self.props(self.model.context.properties, idents, values)


def _uses_deprecated(values_of: Values, event_name: str, values: Mapping[str, Any]) -> bool:
    event = values_of.events[event_name]
    if event.deprecation is not None:
        return True
    return any(p.deprecation is not None and p.name in values for p in event.properties)


def test_files(renderer: Renderer, header: str) -> list[OutputFile]:
    model, t = renderer.model, renderer.templates
    if not model.events:
        return []
    values = Values(renderer)
    the_plan = plan(model)
    samples = [SampleView(js.ts_string(s.name), values.event(s.event, s.values), js.ts_string(s.proto_hex),
                          js.ts_string(s.json)) for s in the_plan.samples]
    sample_imports = values.take_used()
    invalid = [InvalidView(js.ts_string(c.name), values.event(c.event, c.values), js.ts_string(c.path),
                           js.ts_string(c.constraint)) for c in the_plan.invalid]
    invalid_imports = values.take_used()
    envelope = envelope_case(model, renderer.package)
    deprecated = [values.event(s.event, s.values) for s in the_plan.samples
                  if _uses_deprecated(values, s.event, s.values)][:1]
    context_idents = renderer.names.members[("context", "")]
    required = [RequiredView(context_idents[p.name], js.ts_string(f"context.{p.name}"))
                for p in model.context.properties if p.is_parameter and p.required][:1]
    tracker = {
        "event": values.event(envelope.event, envelope.values),
        "event_name": js.ts_string(envelope.event),
        "invalid": [values.event(c.event, c.values) for c in the_plan.invalid[:1]],
        "context": values.context(envelope.context),
        "minimal_context": values.context(context_sample(model, full=False)),
        "event_id": js.ts_string(envelope.auto["event_id"]),
        "clock": values.scalar(Scalar.TIMESTAMP, envelope.auto["client_timestamp"]),
        "proto_hex": js.ts_string(envelope.proto_hex),
        "json": js.ts_string(envelope.json),
        "deprecated": deprecated,
        "required": required,
    }
    values.used.discard("Timestamp")  # the tracker test imports it anyway
    tracker_imports = values.take_used()
    out = [OutputFile("test/tracker.test.ts", t.render("tracker.test.ts.j2", header=header,
                                                       imports=tracker_imports, tr=tracker))]
    out.append(OutputFile("test/samples.test.ts", t.render("samples.test.ts.j2", header=header,
                                                           imports=sample_imports, cases=samples)))
    if invalid:
        out.append(OutputFile("test/invalid.test.ts", t.render("invalid.test.ts.j2", header=header,
                                                               imports=invalid_imports, cases=invalid)))
    return out
