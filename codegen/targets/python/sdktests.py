"""The generated package's own tests: the test plan as data (`tests/plan.json`,
read by `tests/test_plan.py` through the typed builders of
`tests/plan_builders.py`), the tracker, its delivery (HttpTransport) and
the shared wire vectors."""

from __future__ import annotations

from typing import Any

from codegen.sdk.memo import NO_MEMO, Memo
from codegen.targets.python import lexical as names
from codegen.targets.python.builders import Builders
from codegen.targets.python.testvalues import INDENT, Values, lines
from codegen.testplan import consent_case, deprecated_sample, envelope_case, first_invalid


def test_files(views: Any, memo: Memo = NO_MEMO) -> list[tuple[str, str, dict[str, Any]]]:
    """(path, template, context) of each rendered test; the plan's vectors
    come separately (`plan_vectors`)."""
    model = views.model
    pkg = views.names.package
    files: list[tuple[str, str, dict[str, Any]]] = [
        ("tests/plan_builders.py", "tests/plan_builders.py.j2",
         {"package": pkg, **Builders(model, views.names).module(memo)}),
        ("tests/plan_support.py", "tests/plan_support.py.j2", {"package": pkg}),
        ("tests/test_plan.py", "tests/test_plan.py.j2", {"package": pkg}),
    ]
    files.append(tracker_tests(views))
    files.append(delivery_tests(views))
    files.append(("tests/test_vectors.py", "tests/test_vectors.py.j2", {"package": pkg}))
    return files


def tracker_tests(views: Any) -> tuple[str, str, dict[str, Any]]:
    model = views.model
    pkg = views.names.package
    values = Values(views)
    case = envelope_case(model, sdk_name=pkg)
    fixed = case.auto["client_timestamp"]
    context = {
        "context": lines(values.context(case.context), INDENT, "return "),
        "event": lines(values.event(case.event, case.values), INDENT, "return "),
        "event_type": views.names.types[("event", case.event)],
        "event_name": names.py_str(case.event),
        "event_id": names.py_str(case.auto["event_id"]),
        "seconds": fixed.seconds,
        "nanos": fixed.nanos,
        "proto_hex": names.py_str(case.proto_hex),
        "json": names.py_str(case.json),
        "package": pkg,
        "sdk_name": names.py_str(pkg),
    }
    bad = first_invalid(model)
    context["invalid"] = None
    if bad is not None:
        context["invalid"] = {
            "type": views.names.types[("event", bad.event)],
            "lines": lines(values.event(bad.event, bad.values), INDENT, "return "),
            "path": names.py_str(bad.path),
            "constraint": names.py_str(bad.constraint),
            "message": names.py_str(bad.message),
        }
    flagged = deprecated_sample(views.model)
    context["deprecated"] = None
    if flagged is not None:
        context["deprecated"] = {
            "type": views.names.types[("event", flagged.event)],
            "lines": lines(values.event(flagged.event, flagged.values), INDENT, "return "),
            "warnings": [names.py_str(w) for w in flagged.warnings],
        }
    context.update(consent_context(views, case, values))
    runtime = {"TrackingContext", "InMemoryTransport", "Policy", "SdkError", "Timestamp", "TrackedEvent",
               "Tracker", "TransportError", "ValidationError", "ConsentError", "ALL_PURPOSES", "DEFAULT_CONSENT",
               views.names.purpose_type}
    context["imports"] = _imports(pkg, values.used | runtime)
    return "tests/test_tracker.py", "tests/test_tracker.py.j2", context


def consent_context(views: Any, case: Any, values: Values) -> dict[str, Any]:
    """The tracker tests' consent parts: the envelope's purposes, the text of
    its ConsentError without any consent, and the model's case of a value
    removed for want of its purpose (None when no value can be)."""
    model = views.model
    from codegen.purposes import purpose_rules

    rules = purpose_rules(model)
    needed = sorted(rules.event_needs(next(e for e in model.events if e.name == case.event)) | rules.context_needs())
    out: dict[str, Any] = {
        "purposes": [names.py_str(p) for p in case.purposes],
        "withdrawn": purpose_member(views, case.purposes[0]),
        "purpose_literal": names.py_str(case.purposes[0]),
        "withheld_message": names.py_str(f"no consent for event {case.event}: {', '.join(needed)}"),
        "removal": None,
    }
    removal = consent_case(model, views.names.package)
    if removal is not None:
        out["removal"] = {
            "type": views.names.types[("event", removal.event)],
            "event": lines(values.event(removal.event, removal.values), INDENT, "return "),
            "context": lines(values.context(removal.context), INDENT, "return "),
            "granted": [purpose_member(views, p) for p in removal.auto["consent"]],
            "proto_hex": names.py_str(removal.proto_hex),
            "json": names.py_str(removal.json),
        }
    return out


def delivery_tests(views: Any) -> tuple[str, str, dict[str, Any]]:
    """HttpTransport's own tests: they track the envelope case's event."""
    model = views.model
    pkg = views.names.package
    values = Values(views)
    case = envelope_case(model, sdk_name=pkg)
    context = {
        "context": lines(values.context(case.context), INDENT, "return "),
        "event": lines(values.event(case.event, case.values), INDENT, "return "),
        "event_type": views.names.types[("event", case.event)],
        "package": pkg,
        "sdk_name": names.py_str(pkg),
    }
    runtime = {names.CONTEXT_CLASS, "DeliveryError", "DeliveryOptions", "DroppedEvent", "HttpTransport", "SdkError",
               "Timestamp", "Tracker", "TransportError", "ALL_PURPOSES", views.names.purpose_type}
    context["withdrawn"] = purpose_member(views, case.purposes[0])
    context["imports"] = _imports(pkg, values.used | runtime)
    return "tests/test_delivery.py", "tests/test_delivery.py.j2", context


def purpose_member(views: Any, purpose: str) -> str:
    return f"{views.names.purpose_type}.{views.names.purposes[purpose]}"


def _imports(package: str, used: set[str]) -> list[str]:
    return names.import_lines(package, used) if used else []


def readme_example(views: Any) -> list[str]:
    """A short usage example: the first event with its required values."""
    from codegen.reference.samples import MINIMAL, Sampler

    if not views.model.events:
        return []
    event = views.model.events[0]
    sample = Sampler(views.model).message(event.properties, MINIMAL)
    return lines(Values(views).event(event.name, sample), "", "event = ")
