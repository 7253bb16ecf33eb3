"""One property: its number, type, presence, privacy class and constraints."""

from __future__ import annotations

import datetime
import math
import re
from typing import Callable

from codegen.diagnostics import Collector, did_you_mean
from codegen.ir import (
    INTEGER_RANGES,
    AutoValue,
    Constraints,
    ConstValue,
    Deprecation,
    Kind,
    Location,
    Privacy,
    Property,
    Scalar,
    TypeRef,
)
from codegen.loading.patterns import pattern_problem
from codegen.loading.reader import MapReader
from codegen.loading.types import SCALARS, TypeError_, parse_type
from codegen.loading.yaml_nodes import LMap, LNode, LScalar, LSeq

MAX_FIELD_NUMBER = 2**29 - 1
PROTOBUF_RESERVED = (19000, 19999)
FLT_MAX = 3.4028234663852886e38  # the largest finite float32
SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

PROPERTY_KEYS = (
    "number", "type", "required", "description", "privacy", "min", "max",
    "min_length", "max_length", "pattern", "min_items", "max_items", "const",
    "deprecated", "examples", "purposes",
)
_PROPERTY_KEY_SET = frozenset(PROPERTY_KEYS)
_CONTEXT_KEY_SET = frozenset(PROPERTY_KEYS + ("auto",))
_REQUIRED_KEYS = ("number", "type")
PRIVACY_CLASSES = tuple(p.value for p in Privacy)
PRIVACY = {p.value: p for p in Privacy}
AUTO_VALUES = tuple(a.value for a in AutoValue)
NO_CONSTRAINTS = Constraints()
_STRING = TypeRef(Kind.SCALAR, scalar=Scalar.STRING)
AUTO_TYPES = {
    AutoValue.EVENT_ID: _STRING,
    AutoValue.CLIENT_TIMESTAMP: TypeRef(Kind.SCALAR, scalar=Scalar.TIMESTAMP),
    AutoValue.MODEL_VERSION: _STRING,
    AutoValue.SDK_NAME: _STRING,
    AutoValue.SDK_VERSION: _STRING,
    AutoValue.CONSENT: TypeRef(Kind.LIST, element=_STRING),  # the granted purposes' names
}
# The collector replaces pseudonymous values by their HMAC: text or bytes only.
PSEUDONYMOUS_SCALARS = frozenset({Scalar.STRING, Scalar.BYTES})
# Classes whose values must name the purposes they serve, and those that may.
NEEDS_PURPOSES = frozenset({Privacy.PERSONAL, Privacy.SENSITIVE})
MAY_NAME_PURPOSES = NEEDS_PURPOSES | {Privacy.PSEUDONYMOUS}


# Type names from other languages and schemas, and what the model calls them.
_ALIASES = {
    "int32' or 'int64": ("int", "integer", "number", "long"),
    "bool": ("boolean",),
    "string": ("str", "text"),
    "double": ("float64", "decimal"),
    "float": ("float32",),
    "timestamp": ("date", "datetime", "time", "instant"),
    "bytes": ("binary", "blob"),
}
TYPE_ALIASES = {alias: f"did you mean '{scalar}'?" for scalar, aliases in _ALIASES.items() for alias in aliases}


class TypeNames:
    """Names of the model's enums and objects, to resolve type references, and
    its purposes (name -> whether it allows sensitive values; None when the
    model declares none, which is reported once)."""

    def __init__(self, enums: set[str], objects: set[str], enum_values: dict[str, set[str]],
                 purposes: dict[str, bool] | None = None) -> None:
        self.enums = enums
        self.objects = objects
        self.enum_values = enum_values
        self.purposes = purposes
        self.types: dict[str, TypeRef] = {}  # each distinct type text parsed once, its TypeRef shared

    def parse(self, text: str) -> TypeRef:
        found = self.types.get(text)
        if found is None:
            found = self.types[text] = parse_type(text, self.enums, self.objects)
        return found


def read_deprecation(reader: MapReader, errors: Collector) -> Deprecation | None:
    node = reader.raw("deprecated")
    if node is None:
        return None
    if isinstance(node, LScalar) and isinstance(node.value, str):
        return Deprecation(reason=node.value)
    dep = MapReader(node, f"'deprecated' of {reader.what}", errors, ("reason", "since", "removal"), ("reason",))
    since = dep.text("since", "1.2.0")
    if since is not None and not SEMVER.match(since):
        errors.error(dep.value_loc("since"), f"'since' in {dep.what} must be a version like 1.2.0, got '{since}'",
                     "write the model version that deprecated it, quoted if YAML reads it as a number")
    removal = dep.text("removal", "2027-01-31")
    if removal is not None and not _is_date(removal):
        errors.error(dep.value_loc("removal"),
                     f"'removal' in {dep.what} must be a date like 2027-01-31, got '{removal}'",
                     "write the planned removal date as YYYY-MM-DD")
    return Deprecation(reason=dep.text("reason") or "", since=since, removal=removal)


def _is_date(text: str) -> bool:
    if not DATE.match(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def check_number(number: int | None, loc: Location | Callable[[], Location], what: str, errors: Collector,
                 low: int = 1) -> None:
    """A field, event or enum value number: within Protobuf's range and not in its reserved block.
    `loc` may be a function that finds the location, called only for a problem."""
    if number is None or (low <= number <= MAX_FIELD_NUMBER
                          and not PROTOBUF_RESERVED[0] <= number <= PROTOBUF_RESERVED[1]):
        return
    if callable(loc):
        loc = loc()
    if number < low:
        if low > 1:
            hint = f"use {low} or more: numbers 1 to {low - 1} belong to the envelope"
        elif number == 0 and what.startswith("value "):
            hint = "start at 1: 0 is the enum's implicit 'unspecified' value"
        else:
            hint = f"use a number from {low} to {MAX_FIELD_NUMBER}"
        errors.error(loc, f"number {number} of {what} is too small", hint)
    elif number > MAX_FIELD_NUMBER:
        errors.error(loc, f"number {number} of {what} is too large",
                     f"use a number from {low} to {MAX_FIELD_NUMBER}, the largest Protobuf field number")
    elif PROTOBUF_RESERVED[0] <= number <= PROTOBUF_RESERVED[1]:
        errors.error(loc, f"number {number} of {what} is reserved by Protobuf (19000-19999)",
                     "pick a number outside 19000-19999")


def read_property(
    name: str, name_loc: Location, node: LNode, owner: str, names: TypeNames, errors: Collector,
    allow_auto: bool = False,
) -> Property | None:
    what = f"property '{name}' of {owner}"
    if not allow_auto and isinstance(node, LMap) and "auto" in node.entries:
        errors.error(node.key_loc("auto"), f"'auto' in {what}: only context properties are filled in by the tracker",
                     "remove 'auto' and pass the value when tracking the event (or move the property to the context)")
        node = LMap({k: v for k, v in node.entries.items() if k != "auto"}, node.loc)
    keys = _CONTEXT_KEY_SET if allow_auto else _PROPERTY_KEY_SET
    reader = MapReader(node, what, errors, keys, _REQUIRED_KEYS, fallback=name_loc)
    number = reader.integer("number", "1")
    check_number(number, lambda: reader.value_loc("number"), what, errors)
    type_ref = _read_type(reader, names, errors, what)
    if isinstance(node, LMap) and not reader.has("privacy"):
        errors.error(name_loc, f"{what} has no privacy class",
                     "add 'privacy: none' (or pseudonymous, personal, sensitive): "
                     "every property must say how personal its value is")
    privacy = reader.choice("privacy", PRIVACY_CLASSES)
    required = reader.boolean("required")
    auto = reader.choice("auto", AUTO_VALUES) if allow_auto else None
    deprecation = read_deprecation(reader, errors)
    description = reader.description()
    if type_ref is None or number is None or privacy is None:
        return None
    constraints = _read_constraints(reader, type_ref, errors, what)
    const = _read_const(reader, type_ref, names, constraints, errors) if reader.has("const") else None
    auto_value = AutoValue(auto) if auto else None
    if auto_value and type_ref != AUTO_TYPES[auto_value]:
        errors.error(reader.value_loc("type"),
                     f"{what} has auto value '{auto}', which needs type {AUTO_TYPES[auto_value]}, not {type_ref}",
                     f"set 'type: {AUTO_TYPES[auto_value]}'")
    examples = _read_examples(reader, type_ref, names, constraints, errors)
    purposes = read_value_purposes(reader, name_loc, PRIVACY[privacy], names, errors)
    if PRIVACY[privacy] is Privacy.PSEUDONYMOUS and type_ref.leaf.scalar not in PSEUDONYMOUS_SCALARS:
        errors.error(reader.value_loc("privacy"), f"{what} is pseudonymous, but its type {type_ref} cannot hold "
                                                  "the keyed hash the collector replaces such values with",
                     "pseudonymous values are strings or bytes (or lists and maps of them): classify an "
                     "object's own properties instead, or use none or personal")
    return Property(
        name=name, number=number, type=type_ref,
        required=bool(required) or const is not None or auto_value is not None,
        privacy=PRIVACY[privacy], description=description, constraints=constraints,
        const=const, auto=auto_value, deprecation=deprecation, examples=examples, loc=name_loc,
        purposes=purposes,
    )


def read_purpose_list(reader: MapReader, names: TypeNames, errors: Collector) -> tuple[str, ...] | None:
    """The purposes a mapping names under 'purposes' (sorted, each declared), or
    None when it has none; an empty list is reported."""
    items = reader.text_list("purposes")
    if items is None:
        return None
    raw = reader.raw("purposes")
    if isinstance(raw, LSeq) and not raw.items:
        errors.error(reader.value_loc("purposes"), f"'purposes' of {reader.what} is empty",
                     "name at least one purpose: purposes: [analytics]")
    found = set()
    for item in items:
        value = str(item.value)
        if names.purposes is not None and value not in names.purposes:
            declared = sorted(names.purposes)
            hint = did_you_mean(value, declared) or (
                f"use one of: {', '.join(declared)}, or declare it in the 'purposes' section" if declared
                else "declare it in the 'purposes' section")
            errors.error(item.loc, f"{reader.what} names unknown purpose '{value}'", hint)
        found.add(value)
    return tuple(sorted(found))


def read_value_purposes(reader: MapReader, name_loc: Location, privacy: Privacy, names: TypeNames,
                        errors: Collector) -> tuple[str, ...]:
    """A property's purposes: required for personal and sensitive values, allowed
    for pseudonymous ones, refused for values about nobody; a sensitive value's
    purposes must each allow sensitive values."""
    purposes = read_purpose_list(reader, names, errors)
    if purposes is None:
        if privacy in NEEDS_PURPOSES and not reader.has("purposes"):
            errors.error(name_loc, f"{reader.what} is {privacy.value} but names no purposes",
                         "add 'purposes: [...]' with what the value is used for: an SDK sends it only "
                         "when the user granted them")
        return ()
    if privacy not in MAY_NAME_PURPOSES:
        errors.error(reader.key_loc("purposes"), f"{reader.what} has 'privacy: {privacy.value}', "
                                                 "so it needs no purposes",
                     "remove 'purposes', or classify the value as pseudonymous, personal or sensitive")
        return ()
    if privacy is Privacy.SENSITIVE and names.purposes is not None:
        for purpose in purposes:
            if purpose in names.purposes and not names.purposes[purpose]:
                errors.error(reader.value_loc("privacy"),
                             f"{reader.what} is sensitive (a special category of personal data), but purpose "
                             f"'{purpose}' does not allow sensitive values",
                             f"once your data protection officer agrees, opt in with 'sensitive: true' in "
                             f"purpose '{purpose}'; or do not collect the value")
    return purposes


def _read_type(reader: MapReader, names: TypeNames, errors: Collector, what: str) -> TypeRef | None:
    text = reader.text("type", "string")
    if text is None:
        return None
    try:
        return names.parse(text)
    except TypeError_ as exc:
        message, hint = exc.args
        if re.match(r"^\s*(map|list)\s*<[^>]*$", text):
            # {type: map<string, int32>} : in a flow mapping the ',' ends the value
            hint = "close it with '>' (inside '{...}' or '[...]', quote the type: type: 'map<string, int32>')"
        if not hint:
            inner = re.sub(r"^(list|map)\s*<\s*(string\s*,)?\s*|\s*>$", "", text.strip())
            known = set(SCALARS) | names.enums | names.objects
            hint = TYPE_ALIASES.get(inner.lower()) or did_you_mean(inner, known) or (
                "use a scalar (" + ", ".join(SCALARS) + "), an enum or object of the model, "
                "list<T> or map<string, T>")
        errors.error(reader.value_loc("type"), f"type of {what}: {message}", hint)
        return None


# Constraint keys in the order they are read, with what each applies to.
_CONSTRAINTS = {
    "min": "numbers", "max": "numbers",
    "min_length": "strings", "max_length": "strings", "pattern": "strings",
    "min_items": "lists and maps", "max_items": "lists and maps",
}
_RANK = {key: rank for rank, key in enumerate(_CONSTRAINTS)}
_PAIRS = (("min", "max"), ("min_length", "max_length"), ("min_items", "max_items"))
_SHARED_CONSTRAINTS: dict[tuple[object, ...], Constraints] = {}


def _read_constraints(reader: MapReader, type_ref: TypeRef, errors: Collector, what: str) -> Constraints:
    present = reader.node.entries.keys() & _CONSTRAINTS.keys()
    if not present:
        return NO_CONSTRAINTS
    leaf = type_ref.leaf
    values: dict[str, object] = {}
    for key in present if len(present) == 1 else sorted(present, key=_RANK.__getitem__):
        needs = _CONSTRAINTS[key]
        if needs == "numbers":
            applies = leaf.kind is Kind.SCALAR and leaf.scalar is not None and leaf.scalar.is_numeric
        elif needs == "strings":
            applies = leaf.kind is Kind.SCALAR and leaf.scalar is Scalar.STRING
        else:
            applies = type_ref.is_repeated
        if not applies:
            errors.error(reader.key_loc(key), f"'{key}' applies only to {needs}, but {what} is {type_ref}",
                         f"remove '{key}' or change the type")
            continue
        if key == "pattern":
            values[key] = _read_pattern(reader, errors)
        elif key in ("min", "max"):
            values[key] = _read_bound(reader, key, leaf.scalar, errors)
        else:
            count = reader.integer(key, "10")
            if count is not None and count < 0:
                errors.error(reader.value_loc(key), f"'{key}' of {what} must not be negative", "use 0 or more")
                count = None
            values[key] = count
    for low, high in _PAIRS if len(values) > 1 else ():
        lo, hi = values.get(low), values.get(high)
        if isinstance(lo, (int, float)) and isinstance(hi, (int, float)) and lo > hi:
            errors.error(reader.value_loc(low), f"'{low}' ({lo}) of {what} is greater than '{high}' ({hi})",
                         f"make '{low}' at most '{high}'")
    return shared_constraints(values)


def shared_constraints(values: dict[str, object]) -> Constraints:
    """Constraints of these values (by model key); equal ones are one object,
    compared as written: min 1 is not min 1.0, nor -0.0 0.0."""
    if not values:
        return NO_CONSTRAINTS
    shared = tuple(values) + tuple(map(repr, values.values()))
    found = _SHARED_CONSTRAINTS.get(shared)
    if found is None:
        if len(_SHARED_CONSTRAINTS) > 100_000:
            _SHARED_CONSTRAINTS.clear()
        found = _SHARED_CONSTRAINTS[shared] = Constraints(
            minimum=values.get("min"), maximum=values.get("max"),  # type: ignore[arg-type]
            min_length=values.get("min_length"), max_length=values.get("max_length"),  # type: ignore[arg-type]
            pattern=values.get("pattern"), min_items=values.get("min_items"),  # type: ignore[arg-type]
            max_items=values.get("max_items"),  # type: ignore[arg-type]
        )
    return found


def _read_bound(reader: MapReader, key: str, scalar: Scalar | None, errors: Collector) -> int | float | None:
    value = reader.number(key)
    if value is None or scalar is None:
        return None
    if scalar.is_integer:
        low, high = INTEGER_RANGES[scalar]
        if not isinstance(value, int) or not low <= value <= high:
            errors.error(reader.value_loc(key), f"'{key}' ({value}) of {reader.what} is not a valid {scalar.value}",
                         f"use a whole number from {low} to {high}")
            return None
    elif not math.isfinite(value):
        errors.error(reader.value_loc(key), f"'{key}' of {reader.what} must be a finite number",
                     "use a finite bound, or leave it out")
        return None
    elif scalar is Scalar.FLOAT and abs(value) > FLT_MAX:
        # Bounds of a float are narrowed to float32 like its values: this one would be infinite.
        errors.error(reader.value_loc(key), f"'{key}' ({value}) of {reader.what} is outside the float range",
                     f"use a number from {-FLT_MAX!r} to {FLT_MAX!r}, or make the property a double")
        return None
    return value


def _read_pattern(reader: MapReader, errors: Collector) -> str | None:
    pattern = reader.text("pattern", "'[a-z]+'")
    if pattern is None:
        return None
    problem = pattern_problem(pattern)
    if problem:
        errors.error(reader.value_loc("pattern"), f"pattern of {reader.what}: {problem[0]}", problem[1])
        return None
    return pattern


def check_value(
    value: object, type_ref: TypeRef, names: TypeNames, constraints: Constraints,
) -> tuple[str, str] | None:
    """Why a literal value (const or example) does not fit, and how to fix it; or None."""
    if type_ref.kind is Kind.ENUM:
        values = names.enum_values.get(type_ref.name or "", set())
        if value not in values:
            hint = did_you_mean(str(value), values) or "use one of: " + ", ".join(sorted(values))
            return f"{_show(value)} is not a value of enum '{type_ref.name}'", hint
        return None
    scalar = type_ref.scalar
    if type_ref.kind is not Kind.SCALAR or scalar in (Scalar.BYTES, Scalar.TIMESTAMP) or scalar is None:
        return (f"a literal value is not supported for type {type_ref}",
                "remove it: literals exist for strings, numbers, booleans and enum values only")
    fix = f"give a {scalar.value} value that meets the property's constraints"
    if scalar is Scalar.STRING:
        if not isinstance(value, str):
            return f"{_show(value)} is not text", f"quote it: '{value}'"
        if constraints.min_length is not None and len(value) < constraints.min_length:
            return f"'{value}' is shorter than min_length {constraints.min_length}", fix
        if constraints.max_length is not None and len(value) > constraints.max_length:
            return f"'{value}' is longer than max_length {constraints.max_length}", fix
        if constraints.pattern is not None and not re.fullmatch(constraints.pattern, value):
            return f"'{value}' does not match the pattern '{constraints.pattern}'", fix
        return None
    if scalar is Scalar.BOOL:
        return None if isinstance(value, bool) else (f"{_show(value)} is not true or false", "write true or false")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"{_show(value)} is not a number", fix
    if scalar.is_integer:
        low, high = INTEGER_RANGES[scalar]
        if not isinstance(value, int) or not low <= value <= high:
            return f"{value} is not a valid {scalar.value}", f"use a whole number from {low} to {high}"
    if constraints.minimum is not None and value < constraints.minimum:
        return f"{value} is below min {constraints.minimum}", fix
    if constraints.maximum is not None and value > constraints.maximum:
        return f"{value} is above max {constraints.maximum}", fix
    return None


def _show(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return f"'{value}'" if isinstance(value, str) else str(value)


def _read_const(
    reader: MapReader, type_ref: TypeRef, names: TypeNames, constraints: Constraints, errors: Collector,
) -> ConstValue | None:
    value = reader.scalar("const")
    if value is None:
        return None
    problem = check_value(value, type_ref, names, constraints)
    if problem:
        errors.error(reader.value_loc("const"), f"const of {reader.what}: {problem[0]}", problem[1])
        return None
    if isinstance(value, int) and not isinstance(value, bool) and type_ref.scalar in (Scalar.FLOAT, Scalar.DOUBLE):
        value = float(value)
    return value  # type: ignore[return-value]


def _read_examples(
    reader: MapReader, type_ref: TypeRef, names: TypeNames, constraints: Constraints, errors: Collector,
) -> tuple[ConstValue, ...]:
    """Examples of a value (of one element, for lists and maps)."""
    node = reader.raw("examples")
    if node is None:
        return ()
    items = node.items if isinstance(node, LSeq) else [node]
    result: list[ConstValue] = []
    for item in items:
        if isinstance(item, LScalar) and item.invalid:
            continue
        if not isinstance(item, LScalar) or item.value is None:
            what = "a list" if isinstance(item, LSeq) else "a mapping" if isinstance(item, LMap) else "nothing (null)"
            errors.error(item.loc, f"an example of {reader.what} is {what}, not a single value",
                         "list examples as single values: examples: [first, second]")
            continue
        value = item.value
        problem = check_value(value, type_ref.leaf, names, constraints)
        if problem:
            errors.error(item.loc, f"example of {reader.what}: {problem[0]}", problem[1])
            continue
        if isinstance(value, int) and not isinstance(value, bool) and type_ref.leaf.scalar in (Scalar.FLOAT, Scalar.DOUBLE):
            value = float(value)
        result.append(value)  # type: ignore[arg-type]
    return tuple(result)
