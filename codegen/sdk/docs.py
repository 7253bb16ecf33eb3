"""Language-neutral documentation text shared by every target: what a
property's constraints are, where an event belongs, and every deprecation
text (worded once in codegen.texts, which the reference shares). Targets
only escape and lay the text out for their comment syntax."""

from __future__ import annotations

from codegen.ir import Constraints, Event
from codegen.texts import (
    deprecation_message,
    deprecation_note,
    deprecation_predicate,
    deprecation_warning,
    enum_value_subject,
    event_subject,
    json_string,
    property_subject,
)

__all__ = [
    "constraint_summary", "deprecation_message", "deprecation_note", "deprecation_predicate",
    "deprecation_warning", "enum_value_subject", "event_facts", "event_subject", "json_string",
    "property_subject",
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
