"""JSON Schemas (draft 2020-12) of the canonical JSON documents the SDKs
write: each event, the context, the envelope and a batch of envelopes.

Every file is self-contained (objects and events it needs sit in its own
`$defs`), uses only keywords that ajv's strict mode knows, and carries model
metadata in `$comment` as JSON text (docs/exports.md).
"""

from __future__ import annotations

import json
from typing import Any

from codegen.exports.jsonschema import patterns
from codegen.exports.jsonschema.values import comment, deprecation, object_ref, object_schema
from codegen.terminal import json_safe
from codegen.ir import Event, Kind, Model, Property
from codegen.sdk.contract import GENERATED_MARKER, OutputFile

DIALECT = "https://json-schema.org/draft/2020-12/schema"
DOCUMENT_NOT_CHECKED = [
    "canonical form (RFC 8785): member order, number spelling and whitespace",
    "duplicate member names (a JSON parser keeps one of them)",
]
EVENTS_DIR = "events"


def schema_id(model: Model, path: str) -> str:
    base = model.exports.jsonschema_base_uri or f"urn:codegen:{model.namespace}:"
    return base + path


def event_path(name: str) -> str:
    return f"{EVENTS_DIR}/{name}.schema.json"


def _referenced_objects(properties: tuple[Property, ...], model: Model, found: set[str]) -> set[str]:
    for prop in properties:
        leaf = prop.type.leaf
        if leaf.kind is Kind.OBJECT and leaf.name not in found:
            found.add(leaf.name or "")
            _referenced_objects(model.object(leaf.name or "").properties, model, found)
    return found


def _object_defs(names: set[str], model: Model) -> dict[str, Any]:
    return {f"object.{n}": {"title": n, **object_schema(model.object(n).properties, model.object(n).description,
                                                         model)}
            for n in sorted(names)}


def _event_body(event: Event, model: Model) -> dict[str, Any]:
    metadata: dict[str, Any] = {"event": event.name, "number": event.number, "owner": event.owner,
                                "products": list(event.products), "platforms": list(event.platforms)}
    body: dict[str, Any] = {"title": event.name, "$comment": comment(metadata)}
    if event.deprecation is not None:
        metadata["deprecated"] = deprecation(event.deprecation)
        body["$comment"] = comment(metadata)
        body["deprecated"] = True
    return {**body, **object_schema(event.properties, event.description, model)}


def _context_body(model: Model) -> dict[str, Any]:
    return {"title": "context", **object_schema(model.context.properties, model.context.description, model)}


def _root(model: Model, path: str, extra: dict[str, Any]) -> dict[str, Any]:
    """The document's header: dialect, $id, and what the file is."""
    metadata = {"generated": GENERATED_MARKER, "model": model.name, "version": model.version,
                "not_checked": DOCUMENT_NOT_CHECKED, **extra}
    return {"$schema": DIALECT, "$id": schema_id(model, path), "$comment": comment(metadata)}


def event_schema(model: Model, event_name: str) -> dict[str, Any]:
    event = next(e for e in model.events if e.name == event_name)
    return _event_schema(model, event, _event_body(event, model))


def _event_schema(model: Model, event: Event, body: dict[str, Any]) -> dict[str, Any]:
    body = dict(body)
    event_meta = json.loads(body.pop("$comment"))
    schema = {**_root(model, event_path(event.name), event_meta), **body}
    names = _referenced_objects(event.properties, model, set())
    if names:
        schema["$defs"] = _object_defs(names, model)
    return schema


def context_schema(model: Model) -> dict[str, Any]:
    schema = {**_root(model, "context.schema.json", {}), **_context_body(model)}
    names = _referenced_objects(model.context.properties, model, set())
    if names:
        schema["$defs"] = _object_defs(names, model)
    return schema


def _envelope_body(model: Model) -> dict[str, Any]:
    events = {e.name: {"$ref": f"#/$defs/event.{e.name}"} for e in model.events}
    return {
        "title": "envelope",
        "description": "One tracked event with the context it was sent in: the context and exactly one event, "
                       "keyed by the event's name.",
        "type": "object",
        "properties": {"context": {"$ref": "#/$defs/context"}, **events},
        "required": ["context"],
        "additionalProperties": False,
        "minProperties": 2,
        "maxProperties": 2,
    }


def _all_defs(model: Model, bodies: dict[str, Any] | None = None) -> dict[str, Any]:
    names = {o.name for o in model.objects}
    defs: dict[str, Any] = {"context": _context_body(model)}
    defs.update({f"event.{e.name}": bodies[e.name] if bodies is not None else _event_body(e, model)
                 for e in model.events})
    defs.update(_object_defs(names, model))
    return defs


def envelope_schema(model: Model, bodies: dict[str, Any] | None = None) -> dict[str, Any]:
    return {**_root(model, "envelope.schema.json", {}), **_envelope_body(model), "$defs": _all_defs(model, bodies)}


def batch_schema(model: Model, bodies: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        **_root(model, "batch.schema.json", {}),
        "title": "batch",
        "description": "What a tracker sends in one request: envelopes and the time the batch was sent.",
        "type": "object",
        "properties": {
            "events": {"type": "array", "items": {"$ref": "#/$defs/envelope"},
                       "description": "The envelopes, oldest first."},
            "sent_at": {"type": "string", "pattern": patterns.TIMESTAMP,
                        "description": "When the tracker sent the batch (its clock, UTC)."},
        },
        "required": ["events", "sent_at"],
        "additionalProperties": False,
        "$defs": {"envelope": _envelope_body(model), **_all_defs(model, bodies)},
    }


class _Dumped(str):
    """A value already written as JSON (at nesting level 0), to be placed
    into a larger document as json.dumps(indent=2) would write it there."""


def _dump(schema: dict[str, Any]) -> str:
    return json_safe(_text(schema, 0)) + "\n"


def _text(value: Any, level: int) -> str:
    """`value` as json.dumps(value, indent=2, ensure_ascii=False) writes it
    nested `level` deep; the pieces written already (`_Dumped`) are
    re-indented, not written again."""
    if isinstance(value, _Dumped):
        return value.replace("\n", "\n" + "  " * level) if level else str(value)
    if isinstance(value, dict) and _holds_dumped(value):
        inner = "\n" + "  " * (level + 1)
        items = [f"{json.dumps(key, ensure_ascii=False)}: {_text(item, level + 1)}" for key, item in value.items()]
        return "{" + inner + ("," + inner).join(items) + "\n" + "  " * level + "}"
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return text.replace("\n", "\n" + "  " * level) if level else text


def _holds_dumped(value: dict[str, Any]) -> bool:
    return any(isinstance(v, _Dumped) or (isinstance(v, dict) and _holds_dumped(v)) for v in value.values())


def render_jsonschemas(model: Model) -> list[OutputFile]:
    """events/<event>.schema.json, context.schema.json, envelope.schema.json, batch.schema.json.
    Each event's body is made and written as JSON once, for its own file,
    the envelope's and the batch's `$defs`."""
    bodies: dict[str, Any] = {}
    files = []
    for event in model.events:
        body = _event_body(event, model)
        schema = _event_schema(model, event, body)
        # The body as its own file has it (its members after the header), and alone.
        written = {key: _Dumped(_text(schema[key], 0)) if key in body else value for key, value in schema.items()}
        bodies[event.name] = {key: written[key] if key in written and key != "$comment" else _Dumped(_text(v, 0))
                              for key, v in body.items()}
        files.append(OutputFile(event_path(event.name), _dump(written)))
    files.append(OutputFile("context.schema.json", _dump(context_schema(model))))
    files.append(OutputFile("envelope.schema.json", _dump(envelope_schema(model, bodies))))
    files.append(OutputFile("batch.schema.json", _dump(batch_schema(model, bodies))))
    return files
