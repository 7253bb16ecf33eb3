# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""Checks of the model's constraints, run before anything is encoded.

Constraint kinds: the model's (minimum, maximum, min_length, max_length,
pattern, min_items, max_items) and the SDK's own: required (a required value
is None), type (a value of the wrong type), range (outside the type's range,
e.g. int32 or Timestamp) and surrogate (a string holding an unpaired UTF-16
surrogate, which has no UTF-8 form).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from .codec import AutoValues, field_value, specs_of
from .errors import ValidationIssue
from .fields import (
    BOOL,
    BYTES,
    ENUM,
    FLOAT,
    FLOAT_KINDS,
    INTEGER_KINDS,
    LIST,
    MAP,
    MESSAGE,
    STRING,
    TIMESTAMP,
    FieldSpec,
)
from .jcs import es_number, float32_json, json_string
from .timestamp import Timestamp
from .wire import INT_RANGES, narrow_float32

_SURROGATE = re.compile("[\ud800-\udfff]")
_PATTERNS: dict[str, re.Pattern[str]] = {}


def full_match(pattern: str, text: str) -> bool:
    """Whether `pattern` matches all of `text` (compiled once per pattern)."""
    compiled = _PATTERNS.get(pattern)
    if compiled is None:
        compiled = _PATTERNS[pattern] = re.compile(pattern)
    return compiled.fullmatch(text) is not None


def code_points(text: str) -> int:
    """Length in Unicode code points, the unit of min_length/max_length."""
    return len(text)


def validate_message(
    message: object, prefix: str = "", auto: AutoValues | None = None
) -> list[ValidationIssue]:
    """Every issue of `message` and the messages inside it, in field order."""
    issues: list[ValidationIssue] = []
    for spec in specs_of(message):
        if spec.const is not None or (spec.auto is not None and auto is None):
            continue
        path = prefix + spec.name
        value = field_value(message, spec, auto)
        if value is None:
            if spec.required:
                issues.append(ValidationIssue(path, "required", "is required"))
        elif spec.label == LIST:
            _check_list(spec, value, path, issues)
        elif spec.label == MAP:
            _check_map(spec, value, path, issues)
        else:
            _check_value(spec, value, path, issues)
    return issues


def _check_items(
    spec: FieldSpec, count: int, path: str, out: list[ValidationIssue]
) -> None:
    if spec.min_items is not None and count < spec.min_items:
        out.append(
            ValidationIssue(
                path, "min_items", f"has {count} items, fewer than {spec.min_items}"
            )
        )
    if spec.max_items is not None and count > spec.max_items:
        out.append(
            ValidationIssue(
                path, "max_items", f"has {count} items, more than {spec.max_items}"
            )
        )


def _check_list(
    spec: FieldSpec, value: Any, path: str, out: list[ValidationIssue]
) -> None:
    if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__len__"):
        out.append(ValidationIssue(path, "type", "must be a list"))
        return
    _check_items(spec, len(value), path, out)
    for index, item in enumerate(value):
        _check_element(spec, item, f"{path}[{index}]", out)


def _check_map(
    spec: FieldSpec, value: Any, path: str, out: list[ValidationIssue]
) -> None:
    if not isinstance(value, Mapping):
        out.append(ValidationIssue(path, "type", "must be a map"))
        return
    _check_items(spec, len(value), path, out)
    for key in sorted(value, key=str):
        if not isinstance(key, str):
            out.append(ValidationIssue(path, "type", "has a key that is not a string"))
            continue
        if _SURROGATE.search(key):
            out.append(
                ValidationIssue(
                    path, "surrogate", "has a key with an unpaired UTF-16 surrogate"
                )
            )
            continue
        _check_element(spec, value[key], f"{path}[{json_string(key)}]", out)


def _check_element(
    spec: FieldSpec, item: Any, path: str, out: list[ValidationIssue]
) -> None:
    if item is None:
        out.append(ValidationIssue(path, "required", "is required"))
    else:
        _check_value(spec, item, path, out)


def _check_value(
    spec: FieldSpec, value: Any, path: str, out: list[ValidationIssue]
) -> None:
    kind = spec.kind
    if kind == STRING:
        _check_string(spec, value, path, out)
    elif kind in INTEGER_KINDS:
        if not isinstance(value, int) or isinstance(value, bool):
            out.append(ValidationIssue(path, "type", f"must be an integer ({kind})"))
            return
        low, high = INT_RANGES[kind]
        if not low <= value <= high:
            out.append(
                ValidationIssue(path, "range", f"{value} is outside the {kind} range")
            )
            return
        _check_bounds(spec, value, path, out)
    elif kind in FLOAT_KINDS:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            out.append(ValidationIssue(path, "type", f"must be a number ({kind})"))
            return
        try:
            number = float(value)
        except OverflowError:
            out.append(
                ValidationIssue(path, "range", f"{value} is outside the {kind} range")
            )
            return
        _check_bounds(spec, number, path, out)
    elif kind == BOOL:
        if not isinstance(value, bool):
            out.append(ValidationIssue(path, "type", "must be a bool"))
    elif kind == BYTES:
        if not isinstance(value, (bytes, bytearray, memoryview)):
            out.append(ValidationIssue(path, "type", "must be bytes"))
    elif kind == TIMESTAMP:
        if not isinstance(value, Timestamp):
            out.append(ValidationIssue(path, "type", "must be a Timestamp"))
        elif not value.is_valid:
            text = f"seconds {value.seconds}, nanos {value.nanos}"
            out.append(
                ValidationIssue(path, "range", f"{text} is outside the timestamp range")
            )
    elif kind == ENUM:
        if not isinstance(getattr(value, "number", None), int):
            out.append(ValidationIssue(path, "type", "must be a value of the enum"))
    elif kind == MESSAGE:
        if not hasattr(value, "_SPECS"):
            out.append(ValidationIssue(path, "type", "must be an object of the model"))
        else:
            out.extend(validate_message(value, path + "."))


def number_text(kind: str, value: float) -> str:
    """A number inside a message: integers in decimal, doubles in the
    ECMAScript form of canonical JSON, floats narrowed to float32 and written
    as in canonical JSON; NaN and infinities as "NaN", "Infinity", "-Infinity"."""
    if kind in INTEGER_KINDS and isinstance(value, int):
        return str(value)
    number = float32_json(value) if kind == FLOAT else float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    return es_number(number)


def bound_text(kind: str, bound: float) -> str:
    """A model bound inside a message: decimal for integer properties, the
    float32 canonical form for floats (bounds are narrowed like values), else
    the ECMAScript form of the bound as a double."""
    if kind in INTEGER_KINDS:
        return str(int(bound))
    if kind == FLOAT:
        return number_text(FLOAT, bound)
    return es_number(float(bound))


def _check_bounds(
    spec: FieldSpec, value: float, path: str, out: list[ValidationIssue]
) -> None:
    """Inclusive bounds. A bound admits finite numbers only: NaN and the
    infinities fail every bound. A float is checked as it goes on the wire:
    narrowed to float32 (beyond the float32 range an infinity), against
    bounds narrowed alike."""
    if spec.minimum is None and spec.maximum is None:
        return
    kind = spec.kind
    narrow = narrow_float32 if kind == FLOAT else None
    if narrow is not None:
        value = narrow(value)
    finite = kind in INTEGER_KINDS or math.isfinite(value)
    for constraint, bound, side in (
        ("minimum", spec.minimum, "below"),
        ("maximum", spec.maximum, "above"),
    ):
        if bound is None:
            continue
        limit = narrow(bound) if narrow is not None else bound
        inside = value >= limit if side == "below" else value <= limit
        if finite and inside:
            continue
        text, shown = number_text(kind, value), bound_text(kind, limit)
        message = (
            f"{text} is {side} the {constraint} {shown}"
            if finite
            else f"{text} is not a finite number (the {constraint} is {shown})"
        )
        out.append(ValidationIssue(path, constraint, message))


def _check_string(
    spec: FieldSpec, value: Any, path: str, out: list[ValidationIssue]
) -> None:
    if not isinstance(value, str):
        out.append(ValidationIssue(path, "type", "must be a string"))
        return
    if _SURROGATE.search(value):
        out.append(
            ValidationIssue(path, "surrogate", "holds an unpaired UTF-16 surrogate")
        )
        return
    length = code_points(value)
    if spec.min_length is not None and length < spec.min_length:
        out.append(
            ValidationIssue(
                path,
                "min_length",
                f"has {length} characters, fewer than {spec.min_length}",
            )
        )
    if spec.max_length is not None and length > spec.max_length:
        out.append(
            ValidationIssue(
                path,
                "max_length",
                f"has {length} characters, more than {spec.max_length}",
            )
        )
    if spec.pattern is not None and not full_match(spec.pattern, value):
        out.append(
            ValidationIssue(
                path, "pattern", f"does not match {json_string(spec.pattern)}"
            )
        )
