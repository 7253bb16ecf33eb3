"""The generated package's tests, rendered from `codegen.testplan`: every
sample (bytes and JSON equal the reference's), every invalid case (the
constraint is reported at its path), the tracker (envelope, policies,
transport failures, deprecation notices) and the delivery (HttpTransport on
Node against a loopback server)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from codegen.ir import Scalar
from codegen.sdk.contract import OutputFile
from codegen.targets.javascript import lexical as js
from codegen.targets.javascript.testvalues import Values
from codegen.targets.javascript.views import Renderer
from codegen.purposes import purpose_rules
from codegen.testplan import consent_case, context_sample, envelope_case, plan


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
    message: str


@dataclass(frozen=True)
class RequiredView:
    """A required context value to leave out: its identifier and error path."""

    ident: str
    path: str


def consent_view(renderer: Renderer, envelope: Any, values: Values) -> dict[str, Any]:
    """The consent parts of the tracker tests (see codegen.testplan.consent_case)."""
    model = renderer.model
    rules = purpose_rules(model)
    event = next(e for e in model.events if e.name == envelope.event)
    needed = sorted(rules.event_needs(event) | rules.context_needs())
    removal = consent_case(model, renderer.package)
    return {
        "purpose_type": renderer.names.types[("purpose", "")],
        "purposes": "[" + ", ".join(js.ts_string(p) for p in envelope.purposes) + "]",
        "withheld_message": js.ts_string(f"no consent for event {envelope.event}: {', '.join(needed)}"),
        "withdrawn": js.ts_string(envelope.purposes[0]),
        "removal": [] if removal is None else [{
            "context": values.context(removal.context),
            "event": values.event(removal.event, removal.values),
            "granted": "[" + ", ".join(js.ts_string(p) for p in removal.auto["consent"]) + "]",
            "proto_hex": js.ts_string(removal.proto_hex),
            "json": js.ts_string(removal.json),
        }],
    }


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
                           js.ts_string(c.constraint), js.ts_string(c.message)) for c in the_plan.invalid]
    invalid_imports = values.take_used()
    envelope = envelope_case(model, renderer.package)
    flagged = max((s for s in the_plan.samples if s.warnings), key=lambda s: len(s.warnings), default=None)
    deprecated = [] if flagged is None else [{
        "event": values.event(flagged.event, flagged.values),
        "warnings": "[" + ", ".join(js.ts_string(w) for w in flagged.warnings) + "]",
    }]
    context_idents = renderer.names.members[("context", "")]
    required = [RequiredView(context_idents[p.name], js.ts_string(f"context.{p.name}"))
                for p in model.context.properties if p.is_parameter and p.required][:1]
    tracker = {
        "event": values.event(envelope.event, envelope.values),
        "event_name": js.ts_string(envelope.event),
        "invalid": [{"event": values.event(c.event, c.values), "message": js.ts_string(c.message)}
                    for c in the_plan.invalid[:1]],
        "context": values.context(envelope.context),
        "minimal_context": values.context(context_sample(model, full=False)),
        "event_id": js.ts_string(envelope.auto["event_id"]),
        "clock": values.scalar(Scalar.TIMESTAMP, envelope.auto["client_timestamp"]),
        "proto_hex": js.ts_string(envelope.proto_hex),
        "json": js.ts_string(envelope.json),
        "deprecated": deprecated,
        "required": required,
        **consent_view(renderer, envelope, values),
    }
    values.used.discard("Timestamp")  # the tracker test imports it anyway
    tracker_imports = values.take_used()
    delivery = {"event": tracker["event"], "context": tracker["context"], "clock": tracker["clock"]}
    for expression in (values.event(envelope.event, envelope.values), values.context(envelope.context),
                       values.scalar(Scalar.TIMESTAMP, envelope.auto["client_timestamp"])):
        assert expression in delivery.values()
    values.used.discard("Timestamp")
    delivery_imports = values.take_used()
    out = [OutputFile("test/tracker.test.ts", t.render("tracker.test.ts.j2", header=header,
                                                       imports=tracker_imports, tr=tracker))]
    out.append(OutputFile("test/delivery.test.ts", t.render("delivery.test.ts.j2", header=header,
                                                            imports=delivery_imports, tr=delivery)))
    out.append(OutputFile("test/samples.test.ts", t.render("samples.test.ts.j2", header=header,
                                                           imports=sample_imports, cases=samples)))
    if invalid:
        out.append(OutputFile("test/invalid.test.ts", t.render("invalid.test.ts.j2", header=header,
                                                               imports=invalid_imports, cases=invalid)))
    return out
