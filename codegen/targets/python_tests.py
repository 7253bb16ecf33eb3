"""The generated package's own tests, rendered from the test plan.

Test-plan values become typed constructor expressions (`Content(kind=...)`),
laid out the way black lays out exploded calls: one argument per line and a
magic trailing comma, so the files are black-stable as emitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Union

from codegen.ir import Event, Kind, Property, Scalar, TypeRef
from codegen.targets import python_names as names
from codegen.testplan import TimestampValue, envelope_case, plan

INDENT = "    "


@dataclass
class Atom:
    text: str


@dataclass
class Call:
    func: str
    args: list[tuple[str, Expr]]


@dataclass
class Seq:
    items: list[Expr]


@dataclass
class Dict:
    items: list[tuple[str, Expr]]


Expr = Union[Atom, Call, Seq, Dict]


def inline(expr: Expr) -> str:
    """`expr` on one line (no trailing commas, so black keeps it joined)."""
    if isinstance(expr, Atom):
        return expr.text
    if isinstance(expr, Call):
        return expr.func + "(" + ", ".join(f"{k}={inline(v)}" for k, v in expr.args) + ")"
    if isinstance(expr, Seq):
        return "[" + ", ".join(inline(v) for v in expr.items) + "]"
    return "{" + ", ".join(f"{k}: {inline(v)}" for k, v in expr.items) + "}"


def lines(expr: Expr, indent: str, prefix: str = "", suffix: str = "") -> list[str]:
    """`expr` as source lines the way black lays them out: on one line when
    that fits in 88 columns, else exploded, one item per line with a magic
    trailing comma (and each item again on one line if it fits)."""
    line = f"{indent}{prefix}{inline(expr)}{suffix}"
    empty = not isinstance(expr, Atom) and not (expr.args if isinstance(expr, Call) else expr.items)
    if isinstance(expr, Atom) or empty or names.width(line) <= names.LINE_LENGTH:
        return [line]  # (an empty container has nothing black could split)
    inner = indent + INDENT
    if isinstance(expr, Call):
        out = [f"{indent}{prefix}{expr.func}("]
        for key, value in expr.args:
            out += lines(value, inner, f"{key}=", ",")
        return out + [f"{indent}){suffix}"]
    if isinstance(expr, Seq):
        out = [f"{indent}{prefix}["]
        for item in expr.items:
            out += lines(item, inner, "", ",")
        return out + [f"{indent}]{suffix}"]
    out = [f"{indent}{prefix}{{"]
    for key, value in expr.items:
        out += lines(value, inner, f"{key}: ", ",")
    return out + [f"{indent}}}{suffix}"]


class Values:
    """Typed expressions for test-plan values of one model."""

    def __init__(self, views: Any) -> None:
        self.views = views
        self.nm = views.names
        self.model = views.model
        self._objects = {o.name: o for o in self.model.objects}
        self._events = {e.name: e for e in self.model.events}
        self.used: set[str] = set()  # class names the expressions refer to

    def message(self, kind: str, owner: str, properties: tuple[Property, ...],
                values: Mapping[str, Any], cls: str) -> Call:
        self.used.add(cls)
        attrs = self.nm.attrs[(kind, owner)]
        args = [(attrs[p.name], self.value(p.type, values[p.name]))
                for p in properties if p.name in values]
        return Call(cls, args)

    def event(self, name: str, values: Mapping[str, Any]) -> Call:
        event = self._events[name]
        cls = self.nm.types[("event", name)]
        return self.message("event", name, event.properties, values, cls)

    def context(self, values: Mapping[str, Any]) -> Call:
        return self.message("context", "", self.model.context.properties, values, "Context")

    def value(self, ref: TypeRef, value: Any) -> Expr:
        if ref.kind is Kind.LIST:
            assert ref.element is not None
            return Seq([self.value(ref.element, v) for v in value])
        if ref.kind is Kind.MAP:
            assert ref.element is not None
            return Dict([(names.py_str(k), self.value(ref.element, v)) for k, v in value.items()])
        if ref.kind is Kind.ENUM:
            self.used.add(self.nm.types[("enum", ref.name or "")])
            return Atom(self.nm.member(ref.name or "", value))
        if ref.kind is Kind.OBJECT:
            obj = self._objects[ref.name or ""]
            cls = self.nm.types[("object", obj.name)]
            return self.message("object", obj.name, obj.properties, value, cls)
        if isinstance(value, TimestampValue):
            self.used.add("Timestamp")
            return Call("Timestamp", [("seconds", Atom(str(value.seconds))),
                                      ("nanos", Atom(str(value.nanos)))])
        if ref.scalar in (Scalar.FLOAT, Scalar.DOUBLE):
            return Atom(names.py_float(float(value)))
        return Atom(names.py_literal(value))


def case_lines(items: list[Expr], indent: str) -> list[str]:
    """One parametrize case: a tuple of `items`, exploded."""
    out = [f"{indent}("]
    for item in items:
        out += lines(item, indent + INDENT, "", ",")
    return out + [f"{indent}),"]


def _deprecated_sample(model: Any, samples: Any) -> Any:
    events = {e.name: e for e in model.events}

    def flagged(sample: Any) -> bool:
        event: Event = events[sample.event]
        if event.deprecation is not None:
            return True
        return any(p.deprecation is not None and p.name in sample.values for p in event.properties)

    return next((s for s in samples if flagged(s)), None)


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
        }
    flagged = _deprecated_sample(model, test_plan.samples)
    context["deprecated"] = None
    if flagged is not None:
        context["deprecated"] = {
            "type": views.names.types[("event", flagged.event)],
            "lines": lines(values.event(flagged.event, flagged.values), INDENT, "return "),
        }
    runtime = {"Context", "InMemoryTransport", "Policy", "SdkError", "Timestamp", "TrackedEvent",
               "Tracker", "TransportError", "ValidationError"}
    context["imports"] = _imports(pkg, values.used | runtime)
    return "tests/test_tracker.py", "tests/test_tracker.py.j2", context


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
