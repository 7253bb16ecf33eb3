# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""Consent: which values an event may carry under the granted purposes.

Each FieldSpec of an optional value names the purposes without which the
value is removed (`purposes`), and whether a kept object may lose values
inside it (`redacts`); the generator works both out from the model, so the
rules here are only these walks. The collector runs the same walk to find
values that should not have been sent (`withheld`)."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Set
from typing import Any, TypeVar

from .codec import specs_of
from .fields import LIST, MAP, SINGLE
from .jcs import json_string

M = TypeVar("M")


def missing(needed: Iterable[str], granted: Set[str]) -> tuple[str, ...]:
    """The needed purposes that are not granted, in name order."""
    return tuple(sorted(p for p in needed if p not in granted))


def redact(message: M, granted: Set[str], used: set[str]) -> M:
    """`message` without the optional values whose purposes are not all
    granted (a copy; the message itself when nothing goes). The purposes of
    the values kept are added to `used`."""
    changes: dict[str, Any] = {}
    for spec in specs_of(message):
        value = getattr(message, spec.attr, None)
        if value is None:
            continue
        if spec.purposes:
            if not all(p in granted for p in spec.purposes):
                changes[spec.attr] = None
                continue
            used.update(spec.purposes)
        if spec.redacts:
            kept = _redact_value(spec.label, value, granted, used)
            if kept is not value:
                changes[spec.attr] = kept
    if not changes:
        return message
    result = copy.copy(message)
    for attr, value in changes.items():
        object.__setattr__(result, attr, value)  # frozen dataclasses too
    return result


def _redact_value(label: str, value: Any, granted: Set[str], used: set[str]) -> Any:
    if label == LIST:
        items = [redact(item, granted, used) for item in value]
        same = all(a is b for a, b in zip(items, value))
        return (
            value if same else type(value)(items) if isinstance(value, tuple) else items
        )
    if label == MAP:
        entries = {key: redact(item, granted, used) for key, item in value.items()}
        same = all(entries[key] is item for key, item in value.items())
        return value if same else entries
    return redact(value, granted, used)


def withheld(
    message: object, granted: Set[str], prefix: str = ""
) -> list[tuple[str, tuple[str, ...]]]:
    """Every optional value that `redact` would remove, as (path, the purposes
    not granted), in field order (paths as in validation issues)."""
    found: list[tuple[str, tuple[str, ...]]] = []
    for spec in specs_of(message):
        value = getattr(message, spec.attr, None)
        # On the wire an empty list or map is unset.
        if value is None or (spec.label != SINGLE and not value):
            continue
        path = prefix + spec.name
        if spec.purposes and not all(p in granted for p in spec.purposes):
            found.append((path, missing(spec.purposes, granted)))
            continue
        if not spec.redacts:
            continue
        if spec.label == LIST:
            for index, item in enumerate(value):
                found += withheld(item, granted, f"{path}[{index}].")
        elif spec.label == MAP:
            for key in sorted(value):
                found += withheld(value[key], granted, f"{path}[{json_string(key)}].")
        else:
            found += withheld(value, granted, path + ".")
    return found
