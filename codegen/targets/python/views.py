"""Views of the IR for the Python templates: every identifier, annotation,
literal and docstring line of the package is decided here, so the templates
only lay out Python syntax."""

from __future__ import annotations

import re
import sys
import textwrap
from dataclasses import dataclass, field, fields
from typing import Any

from codegen.ir import Event, Kind, Model, Property, Scalar, TypeRef
from codegen.naming import enum_value_json_name
from codegen.purposes import purpose_rules
from codegen.reference.specs import field_spec
from codegen.sdk.docs import (
    constraint_summary,
    deprecation_note,
    deprecation_predicate,
    deprecation_warning,
    event_facts,
    event_subject,
    property_can_warn,
)
from codegen.sdk.kept_names import kept, scoped, scoped_rows, text, text_map
from codegen.sdk.memo import NO_MEMO, Memo
from codegen.sdk.names import NameAllocator, kind_suffix, repeat_suffix
from codegen.sdk.walkers import TypeSyntax
from codegen.targets.python import lexical as names
from codegen.targets.python.lexical import SCALAR_TYPES
from codegen.targets.python.options import Options
from codegen.templates.python.runtime.fields import FieldSpec

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
    purpose_type: str = "Purpose"  # the enum of the model's purposes
    purposes: dict[str, str] = field(default_factory=dict)  # purpose -> member

    def __post_init__(self) -> None:
        self._syntax = TypeSyntax(
            SCALAR_TYPES, lambda kind, name: self.types[(kind.value, name)],
            list=lambda element: f"Sequence[{element}]", map=lambda element: f"Mapping[str, {element}]",
        )

    def annotation(self, ref: TypeRef) -> str:
        return self._syntax.spell(ref)

    def member(self, enum: str, value: str) -> str:
        return f"{self.types[('enum', enum)]}.{self.members[enum][value]}"


def package_name(model: Model, options: Options) -> str:
    package = options.package
    if package.isidentifier() and package not in names.KEYWORDS and not package.startswith("_"):
        return package
    fallback = "_".join(re.findall(r"[a-z0-9]+", model.name.lower()))
    if not fallback.isidentifier():
        return DEFAULT_PACKAGE
    # A package named like a standard-library module would shadow it for the app.
    while fallback in sys.stdlib_module_names or fallback in names.KEYWORDS:
        fallback += "_"
    return fallback


def distribution_name(model: Model, options: Options) -> str:
    dist = options.distribution
    if re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?", dist):
        return dist
    return package_name(model, options).replace("_", "-")


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


def derive_names(model: Model, options: Options) -> Names:
    types_scope = NameAllocator(names.RESERVED_TYPES, valid=str.isidentifier)
    types: dict[tuple[str, str], str] = {}
    # The SDK's own enum of purposes first: its name is the vocabulary's (docs/sdk-api.md).
    purpose_type = types_scope.claim("types", "Purpose", kind_suffix("Enum"))
    for kind, suffix, items in (
        ("enum", "Enum", model.enums),
        ("object", "Object", model.objects),
        ("event", "Event", model.events),
    ):
        for item in items:
            types[(kind, item.name)] = types_scope.claim("types", names.type_base(item.name), kind_suffix(suffix))
    idents = NameAllocator(names.RESERVED_ATTRS, repeat_suffix("_"), valid=str.isidentifier)
    attrs = {
        (kind, owner): {p.name: idents.claim((kind, owner), names.attr_base(p.name)) for p in properties}
        for kind, owner, properties, _ in model.property_scopes
    }
    members = {
        enum.name: {v.name: idents.claim(("enum", enum.name), names.member_base(v.name)) for v in enum.values}
        for enum in model.enums
    }
    idents.block("modules", {"__init__"})
    modules = {event.name: idents.claim("modules", names.attr_base(event.name)) for event in model.events}
    purposes = {p.name: idents.claim("purposes", names.member_base(p.name)) for p in model.purposes}
    return Names(package_name(model, options), types, attrs, members, modules, purpose_type, purposes)


def kept_names(model: Model, options: Options, memo: Memo) -> Names:
    """derive_names, or what it gave the previous build (codegen.sdk.kept_names)."""
    return kept(memo, model, ("python", package_name(model, options)), lambda: derive_names(model, options),
                _names_data, _names_of)


def _names_data(nm: Names) -> dict[str, Any]:
    return {"package": nm.package, "types": scoped_rows(nm.types), "attrs": scoped_rows(nm.attrs),
            "members": nm.members, "modules": nm.modules, "purpose_type": nm.purpose_type, "purposes": nm.purposes}


def _names_of(data: Any) -> Names:
    return Names(text(data["package"]), scoped(data["types"], text), scoped(data["attrs"], text_map),
                 {text(enum): text_map(members) for enum, members in data["members"].items()},
                 text_map(data["modules"]), text(data["purpose_type"]), text_map(data["purposes"]))


# --- views ----------------------------------------------------------------


def deprecation_text(item: Any) -> str:
    return deprecation_note(item.deprecation) if item.deprecation is not None else ""


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

    def __init__(self, model: Model, options: Options, memo: Memo = NO_MEMO) -> None:
        self.model = model
        self.options = options
        self.names = kept_names(model, options, memo)
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
        spec = field_spec(prop, attr, const, purpose_rules(self.model))
        args = []
        for key, value in spec.__dict__.items():
            if key in _SPEC_ALWAYS or (value != _SPEC_DEFAULTS[key] and (key, value) != ("attr", prop.name)):
                text = value if isinstance(value, Expr) else tuple_literal(value) if isinstance(
                    value, tuple) else names.py_literal(value)
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
        std = set(names.STANDARD_IMPORTS["collections.abc"]) & used
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
            warning = names.py_str(deprecation_warning(event_subject(event.name), dep))
            class_vars.append(names.fit(f"    DEPRECATED: ClassVar[str | None] = {warning}"))
        elif not any(property_can_warn(self.model, p) for p in event.properties):
            class_vars.append("    CAN_WARN: ClassVar[bool] = False")
        rules = purpose_rules(self.model)
        class_vars += consent_vars(rules.event_needs(event), rules.message_redacts(event.properties))
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
        rules = purpose_rules(self.model)
        class_vars = consent_vars(rules.context_needs(), rules.message_redacts(context.properties))
        cls = self.message_class("context", "", names.CONTEXT_CLASS, "Message", doc,
                                 context.properties, class_vars, used)
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
                if value.deprecation is not None:
                    parts.append(names.py_str(deprecation_predicate(value.deprecation)))
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


def consent_vars(needs: frozenset[str], redacts: bool) -> list[str]:
    """A message's PURPOSES and REDACTS class variables, when not the defaults."""
    out = []
    if needs:
        items = ", ".join(names.py_str(p) for p in sorted(needs))
        out.append(names.fit(f"    PURPOSES: ClassVar[frozenset[str]] = frozenset({{{items}}})"))
    if redacts:
        out.append("    REDACTS: ClassVar[bool] = True")
    return out


def tuple_literal(values: tuple[Any, ...]) -> str:
    items = [names.py_literal(v) for v in values]
    return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"


def purposes_module(views: ViewBuilder) -> dict[str, Any]:
    """The enum of the model's purposes and the default consent."""
    nm = views.names
    members = []
    for purpose in views.model.purposes:
        facts = (f"Lawful basis: {purpose.lawful_basis.value}; kept {purpose.retention_days} days"
                 + ("; may process sensitive values." if purpose.sensitive else "."))
        members.append({"line": names.fit(f"    {nm.purposes[purpose.name]} = {names.py_str(purpose.name)}"),
                        "doc": paragraphs(purpose.description or purpose.name, notes=(facts,))})
    default = [f"{nm.purpose_type}.{nm.purposes[n]}" for n in purpose_rules(views.model).default_consent()]
    head = f"DEFAULT_CONSENT: frozenset[{nm.purpose_type}] = frozenset("
    line = head + ("{" + ", ".join(default) + "})" if default else ")")
    default_lines = [line] if names.width(line) <= names.LINE_LENGTH else (
        [head, "    {"] + [f"        {d}," for d in default] + ["    }", ")"])
    all_line = f"ALL_PURPOSES: tuple[{nm.purpose_type}, ...] = tuple({nm.purpose_type})"
    return {"name": nm.purpose_type, "members": members, "default": default_lines, "all": names.fit(all_line)}


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


def package_init(views: ViewBuilder) -> dict[str, Any]:
    nm = views.names
    model = views.model
    runtime_names = {
        "ConsentError", "EncodingError", "EventMessage", "InMemoryTransport", "Policy", "SdkError", "SdkInfo",
        "Timestamp", "TrackedEvent", "Transport", "TransportError", "ValidationError",
        "ValidationIssue", "DeliveryCounters", "DeliveryError", "DeliveryOptions", "DroppedEvent",
        "HttpTransport", "encode_batch",
    }
    imports = [names.import_lines("._runtime", runtime_names), ["from .context import TrackingContext"]]
    purpose_names = {nm.purpose_type, "ALL_PURPOSES", "DEFAULT_CONSENT"}
    enums = {nm.types[("enum", e.name)] for e in model.enums}
    objects = {nm.types[("object", o.name)] for o in model.objects}
    if enums:
        imports.append(names.import_lines(".enums", enums))
    for event in model.events:
        cls = nm.types[("event", event.name)]
        imports.append(names.import_lines(f".events.{nm.modules[event.name]}", {cls}))
    if objects:
        imports.append(names.import_lines(".objects", objects))
    imports.append(names.import_lines(".purposes", purpose_names))
    imports.append(["from .tracker import Tracker"])
    events = [nm.types[("event", e.name)] for e in model.events]
    head = "EVENTS: tuple[type[EventMessage], ...] = "
    if len(events) == 1:  # black keeps a one-tuple on one line
        events_lines = [names.fit(f"{head}({events[0]},)")]
    else:
        events_lines = [f"{head}("] + [f"    {e}," for e in events] + [")"] if events else [f"{head}()"]
    exported = runtime_names | enums | objects | set(events) | purpose_names
    exported |= {names.CONTEXT_CLASS, "Tracker", "EVENTS", "MODEL_VERSION", "SDK_INFO"}
    doc = paragraphs(f"Typed tracking SDK for the event model {model.name} {model.version}.",
                     model.description)
    return {
        "doc": doc,
        "imports": imports,
        "events": events_lines,
        "version": names.py_str(model.version),
        "exported": [names.py_str(n) for n in sorted(exported)],
    }

