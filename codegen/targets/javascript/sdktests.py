"""The generated package's tests: the test plan as data (`test/plan.json`,
read by the hand-written `test/plan.test.ts` through the typed builders of
`test/plan-builders.ts`), the tracker (envelope, policies, transport
failures, deprecation notices) and the delivery (HttpTransport on Node
against a loopback server)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from codegen.ir import Scalar
from codegen.sdk.contract import OutputFile
from codegen.sdk.vectors import plan_vectors
from codegen.targets.javascript import lexical as js
from codegen.targets.javascript.builders import builders_module
from codegen.targets.javascript.testvalues import Values
from codegen.targets.javascript.views import Renderer
from codegen.purposes import purpose_rules
from codegen.testplan import consent_case, context_sample, deprecated_sample, envelope_case, first_invalid


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
    invalid = first_invalid(model)
    envelope = envelope_case(model, renderer.package)
    flagged = deprecated_sample(model)
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
                    for c in ([invalid] if invalid else [])],
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
    out.append(OutputFile("test/plan-builders.ts", t.render("plan-builders.ts.j2", header=header,
                                                            **builders_module(model, renderer.names, t.memo))))
    out.append(OutputFile("test/plan.json", plan_vectors(model)))
    return out
