"""The Python target: an installable, typed package (stdlib only) rendered
into `generated/python/`.

Layout: `pyproject.toml`, `README.md`, `<package>/` with `__init__.py`
(exports everything), `py.typed`, `enums.py`, `objects.py`, `context.py`,
`tracker.py`, `events/<event>.py` (one module per event), `_runtime/` (the
hand-written runtime, copied verbatim), and `tests/` rendered from the test
plan. Messages are frozen keyword-only dataclasses whose behaviour comes from
the runtime, driven by their `_SPECS` (FieldSpecs built by
`codegen.reference.specs`, the same ones the reference encoder uses).

The output is black-stable as emitted (black is never run at build time):
exploded calls with magic trailing commas, black's docstring and string
quote layout, and `# fmt: skip` on the rare one-line statement that a very
long model name pushes past 88 columns. All decisions live here and in
`python_names`/`python_tests`; templates only lay out Python syntax.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field, fields
from typing import Any

from codegen.ir import Event, Kind, Model, Property, Scalar, TypeRef
from codegen.naming import enum_value_json_name
from codegen.reference.specs import field_spec
from codegen.render import TemplateSet
from codegen.targets import python_names as names
from codegen.targets import python_tests
from codegen.targets.base import GENERATED_MARKER, OutputFile
from codegen.targets.python_names import RESERVED, escape  # noqa: F401  (the target contract)
from codegen.templates.python.runtime.fields import FieldSpec
from codegen.targets.docs import constraint_summary, event_facts

SCALAR_TYPES = {
    Scalar.STRING: "str",
    Scalar.BOOL: "bool",
    Scalar.INT32: "int",
    Scalar.INT64: "int",
    Scalar.UINT32: "int",
    Scalar.UINT64: "int",
    Scalar.FLOAT: "float",
    Scalar.DOUBLE: "float",
    Scalar.TIMESTAMP: "Timestamp",
    Scalar.BYTES: "bytes",
}
DEFAULT_PACKAGE = "event_model"
_SPEC_DEFAULTS = {f.name: f.default for f in fields(FieldSpec)}
_SPEC_ALWAYS = ("name", "number", "kind")


class Expr(str):
    """Python source to emit as is (not as a string literal)."""


@dataclass
class Names:
    """Every identifier of one model, derived once."""

    package: str
    types: dict[tuple[str, str], str]  # ("enum"|"object"|"event", model name) -> class
    attrs: dict[tuple[str, str], dict[str, str]]  # (kind, owner) -> wire name -> attribute
    members: dict[str, dict[str, str]]  # enum -> value name -> member
    modules: dict[str, str]  # event -> module name under events/

    def annotation(self, ref: TypeRef) -> str:
        if ref.kind is Kind.LIST:
            assert ref.element is not None
            return f"Sequence[{self.annotation(ref.element)}]"
        if ref.kind is Kind.MAP:
            assert ref.element is not None
            return f"Mapping[str, {self.annotation(ref.element)}]"
        if ref.kind is Kind.SCALAR:
            assert ref.scalar is not None
            return SCALAR_TYPES[ref.scalar]
        return self.types[("enum" if ref.kind is Kind.ENUM else "object", ref.name or "")]

    def member(self, enum: str, value: str) -> str:
        return f"{self.types[('enum', enum)]}.{self.members[enum][value]}"


def package_name(model: Model) -> str:
    package = model.package_settings("python").get("package", "")
    if package.isidentifier() and package not in names.KEYWORDS and not package.startswith("_"):
        return package
    fallback = "_".join(re.findall(r"[a-z0-9]+", model.name.lower()))
    return fallback if fallback.isidentifier() else DEFAULT_PACKAGE


def distribution_name(model: Model) -> str:
    dist = model.package_settings("python").get("distribution", "")
    if re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?", dist):
        return dist
    return package_name(model).replace("_", "-")


def pep440(version: str) -> str:
    """The model's semver as a PEP 440 version (pre-releases as aN/bN/rcN,
    others as .devN; build metadata as a local version)."""
    core, _, build = version.partition("+")
    core, _, pre = core.partition("-")
    result = core
    if pre:
        match = re.fullmatch(r"(alpha|a|beta|b|rc|c)[.-]?(\d*)", pre.lower())
        if match:
            tag = {"alpha": "a", "beta": "b", "c": "rc"}.get(match.group(1), match.group(1))
            result += f"{tag}{match.group(2) or 0}"
        else:
            digits = re.findall(r"\d+", pre)
            result += f".dev{digits[-1] if digits else 0}"
    if build:
        result += "+" + ".".join(re.findall(r"[A-Za-z0-9]+", build)).lower()
    return result


def derive_names(model: Model) -> Names:
    taken: set[str] = set()
    types: dict[tuple[str, str], str] = {}
    for kind, suffix, items in (
        ("enum", "Enum", model.enums),
        ("object", "Object", model.objects),
        ("event", "Event", model.events),
    ):
        for item in items:
            types[(kind, item.name)] = ident = names.type_name(item.name, suffix, taken)
            taken.add(ident)
    attrs: dict[tuple[str, str], dict[str, str]] = {}
    for kind, owner, properties, _ in model.property_scopes:
        used: set[str] = set()
        scope = attrs[(kind, owner)] = {}
        for prop in properties:
            scope[prop.name] = ident = names.attr_name(prop.name, used)
            used.add(ident)
    members: dict[str, dict[str, str]] = {}
    for enum in model.enums:
        used = set()
        members[enum.name] = {}
        for value in enum.values:
            members[enum.name][value.name] = ident = names.member_name(value.name, used)
            used.add(ident)
    modules: dict[str, str] = {}
    used = {"__init__"}
    for event in model.events:
        modules[event.name] = ident = names.attr_name(event.name, used)
        used.add(ident)
    return Names(package_name(model), types, attrs, members, modules)


# --- views ----------------------------------------------------------------


def deprecation_text(item: Any) -> str:
    dep = item.deprecation
    if dep is None:
        return ""
    when = f" since {dep.since}" if dep.since else ""
    removal = f" (removal planned for {dep.removal})" if dep.removal else ""
    return f"Deprecated{when}{removal}: {dep.reason}"


def paragraphs(*parts: str, notes: tuple[str, ...] = ()) -> list[str]:
    """Docstring body lines: the non-empty parts (the model's text as
    written), then our `notes` wrapped at 72 columns, a blank line between."""
    lines: list[str] = []
    wrapped = [
        textwrap.fill(n, 72, break_long_words=False, break_on_hyphens=False) if len(n) > 72 else n
        for n in notes
    ]
    for part in (*parts, *wrapped):
        if part.strip():
            if lines:
                lines.append("")
            lines += names.doc_lines(part.strip())
    return lines


@dataclass
class FieldView:
    line: str  # the declaration, e.g. "    title: str | None = None"
    doc: list[str]


@dataclass
class ClassView:
    name: str
    base: str
    doc: list[str]
    fields: list[FieldView]
    consts: list[FieldView]  # ClassVars of the model's const properties
    class_vars: list[str]  # ClassVar declarations (event name and number...)
    specs: list[list[str]]  # the lines of each FieldSpec(...) item


@dataclass
class ModuleView:
    doc: list[str]
    imports: list[list[str]]  # each: the lines of one import statement
    classes: list[ClassView] = field(default_factory=list)


class ViewBuilder:
    """Builds the views of one model (names resolved once)."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.names = derive_names(model)
        self._enum_names = {e.name: e for e in model.enums}

    def const_expr(self, prop: Property) -> Expr:
        if prop.type.kind is Kind.ENUM:
            return Expr(self.names.member(prop.type.name or "", str(prop.const)))
        value = prop.const
        if prop.type.scalar in (Scalar.FLOAT, Scalar.DOUBLE) and isinstance(value, int):
            value = float(value)
        return Expr(names.py_literal(value))

    def spec_lines(self, prop: Property, attr: str) -> list[str]:
        const = self.const_expr(prop) if prop.const is not None else None
        spec = field_spec(prop, attr, const)
        args = []
        for key, value in spec.__dict__.items():
            if key in _SPEC_ALWAYS or (value != _SPEC_DEFAULTS[key] and (key, value) != ("attr", prop.name)):
                text = value if isinstance(value, Expr) else names.py_literal(value)
                args.append(f"{key}={text}")
        line = f"        FieldSpec({', '.join(args)}),"
        if names.width(line) <= names.LINE_LENGTH:  # black keeps a call that fits joined
            return [line]
        return ["        FieldSpec("] + [f"            {arg}," for arg in args] + ["        ),"]

    def field_view(self, prop: Property, attr: str, used: set[str]) -> tuple[FieldView, bool]:
        """A dataclass field, or (for a const, flagged True) a ClassVar."""
        ann = self.names.annotation(prop.type)
        self._uses(prop.type, used)
        notes = " ".join(p for p in (f"Privacy: {prop.privacy.value}.", constraint_summary(prop.constraints)) if p)
        doc = paragraphs(prop.description, notes=(notes, deprecation_text(prop)))
        if prop.const is not None:
            used.add("ClassVar")
            constant = f"Constant: always this value, set by the SDK. {notes}"
            doc = paragraphs(prop.description, notes=(constant, deprecation_text(prop)))
            return FieldView(names.fit(f"    {attr}: ClassVar[{ann}] = {self.const_expr(prop)}"), doc), True
        if prop.required:
            line = f"    {attr}: {ann}"
        else:
            line = f"    {attr}: {ann} | None = None"
        return FieldView(names.fit(line), doc), False

    def _uses(self, ref: TypeRef, used: set[str]) -> None:
        if ref.kind is Kind.LIST:
            used.add("Sequence")
        elif ref.kind is Kind.MAP:
            used.add("Mapping")
        leaf = ref.leaf
        if leaf.kind is Kind.SCALAR and leaf.scalar is Scalar.TIMESTAMP:
            used.add("Timestamp")
        elif leaf.kind is Kind.ENUM:
            used.add("enum:" + (leaf.name or ""))
        elif leaf.kind is Kind.OBJECT:
            used.add("object:" + (leaf.name or ""))

    def message_class(
        self, kind: str, owner: str, name: str, base: str, doc: list[str],
        properties: tuple[Property, ...], class_vars: list[str], used: set[str],
    ) -> ClassView:
        attrs = self.names.attrs[(kind, owner)]
        views: list[FieldView] = []
        consts: list[FieldView] = []
        for prop in properties:
            if prop.auto is not None:
                continue  # filled in by the tracker, not a field
            view, const = self.field_view(prop, attrs[prop.name], used)
            (consts if const else views).append(view)
        specs = [self.spec_lines(p, attrs[p.name]) for p in properties]
        used |= {"ClassVar", "FieldSpec", base}
        return ClassView(name, base, doc, views, consts, class_vars, specs)

    def imports(self, used: set[str], runtime: str, local: str) -> list[list[str]]:
        """Import statements for the names in `used` (runtime names, typing
        names, "enum:<name>" and "object:<name>" entries)."""
        out: list[list[str]] = []
        std = {"Mapping", "Sequence"} & used
        if std:
            out.append(names.import_lines("collections.abc", std))
        out.append(["from dataclasses import dataclass"])
        if "ClassVar" in used:
            out.append(["from typing import ClassVar"])
        out.append([""])  # local imports after a blank line
        rt = {"EventMessage", "FieldSpec", "Message", "Timestamp"} & used
        out.append(names.import_lines(runtime, rt))
        enums = {self.names.types[("enum", u[5:])] for u in used if u.startswith("enum:")}
        objects = {self.names.types[("object", u[7:])] for u in used if u.startswith("object:")}
        if enums:
            out.append(names.import_lines(f"{local}enums", enums))
        if objects:
            out.append(names.import_lines(f"{local}objects", objects))
        return out

    def event_module(self, event: Event) -> ModuleView:
        used: set[str] = set()
        dep = event.deprecation
        class_vars = [
            names.fit(f"    EVENT_NAME: ClassVar[str] = {names.py_str(event.name)}"),
            f"    EVENT_NUMBER: ClassVar[int] = {event.number}",
        ]
        if dep is not None:
            reason = names.py_str(dep.reason or "deprecated")
            class_vars.append(names.fit(f"    DEPRECATED: ClassVar[str | None] = {reason}"))
        doc = paragraphs(event.description, notes=(event_facts(event), deprecation_text(event)))
        cls = self.message_class(
            "event", event.name, self.names.types[("event", event.name)], "EventMessage",
            doc, event.properties, class_vars, used,
        )
        mod_doc = names.doc_lines(f"The event ``{event.name}``.")
        return ModuleView(mod_doc, self.imports(used, ".._runtime", ".."), [cls])

    def objects_module(self) -> ModuleView:
        used: set[str] = set()
        classes = []
        for obj in self.model.objects:
            doc = paragraphs(obj.description or f"The object ``{obj.name}``.")
            classes.append(self.message_class(
                "object", obj.name, self.names.types[("object", obj.name)], "Message",
                doc, obj.properties, [], used,
            ))
        used = {u for u in used if not u.startswith("object:")}  # same module
        doc = names.doc_lines(f"Objects of the model {self.model.name} {self.model.version}.")
        return ModuleView(doc, self.imports(used, "._runtime", "."), classes)

    def context_module(self) -> ModuleView:
        used: set[str] = set()
        context = self.model.context
        auto = [p.name for p in context.properties if p.auto is not None]
        note = f"Filled in by the tracker: {', '.join(auto)}." if auto else ""
        doc = paragraphs(context.description or "The context of every event.", notes=(note,))
        cls = self.message_class("context", "", "Context", "Message", doc,
                                 context.properties, [], used)
        doc = names.doc_lines("The context that every event is sent with.")
        return ModuleView(doc, self.imports(used, "._runtime", "."), [cls])

    def enum_views(self) -> list[dict[str, Any]]:
        views = []
        for enum in self.model.enums:
            members = []
            for value in enum.values:
                json_name = enum_value_json_name(enum.name, value.name)
                ident = self.names.members[enum.name][value.name]
                parts = [names.py_str(value.name), str(value.number), names.py_str(json_name)]
                line = f"    {ident} = ({', '.join(parts)})"
                if names.width(line) > names.LINE_LENGTH:
                    lines = [f"    {ident} = ("] + [f"        {p}," for p in parts] + ["    )"]
                else:
                    lines = [line]
                doc = paragraphs(value.description or value.name, notes=(deprecation_text(value),))
                members.append({"lines": lines, "doc": doc})
            doc = paragraphs(enum.description or f"The enum ``{enum.name}``.")
            views.append({"name": self.names.types[("enum", enum.name)], "doc": doc,
                          "members": members})
        return views


def toml_str(text: str) -> str:
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable() and not 0xD800 <= ord(char) <= 0xDFFF:
            out.append(char)
        else:
            out.append(f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


class PythonTarget:
    name = "python"
    description = "Typed Python package (3.11+, standard library only)"

    def render(self, model: Model, templates: TemplateSet) -> list[OutputFile]:
        views = ViewBuilder(model)
        out = self.render_package(model, templates, views)
        for path, template, context in python_tests.test_files(views):
            out.append(OutputFile(path, templates.render(template, marker=GENERATED_MARKER, model=model,
                                                         **context)))
        return out

    def render_package(self, model: Model, templates: TemplateSet,
                       views: ViewBuilder | None = None) -> list[OutputFile]:
        """Everything but the tests (which need the test plan)."""
        templates.add_filters({"docstring": names.docstring, "fit": names.fit})
        views = views or ViewBuilder(model)
        pkg = views.names.package
        common = {"marker": GENERATED_MARKER, "model": model}
        out: list[OutputFile] = []

        def emit(path: str, template: str, **context: Any) -> None:
            out.append(OutputFile(path, templates.render(template, **common, **context)))

        emit("pyproject.toml", "pyproject.toml.j2", package=pkg,
             distribution=toml_str(distribution_name(model)),
             version=toml_str(pep440(model.version)),
             description=toml_str(" ".join(model.description.split())[:200]))
        emit("README.md", "README.md.j2", package=pkg, distribution=distribution_name(model),
             example=python_tests.readme_example(views))
        emit(f"{pkg}/py.typed", "py.typed.j2")
        emit(f"{pkg}/enums.py", "enums.py.j2", enums=views.enum_views())
        emit(f"{pkg}/objects.py", "module.py.j2", module=views.objects_module())
        emit(f"{pkg}/context.py", "module.py.j2", module=views.context_module())
        emit(f"{pkg}/tracker.py", "tracker.py.j2", package=names.py_str(pkg),
             version=names.py_str(model.version))
        emit(f"{pkg}/events/__init__.py", "events_init.py.j2")
        for event in model.events:
            module = views.names.modules[event.name]
            emit(f"{pkg}/events/{module}.py", "module.py.j2", module=views.event_module(event))
        emit(f"{pkg}/__init__.py", "package_init.py.j2", **package_init(views))
        for rel, content in templates.runtime_files().items():
            out.append(OutputFile(f"{pkg}/_runtime/{rel}", content))
        return out


def package_init(views: ViewBuilder) -> dict[str, Any]:
    nm = views.names
    model = views.model
    runtime_names = {
        "EncodingError", "EventMessage", "InMemoryTransport", "Policy", "SdkError", "Timestamp",
        "TrackedEvent", "Transport", "TransportError", "ValidationError", "ValidationIssue",
    }
    imports = [names.import_lines("._runtime", runtime_names), ["from .context import Context"]]
    enums = {nm.types[("enum", e.name)] for e in model.enums}
    objects = {nm.types[("object", o.name)] for o in model.objects}
    if enums:
        imports.append(names.import_lines(".enums", enums))
    for event in model.events:
        cls = nm.types[("event", event.name)]
        imports.append(names.import_lines(f".events.{nm.modules[event.name]}", {cls}))
    if objects:
        imports.append(names.import_lines(".objects", objects))
    imports.append(["from .tracker import Tracker"])
    events = [nm.types[("event", e.name)] for e in model.events]
    head = "EVENTS: tuple[type[EventMessage], ...] = "
    if len(events) == 1:  # black keeps a one-tuple on one line
        events_lines = [names.fit(f"{head}({events[0]},)")]
    else:
        events_lines = [f"{head}("] + [f"    {e}," for e in events] + [")"] if events else [f"{head}()"]
    exported = runtime_names | enums | objects | set(events)
    exported |= {"Context", "Tracker", "EVENTS", "MODEL_VERSION"}
    doc = paragraphs(f"Typed tracking SDK for the event model {model.name} {model.version}.",
                     model.description)
    return {
        "doc": doc,
        "imports": imports,
        "events": events_lines,
        "version": names.py_str(model.version),
        "exported": [names.py_str(n) for n in sorted(exported)],
    }


TARGET = PythonTarget()
