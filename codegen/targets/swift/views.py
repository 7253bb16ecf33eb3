"""Views of the IR for the Swift templates: every identifier, type, codec,
presence rule and check is decided here, so the templates only lay out
Swift syntax."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from codegen.ir import AutoValue, EnumType, EnumValue, Event, Kind, Model, Property, Scalar, TypeRef
from codegen.naming import camel, enum_value_json_name, pascal
from codegen.purposes import purpose_rules
from codegen.sdk.docs import (
    constraint_summary,
    deprecation_message,
    deprecation_note,
    deprecation_predicate,
    deprecation_warning,
    enum_can_warn,
    enum_value_subject,
    event_facts,
    event_subject,
    object_can_warn,
)
from codegen.sdk.kept_names import kept, scoped, scoped_rows, text, text_map
from codegen.sdk.memo import Memo
from codegen.sdk.names import NameAllocator
from codegen.sdk.walkers import TypeSyntax
from codegen.targets.swift import lexical as names
from codegen.targets.swift.lexical import SWIFT_TYPES
from codegen.targets.swift.options import Options
CODECS = {
    Scalar.STRING: ".string", Scalar.BOOL: ".bool", Scalar.INT32: ".int32", Scalar.INT64: ".int64",
    Scalar.UINT32: ".uint32", Scalar.UINT64: ".uint64", Scalar.FLOAT: ".float", Scalar.DOUBLE: ".double",
    Scalar.TIMESTAMP: ".message", Scalar.BYTES: ".bytes",
}
AUTO_SOURCES = {
    AutoValue.EVENT_ID: "values.eventId", AutoValue.CLIENT_TIMESTAMP: "values.clientTimestamp",
    AutoValue.MODEL_VERSION: "values.modelVersion", AutoValue.SDK_NAME: "values.sdkName",
    AutoValue.SDK_VERSION: "values.sdkVersion", AutoValue.CONSENT: "values.consent",
}
DEFAULT_MODULE = "EventModel"


@dataclass
class Names:
    """Every identifier of one model, derived once."""

    module: str
    types: dict[tuple[str, str], str]  # ("enum"|"object"|"event", model name) -> Swift type
    members: dict[tuple[str, str], dict[str, str]]  # (kind, owner) -> wire name -> identifier
    cases: dict[str, dict[str, str]]  # enum name -> value name -> case identifier
    context_type: str = names.CONTEXT_TYPE
    purpose_type: str = "Purpose"  # the enum of the model's purposes
    purposes: dict[str, str] = field(default_factory=dict)  # purpose -> case identifier

    def type_of(self, ref: TypeRef) -> str:
        return TypeSyntax(
            SWIFT_TYPES, lambda kind, name: self.types[(kind.value, name)], list=lambda element: f"[{element}]",
            map=lambda element: f"[MapKey: {element}]",  # exact keys, see runtime/MapKey.swift
        ).spell(ref)


def module_name(model: Model) -> str:
    """`targets.swift.module` (else the PascalCase model name), made a valid
    module name that shadows no module or type the package uses."""
    module = Options.of(model, "swift").module or pascal(model.name)
    if not names.is_identifier(module):
        module = "".join(w[:1].upper() + w[1:] for w in re.findall(r"[A-Za-z0-9]+", module)) or DEFAULT_MODULE
        module = "_" + module if module[0].isdigit() else module
    return names.escape_type(module)


def derive_names(model: Model) -> Names:
    module = module_name(model)
    types_scope = NameAllocator(names.TYPE_RESERVED)
    types_scope.block("types", {module, module + "Tests"})
    # The SDK's own enum of purposes first: its name is the vocabulary's (docs/sdk-api.md).
    purpose_type = types_scope.claim("types", "Purpose")
    types = {
        (kind, item.name): types_scope.claim("types", pascal(item.name))
        for kind, items in (("enum", model.enums), ("object", model.objects), ("event", model.events))
        for item in items
    }
    member_scope = NameAllocator(names.MEMBER_RESERVED)
    members: dict[tuple[str, str], dict[str, str]] = {}
    for kind, owner, properties, _ in model.property_scopes:
        scope: dict[str, str] = {}
        for prop in properties:
            scope[prop.name] = ident = member_scope.claim((kind, owner), camel(prop.name))
            member_scope.block((kind, owner), {"_" + ident})  # `_x` is the storage of a deprecated `x`
        members[(kind, owner)] = scope
    case_scope = NameAllocator(names.CASE_RESERVED)
    cases = {
        enum.name: {v.name: case_scope.claim(enum.name, names.case_base(v.name, v.number)) for v in enum.values}
        for enum in model.enums
    }
    purposes = {p.name: case_scope.claim("purposes", names.case_base(p.name, 0)) for p in model.purposes}
    return Names(module, types, members, cases, purpose_type=purpose_type, purposes=purposes)


def kept_names(model: Model, memo: Memo) -> Names:
    """derive_names, or what it gave the previous build (codegen.sdk.kept_names)."""
    return kept(memo, model, ("swift", module_name(model)), lambda: derive_names(model), _names_data, _names_of)


def _names_data(nm: Names) -> dict[str, Any]:
    return {"module": nm.module, "types": scoped_rows(nm.types), "members": scoped_rows(nm.members),
            "cases": nm.cases, "context_type": nm.context_type, "purpose_type": nm.purpose_type,
            "purposes": nm.purposes}


def _names_of(data: Any) -> Names:
    return Names(text(data["module"]), scoped(data["types"], text), scoped(data["members"], text_map),
                 {text(enum): text_map(cases) for enum, cases in data["cases"].items()},
                 context_type=text(data["context_type"]), purpose_type=text(data["purpose_type"]),
                 purposes=text_map(data["purposes"]))


# --- property views ------------------------------------------------------


def codec(ref: TypeRef) -> str:
    leaf = ref.leaf
    if leaf.kind is Kind.ENUM:
        return ".enumeration"
    if leaf.kind is Kind.OBJECT:
        return ".message"
    assert leaf.scalar is not None
    return CODECS[leaf.scalar]


def is_message(ref: TypeRef) -> bool:
    leaf = ref.leaf
    return leaf.kind is Kind.OBJECT or leaf.scalar is Scalar.TIMESTAMP


def const_literal(nm: Names, ref: TypeRef, value: Any) -> str:
    """A const value as a fully typed expression (it is passed to generic
    runtime calls, where a bare literal would not know its type)."""
    if ref.kind is Kind.ENUM:
        return f"{nm.type_of(ref)}.{nm.cases[ref.name or ''][value]}"
    assert ref.scalar is not None
    if ref.scalar is Scalar.STRING:
        return names.string_literal(str(value))
    if ref.scalar is Scalar.BOOL:
        return "true" if value else "false"
    if ref.scalar is Scalar.FLOAT:
        return f"({names.float_literal(float(value))} as Float)"
    if ref.scalar is Scalar.DOUBLE:
        return f"({names.double_literal(float(value))} as Double)"
    return f"({names.integer_literal(value)} as {SWIFT_TYPES[ref.scalar]})"


def bound_literal(scalar: Scalar, bound: int | float) -> str:
    # A float bound goes as a double; the runtime narrows it to float32 (Check.minimum(Float, Double)).
    if scalar in (Scalar.FLOAT, Scalar.DOUBLE):
        return names.double_literal(float(bound))
    return names.integer_literal(int(bound))


def deprecation_doc(item: Property | Event | EnumValue) -> str:
    return deprecation_note(item.deprecation) if item.deprecation is not None else ""


def deprecated_attributes(item: Property | Event | EnumValue) -> list[str]:
    return [names.deprecated_attribute(deprecation_message(item.deprecation))] if item.deprecation else []


def deprecation_lines(model: Model, prop: Property, access: str, optional: bool) -> list[str]:
    """Statements of `deprecationWarnings(at:into:)` for one property (`path`
    ends in "."; texts from the catalogue, docs/sdk-api.md)."""
    out: list[str] = []
    name = prop.name
    if prop.deprecation is not None:
        text = names.string_literal(f"{name} {deprecation_predicate(prop.deprecation)}")
        append = f"warnings.append(path + {text})"
        out.append(f"if {access} != nil {{ {append} }}" if optional else append)
    leaf, kind = prop.type.leaf, prop.type.kind
    if leaf.kind is Kind.ENUM and prop.const is not None:
        value = next(v for v in model.enum(leaf.name or "").values if v.name == prop.const)
        if value.deprecation is not None:
            text = deprecation_warning(enum_value_subject(name, value.name), value.deprecation)
            out.append(f"warnings.append(path + {names.string_literal(text)})")
        return out
    if leaf.kind is Kind.ENUM and enum_can_warn(model.enum(leaf.name or "")):
        where = f"path + {names.string_literal(name)}"
    elif leaf.kind is Kind.OBJECT and object_can_warn(model, leaf.name or ""):
        where = f"path + {names.string_literal(name + '.')}"
    else:
        return out
    call = f"deprecationWarnings(at: {where}, into: &warnings)"
    if kind is Kind.LIST:
        out += [f"for element in {access}{' ?? []' if optional else ''} {{ element.{call} }}"]
    elif kind is Kind.MAP:
        out += [f"for (_, element) in Check.entries({access}{' ?? [:]' if optional else ''}) {{ element.{call} }}"]
    else:
        out.append(f"{access}{'?' if optional else ''}.{call}")
    return out


@dataclass
class PatternView:
    ident: str
    literal: str


@dataclass
class Checks:
    """Validation lines of one message type, with the patterns they use."""

    lines: list[str] = field(default_factory=list)
    patterns: list[PatternView] = field(default_factory=list)


def value_checks(prop: Property, value: str, path: str, checks: Checks, pattern_ident: str) -> list[str]:
    """Checks of one value (the property's, or one element's)."""
    c, leaf = prop.constraints, prop.type.leaf
    out: list[str] = []
    tail = f"at: {path}, into: &issues)"
    if leaf.kind is Kind.SCALAR and leaf.scalar is not None and leaf.scalar.is_numeric:
        if c.minimum is not None:
            out.append(f"Check.minimum({value}, {bound_literal(leaf.scalar, c.minimum)}, {tail}")
        if c.maximum is not None:
            out.append(f"Check.maximum({value}, {bound_literal(leaf.scalar, c.maximum)}, {tail}")
    if leaf.scalar is Scalar.STRING:
        if c.min_length is not None:
            out.append(f"Check.minLength({value}, {c.min_length}, {tail}")
        if c.max_length is not None:
            out.append(f"Check.maxLength({value}, {c.max_length}, {tail}")
        if c.pattern is not None:
            checks.patterns.append(PatternView(pattern_ident, f"Pattern({names.string_literal(c.pattern)})"))
            out.append(f"Check.pattern({value}, _Patterns.{pattern_ident}, {tail}")
    if is_message(prop.type):
        out.append(f"{value}.validate(at: {path}, into: &issues)")
    return out


def property_checks(prop: Property, access: str, optional: bool, ident: str, checks: Checks) -> None:
    """Checks of one property; an unset optional one (nil) is not checked."""
    path = f"Check.join(path, {names.string_literal(prop.name)})"
    t, c = prop.type, prop.constraints
    value = ("items" if t.is_repeated else "value") if optional else access
    lines: list[str] = []
    if t.is_repeated:
        if c.min_items is not None:
            lines.append(f"Check.minItems({value}.count, {c.min_items}, at: {path}, into: &issues)")
        if c.max_items is not None:
            lines.append(f"Check.maxItems({value}.count, {c.max_items}, at: {path}, into: &issues)")
        if t.kind is Kind.LIST:
            inner = value_checks(prop, "element", f"Check.index({path}, index)", checks, ident)
            head = f"for (index, element) in {value}.enumerated() {{"
        else:
            inner = value_checks(prop, "element", f"Check.key({path}, key)", checks, ident)
            head = f"for (key, element) in Check.entries({value}) {{"
        if inner:
            lines += [head] + [f"    {line}" for line in inner] + ["}"]
    else:
        lines = value_checks(prop, value, path, checks, ident)
    if optional and lines:
        lines = [f"if let {value} = {access} {{"] + [f"    {line}" for line in lines] + ["}"]
    checks.lines += lines


@dataclass
class StructView:
    name: str
    doc: list[str]
    attributes: list[str]
    conformances: str
    stored: list[dict[str, Any]] = field(default_factory=list)
    computed: list[dict[str, Any]] = field(default_factory=list)
    init_head: list[str] = field(default_factory=list)
    init_body: list[str] = field(default_factory=list)
    encode: list[str] = field(default_factory=list)
    json: list[str] = field(default_factory=list)
    validate: list[str] = field(default_factory=list)
    pattern_groups: list[list[PatternView]] = field(default_factory=list)
    deprecations: list[str] = field(default_factory=list)
    with_auto: list[str] = field(default_factory=list)
    statics: list[str] = field(default_factory=list)
    redacted: list[str] = field(default_factory=list)  # the body of redacted(_:), when it can remove values


def struct_view(nm: Names, model: Model, kind: str, owner: str, name: str, properties: tuple[Property, ...],
                doc: list[str], attributes: list[str], conformances: str) -> StructView:
    view = StructView(name, doc, attributes, conformances)
    idents = nm.members[(kind, owner)]
    params: list[str] = []
    checks = Checks()
    notices: list[str] = []
    json_lines: list[str] = []
    for prop in properties:
        ident = idents[prop.name]
        base_type = nm.type_of(prop.type)
        optional = not prop.required  # lists and maps too: unset (nil) is not empty (not checked)
        swift_type = base_type + ("?" if optional else "")
        facts = f"Wire name `{prop.name}` = {prop.number}. Privacy: {prop.privacy.value}."
        pdoc = names.doc_comment([prop.description, " ".join(filter(None, [facts, constraint_summary(prop.constraints)])),
                                  deprecation_doc(prop)], "    ")
        attrs = deprecated_attributes(prop)
        storage = "self." + ident
        if prop.const is not None:
            access = const_literal(nm, prop.type, prop.const)
            view.computed.append({"doc": pdoc, "attributes": attrs, "decl": f"public var {ident}: {swift_type}",
                                  "body": [access]})
        elif prop.deprecation is not None and prop.auto is None:
            storage = access = "self._" + ident
            view.stored.append({"doc": [], "decl": f"var _{ident}: {swift_type}"})
            view.computed.append({"doc": pdoc, "attributes": attrs, "decl": f"public var {ident}: {swift_type}",
                                  "body": [f"get {{ {storage} }}", f"set {{ {storage} = newValue }}"]})
        else:
            access = storage
            setter = "public private(set) var" if prop.auto is not None else "public var"
            view.stored.append({"doc": pdoc, "decl": f"{setter} {ident}: {swift_type}"})
        if prop.auto is not None:
            view.init_body.append(f"{storage} = {auto_default(prop, optional)}")
            view.with_auto.append(f"copy.{ident} = {AUTO_SOURCES[prop.auto]}")
        elif prop.const is None:
            params.append(f"{ident}: {swift_type}" + (" = nil" if optional else ""))
            view.init_body.append(f"{storage} = {ident}")
        wire = names.string_literal(prop.name)
        method = {Kind.LIST: "repeated", Kind.MAP: "map"}.get(prop.type.kind,
                                                                 "optional" if prop.has_presence else "scalar")
        # An unset list or map is written like an empty one (nothing; `[]`/`{}` in JSON).
        items = f"{access} ?? {'[:]' if prop.type.kind is Kind.MAP else '[]'}" if optional and method != "optional" \
            else access
        view.encode.append(f"writer.{method}({prop.number}, {items}, {codec(prop.type)})")
        json_lines.append(f"object.{method}({wire}, {items}, {codec(prop.type)})")
        if prop.const is None:
            property_checks(prop, access, optional, ident, checks)
        if kind != "context" and prop.auto is None:
            notices += deprecation_lines(model, prop, access, optional)
    view.init_head = ["public init("] + [f"    {p}," for p in params[:-1]] + [f"    {p}" for p in params[-1:]]
    view.init_head = ["public init() {"] if not params else view.init_head + [") {"]
    view.json = (["var object = JSONObjectWriter()"] + json_lines + ["return object.value"]
                 if json_lines else ["return .object([])"])
    view.validate = checks.lines
    view.pattern_groups = [checks.patterns] if checks.patterns else []  # one `_Patterns` enum, if any
    view.deprecations = notices
    view.redacted = redaction_lines(model, properties, idents)
    return view


def redaction_lines(model: Model, properties: tuple[Property, ...], idents: dict[str, str]) -> list[str]:
    """The body of `redacted(_:)`: each optional value whose purposes are not
    granted is removed, each kept object redacted in turn (empty: nothing
    can go, the protocol's default returns self)."""
    rules = purpose_rules(model)
    lines: list[str] = []
    for prop in properties:
        removal, inner = rules.removal(prop), rules.redacts(prop)
        if not removal and not inner:
            continue
        ident = idents[prop.name]
        storage = f"copy._{ident}" if prop.deprecation is not None and prop.auto is None else f"copy.{ident}"
        optional = not prop.required
        if removal:
            purposes = "[" + ", ".join(names.string_literal(p) for p in sorted(removal)) + "]"
            lines.append(f"if {storage} != nil, !consent.allows({purposes}) {{ {storage} = nil }}")
        if inner:
            dot = "?." if optional else "."
            if prop.type.kind is Kind.LIST:
                lines.append(f"{storage} = {storage}{dot}map {{ $0.redacted(consent) }}")
            elif prop.type.kind is Kind.MAP:
                lines.append(f"{storage} = {storage}{dot}mapValues {{ $0.redacted(consent) }}")
            else:
                lines.append(f"{storage} = {storage}{dot}redacted(consent)")
    return ["var copy = self", *lines, "return copy"] if lines else []


def purposes_static(needs: frozenset[str]) -> list[str]:
    if not needs:
        return []
    items = ", ".join(names.string_literal(p) for p in sorted(needs))
    return [f"public static let purposes: Set<String> = [{items}]"]


def purpose_view(nm: Names, model: Model) -> dict[str, Any]:
    """The enum of the model's purposes and the names the runtime reads."""
    cases = []
    for purpose in model.purposes:
        facts = (f"Lawful basis: {purpose.lawful_basis.value}; kept {purpose.retention_days} days"
                 + ("; may process sensitive values." if purpose.sensitive else "."))
        cases.append({"doc": names.doc_comment([purpose.description, facts], "    "),
                      "ident": nm.purposes[purpose.name], "raw": names.string_literal(purpose.name)})
    default = purpose_rules(model).default_consent()
    return {
        "name": nm.purpose_type,
        "doc": names.doc_comment(["A purpose of the model: what data is processed for. Set a tracker's `consent` "
                                  "with them; an event is sent only when every purpose it needs is granted."]),
        "cases": cases,
        "default": "[" + ", ".join(f".{nm.purposes[n]}" for n in default) + "]",
        "names": "[" + ", ".join(names.string_literal(p.name) for p in model.purposes) + "]",
        "default_names": "[" + ", ".join(names.string_literal(n) for n in default) + "]",
    }


def auto_default(prop: Property, optional: bool) -> str:
    if optional:
        return "nil"
    if prop.type.is_repeated:
        return "[]"
    return "Timestamp(seconds: 0)" if prop.type.scalar is Scalar.TIMESTAMP else '""'


# --- type views ----------------------------------------------------------


def enum_view(nm: Names, enum: EnumType) -> dict[str, Any]:
    cases: list[dict[str, Any]] = []
    for value in enum.values:
        cases.append({
            "doc": names.doc_comment([value.description, f"JSON name `{enum_value_json_name(enum.name, value.name)}`"
                                      f", number {value.number}.", deprecation_doc(value)], "    "),
            "attributes": deprecated_attributes(value),
            "ident": nm.cases[enum.name][value.name],
            "raw": names.string_literal(value.name),
            "number": value.number,
            "json": names.string_literal(enum_value_json_name(enum.name, value.name)),
            "predicate": names.string_literal(deprecation_predicate(value.deprecation)) if value.deprecation else "",
        })
    name = nm.types[("enum", enum.name)]
    return {
        "name": name,
        "doc": names.doc_comment([enum.description, f"Model enum `{enum.name}`."]),
        "cases": cases,
        "raw_values": ", ".join(c["raw"] for c in cases),
        "deprecated": enum_can_warn(enum),
    }


def event_view(nm: Names, model: Model, event: Event) -> StructView:
    doc = names.doc_comment([
        event.description,
        event_facts(event),
        deprecation_doc(event)])
    attrs = deprecated_attributes(event)
    view = struct_view(nm, model, "event", event.name, nm.types[("event", event.name)], event.properties, doc, attrs,
                       "Sendable, Equatable, TrackableEvent")
    view.statics = [f"public static let eventName = {names.string_literal(event.name)}",
                    f"public static let eventNumber = {event.number}",
                    *purposes_static(purpose_rules(model).event_needs(event))]
    if event.deprecation is not None:
        warning = deprecation_warning(event_subject(event.name), event.deprecation)
        view.deprecations.insert(0, f"warnings.append({names.string_literal(warning)})")
    return view


def context_view(nm: Names, model: Model) -> StructView:
    ctx = model.context
    doc = names.doc_comment([ctx.description, "The envelope's context: set once on the Tracker, which fills in "
                                              "the automatic values for every event."])
    view = struct_view(nm, model, "context", "", nm.context_type, ctx.properties, doc, [],
                       "Sendable, Equatable, ContextMessage")
    view.with_auto = ["var copy = self"] + view.with_auto + ["return copy"] if view.with_auto else ["self"]
    view.statics = purposes_static(purpose_rules(model).context_needs())
    return view


def object_view(nm: Names, obj: Any, model: Model) -> StructView:
    doc = names.doc_comment([obj.description, f"Model object `{obj.name}`."])
    return struct_view(nm, model, "object", obj.name, nm.types[("object", obj.name)], obj.properties, doc, [],
                       "Sendable, Equatable, ProtoMessage")
