"""FieldSpecs from the IR: the one description of a field that both the
reference encoder and the generated Python SDK hand to the shared runtime."""

from __future__ import annotations

from typing import Any, Callable

from codegen.ir import Kind, Property, Scalar, TypeRef
from codegen.naming import enum_unspecified_name
from codegen.purposes import PurposeRules
from codegen.texts import deprecation_predicate
from codegen.templates.python.runtime import fields as rt

SCALAR_KINDS: dict[Scalar, str] = {
    Scalar.STRING: rt.STRING,
    Scalar.BOOL: rt.BOOL,
    Scalar.INT32: rt.INT32,
    Scalar.INT64: rt.INT64,
    Scalar.UINT32: rt.UINT32,
    Scalar.UINT64: rt.UINT64,
    Scalar.FLOAT: rt.FLOAT,
    Scalar.DOUBLE: rt.DOUBLE,
    Scalar.TIMESTAMP: rt.TIMESTAMP,
    Scalar.BYTES: rt.BYTES,
}


def field_kind(type_ref: TypeRef) -> str:
    leaf = type_ref.leaf
    if leaf.kind is Kind.ENUM:
        return rt.ENUM
    if leaf.kind is Kind.OBJECT:
        return rt.MESSAGE
    assert leaf.scalar is not None
    return SCALAR_KINDS[leaf.scalar]


def field_label(type_ref: TypeRef) -> str:
    return {Kind.LIST: rt.LIST, Kind.MAP: rt.MAP}.get(type_ref.kind, rt.SINGLE)


def field_spec(prop: Property, attr: str, const: Any = None, rules: PurposeRules | None = None) -> rt.FieldSpec:
    """The spec of `prop`; `const` is the const value as the caller represents
    it (the reference's value, or the target's source expression); `rules`
    give its consent (without them: none)."""
    c = prop.constraints
    leaf = prop.type.leaf
    return rt.FieldSpec(
        name=prop.name,
        number=prop.number,
        kind=field_kind(prop.type),
        attr=attr,
        label=field_label(prop.type),
        presence=prop.has_presence,
        required=prop.required,
        const=const if prop.const is not None else None,
        auto=prop.auto.value if prop.auto is not None else None,
        unspecified=enum_unspecified_name(leaf.name or "") if leaf.kind is Kind.ENUM else "",
        minimum=c.minimum,
        maximum=c.maximum,
        min_length=c.min_length,
        max_length=c.max_length,
        pattern=c.pattern,
        min_items=c.min_items,
        max_items=c.max_items,
        deprecated=deprecation_predicate(prop.deprecation) if prop.deprecation else None,
        purposes=tuple(sorted(rules.removal(prop))) if rules is not None else (),
        redacts=rules.redacts(prop) if rules is not None else False,
    )


def message_specs(
    properties: tuple[Property, ...],
    attr: Callable[[Property], str],
    const: Callable[[Property], Any],
    rules: PurposeRules | None = None,
) -> tuple[rt.FieldSpec, ...]:
    return tuple(field_spec(p, attr(p), const(p) if p.const is not None else None, rules) for p in properties)

