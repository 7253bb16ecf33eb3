"""Views of the IR for the TypeScript templates: names, types, literals and
doc lines of every module, decided once so the templates only lay out
TypeScript syntax. Messages are data: each module holds a table of fields
that the runtime's one codec reads, so bundles carry only the events they
import."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from codegen.ir import (
    ConstValue,
    Deprecation,
    EnumType,
    Event,
    Kind,
    Model,
    Property,
    Scalar,
    TypeRef,
)
from codegen.naming import camel, pascal, enum_unspecified_name, enum_value_json_name
from codegen.purposes import purpose_rules
from codegen.sdk.contract import GENERATED_MARKER, OutputFile
from codegen.sdk.docs import (
    constraint_summary,
    deprecation_message,
    deprecation_note,
    deprecation_predicate,
    deprecation_warning,
    event_facts,
    event_subject,
)
from codegen.sdk.kept_names import kept, scoped, scoped_rows, text, text_map
from codegen.sdk.memo import Memo
from codegen.sdk.names import NameAllocator
from codegen.sdk.runtime_files import copy_runtime, generated_header
from codegen.sdk.templates import TemplateSet
from codegen.sdk.walkers import TypeSyntax
from codegen.targets.javascript import lexical as js
from codegen.targets.javascript.lexical import TS_TYPES
from codegen.targets.javascript.options import Options

# The TypeScript the generated package.json asks for; tools/javascript pins
# the same version for our own tests (tests/test_javascript_sdk.py checks).
TYPESCRIPT_VERSION = "7.0.2"
DEFAULT_PACKAGE = "event-model-sdk"
HEADER = f"// {GENERATED_MARKER}"
RUNTIME_HEADER = generated_header("//")

CODECS = {scalar: f"{scalar.value}Codec" for scalar in Scalar}
LABELS = {Kind.LIST: "LIST", Kind.MAP: "MAP"}
WIDE = (Scalar.INT64, Scalar.UINT64)

# What each kind of module takes from the runtime besides its codecs.
_MESSAGE_IMPORTS = {
    "runtime/codec": ["FIELD_TABLE", "type Field", "WRITE_PROTOBUF", "encodeMessage", "validateMessage", "writeMessage"],
    "runtime/protobuf": ["type ProtoWriter"],
    "runtime/validation": ["type ValidationIssue"],
}
EVENT_IMPORTS = {
    **_MESSAGE_IMPORTS,
    "runtime/redaction": ["deprecations", "redactMessage"],
    "runtime/tracker": ["type TrackableEvent"],
}
CONTEXT_IMPORTS = {
    **_MESSAGE_IMPORTS,
    "runtime/codec": _MESSAGE_IMPORTS["runtime/codec"] + ["type AutoValues"],
    "runtime/redaction": ["redactMessage"],
    "runtime/tracker": ["type ContextMessage"],
}
OBJECT_IMPORTS = {"runtime/codec": ["type Codec", "type Field", "messageCodec"]}


@dataclass(frozen=True)
class Names:
    """Every identifier of one model, derived once: type names share one
    scope (index.ts exports them all), members one scope per message."""

    types: dict[tuple[str, str], str]  # ("enum"|"object"|"event"|"props", name) -> TS name
    codecs: dict[str, str]  # enum or object name -> codec constant
    members: dict[tuple[str, str], dict[str, str]]  # (kind, owner) -> wire name -> identifier

    @staticmethod
    def of(model: Model) -> Names:
        allocate = NameAllocator(js.RESERVED)
        types: dict[tuple[str, str], str] = {}
        codecs: dict[str, str] = {}
        # The SDK's own type of purposes first: its name is the vocabulary's (docs/sdk-api.md).
        types[("purpose", "")] = allocate.claim("types", "Purpose")
        for kind, items in (("enum", model.enums), ("object", model.objects), ("event", model.events)):
            for item in items:
                types[(kind, item.name)] = allocate.claim("types", pascal(item.name))
                if kind != "event":
                    codecs[item.name] = allocate.claim("codecs", camel(item.name) + "Codec")
        for event in model.events:
            types[("props", event.name)] = allocate.claim("types", types[("event", event.name)] + "Props")
        members = {
            (kind, owner): {p.name: allocate.claim((kind, owner), camel(p.name)) for p in properties}
            for kind, owner, properties, _ in model.property_scopes
        }
        return Names(types, codecs, members)

    @staticmethod
    def kept(model: Model, memo: Memo) -> Names:
        """`of`, or what it gave the previous build (codegen.sdk.kept_names)."""
        return kept(memo, model, ("javascript",), lambda: Names.of(model), Names._data, Names._read)

    def _data(self) -> dict[str, Any]:
        return {"types": scoped_rows(self.types), "codecs": self.codecs, "members": scoped_rows(self.members)}

    @staticmethod
    def _read(data: Any) -> Names:
        return Names(scoped(data["types"], text), text_map(data["codecs"]), scoped(data["members"], text_map))

    def type_of(self, ref: TypeRef) -> str:
        return TypeSyntax(TS_TYPES, lambda kind, name: self.types[(kind.value, name)],
                          list=_list_type, map=lambda element: f"MapOf<{element}>").spell(ref)

    def codec_of(self, ref: TypeRef) -> str:
        leaf = ref.leaf
        if leaf.kind is Kind.SCALAR:
            assert leaf.scalar is not None
            return CODECS[leaf.scalar]
        return self.codecs[str(leaf.name)]


def _list_type(element: str) -> str:
    return f"readonly ({element})[]" if "|" in element else f"readonly {element}[]"


# --- views -------------------------------------------------------------------


@dataclass(frozen=True)
class Import:
    names: str  # "{ a, type B }"
    module: str


@dataclass(frozen=True)
class Member:
    """A value callers pass: a property of the props type and of the class."""

    ident: str
    ts_type: str
    optional: bool
    doc_block: str  # the TSDoc comment, rendered once for the props type and the class

    @property
    def field_type(self) -> str:
        return f"{self.ts_type} | undefined" if self.optional else self.ts_type



def may_deprecate(model: Model, properties: tuple[Property, ...], seen: frozenset[str] = frozenset()) -> bool:
    """Whether a message of these properties can hold something deprecated:
    a deprecated property, a deprecated enum value, or either inside its objects."""
    for p in properties:
        leaf = p.type.leaf
        if p.deprecation is not None:
            return True
        if leaf.kind is Kind.ENUM and any(v.deprecation is not None for v in model.enum(str(leaf.name)).values):
            return True
        if leaf.kind is Kind.OBJECT and leaf.name not in seen:
            if may_deprecate(model, model.object(str(leaf.name)).properties, seen | {str(leaf.name)}):
                return True
    return False

@dataclass(frozen=True)
class MessageView:
    wire_name: str
    name_literal: str
    type_name: str
    props_name: str
    props_param: str  # "_props" when nothing is read from it
    props_default: str  # " = {}" when every member is optional
    codec_name: str
    number: int
    doc: tuple[str, ...]
    members: tuple[Member, ...]
    fields: tuple[str, ...]  # the entries of each Field object literal
    imports: tuple[Import, ...]
    notices: str  # TS array literal of the event's own deprecation warning
    prefix: str  # TS string literal: path prefix of deprecation warnings
    purposes: str = "[]"  # TS array literal: the purposes the message always needs
    may_deprecate: bool = False  # it can hold a deprecated value (else no walk, and no walker in the bundle)


@dataclass(frozen=True)
class EnumValueView:
    literal: str
    number: int
    json_literal: str
    tail: str  # ", \"is deprecated ...\"" (the warning's predicate) for deprecated values, else ""


@dataclass(frozen=True)
class EnumView:
    wire_name: str
    type_name: str
    codec_name: str
    name_literal: str
    unspecified_literal: str
    doc: tuple[str, ...]
    values: tuple[EnumValueView, ...]


@dataclass(frozen=True)
class ModuleRef:
    """An entry of index.ts."""

    names: str
    module: str


def property_doc(prop: Property) -> tuple[str, ...]:
    lines = js.doc_text(prop.description)
    facts = [f"Wire name `{prop.name}` (field {prop.number}), privacy: {prop.privacy.value}."]
    constraints = constraint_summary(prop.constraints)
    if constraints:
        facts.append(constraints)
    lines += ([""] if lines else []) + js.doc_text(" ".join(facts))
    if prop.deprecation is not None:
        lines += js.doc_tag("deprecated", deprecation_message(prop.deprecation))
    return tuple(lines)


def event_doc(event: Event) -> tuple[str, ...]:
    lines = js.doc_text(event.description)
    facts = [event_facts(event)]
    lines += ([""] if lines else []) + js.doc_text(" ".join(facts))
    if event.deprecation is not None:
        lines += js.doc_tag("deprecated", deprecation_message(event.deprecation))
    return tuple(lines)


def js_pattern(pattern: str) -> str:
    """The model's portable pattern in JavaScript "u"-mode syntax: a lone ']'
    outside a class is a literal in Python, Java and ICU but an error there."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern.startswith("^", i + 1):
                out.append("[^")
                i += 2
                continue
        elif ch == "]":
            ch = "\\]"
        out.append(ch)
        i += 1
    return "".join(out)


def module_path(module: str, here: str) -> str:
    """The import specifier of `module` (relative to src/) from folder `here`."""
    folder, _, name = module.rpartition("/")
    if not here:
        return f"./{module}"
    return f"./{name}" if folder == here else f"../{module}"


def string_array(items: list[str]) -> str:
    return "[" + ", ".join(js.ts_string(i) for i in items) + "]"


def bound_literal(value: int | float, scalar: Scalar, upper: bool) -> str:
    if scalar in WIDE:  # exact bigint bounds: an int64 bound may exceed 2^53
        whole = math.floor(value) if upper else math.ceil(value)
        return js.ts_bigint(int(whole))
    return js.ts_number(value)


def const_literal(value: ConstValue, ref: TypeRef) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return js.ts_string(value)
    if ref.kind is Kind.SCALAR and ref.scalar in WIDE:
        return js.ts_bigint(int(value))
    return js.ts_number(value)


def package_metadata(model: Model) -> list[tuple[str, str]]:
    """package.json keys (JSON-quoted, in npm's documented order) from the
    model's license, authors and urls."""
    found: list[tuple[str, object]] = []
    if model.license:
        found.append(("license", model.license))
    if model.authors:
        found.append(("author", model.authors[0]))
    if len(model.authors) > 1:
        found.append(("contributors", list(model.authors[1:])))
    if model.url("homepage"):
        found.append(("homepage", model.url("homepage")))
    if model.url("repository"):
        found.append(("repository", {"type": "git", "url": model.url("repository")}))
    if model.url("issues"):
        found.append(("bugs", {"url": model.url("issues")}))
    return [(js.ts_json(key), _inline_json(value)) for key, value in found]


def _inline_json(value: object) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{js.ts_json(k)}: {js.ts_json(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(js.ts_json(v) for v in value) + "]"
    return js.ts_json(str(value))


class Renderer:
    def __init__(self, model: Model, templates: TemplateSet, options: Options | None = None) -> None:
        self.model = model
        self.templates = templates
        self.names = Names.kept(model, templates.memo)
        self.package = (options or Options.of(model, "javascript")).package or DEFAULT_PACKAGE
        # The comment macro, called from here once per member (not per use).
        self.doc = templates.env.get_template("_macros.j2").module.doc  # type: ignore[attr-defined]

    # --- messages ----------------------------------------------------------

    def field_entries(self, prop: Property, key: str) -> str:
        t, c = prop.type, prop.constraints
        entries = [
            ("name", js.ts_string(prop.name)), ("number", str(prop.number)), ("key", js.ts_string(key)),
            ("codec", self.names.codec_of(t)), ("label", LABELS.get(t.kind, "SINGLE")),
            ("presence", str(prop.has_presence).lower()), ("required", str(prop.required).lower()),
        ]
        if prop.const is not None:
            entries.append(("constValue", const_literal(prop.const, t.leaf)))
        if prop.auto is not None:
            entries.append(("auto", js.ts_string(camel(prop.auto.value))))
        if prop.deprecation is not None:
            entries.append(("deprecated", js.ts_string(deprecation_predicate(prop.deprecation))))
        rules = purpose_rules(self.model)
        if rules.removal(prop):
            entries.append(("purposes", string_array(sorted(rules.removal(prop)))))
        if rules.redacts(prop):
            entries.append(("redacts", "true"))
        scalar = t.leaf.scalar or Scalar.STRING
        if c.minimum is not None:
            entries.append(("minimum", bound_literal(c.minimum, scalar, upper=False)))
        if c.maximum is not None:
            entries.append(("maximum", bound_literal(c.maximum, scalar, upper=True)))
        for name, value in (("minLength", c.min_length), ("maxLength", c.max_length),
                            ("minItems", c.min_items), ("maxItems", c.max_items)):
            if value is not None:
                entries.append((name, str(value)))
        if c.pattern is not None:
            entries.append(("pattern", js.ts_string(js_pattern(c.pattern))))
            if js_pattern(c.pattern) != c.pattern:
                entries.append(("patternText", js.ts_string(c.pattern)))
        return ", ".join(f"{k}: {v}" for k, v in entries)

    def imports(self, properties: tuple[Property, ...], here: str,
                extra: dict[str, list[str]]) -> tuple[Import, ...]:
        """Imports of a module in folder `here` (relative to src/, "" for src/ itself)."""
        by_module: dict[str, set[str]] = {module: set(names) for module, names in extra.items()}
        by_module.setdefault("runtime/codec", set())
        for prop in properties:
            leaf = prop.type.leaf
            by_module["runtime/codec"].add(LABELS.get(prop.type.kind, "SINGLE"))
            if prop.type.kind is Kind.MAP and prop.is_parameter:
                by_module["runtime/codec"].add("type MapOf")
            if leaf.kind is Kind.SCALAR:
                by_module["runtime/codec"].add(self.names.codec_of(leaf))
                if leaf.scalar is Scalar.TIMESTAMP and prop.is_parameter:
                    by_module.setdefault("runtime/timestamp", set()).add("type Timestamp")
                continue
            folder = "enums" if leaf.kind is Kind.ENUM else "objects"
            wanted = by_module.setdefault(f"{folder}/{leaf.name}", set())
            wanted.add(self.names.codec_of(leaf))
            if prop.is_parameter:
                wanted.add("type " + self.names.type_of(leaf))
        result = []
        for module in sorted(by_module):
            names = sorted(by_module[module], key=lambda n: n.removeprefix("type "))
            if all(n.startswith("type ") for n in names):  # elided from the JavaScript
                names = [n.removeprefix("type ") for n in names]
                names[0] = "type { " + names[0]
            else:
                names[0] = "{ " + names[0]
            result.append(Import(", ".join(names) + " }", module_path(module, here) + ".js"))
        return tuple(result)

    def message(self, kind: str, owner: str, properties: tuple[Property, ...], here: str,
                extra: dict[str, list[str]], type_name: str, props_name: str, doc: tuple[str, ...],
                number: int = 0, deprecation: Deprecation | None = None,
                purposes: frozenset[str] = frozenset()) -> MessageView:
        idents = self.names.members[(kind, owner)]
        members = tuple(
            Member(idents[p.name], self.names.type_of(p.type), not p.required, self.doc(property_doc(p), "  "))
            for p in properties if p.is_parameter
        )
        notices = "[]"
        if deprecation is not None:
            notices = f"[{js.ts_string(deprecation_warning(event_subject(owner), deprecation))}]"
        return MessageView(
            wire_name=owner, name_literal=js.ts_string(owner), type_name=type_name, props_name=props_name,
            props_param="props" if members else "_props",
            props_default=" = {}" if all(m.optional for m in members) else "",
            codec_name=self.names.codecs.get(owner, ""), number=number, doc=doc, members=members,
            fields=tuple(self.field_entries(p, idents[p.name]) for p in properties),
            imports=self.imports(properties, here, extra), notices=notices,
            prefix=js.ts_string(f"{owner}." if owner else "context."), purposes=string_array(sorted(purposes)),
        )

    def event_view(self, event: Event) -> MessageView:
        walks = may_deprecate(self.model, event.properties)
        extra = EVENT_IMPORTS if walks else {**EVENT_IMPORTS, "runtime/redaction": ["redactMessage"]}
        view = self.message(
            "event", event.name, event.properties, "events", extra,
            self.names.types[("event", event.name)], self.names.types[("props", event.name)],
            event_doc(event), event.number, event.deprecation, purpose_rules(self.model).event_needs(event),
        )
        return replace(view, may_deprecate=walks)

    def object_view(self, name: str) -> MessageView:
        obj = self.model.object(name)
        type_name = self.names.types[("object", name)]
        return self.message("object", name, obj.properties, "objects", OBJECT_IMPORTS,
                            type_name, type_name, tuple(js.doc_text(obj.description)))

    def context_view(self) -> MessageView:
        ctx = self.model.context
        return self.message(
            "context", "", ctx.properties, "", CONTEXT_IMPORTS,
            "TrackingContext", "TrackingContextProps", tuple(js.doc_text(ctx.description)),
            purposes=purpose_rules(self.model).context_needs(),
        )

    def enum_view(self, enum: EnumType) -> EnumView:
        doc = js.doc_text(enum.description)
        doc += [""] if doc else []
        doc += ["Values (model name, number):"]
        for v in enum.values:
            line = f"- `{js.doc_inline(v.name)}` ({v.number})"
            if v.description:
                line += ": " + js.doc_inline(v.description)
            if v.deprecation:
                line += " " + js.doc_inline(deprecation_note(v.deprecation))
            doc.append(line)
        values = tuple(
            EnumValueView(js.ts_string(v.name), v.number, js.ts_string(enum_value_json_name(enum.name, v.name)),
                          f", {js.ts_string(deprecation_predicate(v.deprecation))}" if v.deprecation else "")
            for v in enum.values
        )
        return EnumView(enum.name, self.names.types[("enum", enum.name)], self.names.codecs[enum.name],
                        js.ts_string(enum.name), js.ts_string(enum_unspecified_name(enum.name)),
                        tuple(doc), values)

    def purposes_view(self) -> dict[str, object]:
        doc = ["A purpose of the model: what data is processed for. Set a tracker's",
               "`consent` with them; an event is sent only when every purpose it needs",
               "is granted.", ""]
        for p in self.model.purposes:
            facts = f"lawful basis: {p.lawful_basis.value}; kept {p.retention_days} days" + (
                "; may process sensitive values" if p.sensitive else "")
            line = f"- `{js.doc_inline(p.name)}`: {js.doc_inline(' '.join(p.description.split()))} ({facts})"
            doc.append(line)
        names = [js.ts_string(p.name) for p in self.model.purposes]
        default = [js.ts_string(n) for n in purpose_rules(self.model).default_consent()]
        return {"name": self.names.types[("purpose", "")], "doc": doc, "union": " | ".join(names) or "never",
                "all": "[" + ", ".join(names) + "]", "default": "[" + ", ".join(default) + "]"}

    # --- files -------------------------------------------------------------

    def render_sources(self) -> list[OutputFile]:
        """Every file but the tests rendered from the test plan."""
        t, m = self.templates, self.model
        header = f"// {GENERATED_MARKER}"
        files: list[OutputFile] = []

        def add(path: str, template: str, **context: object) -> None:
            files.append(OutputFile(path, t.render(template, header=header, marker=GENERATED_MARKER, **context)))

        index: list[ModuleRef] = []
        for event in m.events:
            type_name, props_name = self.names.types[("event", event.name)], self.names.types[("props", event.name)]
            files += t.memo.event_files(event, (type_name, props_name), partial(self.event_files, event))
            index.append(ModuleRef(f"{{ {type_name}, type {props_name} }}", f"./events/{event.name}.js"))
        for enum in m.enums:
            enum_view = self.enum_view(enum)
            add(f"src/enums/{enum.name}.ts", "enum.ts.j2", e=enum_view)
            index.append(ModuleRef(f"{{ {enum_view.type_name} }}", f"./enums/{enum.name}.js"))
        for obj in m.objects:
            view = self.object_view(obj.name)
            add(f"src/objects/{obj.name}.ts", "object.ts.j2", m=view)
            index.append(ModuleRef(f"type {{ {view.type_name} }}", f"./objects/{obj.name}.js"))
        add("src/context.ts", "context.ts.j2", m=self.context_view())
        purpose = self.names.types[("purpose", "")]
        add("src/purposes.ts", "purposes.ts.j2", p=self.purposes_view())
        index.append(ModuleRef(f"{{ ALL_PURPOSES, DEFAULT_CONSENT, type {purpose} }}", "./purposes.js"))
        sdk = {"name": js.ts_string(self.package), "version": js.ts_string(m.version)}
        add("src/tracker.ts", "tracker.ts.j2", sdk=sdk, purpose=purpose)
        add("src/index.ts", "index.ts.j2", modules=index)
        files += copy_runtime(t, "runtime", "src/runtime/", RUNTIME_HEADER)
        files += copy_runtime(t, "runtime_test", "test/", RUNTIME_HEADER)
        return files + self.package_files()

    def event_files(self, event: Event) -> list[OutputFile]:
        """The files only `event` decides (given what all events share)."""
        text = self.templates.render("event.ts.j2", header=HEADER, marker=GENERATED_MARKER, m=self.event_view(event))
        return [OutputFile(f"src/events/{event.name}.ts", text)]

    def package_files(self) -> list[OutputFile]:
        t, m = self.templates, self.model
        description = " ".join(m.description.split()) or f"Tracking SDK for the {m.name} event model."
        first = self.model.events[0] if self.model.events else None
        example = None
        if first is not None:
            example = {"type": self.names.types[("event", first.name)], "module": first.name}
        package = {
            "marker": js.ts_json(GENERATED_MARKER), "name": js.ts_json(self.package),
            "version": js.ts_json(m.version), "description": js.ts_json(description),
            "typescript": js.ts_json("^" + TYPESCRIPT_VERSION), "metadata": package_metadata(m),
        }
        out = [
            OutputFile("package.json", t.render("package.json.j2", p=package)),
            OutputFile("README.md", t.render("README.md.j2", marker=GENERATED_MARKER, package=self.package,
                                              model=m, example=example, typescript=TYPESCRIPT_VERSION)),
            OutputFile("scripts/mark-cjs.mjs", t.render("mark-cjs.mjs.j2", header=f"// {GENERATED_MARKER}")),
            OutputFile(".gitignore", t.render("gitignore.j2", marker=GENERATED_MARKER)),
        ]
        for name in ("tsconfig.json", "tsconfig.esm.json", "tsconfig.cjs.json", "tsconfig.test.json"):
            out.append(OutputFile(name, t.render(f"{name}.j2", marker=js.ts_json(GENERATED_MARKER))))
        return out
