"""The catalog of evolution rules and the Change record every rule produces.

Rule ids follow buf's breaking rules (EVENT_NO_DELETE_UNLESS_RESERVED,
FIELD_SAME_TYPE, ...). Each rule fixes a severity (does `codegen diff` fail?),
a kind (which changelog section?) and the version bump it needs.
docs/evolution.md lists the same table; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from codegen.ir import Location


class Severity(str, Enum):
    ERROR = "error"  # breaks consumers: `codegen diff` exits 100
    WARNING = "warning"  # compatible, but someone downstream must act (e.g. a privacy class changed)
    NOTICE = "notice"  # compatible


class Kind(str, Enum):
    """Changelog sections, in the order they appear."""

    BREAKING = "breaking"
    REMOVAL = "removal"  # removed after deprecation, number and name reserved
    ADDITION = "addition"
    DEPRECATION = "deprecation"
    DOCUMENTATION = "documentation"


class Bump(int, Enum):
    NONE = 0
    PATCH = 1
    MINOR = 2
    MAJOR = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    kind: Kind
    bump: Bump
    meaning: str


_E, _W, _N = Severity.ERROR, Severity.WARNING, Severity.NOTICE
_BRK, _REM, _ADD, _DEP, _DOC = Kind.BREAKING, Kind.REMOVAL, Kind.ADDITION, Kind.DEPRECATION, Kind.DOCUMENTATION
_MAJ, _MIN, _PAT = Bump.MAJOR, Bump.MINOR, Bump.PATCH

_TABLE = [
    # events
    ("EVENT_NO_DELETE_UNLESS_RESERVED", _E, _BRK, _MAJ,
     "An event was deleted without reserving its number and name in the model's `reserved`."),
    ("EVENT_DELETE_REQUIRES_DEPRECATION", _E, _BRK, _MAJ,
     "An event was deleted that no released version had marked `deprecated`."),
    ("EVENT_REMOVED", _N, _REM, _MAJ,
     "An event deprecated in a release was removed, its number and name reserved."),
    ("EVENT_SAME_NAME", _E, _BRK, _MAJ,
     "An event number now has another name (a rename): the JSON key and the Protobuf field change."),
    ("EVENT_SAME_NUMBER", _E, _BRK, _MAJ,
     "An event name now has another number: Protobuf readers no longer recognize it."),
    ("EVENT_NO_REUSE", _E, _BRK, _MAJ,
     "An event number or name that an earlier release used for a different event is used again."),
    ("EVENT_ADDED", _N, _ADD, _MIN, "A new event."),
    ("EVENT_DEPRECATED", _N, _DEP, _MIN, "An event was marked `deprecated`."),
    ("EVENT_PURPOSES_WIDENED", _E, _BRK, _MAJ,
     "An event serves a purpose more: data goes to a use its users did not agree to, and apps built before "
     "send it under consent that never covered that purpose."),
    ("EVENT_PURPOSES_NARROWED", _N, _ADD, _MIN,
     "An event serves fewer purposes: it is sent under less consent; every use allowed before is still allowed."),
    ("EVENT_DOCS_CHANGED", _N, _DOC, _PAT,
     "An event's description, owner, products, platforms or deprecation note changed, "
     "or it is no longer deprecated."),
    # properties (of events, objects and the context)
    ("FIELD_NO_DELETE_UNLESS_RESERVED", _E, _BRK, _MAJ,
     "A property was deleted without reserving its number and name in its event, object or context."),
    ("FIELD_DELETE_REQUIRES_DEPRECATION", _E, _BRK, _MAJ,
     "A property was deleted that no released version had marked `deprecated`."),
    ("FIELD_REMOVED", _N, _REM, _MAJ,
     "A property deprecated in a release was removed, its number and name reserved."),
    ("FIELD_SAME_NAME", _E, _BRK, _MAJ,
     "A property number now has another name (a rename): the JSON key changes."),
    ("FIELD_SAME_NUMBER", _E, _BRK, _MAJ,
     "A property name now has another number: Protobuf readers no longer find it."),
    ("FIELD_NO_REUSE", _E, _BRK, _MAJ,
     "A property number or name that an earlier release used for a different property "
     "(another name, number or type) is used again."),
    ("FIELD_SAME_TYPE", _E, _BRK, _MAJ,
     "A property's type changed (int32 to int64 included: the JSON and the bytes change)."),
    ("FIELD_SAME_CARDINALITY", _E, _BRK, _MAJ,
     "A property changed between a single value, a list and a map."),
    ("FIELD_SAME_PRESENCE", _E, _BRK, _MAJ,
     "A required property became optional: consumers can no longer rely on it, and its Protobuf presence changes."),
    ("FIELD_NO_OPTIONAL_TO_REQUIRED", _E, _BRK, _MAJ,
     "An optional property became required: events from apps built before, and data stored without it, "
     "no longer validate."),
    ("FIELD_SAME_CONST", _E, _BRK, _MAJ,
     "A property's `const` or `auto` value was added, removed or changed."),
    ("FIELD_CONSTRAINT_TIGHTENED", _E, _BRK, _MAJ,
     "A constraint was added or tightened, or a pattern changed: events from apps built before, and data "
     "already stored, may no longer validate."),
    ("FIELD_CONSTRAINT_LOOSENED", _N, _ADD, _MIN,
     "A constraint was removed or loosened: every value valid before stays valid."),
    ("FIELD_ADDED", _N, _ADD, _MIN, "A new optional property."),
    ("FIELD_ADDED_REQUIRED", _E, _BRK, _MAJ,
     "A new required property on an existing event, object or context: events from apps built before, "
     "and data stored before, lack it."),
    ("FIELD_DEPRECATED", _N, _DEP, _MIN, "A property was marked `deprecated`."),
    ("FIELD_PRIVACY_CHANGED", _W, _DOC, _MIN,
     "A property's privacy class was raised (e.g. none to personal): data handling downstream may have to "
     "change; stricter handling is always allowed."),
    ("FIELD_PRIVACY_LOWERED", _E, _BRK, _MAJ,
     "A property's privacy class was lowered (e.g. personal to none): data collected under the stricter class "
     "would be handled with less protection (no consent, no pseudonymisation)."),
    ("FIELD_PURPOSES_WIDENED", _E, _BRK, _MAJ,
     "A personal or sensitive property serves a purpose more: its values go to a use their users did not "
     "agree to."),
    ("FIELD_PURPOSES_NARROWED", _N, _ADD, _MIN, "A personal or sensitive property serves fewer purposes."),
    ("FIELD_DOCS_CHANGED", _N, _DOC, _PAT,
     "A property's description, examples or deprecation note changed, or it is no longer deprecated."),
    # purposes
    ("PURPOSE_ADDED", _N, _ADD, _MIN, "A new purpose."),
    ("PURPOSE_REMOVED", _N, _REM, _MAJ, "A purpose no event or property names any more was removed "
     "(its SDK enum member goes)."),
    ("PURPOSE_RETENTION_LENGTHENED", _E, _BRK, _MAJ,
     "A purpose keeps data longer (retention_days grew): data already collected would be kept longer than "
     "its users were told."),
    ("PURPOSE_RETENTION_SHORTENED", _N, _ADD, _MIN, "A purpose keeps data for less time."),
    ("PURPOSE_BASIS_CHANGED", _E, _BRK, _MAJ,
     "A purpose's lawful basis changed: what was collected under one basis cannot be reused under another, "
     "and which purposes the SDKs grant by default changes."),
    ("PURPOSE_DOCS_CHANGED", _N, _DOC, _PAT, "A purpose's description changed."),
    # enums
    ("ENUM_ADDED", _N, _ADD, _MIN, "A new enum."),
    ("ENUM_REMOVED", _N, _REM, _MAJ, "An enum that no property uses any more was removed (its SDK type goes)."),
    ("ENUM_DOCS_CHANGED", _N, _DOC, _PAT, "An enum's description changed."),
    ("ENUM_VALUE_NO_DELETE_UNLESS_RESERVED", _E, _BRK, _MAJ,
     "An enum value was deleted without reserving its number and name in the enum."),
    ("ENUM_VALUE_DELETE_REQUIRES_DEPRECATION", _E, _BRK, _MAJ,
     "An enum value was deleted that no released version had marked `deprecated`."),
    ("ENUM_VALUE_REMOVED", _N, _REM, _MAJ,
     "An enum value deprecated in a release was removed, its number and name reserved."),
    ("ENUM_VALUE_SAME_NAME", _E, _BRK, _MAJ,
     "An enum value number now has another name: its JSON name changes."),
    ("ENUM_VALUE_SAME_NUMBER", _E, _BRK, _MAJ,
     "An enum value name now has another number: its Protobuf value changes."),
    ("ENUM_VALUE_NO_REUSE", _E, _BRK, _MAJ,
     "An enum value number or name that an earlier release used for a different value is used again."),
    ("ENUM_VALUE_ADDED", _N, _ADD, _MIN, "A new enum value."),
    ("ENUM_VALUE_DEPRECATED", _N, _DEP, _MIN, "An enum value was marked `deprecated`."),
    ("ENUM_VALUE_DOCS_CHANGED", _N, _DOC, _PAT,
     "An enum value's description or deprecation note changed, or it is no longer deprecated."),
    # objects
    ("OBJECT_ADDED", _N, _ADD, _MIN, "A new object type."),
    ("OBJECT_REMOVED", _N, _REM, _MAJ,
     "An object type that no property uses any more was removed (its SDK type goes)."),
    ("OBJECT_DOCS_CHANGED", _N, _DOC, _PAT, "An object's description changed."),
    # reservations
    ("RESERVED_NO_DELETE", _E, _BRK, _MAJ,
     "A reserved number or name was removed from a `reserved` block: it could be reused for something else."),
    ("RESERVED_ADDED", _N, _DOC, _PAT,
     "A number or name was reserved (other than for an item removed in the same change)."),
    # the model as a whole
    ("MODEL_SAME_NAMESPACE", _E, _BRK, _MAJ,
     "The namespace (the Protobuf package) changed: every fully qualified type name changes."),
    ("TARGET_SETTINGS_CHANGED", _E, _BRK, _MAJ,
     "A target's package settings changed: SDK users must change their dependency or imports."),
    ("MODEL_DOCS_CHANGED", _N, _DOC, _PAT,
     "The model's name, description, products, platforms or the context's description changed."),
    # sources (products on platforms with SDKs of their own)
    ("SOURCE_ADDED", _N, _ADD, _MIN, "A new source: its SDKs appear."),
    ("SOURCE_REMOVED", _W, _REM, _MAJ, "A source was removed: its SDKs are no longer built."),
    ("SOURCE_EVENT_ADDED", _N, _ADD, _MIN,
     "An event of the model now belongs to a source (its products or platforms, or the event's, changed)."),
    ("SOURCE_EVENT_DROPPED", _E, _BRK, _MAJ,
     "An event that is still in the model no longer belongs to a source: its type is gone from the source's SDKs."),
]

RULES: dict[str, Rule] = {row[0]: Rule(*row) for row in _TABLE}

# Rules about something that is gone are located in the old model; every
# other change is located in the new one.
OLD_SIDE = frozenset(
    rule for rule in RULES
    if rule.endswith(("_NO_DELETE_UNLESS_RESERVED", "_DELETE_REQUIRES_DEPRECATION", "_REMOVED", "_NO_DELETE"))
)


def quote(text: str, style: str) -> str:
    """A model name in a message: 'name' for plain text, `name` for Markdown.

    Names may hold any text (enum values), so quoting keeps every message on
    one line and never lets a name end the quote or the code span."""
    one_line = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    if style == "markdown":
        fence = "`"
        while fence in one_line:
            fence += "`"
        pad = " " if one_line.startswith("`") or one_line.endswith("`") else ""
        return f"{fence}{pad}{one_line}{pad}{fence}"
    return "'" + one_line.replace("'", "\\'") + "'"


def literal(text: str) -> str:
    """Text from outside the model (a folder, a ref) made safe for a summary template."""
    return text.replace("{", "{{").replace("}", "}}")


@dataclass(frozen=True)
class Change:
    """One classified change. `summary` is a str.format template whose fields
    are model names in `names` (quoted per output style); `detail` says why it
    matters and never holds model text."""

    rule: str
    loc: Location
    summary: str
    names: tuple[tuple[str, str], ...] = ()
    detail: str = ""

    @property
    def spec(self) -> Rule:
        return RULES[self.rule]

    @property
    def side(self) -> str:
        """Which model `loc` points into: 'old' or 'new'."""
        return "old" if self.rule in OLD_SIDE else "new"

    def headline(self, style: str = "text") -> str:
        return self.summary.format(**{key: quote(value, style) for key, value in self.names})

    def message(self, style: str = "text") -> str:
        head = self.headline(style)
        return f"{head}: {self.detail}" if self.detail else head

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.loc.file, self.loc.line, self.loc.column, self.rule, self.headline())


def change(rule: str, loc: Location, summary: str, detail: str = "", **names: str) -> Change:
    if rule not in RULES:
        raise KeyError(f"unknown rule {rule}")
    return Change(rule, loc, summary, tuple(sorted(names.items())), detail)


def required_bump(changes: list[Change]) -> Bump:
    return max((c.spec.bump for c in changes), default=Bump.NONE)
