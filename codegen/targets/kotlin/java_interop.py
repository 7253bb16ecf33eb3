"""What Java callers need of the Kotlin SDK (Java 8 and later, no casts, no
reflection). Kotlin's unsigned types have no Java spelling, and a Kotlin
constructor that takes one is hidden from Java; so every message class gets
a nested `Builder` whose setters take Java types (uint32 as `int`, uint64 as
`long`, read as unsigned like protobuf-java does: -1 is 4294967295), and
`@JvmOverloads` on its constructor where parameters have defaults. The
Kotlin API and the encodings stay exactly as they are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from codegen.ir import Kind, Property, Scalar
from codegen.targets.kotlin import lexical as kn

# Unsigned Kotlin types, the Java-spellable type a setter takes, and the conversion.
UNSIGNED = {Scalar.UINT32: ("Int", "toUInt()"), Scalar.UINT64: ("Long", "toULong()")}


@dataclass(frozen=True)
class SetterView:
    name: str  # the property's member name: the setter and the builder's field
    field_type: str  # the builder field's Kotlin type (always nullable)
    param_type: str  # what Java passes
    store: str  # the expression stored, in terms of `value`
    kdoc: list[str]
    annotations: list[str]
    argument: str  # `name = ...` in build()


@dataclass(frozen=True)
class BuilderView:
    class_name: str
    kdoc: list[str]
    setters: list[SetterView]


def constructor_keyword(params: Sequence[object]) -> str:
    """` @JvmOverloads constructor` when some parameter has a default (Java
    then gets the shorter constructors too), else nothing."""
    return " @JvmOverloads constructor" if any(getattr(p, "default", "") for p in params) else ""


def _java_form(prop: Property, kotlin_type: str, nullable: bool) -> tuple[str, str]:
    """(the setter's parameter type, the stored expression) for one property."""
    leaf = prop.type.leaf
    if leaf.kind is not Kind.SCALAR or leaf.scalar not in UNSIGNED:
        return kotlin_type + ("?" if nullable else ""), "value"
    java, convert = UNSIGNED[leaf.scalar]
    safe = "?." if nullable else "."
    if prop.type.kind is Kind.LIST:
        return f"List<{java}>" + ("?" if nullable else ""), f"value{safe}map {{ it.{convert} }}"
    if prop.type.kind is Kind.MAP:
        return f"Map<String, {java}>" + ("?" if nullable else ""), f"value{safe}mapValues {{ it.value.{convert} }}"
    return java + ("?" if nullable else ""), f"value{safe}{convert}"


def builder_view(class_name: str, params: list[tuple[Property, str, str, bool, list[str]]]) -> BuilderView | None:
    """The Builder of a class, from its constructor parameters as (property,
    member name, Kotlin type without '?', nullable, deprecation annotations)."""
    if not params:
        return None
    setters = []
    for prop, name, kotlin_type, nullable, annotations in params:
        param_type, store = _java_form(prop, kotlin_type, nullable)
        unsigned = param_type.split("<")[0].rstrip("?") != kotlin_type.split("<")[0] or store != "value"
        doc = f"Sets `{prop.name}` ({prop.type}{', required' if not nullable else ''})."
        if unsigned:
            doc += " Unsigned: the bits of the Java value, as in protobuf-java."
        missing = kn.string_literal(f"{class_name}.{name} is required")
        argument = f"{name} = this.{name}" if nullable else f"{name} = this.{name} ?: throw IllegalStateException({missing})"
        setters.append(SetterView(name, f"{kotlin_type}?", param_type, store, kn.kdoc_block(kn.kdoc_lines(doc)),
                                  annotations, argument))
    kdoc = kn.kdoc_block(kn.kdoc_lines(
        f"Builds a [{class_name}], for Java callers: `new {class_name}.Builder()`, one setter per "
        "property, then `build()` (it throws IllegalStateException when a required property is missing)."))
    return BuilderView(class_name, kdoc, setters)
