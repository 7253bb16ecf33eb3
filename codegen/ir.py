"""The intermediate representation: language-neutral, immutable, sorted once.

Wire names are kept exactly as written in the model; identifiers for a
particular language exist only in that target's view. Every collection is a
tuple sorted during normalization (events, enums and objects by name,
properties and enum values by number), so targets never sort again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple


class Location(NamedTuple):
    """A position in a model file (1-based line and column). A named tuple:
    the loader makes one for every value of a model, so it must be cheap."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


NOWHERE = Location("<model>", 0, 0)


class Scalar(str, Enum):
    """Scalar types of the model language; values are the model's spelling."""

    STRING = "string"
    BOOL = "bool"
    INT32 = "int32"
    INT64 = "int64"
    UINT32 = "uint32"
    UINT64 = "uint64"
    FLOAT = "float"
    DOUBLE = "double"
    TIMESTAMP = "timestamp"
    BYTES = "bytes"

    @property
    def is_integer(self) -> bool:
        return self in _INTEGERS

    @property
    def is_floating(self) -> bool:
        return self in (Scalar.FLOAT, Scalar.DOUBLE)

    @property
    def is_numeric(self) -> bool:
        return self.is_integer or self.is_floating

    @property
    def is_packable(self) -> bool:
        """Packed encoding applies to repeated numeric and bool scalars."""
        return self.is_numeric or self is Scalar.BOOL


_INTEGERS = frozenset({Scalar.INT32, Scalar.INT64, Scalar.UINT32, Scalar.UINT64})

INTEGER_RANGES: dict[Scalar, tuple[int, int]] = {
    Scalar.INT32: (-(2**31), 2**31 - 1),
    Scalar.INT64: (-(2**63), 2**63 - 1),
    Scalar.UINT32: (0, 2**32 - 1),
    Scalar.UINT64: (0, 2**64 - 1),
}


class Kind(str, Enum):
    SCALAR = "scalar"
    ENUM = "enum"
    OBJECT = "object"
    LIST = "list"
    MAP = "map"


@dataclass(frozen=True, slots=True)
class TypeRef:
    """A property's type. Lists and maps hold an element type that is never
    itself a list or a map (Protobuf cannot nest repeated fields)."""

    kind: Kind
    scalar: Scalar | None = None
    name: str | None = None  # enum or object name, for ENUM / OBJECT
    element: TypeRef | None = None  # for LIST / MAP (map keys are strings)

    @property
    def is_repeated(self) -> bool:
        return self.kind in (Kind.LIST, Kind.MAP)

    @property
    def leaf(self) -> TypeRef:
        """The element type of a list or map, or the type itself."""
        return self.element if self.element is not None else self

    def __str__(self) -> str:
        if self.kind is Kind.LIST:
            return f"list<{self.element}>"
        if self.kind is Kind.MAP:
            return f"map<string, {self.element}>"
        if self.kind is Kind.SCALAR:
            assert self.scalar is not None
            return self.scalar.value
        return str(self.name)


class Privacy(str, Enum):
    """How personal a value is; mandatory on every property."""

    NONE = "none"
    PSEUDONYMOUS = "pseudonymous"
    PERSONAL = "personal"
    SENSITIVE = "sensitive"


class AutoValue(str, Enum):
    """Context values that the tracker fills in itself."""

    EVENT_ID = "event_id"
    CLIENT_TIMESTAMP = "client_timestamp"
    MODEL_VERSION = "model_version"
    SDK_NAME = "sdk_name"
    SDK_VERSION = "sdk_version"
    CONSENT = "consent"  # the purposes granted when the event was tracked (the consent stamp)


class LawfulBasis(str, Enum):
    """Why processing for a purpose is lawful (GDPR art. 6)."""

    CONSENT = "consent"
    LEGITIMATE_INTEREST = "legitimate_interest"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"


@dataclass(frozen=True, slots=True)
class Purpose:
    """A purpose that events and personal values serve. Only purposes whose
    lawful basis is `consent` need the user's consent; `sensitive` opts the
    purpose in to sensitive values (special categories)."""

    name: str
    description: str
    lawful_basis: LawfulBasis
    retention_days: int
    sensitive: bool = False
    loc: Location = field(default=NOWHERE, compare=False)

    @property
    def granted_by_default(self) -> bool:
        return self.lawful_basis is not LawfulBasis.CONSENT


@dataclass(frozen=True, slots=True)
class Deprecation:
    reason: str
    since: str | None = None
    removal: str | None = None


ConstValue = str | bool | int | float


@dataclass(frozen=True, slots=True)
class Constraints:
    """Checks that every SDK enforces. For lists and maps, the value checks
    (minimum, length, pattern) apply to each element; item counts to the
    collection. `pattern` always matches the whole string."""

    minimum: int | float | None = None
    maximum: int | float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    min_items: int | None = None
    max_items: int | None = None

    @property
    def is_empty(self) -> bool:
        return self == Constraints()


@dataclass(frozen=True, slots=True)
class Reserved:
    numbers: tuple[tuple[int, int], ...] = ()  # inclusive ranges, sorted
    names: tuple[str, ...] = ()  # sorted

    def has_number(self, number: int) -> bool:
        return any(low <= number <= high for low, high in self.numbers)


@dataclass(frozen=True, slots=True)
class Property:
    name: str
    number: int
    type: TypeRef
    required: bool
    privacy: Privacy
    description: str = ""
    constraints: Constraints = Constraints()
    const: ConstValue | None = None  # filled in by the SDK, not by callers
    auto: AutoValue | None = None  # context only: filled in by the tracker
    deprecation: Deprecation | None = None
    examples: tuple[ConstValue, ...] = ()
    loc: Location = field(default=NOWHERE, compare=False)
    purposes: tuple[str, ...] = ()  # sorted; personal and sensitive values always name theirs

    @property
    def is_parameter(self) -> bool:
        """Whether callers pass this value (const and auto values are filled in)."""
        return self.const is None and self.auto is None

    @property
    def has_presence(self) -> bool:
        """Explicit presence on the wire: optional scalars and every object."""
        if self.type.is_repeated:
            return False
        return not self.required or self.type.kind is Kind.OBJECT


@dataclass(frozen=True, slots=True)
class EnumValue:
    name: str  # as written in the model; any non-empty text
    number: int  # >= 1; 0 is the implicit "unspecified" value
    description: str = ""
    deprecation: Deprecation | None = None
    loc: Location = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class EnumType:
    name: str
    values: tuple[EnumValue, ...]
    description: str = ""
    reserved: Reserved = Reserved()
    loc: Location = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class ObjectType:
    name: str
    properties: tuple[Property, ...]
    description: str = ""
    reserved: Reserved = Reserved()
    loc: Location = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class Event:
    name: str
    number: int
    properties: tuple[Property, ...]
    description: str = ""
    owner: str = ""
    products: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    reserved: Reserved = Reserved()
    deprecation: Deprecation | None = None
    loc: Location = field(default=NOWHERE, compare=False)
    purposes: tuple[str, ...] = ()  # sorted, at least one in a loaded model


@dataclass(frozen=True, slots=True)
class Context:
    properties: tuple[Property, ...]
    description: str = ""
    reserved: Reserved = Reserved()
    loc: Location = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class ExportSettings:
    """The model's `exports` section, as written (validated by the loader);
    the exports fill in their own defaults from the namespace."""

    proto_options: tuple[tuple[str, str | bool], ...] = ()  # .proto file options, sorted by name
    jsonschema_base_uri: str | None = None  # prefix of every JSON Schema's $id


@dataclass(frozen=True, slots=True)
class Source:
    """One product and platform combination that ships its own SDKs (the
    model's `sources` section): only the events it may send, with the
    context values it implies fixed."""

    name: str  # kebab- or snake-case, e.g. news-web
    description: str
    products: tuple[str, ...]  # sorted; empty: every product
    platforms: tuple[str, ...]  # sorted; empty: every platform
    packages: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # target -> settings, as Model.packages
    loc: Location = field(default=NOWHERE, compare=False)
    package_locations: tuple[tuple[str, str, Location], ...] = field(default=(), compare=False)

    def package_settings(self, target: str) -> dict[str, str]:
        return dict(dict(self.packages).get(target, ()))

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.packages)


@dataclass(frozen=True, slots=True)
class Model:
    name: str
    namespace: str  # Protobuf package, dotted snake_case
    version: str  # semver
    description: str
    packages: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # target -> settings
    products: tuple[str, ...]
    platforms: tuple[str, ...]
    context: Context
    events: tuple[Event, ...]
    enums: tuple[EnumType, ...]
    objects: tuple[ObjectType, ...]
    reserved_events: Reserved = Reserved()
    exports: ExportSettings = ExportSettings()
    purposes: tuple[Purpose, ...] = ()  # sorted by name
    # The purposes under which the collector stores the client's IP address
    # (truncated); empty: it stores none.
    client_ip_purposes: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()  # sorted by name
    license: str = ""  # SPDX expression of the SDKs' license ("" when the model names none)
    authors: tuple[str, ...] = ()  # "Name" or "Name <address>"
    urls: tuple[tuple[str, str], ...] = ()  # (homepage | repository | documentation | issues | changelog, URL)
    # Where each target (key "") and each of its settings is written in the model.
    package_locations: tuple[tuple[str, str, Location], ...] = field(default=(), compare=False)

    @property
    def property_scopes(self) -> tuple[tuple[str, str, tuple[Property, ...], Reserved], ...]:
        """Every message that holds properties, as (kind, name, properties,
        reserved): the context (name ""), the objects, then the events. Each is
        its own naming and numbering scope."""
        return (
            ("context", "", self.context.properties, self.context.reserved),
            *(("object", o.name, o.properties, o.reserved) for o in self.objects),
            *(("event", e.name, e.properties, e.reserved) for e in self.events),
        )

    def package_settings(self, target: str) -> dict[str, str]:
        for name, settings in self.packages:
            if name == target:
                return dict(settings)
        return {}

    def purpose(self, name: str) -> Purpose:
        return _by_name(self.purposes, name)
    def url(self, kind: str) -> str:
        return dict(self.urls).get(kind, "")

    def source(self, name: str) -> Source:
        return _by_name(self.sources, name)

    def enum(self, name: str) -> EnumType:
        return _by_name(self.enums, name)

    def object(self, name: str) -> ObjectType:
        return _by_name(self.objects, name)


def _by_name(items: tuple, name: str):  # type: ignore[no-untyped-def]
    for item in items:
        if item.name == name:
            return item
    raise KeyError(name)
