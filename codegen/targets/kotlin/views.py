"""Views of the IR for the Kotlin templates: every name, type, literal and
statement is decided here, so the templates stay syntax only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from codegen.ir import AutoValue, Deprecation, EnumType, Event, Kind, Model, Property, Scalar, TypeRef
from codegen.naming import enum_value_json_name, upper_snake
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
from codegen.sdk.names import NameAllocator, numbered
from codegen.sdk.walkers import TypeSyntax
from codegen.targets.kotlin import lexical as kn
from codegen.targets.kotlin.automata import compile_pattern
from codegen.targets.kotlin.java_interop import BuilderView, builder_view, constructor_keyword
from codegen.targets.kotlin.lexical import SCALAR_TYPES
from codegen.targets.kotlin.options import Options
# Writer method stems per scalar (ProtoWriter and JsonWriter share them).
SCALAR_METHODS = {
    Scalar.STRING: "string", Scalar.BOOL: "bool", Scalar.INT32: "int32", Scalar.INT64: "int64",
    Scalar.UINT32: "uint32", Scalar.UINT64: "uint64", Scalar.FLOAT: "float", Scalar.DOUBLE: "double",
    Scalar.TIMESTAMP: "timestamp", Scalar.BYTES: "bytes",
}
AUTO_EXPRESSIONS = {
    AutoValue.EVENT_ID: "auto.eventId", AutoValue.CLIENT_TIMESTAMP: "auto.clientTimestamp",
    AutoValue.MODEL_VERSION: "auto.modelVersion", AutoValue.SDK_NAME: "auto.sdkName",
    AutoValue.SDK_VERSION: "auto.sdkVersion", AutoValue.CONSENT: "auto.consent",
}


@dataclass(frozen=True)
class FieldView:
    name: str
    type: str
    default: str  # " = null" or ""
    kdoc: list[str]
    annotations: list[str]
    value: str = ""  # const properties: the literal


@dataclass(frozen=True)
class ValidationView:
    wire_name: str
    statements: list[str]


@dataclass
class MessageView:
    """An event, object or the context: one Kotlin class."""

    class_name: str
    keyword: str  # "data class" or "class" (a data class needs a parameter)
    supertypes: str
    kdoc: list[str]
    annotations: list[str]
    params: list[FieldView]
    consts: list[FieldView]
    validations: list[ValidationView]
    proto: list[str]
    json: list[str]
    deprecations: list[str]
    patterns: list[tuple[str, str]]  # (constant name, TextPattern expression)
    companion: list[str]  # extra companion members (event name and number)
    extra_members: list[str]  # equals/hashCode/toString of a class without parameters
    file_annotations: list[str] = field(default_factory=list)
    consent: list[str] = field(default_factory=list)  # redact() and purposes, at class indentation
    purposes: str = ""  # the file's PURPOSES constant (events that need purposes)
    constructor: str = ""  # " @JvmOverloads constructor" when Java gets shorter constructors
    builder: BuilderView | None = None  # for Java callers (java_interop)


@dataclass(frozen=True)
class EnumEntryView:
    name: str
    number: int
    wire_name: str
    json_name: str
    kdoc: list[str]
    annotations: list[str]
    deprecated: str = ""  # ", \"is deprecated ...\"" (the warning's predicate) or ""


@dataclass(frozen=True)
class EnumView:
    class_name: str
    kdoc: list[str]
    entries: list[EnumEntryView]
    file_annotations: list[str]
    deprecated: bool  # whether an entry carries a deprecation predicate


def settings(model: Model) -> dict[str, str]:
    """Package and Maven coordinates from the model's `targets: kotlin:` options."""
    options = Options.of(model, "kotlin")
    package = kn.package_name(options.package or model.namespace)
    group = options.group_id or package
    artifact = options.artifact_id or model.name.replace("_", "-")
    return {"package": package, "group_id": group, "artifact_id": artifact}


class Names:
    """Every type name of one model, resolved once (unique across the package);
    `allocate` hands out the package's further type names (test classes)."""

    def __init__(self, model: Model) -> None:
        model_names = [e.name for e in model.enums] + [o.name for o in model.objects] + [e.name for e in model.events]
        self.allocate = NameAllocator(kn.RESERVED_TYPES, numbered())
        # The SDK's own enum of purposes first: its name is the vocabulary's (docs/sdk-api.md).
        self.purpose = self.allocate.claim("types", kn.type_name("purpose"))
        self.types = {n: self.allocate.claim("types", kn.type_name(n)) for n in model_names}
        self._syntax = TypeSyntax(SCALAR_TYPES, lambda kind, name: self.of(name),
                                  list=lambda element: f"List<{element}>",
                                  map=lambda element: f"Map<String, {element}>")

    def of(self, model_name: str) -> str:
        return self.types[model_name]

    def kotlin_type(self, type_ref: TypeRef) -> str:
        return self._syntax.spell(type_ref)


_MEMBERS: dict[int, tuple[tuple[Property, ...], dict[str, str]]] = {}


def member_names(properties: tuple[Property, ...]) -> dict[str, str]:
    """Kotlin member names of one class's properties, by wire name (cached:
    tests build the same classes thousands of times)."""
    cached = _MEMBERS.get(id(properties))
    if cached is not None and cached[0] is properties:
        return cached[1]
    names = NameAllocator(kn.RESERVED_MEMBERS, numbered()).claim_all("members", [kn.member_name(p.name) for p in properties])
    result = {p.name: n for p, n in zip(properties, names)}
    if len(_MEMBERS) > 100_000:
        _MEMBERS.clear()
    _MEMBERS[id(properties)] = (properties, result)
    return result


# --- documentation ------------------------------------------------------------


def deprecated_annotation(dep: Deprecation | None) -> list[str]:
    return [f"@Deprecated({kn.string_literal(deprecation_message(dep))})"] if dep else []


def property_kdoc(prop: Property) -> list[str]:
    lines = kn.kdoc_lines(prop.description) if prop.description else []
    presence = "required" if prop.required else "optional"
    facts = f"Wire name `{prop.name}`, field {prop.number}, {prop.type}, {presence}, privacy: {prop.privacy.value}."
    if not prop.constraints.is_empty:
        facts += " " + constraint_summary(prop.constraints)
    if prop.const is not None:
        facts += f" Always {prop.const!r} (set by the SDK)."
    if prop.auto is not None:
        facts += f" Filled in by the tracker ({prop.auto.value})."
    lines += ([""] if lines else []) + kn.kdoc_lines(facts)
    if prop.deprecation:
        lines += ["", *kn.kdoc_lines(deprecation_note(prop.deprecation))]
    return lines


def event_kdoc(event: Event) -> list[str]:
    lines = kn.kdoc_lines(event.description) if event.description else []
    facts = [event_facts(event)]
    lines += ([""] if lines else []) + kn.kdoc_lines(" ".join(facts))
    if event.deprecation:
        lines += ["", *kn.kdoc_lines(deprecation_note(event.deprecation))]
    return lines


# --- statements ---------------------------------------------------------------


def value_literal(value: Any, type_ref: TypeRef, names: Names, model: Model) -> str:
    """A Kotlin expression for a const value of a scalar or enum property."""
    if type_ref.kind is Kind.ENUM:
        enum = model.enum(type_ref.name)  # type: ignore[arg-type]
        return f"{names.of(enum.name)}.{enum_entry_names(enum)[value]}"
    scalar = type_ref.scalar
    if scalar is Scalar.STRING:
        return kn.string_literal(str(value))
    if scalar is Scalar.BOOL:
        return "true" if value else "false"
    if scalar in (Scalar.INT32, Scalar.INT64, Scalar.UINT32, Scalar.UINT64):
        return kn.int_literal(int(value), scalar.value)  # type: ignore[union-attr]
    if scalar is Scalar.FLOAT:
        return kn.float_literal(float(value))
    if scalar is Scalar.DOUBLE:
        return kn.double_literal(float(value))
    raise ValueError(f"const values of type {type_ref} are not supported")


def proto_statement(prop: Property, expr: str) -> str:
    t, n = prop.type, prop.number
    leaf = t.leaf
    if t.kind is Kind.LIST:
        if leaf.kind is Kind.ENUM:
            return f"w.packedEnum({n}, {expr})"
        if leaf.kind is Kind.OBJECT:
            return f"w.repeatedMessage({n}, {expr})"
        assert leaf.scalar is not None
        method = SCALAR_METHODS[leaf.scalar]
        if leaf.scalar.is_packable:
            return f"w.packed{method[0].upper()}{method[1:]}({n}, {expr})"
        return f"w.repeated{method[0].upper()}{method[1:]}({n}, {expr})"
    if t.kind is Kind.MAP:
        return f"w.map({n}, {expr}) {{ {_proto_element(leaf, 2, 'it')} }}"
    if leaf.kind is Kind.SCALAR and leaf.scalar is not Scalar.TIMESTAMP and not prop.has_presence:
        return f"w.{SCALAR_METHODS[leaf.scalar]}({n}, {expr})"  # type: ignore[index]
    return _proto_element(leaf, n, expr, prefix="w.")


def _proto_element(leaf: TypeRef, n: int, expr: str, prefix: str = "") -> str:
    """A value written whenever it is set (explicit presence, map values)."""
    if leaf.kind is Kind.ENUM:
        return f"{prefix}enumValue({n}, {expr})"
    if leaf.kind is Kind.OBJECT:
        return f"{prefix}message({n}, {expr})"
    if leaf.scalar is Scalar.TIMESTAMP:
        return f"{prefix}timestamp({n}, {expr})"
    return f"{prefix}{SCALAR_METHODS[leaf.scalar]}Opt({n}, {expr})"  # type: ignore[index]


def _json_method(leaf: TypeRef) -> str:
    if leaf.kind is Kind.ENUM:
        return "enumValue"
    if leaf.kind is Kind.OBJECT:
        return "message"
    return SCALAR_METHODS[leaf.scalar]  # type: ignore[index]


def json_statement(prop: Property, expr: str, nullable: bool) -> str:
    key = kn.string_literal(prop.name)
    method = _json_method(prop.type.leaf)
    if prop.type.kind is Kind.LIST:
        return f"w.name({key}).array({expr}) {{ {method}(it) }}"
    if prop.type.kind is Kind.MAP:
        return f"w.name({key}).map({expr}) {{ {method}(it) }}"
    if nullable:
        return f"if ({expr} != null) w.name({key}).{method}({expr})"
    return f"w.name({key}).{method}({expr})"


def _bound(value: int | float, leaf: TypeRef) -> str:
    assert leaf.scalar is not None
    if leaf.scalar.is_floating:
        return kn.double_literal(float(value))
    return kn.int_literal(int(value), leaf.scalar.value)


def _leaf_checks(prop: Property, expr: str, pattern_const: str | None) -> list[str]:
    c, leaf = prop.constraints, prop.type.leaf
    if leaf.kind is Kind.OBJECT:
        return [f"v.message({expr})"]
    if leaf.scalar is Scalar.STRING:
        args = [expr]
        if c.min_length is not None:
            args.append(f"minLength = {c.min_length}")
        if c.max_length is not None:
            args.append(f"maxLength = {c.max_length}")
        if pattern_const is not None:
            args.append(f"pattern = {pattern_const}")
        return [f"v.string({', '.join(args)})"]
    if leaf.scalar is Scalar.TIMESTAMP:
        return [f"v.timestamp({expr})"]
    if leaf.scalar is not None and leaf.scalar.is_numeric and (c.minimum is not None or c.maximum is not None):
        args = [expr]
        if c.minimum is not None:
            args.append(f"minimum = {_bound(c.minimum, leaf)}")
        if c.maximum is not None:
            args.append(f"maximum = {_bound(c.maximum, leaf)}")
        return [f"v.number({', '.join(args)})"]
    return []


def validation_statements(prop: Property, expr: str, pattern_const: str | None) -> list[str]:
    c = prop.constraints
    if not prop.type.is_repeated:
        return _leaf_checks(prop, expr, pattern_const)
    out = []
    if c.min_items is not None or c.max_items is not None:
        args = [f"{expr}?.size" if _nullable(prop) else f"{expr}.size"]
        if c.min_items is not None:
            args.append(f"minItems = {c.min_items}")
        if c.max_items is not None:
            args.append(f"maxItems = {c.max_items}")
        out.append(f"v.items({', '.join(args)})")
    element = _leaf_checks(prop, "e", pattern_const)
    loop = "each" if prop.type.kind is Kind.LIST else "eachEntry"
    if element:
        out.append(f"v.{loop}({expr}) {{ e -> {'; '.join(element)} }}")
    elif prop.type.kind is Kind.MAP:
        out.append(f"v.{loop}({expr}) {{}}")  # keys still get the surrogate check
    return out


def _nullable(prop: Property) -> bool:
    return not prop.required and prop.is_parameter


def pattern_literal(pattern: str) -> str:
    """The runtime's matcher of a model pattern: its automaton (automata.py),
    or else a Regex, since the loader admits only the subset that
    java.util.regex reads as Python, JavaScript and ICU do. The table and
    the accepting states are strings (a constant each, however long; an
    int array costs bytecode in the file's initializer, which has a limit)."""
    source = kn.string_literal(pattern)
    automaton = compile_pattern(pattern)
    if automaton is None:
        return f"RegexPattern({source})"
    width = len(automaton.starts)
    rows = [_state_text(automaton.table[i:i + width]) for i in range(0, len(automaton.table), width)]
    table = " +\n        ".join(rows)  # a row a state
    starts = f"intArrayOf({', '.join(map(str, automaton.starts))})"
    return (f"AutomatonPattern(\n    {source},\n    {starts},\n    {table},\n    "
            f"{_state_text(automaton.accepting)},\n)")


def _state_text(states: tuple[int, ...]) -> str:
    """States as AutomatonPattern reads them: one character each, '0' for none, '1' for state 0, ..."""
    return kn.string_literal("".join(chr(STATE_OFFSET + 1 + s) for s in states))


STATE_OFFSET = 0x30  # '0' is no state, '1' state 0: the first states are digits and letters in the literal


# --- whole classes ------------------------------------------------------------


def message_view(
    class_name: str, properties: tuple[Property, ...], names: Names, model: Model, *,
    supertypes: str, kdoc: list[str], deprecation: Deprecation | None = None, event: Event | None = None,
) -> MessageView:
    members = member_names(properties)
    params: list[FieldView] = []
    consts: list[FieldView] = []
    validations: list[ValidationView] = []
    patterns: list[tuple[str, str]] = []
    deprecations: list[str] = []
    proto: list[str] = []
    json_items: list[tuple[bytes, str]] = []
    java_params: list[tuple[Property, str, str, bool, list[str]]] = []
    if event is not None and event.deprecation is not None:
        warning = deprecation_warning(event_subject(event.name), event.deprecation)
        deprecations.append(f"out.add({kn.string_literal(warning)})")
    for prop in properties:
        name = members[prop.name]
        if prop.auto is not None:
            expr = AUTO_EXPRESSIONS[prop.auto]
            _add_checks(prop, expr, validations, patterns)
        elif prop.const is not None:
            expr = name
            consts.append(FieldView(name, names.kotlin_type(prop.type), "", kn.kdoc_block(property_kdoc(prop)),
                                    deprecated_annotation(prop.deprecation),
                                    value_literal(prop.const, prop.type, names, model)))
        else:
            expr = name
            nullable = _nullable(prop)
            type_text = names.kotlin_type(prop.type) + ("?" if nullable else "")
            params.append(FieldView(name, type_text, " = null" if nullable else "", kn.kdoc_block(property_kdoc(prop)),
                                    deprecated_annotation(prop.deprecation)))
            java_params.append((prop, name, names.kotlin_type(prop.type), nullable,
                                deprecated_annotation(prop.deprecation)))
            _add_checks(prop, expr, validations, patterns)
        if prop.auto is None and supertypes:  # `this.`: parameter names never shadow it
            deprecations += deprecation_statements(prop, f"this.{name}", model)
        proto.append(proto_statement(prop, expr))
        json_items.append((prop.name.encode("utf-16-be"), json_statement(prop, expr, _nullable(prop))))
    json_lines = [s for _, s in sorted(json_items)]
    uses_deprecated = deprecation is not None or any(p.deprecation for p in properties) or _uses_deprecated_enum(
        properties, model)
    companion = []
    if event is not None:
        companion = [f"public const val EVENT_NAME: String = {kn.string_literal(event.name)}",
                     f"public const val EVENT_NUMBER: Int = {event.number}"]
    extra = [] if params else [
        f"override fun equals(other: Any?): Boolean = other is {class_name}",
        f"override fun hashCode(): Int = {kn.string_literal(class_name)}.hashCode()",
        f"override fun toString(): String = {kn.string_literal(class_name + '()')}",
    ]
    consent, purposes = consent_members(class_name, properties, model, supertypes, event)
    return MessageView(
        class_name=class_name, keyword="data class" if params else "class", supertypes=supertypes,
        kdoc=kn.kdoc_block(kdoc),
        annotations=deprecated_annotation(deprecation), params=params, consts=consts, validations=validations,
        proto=proto, json=json_lines, deprecations=deprecations, patterns=patterns, companion=companion,
        extra_members=extra, file_annotations=['@file:Suppress("DEPRECATION")'] if uses_deprecated else [],
        consent=consent, purposes=purposes,
        constructor=constructor_keyword(params), builder=builder_view(class_name, java_params),
    )


def _set_of(names: Any) -> str:
    return "setOf(" + ", ".join(kn.string_literal(n) for n in sorted(names)) + ")" if names else "emptySet()"


def consent_members(class_name: str, properties: tuple[Property, ...], model: Model, supertypes: str,
                    event: Event | None) -> tuple[list[str], str]:
    """`redact` (for messages that can lose values for want of consent) and
    the event's or context's `purposes`; and the file's PURPOSES constant."""
    rules = purpose_rules(model)
    is_context = not supertypes
    needs = rules.event_needs(event) if event is not None else rules.context_needs() if is_context else frozenset()
    lines: list[str] = []
    if event is not None and needs:
        lines += ["override val purposes: Set<String> get() = PURPOSES", ""]
    elif is_context:
        lines += ["internal val purposes: Set<String> get() = " + ("PURPOSES" if needs else "emptySet()"), ""]
    signature = "fun redact(granted: Set<String>, used: MutableSet<String>): " + class_name
    if rules.message_redacts(properties):
        members = member_names(properties)
        lines.append(("internal " if is_context else "override ") + signature + " = copy(")
        for prop in properties:
            value = _redacted_value(prop, members[prop.name], rules)
            if value is not None:
                lines.append(f"    {members[prop.name]} = {value},")
        lines.append(")")
    elif is_context:
        lines += ['@Suppress("UNUSED_PARAMETER")', "internal " + signature + " = this"]
    while lines and not lines[-1]:
        lines.pop()
    return lines, _set_of(needs) if needs else ""


def _redacted_value(prop: Property, name: str, rules: Any) -> str | None:
    removal, inner = rules.removal(prop), rules.redacts(prop)
    if not removal and not inner:
        return None
    nullable = _nullable(prop)
    expr = name
    if removal:
        expr += f"?.takeIf {{ Consent.allows(granted, {_set_of(removal)}, used) }}"
    if inner:
        dot = "?." if nullable or removal else "."
        if prop.type.kind is Kind.LIST:
            expr += f"{dot}map {{ it.redact(granted, used) }}"
        elif prop.type.kind is Kind.MAP:
            expr += f"{dot}mapValues {{ it.value.redact(granted, used) }}"
        else:
            expr += f"{dot}redact(granted, used)"
    return expr


def _add_checks(prop: Property, expr: str, validations: list[ValidationView], patterns: list[tuple[str, str]]) -> None:
    pattern_const = None
    if prop.constraints.pattern is not None:
        pattern_const = f"{upper_snake(prop.name)}_PATTERN"
        patterns.append((pattern_const, pattern_literal(prop.constraints.pattern)))
    statements = validation_statements(prop, expr, pattern_const)
    if statements:
        validations.append(ValidationView(kn.string_literal(prop.name), statements))


def _uses_deprecated_enum(properties: tuple[Property, ...], model: Model) -> bool:
    for prop in properties:
        if prop.const is not None and prop.type.kind is Kind.ENUM:
            value = next(v for v in model.enum(prop.type.name).values if v.name == prop.const)  # type: ignore[arg-type]
            if value.deprecation is not None:
                return True
    return False


def deprecation_statements(prop: Property, expr: str, model: Model) -> list[str]:
    """Statements of `deprecationWarnings(path, out)` for one property
    (`path` ends in "."; texts from the catalogue, docs/sdk-api.md)."""
    out: list[str] = []
    nullable = _nullable(prop)
    name = prop.name
    if prop.deprecation is not None:
        text = kn.string_literal(f"{name} {deprecation_predicate(prop.deprecation)}")
        out.append(f"if ({expr} != null) out.add(path + {text})" if nullable else f"out.add(path + {text})")
    leaf = prop.type.leaf
    many = "s" if prop.type.is_repeated else ""
    if leaf.kind is Kind.ENUM and prop.const is not None:
        value = next(v for v in model.enum(leaf.name).values if v.name == prop.const)  # type: ignore[arg-type]
        if value.deprecation is not None:
            text = deprecation_warning(enum_value_subject(name, value.name), value.deprecation)
            out.append(f"out.add(path + {kn.string_literal(text)})")
    elif leaf.kind is Kind.ENUM and enum_can_warn(model.enum(leaf.name or "")):
        out.append(f"Deprecations.value{many}(path + {kn.string_literal(name)}, {expr}, out)")
    elif leaf.kind is Kind.OBJECT and object_can_warn(model, leaf.name or ""):
        out.append(f"Deprecations.message{many}(path + {kn.string_literal(name)}, {expr}, out)")
    return out


def event_view(event: Event, names: Names, model: Model) -> MessageView:
    return message_view(names.of(event.name), event.properties, names, model, supertypes="EventMessage",
                        kdoc=event_kdoc(event), deprecation=event.deprecation, event=event)


def object_view(obj_name: str, names: Names, model: Model) -> MessageView:
    obj = model.object(obj_name)
    kdoc = kn.kdoc_lines(obj.description) if obj.description else []
    kdoc += ([""] if kdoc else []) + kn.kdoc_lines(f"Object `{obj.name}` of the model.")
    return message_view(names.of(obj.name), obj.properties, names, model, supertypes="Message", kdoc=kdoc)


def context_view(names: Names, model: Model) -> MessageView:
    ctx = model.context
    kdoc = kn.kdoc_lines(ctx.description) if ctx.description else []
    kdoc += ([""] if kdoc else []) + kn.kdoc_lines(
        "The context sent with every event. Properties the tracker fills in "
        "(event id, client timestamp, versions) are not parameters.")
    return message_view(kn.CONTEXT_CLASS, ctx.properties, names, model, supertypes="", kdoc=kdoc)


def enum_view(enum: EnumType, names: Names) -> EnumView:
    kdoc = kn.kdoc_lines(enum.description) if enum.description else []
    kdoc += ([""] if kdoc else []) + kn.kdoc_lines(f"Enum `{enum.name}` of the model.")
    entry_names = enum_entry_names(enum)
    entries = []
    for value in enum.values:
        entry = entry_names[value.name]
        doc = kn.kdoc_lines(value.description) if value.description else []
        doc += ([""] if doc else []) + kn.kdoc_lines(f"Model name `{value.name}`, number {value.number}.")
        if value.deprecation is not None:
            doc += ["", *kn.kdoc_lines(deprecation_note(value.deprecation))]
        predicate = f", {kn.string_literal(deprecation_predicate(value.deprecation))}" if value.deprecation else ""
        entries.append(EnumEntryView(entry, value.number, kn.string_literal(value.name),
                                     kn.string_literal(enum_value_json_name(enum.name, value.name)),
                                     kn.kdoc_block(doc), deprecated_annotation(value.deprecation), predicate))
    return EnumView(names.of(enum.name), kn.kdoc_block(kdoc), entries, [],
                    any(v.deprecation for v in enum.values))


def purpose_view(model: Model, names: Names) -> dict[str, Any]:
    """The enum of the model's purposes and the names the runtime reads."""
    allocate = NameAllocator(kn.RESERVED_ENUM_ENTRIES, numbered())
    entries = []
    for purpose in model.purposes:
        facts = (f"Lawful basis: {purpose.lawful_basis.value}; kept {purpose.retention_days} days"
                 + ("; may process sensitive values." if purpose.sensitive else "."))
        doc = kn.kdoc_lines(purpose.description) if purpose.description else []
        doc += ([""] if doc else []) + kn.kdoc_lines(facts)
        entries.append({"name": allocate.claim("entries", kn.enum_entry_name(purpose.name)),
                        "wire_name": kn.string_literal(purpose.name), "kdoc": kn.kdoc_block(doc)})
    by_name = {p.name: e["name"] for p, e in zip(model.purposes, entries)}
    default = purpose_rules(model).default_consent()
    kdoc = kn.kdoc_lines("A purpose of the model: what data is processed for. Set a tracker's `consent` "
                         "with them; an event is sent only when every purpose it needs is granted.")
    return {
        "class_name": names.purpose, "kdoc": kn.kdoc_block(kdoc), "entries": entries,
        "default": "setOf(" + ", ".join(by_name[n] for n in default) + ")" if default else "emptySet()",
        "names": "listOf(" + ", ".join(kn.string_literal(p.name) for p in model.purposes) + ")"
        if model.purposes else "emptyList()",
        "default_names": _set_of(default),
    }


_ENTRIES: dict[int, tuple[EnumType, dict[str, str]]] = {}


def enum_entry_names(enum: EnumType) -> dict[str, str]:
    """Kotlin entry names of an enum's values, by model value name (cached)."""
    cached = _ENTRIES.get(id(enum))
    if cached is not None and cached[0] is enum:
        return cached[1]
    allocate = NameAllocator(kn.RESERVED_ENUM_ENTRIES, numbered())
    names = allocate.claim_all("entries", [kn.enum_entry_name(v.name) for v in enum.values])
    result = {v.name: n for v, n in zip(enum.values, names)}
    if len(_ENTRIES) > 100_000:
        _ENTRIES.clear()
    _ENTRIES[id(enum)] = (enum, result)
    return result
