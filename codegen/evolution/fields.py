"""Properties of one event, object or the context, old against new."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from codegen.evolution.members import compare_reserved, deletion, finder, pair
from codegen.evolution.rules import Change, change
from codegen.evolution.snapshot import Snapshot
from codegen.ir import Constraints, Event, Kind, Location, Model, ObjectType, Privacy, Property, Reserved, TypeRef

# constraint attribute -> (YAML key, +1 if a higher value is tighter, -1 if lower is tighter)
_BOUNDS = (
    ("minimum", "min", 1), ("maximum", "max", -1),
    ("min_length", "min_length", 1), ("max_length", "max_length", -1),
    ("min_items", "min_items", 1), ("max_items", "max_items", -1),
)

# From the least to the most personal: a move towards the start lowers a class.
_PRIVACY_ORDER = (Privacy.NONE, Privacy.PSEUDONYMOUS, Privacy.PERSONAL, Privacy.SENSITIVE)


@dataclass(frozen=True)
class Scope:
    """A set of properties: the context, an event or an object, in one version."""

    path: tuple[str, ...]  # locator prefix: ('events', name), ('objects', name) or ('context',)
    label: str  # how the scope reads in messages: 'event {owner}', 'object {owner}', 'the context'
    owner: str
    properties: tuple[Property, ...]
    reserved: Reserved
    loc: Location
    find: Callable[[Model], tuple[Property, ...] | None]  # the same scope in another version

    @property
    def what(self) -> str:
        """A property of this scope, as a summary template with {prop}."""
        return f"property {{prop}} of {self.label}"


def context_scope(model: Model) -> Scope:
    ctx = model.context
    return Scope(("context",), "the context", "", ctx.properties, ctx.reserved, ctx.loc,
                 lambda m: m.context.properties)


def event_scope(event: Event) -> Scope:
    def find(model: Model) -> tuple | None:  # type: ignore[type-arg]
        same = [e for e in model.events if e.number == event.number and e.name == event.name]
        return same[0].properties if same else None

    return Scope(("events", event.name), "event {owner}", event.name, event.properties, event.reserved,
                 event.loc, find)


def object_scope(obj: ObjectType) -> Scope:
    def find(model: Model) -> tuple | None:  # type: ignore[type-arg]
        same = [o for o in model.objects if o.name == obj.name]
        return same[0].properties if same else None

    return Scope(("objects", obj.name), "object {owner}", obj.name, obj.properties, obj.reserved, obj.loc, find)


def all_scopes(model: Model) -> list[Scope]:
    return [context_scope(model)] + [event_scope(e) for e in model.events] + [object_scope(o) for o in model.objects]


def _cardinality(type_ref: TypeRef) -> str:
    return {Kind.LIST: "list", Kind.MAP: "map"}.get(type_ref.kind, "single value")


class FieldDiff:
    def __init__(self, old: Snapshot, new: Snapshot, releases: Sequence[Snapshot]) -> None:
        self.old = old
        self.new = new
        self.releases = releases
        self.changes: list[Change] = []

    def _add(self, rule: str, loc: Location, summary: str, detail: str = "", **names: str) -> None:
        self.changes.append(change(rule, loc, summary, detail, **names))

    def compare(self, old: Scope, new: Scope) -> list[Change]:
        self.changes = []
        pairing = pair(old.properties, new.properties)
        for before, after in pairing.pairs:
            self._property(old, new, before, after)  # type: ignore[arg-type]
        for gone in pairing.deleted:
            names = {"prop": gone.name, "owner": old.owner}
            self.changes += deletion(
                "FIELD", gone, old.what, names, new.reserved, self.old, self.releases,
                finder(lambda model: old.find(model) or (), gone),
            )
        for item in pairing.added:
            prop: Property = item  # type: ignore[assignment]
            names = {"prop": prop.name, "owner": new.owner}
            if prop.required:
                self._add("FIELD_ADDED_REQUIRED", prop.loc, f"{new.what} was added as required",
                          "events from apps built before and data already stored lack it; "
                          "add it as optional to stay compatible", **names)
            else:
                self._add("FIELD_ADDED", prop.loc, f"{new.what} was added (optional, type {{type}})",
                          type=str(prop.type), **names)
        if old.reserved != new.reserved:
            self.changes += compare_reserved(
                old.reserved, new.reserved, new.label, {"owner": new.owner},
                self.old.at(old.path + ("reserved",), old.loc), self.new.at(new.path + ("reserved",), new.loc),
                pairing.deleted,
            )
        return self.changes

    def _property(self, old: Scope, new: Scope, before: Property, after: Property) -> None:
        names = {"prop": after.name, "owner": new.owner}
        at = new.path + ("properties", after.name)
        loc = lambda key: self.new.at(at + (key,), after.loc)  # noqa: E731
        if before.name != after.name:
            self._add("FIELD_SAME_NAME", after.loc, f"{new.what} was renamed from {{old}} (number {after.number})",
                      "its JSON key and generated code change; add a new property instead", old=before.name, **names)
        elif before.number != after.number:
            self._add("FIELD_SAME_NUMBER", loc("number"),
                      f"{new.what} changed number from {before.number} to {after.number}",
                      "Protobuf readers no longer find it; keep the number", **names)
        type_changed = True
        if _cardinality(before.type) != _cardinality(after.type):
            self._add("FIELD_SAME_CARDINALITY", loc("type"),
                      f"{new.what} changed from a {_cardinality(before.type)} ({{old_type}}) to a "
                      f"{_cardinality(after.type)} ({{new_type}})",
                      "old readers cannot decode it; add a new property instead",
                      old_type=str(before.type), new_type=str(after.type), **names)
        elif before.type != after.type:
            self._add("FIELD_SAME_TYPE", loc("type"), f"{new.what} changed type from {{old_type}} to {{new_type}}",
                      "its Protobuf bytes or JSON form change; add a new property instead",
                      old_type=str(before.type), new_type=str(after.type), **names)
        else:
            type_changed = False
        if (before.const, type(before.const), before.auto) != (after.const, type(after.const), after.auto):
            self._add("FIELD_SAME_CONST", loc("const" if before.auto == after.auto else "auto"),
                      f"{new.what} changed its filled-in value from {{old_value}} to {{new_value}}",
                      "the values it carries and the SDK's parameters change",
                      old_value=_source(before), new_value=_source(after), **names)
        elif before.required and not after.required:
            self._add("FIELD_SAME_PRESENCE", loc("required"), f"{new.what} became optional",
                      "consumers can no longer rely on it and its Protobuf presence changes", **names)
        elif after.required and not before.required:
            self._add("FIELD_NO_OPTIONAL_TO_REQUIRED", loc("required"), f"{new.what} became required",
                      "events from apps built before and data already stored may lack it", **names)
        if not type_changed:
            self._constraints(new.what, before.constraints, after.constraints, loc, names)
        if before.privacy != after.privacy:
            lowered = _PRIVACY_ORDER.index(after.privacy) < _PRIVACY_ORDER.index(before.privacy)
            self._add("FIELD_PRIVACY_LOWERED" if lowered else "FIELD_PRIVACY_CHANGED", loc("privacy"),
                      f"{new.what} changed privacy class from {before.privacy.value} to {after.privacy.value}",
                      "data collected under the stricter class would lose its protection; add a new property instead"
                      if lowered else "review how this data is stored, shared and deleted downstream", **names)
        widened = sorted(set(after.purposes) - set(before.purposes))
        narrowed = sorted(set(before.purposes) - set(after.purposes))
        if widened and before.purposes:  # a value that had no purposes (class none) is covered by the class rules
            self._add("FIELD_PURPOSES_WIDENED", loc("purposes"), f"{new.what} now also serves {', '.join(widened)}",
                      "its values go to a use their users did not agree to", **names)
        elif narrowed and after.purposes:
            self._add("FIELD_PURPOSES_NARROWED", loc("purposes"), f"{new.what} no longer serves {', '.join(narrowed)}",
                      **names)
        if after.deprecation is not None and before.deprecation is None:
            self._add("FIELD_DEPRECATED", loc("deprecated"), f"{new.what} is deprecated",
                      "callers are warned; it can be removed in a later version", **names)
        docs = [(label, key) for label, key, a, b in (
            ("description", "description", before.description, after.description),
            ("examples", "examples", before.examples, after.examples),
            ("deprecation note", "deprecated", before.deprecation, after.deprecation),
        ) if a != b and (label != "deprecation note" or (a and b))]
        parts = [f"{label} changed" for label, _ in docs]
        if before.deprecation is not None and after.deprecation is None:
            parts.append("no longer deprecated")
            docs.append(("", "deprecated"))
        if parts:
            self._add("FIELD_DOCS_CHANGED", loc(docs[0][1]), f"{new.what}: {'; '.join(parts)}", **names)

    def _constraints(self, what: str, before: Constraints, after: Constraints,
                     loc: Callable[[str], Location], names: dict[str, str]) -> None:
        """One change per constraint key: tighter ones break, looser ones are compatible."""
        for attr, key, direction in _BOUNDS:
            a, b = getattr(before, attr), getattr(after, attr)
            if a == b:
                continue
            if a is None:
                self._tightened(what, loc(key), f"{key} {b} was added", names)
            elif b is None:
                self._loosened(what, loc(key), f"{key} {a} was removed", names)
            elif (b - a) * direction > 0:
                self._tightened(what, loc(key), f"{key} was tightened from {a} to {b}", names)
            else:
                self._loosened(what, loc(key), f"{key} was loosened from {a} to {b}", names)
        if before.pattern == after.pattern:
            return
        if before.pattern is None:
            self._tightened(what, loc("pattern"), "pattern {pattern} was added", {**names, "pattern": after.pattern})
        elif after.pattern is None:
            self._loosened(what, loc("pattern"), "pattern {pattern} was removed", {**names, "pattern": before.pattern})
        else:
            # Two patterns cannot be compared in general: any change may reject a value.
            self._tightened(what, loc("pattern"), "pattern changed from {old_pattern} to {pattern}",
                            {**names, "old_pattern": before.pattern, "pattern": after.pattern})

    def _tightened(self, what: str, loc: Location, change_text: str, names: dict[str, str]) -> None:
        self._add("FIELD_CONSTRAINT_TIGHTENED", loc, f"{what}: {change_text}",
                  "events from apps built before and data already stored may no longer validate", **names)

    def _loosened(self, what: str, loc: Location, change_text: str, names: dict[str, str]) -> None:
        self._add("FIELD_CONSTRAINT_LOOSENED", loc, f"{what}: {change_text}", **names)


def _source(prop: Property) -> str:
    """Where a property's value comes from, as 'const 1', 'auto event_id' or 'caller'."""
    if prop.auto is not None:
        return f"auto {prop.auto.value}"
    if prop.const is not None:
        value = prop.const
        return f"const {str(value).lower() if isinstance(value, bool) else value}"
    return "caller"
