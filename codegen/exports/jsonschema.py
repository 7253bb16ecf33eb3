"""JSON Schema (2020-12) of each event's canonical JSON, for data consumers
who validate or browse the events without Protobuf."""

from __future__ import annotations

import json
from typing import Any

from codegen.ir import Kind, Model, Property, Scalar, TypeRef
from codegen.naming import enum_value_json_name
from codegen.targets.base import GENERATED_MARKER, OutputFile
from codegen.terminal import json_safe

DIALECT = "https://json-schema.org/draft/2020-12/schema"
NON_FINITE = ["NaN", "Infinity", "-Infinity"]
INTEGER_STRING = {"type": "string", "pattern": "^-?(0|[1-9][0-9]*)$"}


def _scalar_schema(scalar: Scalar) -> dict[str, Any]:
    if scalar is Scalar.STRING:
        return {"type": "string"}
    if scalar is Scalar.BOOL:
        return {"type": "boolean"}
    if scalar in (Scalar.INT32, Scalar.UINT32):
        low = 0 if scalar is Scalar.UINT32 else -(2**31)
        high = 2**32 - 1 if scalar is Scalar.UINT32 else 2**31 - 1
        return {"type": "integer", "minimum": low, "maximum": high}
    if scalar in (Scalar.INT64, Scalar.UINT64):
        return dict(INTEGER_STRING)
    if scalar.is_floating:
        return {"anyOf": [{"type": "number"}, {"enum": NON_FINITE}]}
    if scalar is Scalar.TIMESTAMP:
        return {"type": "string", "format": "date-time"}
    return {"type": "string", "contentEncoding": "base64"}


def _value_schema(type_ref: TypeRef, prop: Property, model: Model) -> dict[str, Any]:
    if type_ref.kind is Kind.ENUM:
        enum = model.enum(type_ref.name or "")
        if prop.const is not None:
            return {"const": enum_value_json_name(enum.name, str(prop.const))}
        return {"type": "string", "enum": [enum_value_json_name(enum.name, v.name) for v in enum.values]}
    if type_ref.kind is Kind.OBJECT:
        return {"$ref": f"#/$defs/{type_ref.name}"}
    assert type_ref.scalar is not None
    schema = _scalar_schema(type_ref.scalar)
    c = prop.constraints
    numeric = {"minimum": c.minimum, "maximum": c.maximum}
    if type_ref.scalar.is_numeric and any(v is not None for v in numeric.values()):
        if type_ref.scalar in (Scalar.INT64, Scalar.UINT64):
            schema["description"] = f"Range: {c.minimum} to {c.maximum} (checked by the SDKs)."
        elif type_ref.scalar.is_floating:
            schema = {"type": "number", **{k: v for k, v in numeric.items() if v is not None}}
        else:
            schema.update({k: v for k, v in numeric.items() if v is not None})
    if type_ref.scalar is Scalar.STRING:
        extra = {"minLength": c.min_length, "maxLength": c.max_length,
                 "pattern": f"^(?:{c.pattern})$" if c.pattern else None}
        schema.update({k: v for k, v in extra.items() if v is not None})
    if prop.const is not None and type_ref.scalar not in (Scalar.INT64, Scalar.UINT64):
        schema["const"] = prop.const
    return schema


def _property_schema(prop: Property, model: Model) -> dict[str, Any]:
    t = prop.type
    if t.kind in (Kind.LIST, Kind.MAP):
        assert t.element is not None
        items = _value_schema(t.element, prop, model)
        c = prop.constraints
        if t.kind is Kind.LIST:
            schema: dict[str, Any] = {"type": "array", "items": items}
            bounds = {"minItems": c.min_items, "maxItems": c.max_items}
        else:
            schema = {"type": "object", "additionalProperties": items}
            bounds = {"minProperties": c.min_items, "maxProperties": c.max_items}
        schema.update({k: v for k, v in bounds.items() if v is not None})
    else:
        schema = _value_schema(t, prop, model)
    schema["description"] = prop.description
    schema["x-privacy"] = prop.privacy.value
    if prop.deprecation:
        schema["deprecated"] = True
    return schema


def _object_schema(properties: tuple[Property, ...], description: str, model: Model) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "properties": {p.name: _property_schema(p, model) for p in properties},
        "required": sorted(p.name for p in properties if p.required or p.type.is_repeated),
        "additionalProperties": False,
    }


def _referenced_objects(properties: tuple[Property, ...], model: Model, found: set[str]) -> set[str]:
    for prop in properties:
        leaf = prop.type.leaf
        if leaf.kind is Kind.OBJECT and leaf.name not in found:
            found.add(leaf.name or "")
            _referenced_objects(model.object(leaf.name or "").properties, model, found)
    return found


def event_schema(model: Model, event_name: str) -> dict[str, Any]:
    event = next(e for e in model.events if e.name == event_name)
    schema = {
        "$schema": DIALECT,
        "$id": f"{model.namespace}/{event.name}.schema.json",
        "$comment": GENERATED_MARKER,
        "title": event.name,
        **_object_schema(event.properties, event.description, model),
    }
    names = sorted(_referenced_objects(event.properties, model, set()))
    if names:
        schema["$defs"] = {
            n: _object_schema(model.object(n).properties, model.object(n).description, model) for n in names
        }
    return schema


def render_jsonschemas(model: Model) -> list[OutputFile]:
    return [
        OutputFile(f"{event.name}.schema.json",
                   json_safe(json.dumps(event_schema(model, event.name), indent=2, sort_keys=True, ensure_ascii=False)) + "\n")
        for event in model.events
    ]
