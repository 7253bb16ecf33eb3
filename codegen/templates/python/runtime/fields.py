# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""Field descriptions that drive encoding and validation, and the enum base.

Each generated message lists its fields as `FieldSpec`s; one shared encoder
and validator read them, so the per-event code is only data.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Protocol

STRING = "string"
BOOL = "bool"
INT32 = "int32"
INT64 = "int64"
UINT32 = "uint32"
UINT64 = "uint64"
FLOAT = "float"
DOUBLE = "double"
BYTES = "bytes"
TIMESTAMP = "timestamp"
ENUM = "enum"
MESSAGE = "message"

SINGLE = "single"
LIST = "list"
MAP = "map"

INTEGER_KINDS = frozenset({INT32, INT64, UINT32, UINT64})
FLOAT_KINDS = frozenset({FLOAT, DOUBLE})
# Kinds written as length-delimited messages: always explicit presence.
MESSAGE_KINDS = frozenset({TIMESTAMP, MESSAGE})
PACKABLE_KINDS = INTEGER_KINDS | FLOAT_KINDS | {BOOL, ENUM}


@dataclass(frozen=True)
class FieldSpec:
    """One field of a message: wire name and number, Python attribute, kind
    (a scalar kind, ENUM or MESSAGE), label (SINGLE, LIST or MAP), presence
    and the model's constraints."""

    name: str
    number: int
    kind: str
    attr: str = ""  # the Python attribute; "" when it is `name`
    label: str = SINGLE
    presence: bool = False
    required: bool = False
    const: Any = None
    auto: str | None = None
    unspecified: str = ""
    minimum: int | float | None = None
    maximum: int | float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    min_items: int | None = None
    max_items: int | None = None
    deprecated: str | None = None  # the predicate of its deprecation warning
    # Consent (docs/event-model.md, "Purposes"): an optional value is removed
    # unless all of `purposes` are granted; `redacts` says that a kept object
    # may still lose values inside it.
    purposes: tuple[str, ...] = ()
    redacts: bool = False

    def __post_init__(self) -> None:
        if not self.attr:
            object.__setattr__(self, "attr", self.name)


class EnumLike(Protocol):
    @property
    def number(self) -> int: ...

    @property
    def json_name(self) -> str: ...


class ProtoEnum(enum.Enum):
    """Base of generated enums. A member's value is its name in the model;
    `number` is its Protobuf number, `json_name` its ProtoJSON name and
    `deprecated` the predicate of its deprecation warning (or None)."""

    _number: int
    _json_name: str
    _deprecated: str | None

    def __new__(
        cls, model_name: str, number: int, json_name: str, deprecated: str | None = None
    ) -> ProtoEnum:
        member = object.__new__(cls)
        member._value_ = model_name
        member._number = number
        member._json_name = json_name
        member._deprecated = deprecated
        return member

    @property
    def model_name(self) -> str:
        return str(self._value_)

    @property
    def number(self) -> int:
        return self._number

    @property
    def json_name(self) -> str:
        return self._json_name

    @property
    def deprecated(self) -> str | None:
        return self._deprecated
