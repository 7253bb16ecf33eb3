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
from collections.abc import Callable, Mapping
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
from .jcs import json_string
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
        out.append(ValidationIssue(path, "type", "must be a sequence"))
        return
    _check_items(spec, len(value), path, out)
    for index, item in enumerate(value):
        _check_element(spec, item, f"{path}[{index}]", out)


def _check_map(
    spec: FieldSpec, value: Any, path: str, out: list[ValidationIssue]
) -> None:
    if not isinstance(value, Mapping):
        out.append(ValidationIssue(path, "type", "must be a mapping"))
        return
    _check_items(spec, len(value), path, out)
    for key in sorted(value, key=str):
        if not isinstance(key, str):
            out.append(
                ValidationIssue(path, "type", f"has a key {key!r} that is not a str")
            )
            continue
        if _SURROGATE.search(key):
            out.append(
                ValidationIssue(
                    path, "surrogate", "has a key with an unpaired surrogate"
                )
            )
            continue
        _check_element(spec, value[key], f"{path}[{json_string(key)}]", out)


def _check_element(
    spec: FieldSpec, item: Any, path: str, out: list[ValidationIssue]
) -> None:
    if item is None:
        out.append(ValidationIssue(path, "required", "is None"))
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
            out.append(ValidationIssue(path, "type", f"must be an int ({kind})"))
            return
        low, high = INT_RANGES[kind]
        if not low <= value <= high:
            out.append(
                ValidationIssue(path, "range", f"{value} is outside the {kind} range")
            )
            return
        _check_bounds(spec, value, path, out, int)
    elif kind in FLOAT_KINDS:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            out.append(ValidationIssue(path, "type", f"must be a float ({kind})"))
            return
        try:
            number = float(value)
        except OverflowError:
            out.append(
                ValidationIssue(path, "range", f"{value} is too large for {kind}")
            )
            return
        if kind == FLOAT:
            _check_float_bounds(spec, number, path, out)
        else:
            _check_bounds(spec, number, path, out, float)
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
            out.append(
                ValidationIssue(
                    path, "range", f"{value!r} is outside the Timestamp range"
                )
            )
    elif kind == ENUM:
        if not isinstance(getattr(value, "number", None), int):
            out.append(ValidationIssue(path, "type", "must be a member of the enum"))
    elif kind == MESSAGE:
        if not hasattr(value, "_SPECS"):
            out.append(ValidationIssue(path, "type", "must be an object of the model"))
        else:
            out.extend(validate_message(value, path + "."))


def _check_float_bounds(
    spec: FieldSpec, value: float, path: str, out: list[ValidationIssue]
) -> None:
    # What goes on the wire is checked: the value narrowed to float32 (beyond
    # the float32 range that is an infinity), against bounds narrowed alike.
    _check_bounds(spec, narrow_float32(value), path, out, narrow_float32)


def _check_bounds(
    spec: FieldSpec,
    value: float,
    path: str,
    out: list[ValidationIssue],
    bound_of: Callable[[Any], float],
) -> None:
    """Inclusive bounds, each read as the field's type (`bound_of`). A bound
    admits finite numbers only: NaN and the infinities fail every bound."""
    finite = value == value and value not in (math.inf, -math.inf)
    if spec.minimum is not None:
        minimum = bound_of(spec.minimum)
        if not finite or not value >= minimum:
            out.append(
                ValidationIssue(
                    path, "minimum", _outside(value, "below", "minimum", minimum)
                )
            )
    if spec.maximum is not None:
        maximum = bound_of(spec.maximum)
        if not finite or not value <= maximum:
            out.append(
                ValidationIssue(
                    path, "maximum", _outside(value, "above", "maximum", maximum)
                )
            )


def _outside(value: float, side: str, kind: str, bound: float) -> str:
    if value != value or value in (math.inf, -math.inf):
        return f"{value} is not a finite number (the {kind} is {bound})"
    return f"{value} is {side} the {kind} {bound}"


def _check_string(
    spec: FieldSpec, value: Any, path: str, out: list[ValidationIssue]
) -> None:
    if not isinstance(value, str):
        out.append(ValidationIssue(path, "type", "must be a str"))
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
        out.append(ValidationIssue(path, "pattern", f"does not match {spec.pattern}"))
