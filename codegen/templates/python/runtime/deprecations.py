# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""Deprecation warnings for what an event uses: the event itself, every
deprecated property that holds a value and every deprecated enum value it
holds, inside objects too. The generated code carries each text's
predicate ("is deprecated since 1.0.0: reason"); the subject is added here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .codec import field_value, specs_of
from .fields import ENUM, LIST, MAP, MESSAGE
from .jcs import json_string


def deprecation_warnings(message: object, prefix: str = "") -> list[str]:
    """Each distinct warning once, in field order (the event's own first)."""
    found: dict[str, None] = {}
    event_warning = getattr(message, "DEPRECATED", None)
    if event_warning:
        found[event_warning] = None
    _collect(message, prefix, found)
    return list(found)


def _collect(message: object, prefix: str, found: dict[str, None]) -> None:
    for spec in specs_of(message):
        value = field_value(message, spec, None)
        if value is None:
            continue
        path = prefix + spec.name
        if spec.deprecated is not None:
            found[f"{path} {spec.deprecated}"] = None
        if spec.kind not in (ENUM, MESSAGE):
            continue
        for item in _items(spec.label, value):
            if spec.kind == ENUM:
                predicate = getattr(item, "deprecated", None)
                name = getattr(item, "model_name", None)
                if predicate is not None and isinstance(name, str):
                    found[f"{path} value {json_string(name)} {predicate}"] = None
            elif hasattr(item, "_SPECS"):
                _collect(item, path + ".", found)


def _items(label: str, value: Any) -> list[Any]:
    """The values a property holds: itself, its elements, or its map values
    in key order (invalid shapes hold nothing here; validation reports them)."""
    if label == LIST:
        if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
            return []
        return [item for item in value if item is not None]
    if label == MAP:
        if not isinstance(value, Mapping):
            return []
        keys = sorted((key for key in value if isinstance(key, str)))
        return [value[key] for key in keys if value[key] is not None]
    return [value]
