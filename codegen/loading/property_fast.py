"""The fast path for the common property: a mapping of a number, a type, a
privacy class, maybe `required`, a one-line description and constraints,
all well-formed. It returns the Property that `read_property` would, or None
for anything else (any other key, any doubt, anything to report), and then
`read_property` reads it with all its checks and messages.
tests/test_property_fast.py holds the two to the same result.
"""

from __future__ import annotations

import math

from codegen.ir import INTEGER_RANGES, Kind, Location, Privacy, Property, Scalar, TypeRef
from codegen.loading.patterns import pattern_problem
from codegen.loading.properties import (
    FLT_MAX,
    MAX_FIELD_NUMBER,
    NEEDS_PURPOSES,
    NO_CONSTRAINTS,
    PSEUDONYMOUS_SCALARS,
    PROTOBUF_RESERVED,
    PRIVACY,
    TypeNames,
    shared_constraints,
)
from codegen.loading.types import TypeError_
from codegen.loading.yaml_nodes import LMap, LNode, LScalar

_BASIC = frozenset(("number", "type", "privacy", "required", "description"))
_KEYS = _BASIC | {"min", "max", "min_length", "max_length", "pattern", "min_items", "max_items"}
_ORDER = ("min", "max", "min_length", "max_length", "pattern", "min_items", "max_items")
_PORTABLE: dict[str, bool] = {}  # pattern -> no problem


def _value(entries: dict[str, tuple[LScalar, LNode]], key: str, kind: type) -> object:
    """The value under `key` if it is a readable scalar of exactly `kind`, else None."""
    entry = entries.get(key)
    if entry is None:
        return None
    node = entry[1]
    if type(node) is not LScalar or node[4] or type(node[0]) is not kind:
        return None
    return node[0]


def fast_property(name: str, name_loc: Location, node: LNode, names: TypeNames) -> Property | None:
    if type(node) is not LMap:
        return None
    entries = node.entries
    keys = entries.keys()
    if not keys <= _KEYS:
        return None
    try:  # the three required keys, inline: this runs for every property of a model
        number_node, type_node, privacy_node = entries["number"][1], entries["type"][1], entries["privacy"][1]
    except KeyError:
        return None
    if (type(number_node) is not LScalar or type(type_node) is not LScalar or type(privacy_node) is not LScalar
            or number_node[4] or type_node[4] or privacy_node[4]):
        return None
    number, text = number_node[0], type_node[0]
    if type(number) is not int or type(text) is not str or not 1 <= number <= MAX_FIELD_NUMBER or (
            PROTOBUF_RESERVED[0] <= number <= PROTOBUF_RESERVED[1]):
        return None
    privacy = PRIVACY.get(privacy_node[0]) if type(privacy_node[0]) is str else None
    if privacy is None or privacy in NEEDS_PURPOSES:  # those must name their purposes: read_property says so
        return None
    type_ref = names.types.get(text)  # type: ignore[arg-type]
    if type_ref is None:
        try:
            type_ref = names.parse(text)  # type: ignore[arg-type]
        except TypeError_:
            return None
    if privacy is Privacy.PSEUDONYMOUS and type_ref.leaf.scalar not in PSEUDONYMOUS_SCALARS:
        return None
    required = False
    if "required" in keys:
        required = _value(entries, "required", bool)  # type: ignore[assignment]
        if required is None:
            return None
    description = ""
    if "description" in keys:
        description = _value(entries, "description", str)  # type: ignore[assignment]
        if description is None or "\n" in description or "\r" in description:
            return None
        description = description.strip()
    constraints = NO_CONSTRAINTS
    if not keys <= _BASIC:
        values = _constraints(entries, keys, type_ref)
        if values is None:
            return None
        constraints = shared_constraints(values)
    # Positional, in the order of Property's fields: name, number, type, required, privacy,
    # description, constraints, const, auto, deprecation, examples, loc (purposes: none).
    return Property(name, number, type_ref, required, privacy, description, constraints,  # type: ignore[arg-type]
                    None, None, None, (), name_loc)


def _constraints(entries: dict[str, tuple[LScalar, LNode]], keys: object, type_ref: TypeRef) -> dict[str, object] | None:
    leaf = type_ref.leaf
    scalar = leaf.scalar if leaf.kind is Kind.SCALAR else None
    values: dict[str, object] = {}
    for key in _ORDER:
        if key not in keys:  # type: ignore[operator]
            continue
        entry = entries[key][1]
        if type(entry) is not LScalar or entry[4]:
            return None
        value = entry[0]
        kind = type(value)
        if key in ("min", "max"):
            if scalar is None or not scalar.is_numeric:
                return None
            if scalar.is_integer:
                low, high = INTEGER_RANGES[scalar]
                if kind is not int or not low <= value <= high:  # type: ignore[operator]
                    return None
            elif not (kind is int or (kind is float and math.isfinite(value))):  # type: ignore[arg-type]
                return None
            elif scalar is Scalar.FLOAT and abs(value) > FLT_MAX:  # type: ignore[arg-type]
                return None  # read_property reports it
        elif key == "pattern":
            if scalar is not Scalar.STRING or kind is not str:
                return None
            portable = _PORTABLE.get(value)  # type: ignore[arg-type]
            if portable is None:
                portable = _PORTABLE[value] = pattern_problem(value) is None  # type: ignore[index, arg-type]
            if not portable:
                return None
        else:
            applies = type_ref.is_repeated if key.endswith("_items") else scalar is Scalar.STRING
            if not applies or kind is not int or value < 0:  # type: ignore[operator]
                return None
        values[key] = value
    for low, high in (("min", "max"), ("min_length", "max_length"), ("min_items", "max_items")):
        if low in values and high in values and values[low] > values[high]:  # type: ignore[operator]
            return None
    return values
