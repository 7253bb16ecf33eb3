"""Language-neutral test cases that every target renders into its SDK's own
tests: valid values with the bytes and JSON the reference produces for them,
and invalid values with the constraint they break.

Values use plain Python data, read with the property's TypeRef:
string -> str, bool -> bool, integers -> int, float/double -> float,
bytes -> bytes, timestamp -> TimestampValue, enum -> the model value name (str),
object -> dict of wire name -> value, list -> tuple, map -> dict of str -> value.
Only parameters appear (const and auto values are filled in by the SDK).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping


@dataclass(frozen=True)
class TimestampValue:
    seconds: int
    nanos: int = 0


@dataclass(frozen=True)
class SampleCase:
    event: str  # event wire name
    name: str  # case id, unique, snake_case, e.g. "article_read_full"
    values: Mapping[str, Any]
    proto_hex: str  # the event message, lower-case hex
    json: str  # the event message, canonical JSON


@dataclass(frozen=True)
class InvalidCase:
    event: str
    name: str
    values: Mapping[str, Any]
    constraint: str  # minimum, maximum, min_length, max_length, pattern, min_items, max_items
    path: str  # where the error is reported, e.g. "tags[1]"


@dataclass(frozen=True)
class TestPlan:
    samples: tuple[SampleCase, ...]
    invalid: tuple[InvalidCase, ...]
