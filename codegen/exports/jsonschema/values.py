"""The JSON Schema of one property's canonical JSON: the exact set of values
an SDK writes for it (docs/wire-contract.md), with every constraint of the
model that validation enforces (docs/exports.md lists what no JSON Schema
keyword can say)."""

from __future__ import annotations

import json
import math
from typing import Any

from codegen.exports.jsonschema import patterns
from codegen.ir import INTEGER_RANGES, Constraints, Kind, Model, Property, Scalar, TypeRef
from codegen.naming import enum_value_json_name
from codegen.templates.python.runtime.jcs import float32_json

NON_FINITE = ["NaN", "Infinity", "-Infinity"]
FLT_MAX = 3.4028234663852886e38
DBL_MAX = 1.7976931348623157e308
FLOAT_JSON_MAX = float32_json(FLT_MAX)  # 3.4028235e+38: how FLT_MAX is written
FLOAT_NOT_CHECKED = ("that the number is a float32 in its shortest form (the SDKs write 0.1, never "
                     "0.10000000149011612): any number within the bounds passes")
EMPTY_NOT_CHECKED = ("min_items when the collection is empty: one not given (valid) and one given empty "
                     "(rejected by the SDKs) are both written empty, so an empty one passes")


def json_number(value: float | int) -> float | int:
    """A number as the schema writes it: integral values without '.0'."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def comment(data: dict[str, Any]) -> str:
    """Model metadata in `$comment`, which every validator accepts, as JSON text."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _floating(scalar: Scalar, c: Constraints) -> dict[str, Any]:
    # A float is checked as the float32 it becomes on the wire, against
    # bounds narrowed alike; its JSON is the shortest form of that float32.
    # Both forms are monotonic, so the JSON bounds are exact.
    single = scalar is Scalar.FLOAT
    top = FLOAT_JSON_MAX if single else DBL_MAX
    written = float32_json if single else float
    if c.minimum is None and c.maximum is None:
        return {"anyOf": [{"type": "number", "minimum": -top, "maximum": top},
                          {"type": "string", "enum": list(NON_FINITE)}]}
    # A bound admits finite numbers only: JSON numbers are finite.
    low = json_number(written(float(c.minimum))) if c.minimum is not None else -top
    high = json_number(written(float(c.maximum))) if c.maximum is not None else top
    return {"type": "number", "minimum": low, "maximum": high}


def _integer(scalar: Scalar, c: Constraints) -> dict[str, Any]:
    low, high = INTEGER_RANGES[scalar]
    if c.minimum is not None:
        low = max(low, math.ceil(c.minimum))
    if c.maximum is not None:
        high = min(high, math.floor(c.maximum))
    if scalar in (Scalar.INT64, Scalar.UINT64):
        # ProtoJSON writes 64-bit integers as decimal strings.
        return {"type": "string", "pattern": patterns.integer_range(low, high)}
    return {"type": "integer", "minimum": low, "maximum": high}


def _string(c: Constraints) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if c.min_length is not None:
        schema["minLength"] = c.min_length
    if c.max_length is not None:
        schema["maxLength"] = c.max_length
    schema["pattern"] = patterns.whole_string(c.pattern) if c.pattern is not None else patterns.NO_SURROGATE
    return schema


def scalar_schema(scalar: Scalar, c: Constraints) -> dict[str, Any]:
    if scalar is Scalar.STRING:
        return _string(c)
    if scalar is Scalar.BOOL:
        return {"type": "boolean"}
    if scalar.is_integer:
        return _integer(scalar, c)
    if scalar.is_floating:
        return _floating(scalar, c)
    if scalar is Scalar.TIMESTAMP:
        return {"type": "string", "pattern": patterns.TIMESTAMP}
    return {"type": "string", "contentEncoding": "base64", "pattern": patterns.BASE64}


def const_json(scalar: Scalar, value: Any) -> Any:
    """A const value as the SDKs write it."""
    if scalar in (Scalar.INT64, Scalar.UINT64):
        return str(value)
    if scalar.is_floating:
        number = float32_json(float(value)) if scalar is Scalar.FLOAT else float(value)
        if math.isnan(number):
            return "NaN"
        if math.isinf(number):
            return "Infinity" if number > 0 else "-Infinity"
        return json_number(number)
    return value


def object_ref(name: str) -> str:
    return f"#/$defs/object.{name}"


def value_schema(type_ref: TypeRef, prop: Property, model: Model) -> dict[str, Any]:
    """One value (a list's or map's element, or the property itself)."""
    if type_ref.kind is Kind.ENUM:
        enum = model.enum(type_ref.name or "")
        if prop.const is not None:
            return {"const": enum_value_json_name(enum.name, str(prop.const))}
        return {"type": "string", "enum": [enum_value_json_name(enum.name, v.name) for v in enum.values]}
    if type_ref.kind is Kind.OBJECT:
        return {"$ref": object_ref(type_ref.name or "")}
    assert type_ref.scalar is not None
    if prop.const is not None:
        return {"const": const_json(type_ref.scalar, prop.const)}
    return scalar_schema(type_ref.scalar, prop.constraints)


def property_schema(prop: Property, model: Model) -> dict[str, Any]:
    t, c = prop.type, prop.constraints
    if t.is_repeated:
        assert t.element is not None
        items = value_schema(t.element, prop, model)
        if t.kind is Kind.LIST:
            schema: dict[str, Any] = {"type": "array", "items": items}
            counts = {"minItems": c.min_items, "maxItems": c.max_items}
        else:
            schema = {"type": "object",
                      "propertyNames": {"type": "string", "pattern": patterns.NO_SURROGATE},
                      "additionalProperties": items}
            counts = {"minProperties": c.min_items, "maxProperties": c.max_items}
        schema.update({k: v for k, v in counts.items() if v is not None})
        if c.min_items and not prop.required:
            # Not given and given empty are both written as []/{}: only the
            # SDK that saw the call can tell them apart (docs/exports.md).
            low, high = ("minItems", "maxItems") if t.kind is Kind.LIST else ("minProperties", "maxProperties")
            kind = schema["type"]
            schema["anyOf"] = [{"type": kind, high: 0}, {"type": kind, low: schema.pop(low)}]
    else:
        schema = value_schema(t, prop, model)
    text = prop.description.strip()
    schema["description"] = (text + "\n\n" if text else "") + f"Privacy: {prop.privacy.value}."
    metadata: dict[str, Any] = {"number": prop.number, "privacy": prop.privacy.value}
    if prop.auto is not None:
        metadata["auto"] = prop.auto.value
    if prop.deprecation is not None:
        schema["deprecated"] = True
        metadata["deprecated"] = deprecation(prop.deprecation)
    not_checked = []
    if t.is_repeated and c.min_items and not prop.required:
        not_checked.append(EMPTY_NOT_CHECKED)
    if t.leaf.kind is Kind.SCALAR and t.leaf.scalar is Scalar.FLOAT and prop.const is None:
        not_checked.append(FLOAT_NOT_CHECKED)
    if not_checked:
        metadata["not_checked"] = not_checked
    schema["$comment"] = comment(metadata)
    return schema


def deprecation(dep: Any) -> dict[str, str]:
    out = {"reason": dep.reason}
    if dep.since:
        out["since"] = dep.since
    if dep.removal:
        out["removal"] = dep.removal
    return out


def object_schema(properties: tuple[Property, ...], description: str, model: Model) -> dict[str, Any]:
    """A message's JSON object: no other members; required values, lists and
    maps always present (docs/wire-contract.md), optional ones when set."""
    return {
        "type": "object",
        "description": description,
        "properties": {p.name: property_schema(p, model) for p in properties},
        "required": sorted(p.name for p in properties if p.required or p.type.is_repeated),
        "additionalProperties": False,
    }
