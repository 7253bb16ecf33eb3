"""Language-neutral documentation text shared by every target: what a
property's constraints are, where an event belongs, and every deprecation
text (worded once in codegen.texts, which the reference shares). Targets
only escape and lay the text out for their comment syntax."""

from __future__ import annotations

from codegen.ir import Constraints, EnumType, Event, Kind, Model, Property
from codegen.texts import (
    deprecation_message,
    deprecation_note,
    deprecation_predicate,
    deprecation_warning,
    enum_value_subject,
    event_subject,
    json_string,
)

__all__ = [
    "constraint_summary", "deprecation_message", "deprecation_note", "deprecation_predicate",
    "deprecation_warning", "enum_can_warn", "enum_value_subject", "event_facts", "event_subject",
    "json_string", "object_can_warn", "property_can_warn",
]


def constraint_summary(c: Constraints) -> str:
    """'Constraints: minimum 0, max_length 64, pattern `[a-z]+` (whole value).' or ''."""
    parts = [
        f"{label} {value}"
        for label, value in (
            ("minimum", c.minimum), ("maximum", c.maximum), ("min_length", c.min_length),
            ("max_length", c.max_length), ("min_items", c.min_items), ("max_items", c.max_items),
        )
        if value is not None
    ]
    if c.pattern is not None:
        parts.append(f"pattern `{c.pattern}` (whole value)")
    return f"Constraints: {', '.join(parts)}." if parts else ""


def event_facts(event: Event) -> str:
    """Wire name, envelope field, owner, products and platforms of an event."""
    facts = [f"Event `{event.name}` (envelope field {event.number})."]
    if event.owner:
        facts.append(f"Owner: {event.owner}.")
    if event.products:
        facts.append(f"Products: {', '.join(event.products)}.")
    if event.platforms:
        facts.append(f"Platforms: {', '.join(event.platforms)}.")
    return " ".join(facts)


# --- which values can carry a deprecation warning -----------------------------
# Generated code walks only what can warn, so an SDK without deprecations
# carries no walk at all.


def enum_can_warn(enum: EnumType) -> bool:
    return any(v.deprecation is not None for v in enum.values)


def property_can_warn(model: Model, prop: Property) -> bool:
    """Whether `prop` can add a warning: it is deprecated, or its values are
    (or hold, through objects) deprecated enum values or properties."""
    if prop.deprecation is not None:
        return True
    leaf = prop.type.leaf
    if leaf.kind is Kind.ENUM:
        return enum_can_warn(model.enum(leaf.name or ""))
    return leaf.kind is Kind.OBJECT and (leaf.name or "") in _warning_objects(model)


def object_can_warn(model: Model, name: str) -> bool:
    """Whether an object can hold something deprecated."""
    return name in _warning_objects(model)


_WARNING_OBJECTS: list[tuple[Model, frozenset[str]]] = []


def _warning_objects(model: Model) -> frozenset[str]:
    """The objects that can hold something deprecated: a fixpoint over the
    object graph (cycles included), computed once per model object."""
    if _WARNING_OBJECTS and _WARNING_OBJECTS[0][0] is model:
        return _WARNING_OBJECTS[0][1]
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for obj in model.objects:
            if obj.name in found:
                continue
            for prop in obj.properties:
                leaf = prop.type.leaf
                if (prop.deprecation is not None
                        or (leaf.kind is Kind.ENUM and enum_can_warn(model.enum(leaf.name or "")))
                        or (leaf.kind is Kind.OBJECT and leaf.name in found)):
                    found.add(obj.name)
                    changed = True
                    break
    result = frozenset(found)
    _WARNING_OBJECTS[:] = [(model, result)]
    return result
