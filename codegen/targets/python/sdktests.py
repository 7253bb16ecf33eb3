"""The generated package's own tests, rendered from the test plan: every
sample, every invalid case, the tracker, its delivery (HttpTransport) and
the shared wire vectors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from codegen.targets.python import lexical as names
from codegen.targets.python.testvalues import INDENT, Atom, Expr, Values, lines
from codegen.testplan import consent_case, envelope_case, plan

def case_lines(items: list[Expr], indent: str) -> list[str]:
    """One parametrize case: a tuple of `items`, exploded."""
    out = [f"{indent}("]
    for item in items:
        out += lines(item, indent + INDENT, "", ",")
    return out + [f"{indent}),"]


def _deprecated_sample(samples: Any) -> Any:
    """The sample with the most deprecation warnings (the first of those)."""
    return max((s for s in samples if s.warnings), key=lambda s: len(s.warnings), default=None)


def test_files(views: Any) -> list[tuple[str, str, dict[str, Any]]]:
    model = views.model
    nm = views.names
    pkg = nm.package
    test_plan = plan(model)
    files: list[tuple[str, str, dict[str, Any]]] = []

    values = Values(views)
    samples = []
    for sample in test_plan.samples:
        items: list[Expr] = [Atom(names.py_str(sample.name)), values.event(sample.event, sample.values),
                             Atom(names.py_str(sample.proto_hex)), Atom(names.py_str(sample.json))]
        samples.append(case_lines(items, INDENT))
    files.append(("tests/test_samples.py", "tests/test_samples.py.j2",
                  {"package": pkg, "imports": _imports(pkg, values.used), "cases": samples}))

    values = Values(views)
    invalid = []
    for case in test_plan.invalid:
        items = [Atom(names.py_str(case.name)), values.event(case.event, case.values),
                 Atom(names.py_str(case.path)), Atom(names.py_str(case.constraint))]
        invalid.append(case_lines(items, INDENT))
    files.append(("tests/test_invalid.py", "tests/test_invalid.py.j2",
                  {"package": pkg, "imports": _imports(pkg, values.used), "cases": invalid}))

    files.append(tracker_tests(views, test_plan))
    files.append(delivery_tests(views, test_plan))
    files.append(("tests/test_vectors.py", "tests/test_vectors.py.j2", {"package": pkg}))
    return files


def tracker_tests(views: Any, test_plan: Any) -> tuple[str, str, dict[str, Any]]:
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
    bad = test_plan.invalid[0] if test_plan.invalid else None
    context["invalid"] = None
    if bad is not None:
        context["invalid"] = {
            "type": views.names.types[("event", bad.event)],
            "lines": lines(values.event(bad.event, bad.values), INDENT, "return "),
            "path": names.py_str(bad.path),
            "constraint": names.py_str(bad.constraint),
            "message": names.py_str(bad.message),
        }
    flagged = _deprecated_sample(test_plan.samples)
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


def delivery_tests(views: Any, test_plan: Any) -> tuple[str, str, dict[str, Any]]:
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
