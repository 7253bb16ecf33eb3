"""Numbers and names reused from ANY released version, not only the baseline.

A property deleted (unreserved) in 1.1.0 and a new property on its number in
1.3.0 look harmless against 1.2.0, yet data written by 1.0.0 would be read as
the new property. Numbers and names the baseline still has are left to the
direct comparison; here only those it lacks are checked against every release.
"""

from __future__ import annotations

from typing import Callable, Sequence

from codegen.evolution.fields import all_scopes
from codegen.evolution.members import Member, release_order
from codegen.evolution.rules import Change, change, literal
from codegen.evolution.snapshot import Snapshot
from codegen.ir import Location, Model, Property




def _conflict(item: Member, baseline: Sequence[Member], released: Sequence[Member]) -> tuple[str, Member] | None:
    """('number' | 'name', the released member) when `item` reuses one of them."""
    if item.number not in {m.number for m in baseline}:
        for other in released:
            if other.number == item.number and (
                other.name != item.name or getattr(other, "type", None) != getattr(item, "type", None)
            ):
                return "number", other
    if item.name not in {m.name for m in baseline}:
        for other in released:
            if other.name == item.name and other.number != item.number:
                return "name", other
    return None


Lookup = Callable[[Snapshot], Sequence[Member] | None]


class _Reuse:
    def __init__(self, releases: Sequence[Snapshot]) -> None:
        self.releases = sorted(releases, key=release_order, reverse=True)  # report the newest conflict
        self.changes: list[Change] = []

    def check(self, rule: str, item: Member, what: str, names: dict[str, str], loc: Location,
              baseline: Sequence[Member], lookup: Lookup) -> None:
        for release in self.releases:
            found = _conflict(item, baseline, lookup(release) or ())
            if found is None:
                continue
            aspect, other = found
            where = literal(release.describe())
            if aspect == "number":
                typed = " (type {was_type})" if hasattr(other, "type") else ""
                summary = f"{what} reuses number {item.number}, which release {where} used for {{was}}{typed}"
            else:
                summary = f"{what} reuses its name, which had number {other.number} in release {where}"
            self.changes.append(change(
                rule, loc, summary,
                "data or code of that release would read it as something else; pick another and reserve the old one",
                **names, was=other.name, was_type=str(getattr(other, "type", ""))))
            return


def reuse_changes(old: Snapshot, new: Snapshot, releases: Sequence[Snapshot]) -> list[Change]:
    if not releases:
        return []
    reuse = _Reuse(releases)
    for event in new.model.events:
        reuse.check("EVENT_NO_REUSE", event, "event {event}", {"event": event.name},
                    new.at(("events", event.name, "number"), event.loc), old.model.events,
                    lambda s: s.model.events)
    for scope in all_scopes(new.model):
        baseline = scope.find(old.model) or ()
        for prop in scope.properties:
            reuse.check("FIELD_NO_REUSE", prop, scope.what, {"prop": prop.name, "owner": scope.owner},
                        new.at(scope.path + ("properties", prop.name, "number"), prop.loc), baseline,
                        _in_scope(scope.find))
    for enum in new.model.enums:
        baseline_values = next((e.values for e in old.model.enums if e.name == enum.name), ())
        for value in enum.values:
            reuse.check("ENUM_VALUE_NO_REUSE", value, "value {value} of enum {enum}",
                        {"value": value.name, "enum": enum.name}, value.loc, baseline_values,
                        _in_enum(enum.name))
    return reuse.changes


def _in_scope(find: Callable[[Model], Sequence[Property] | None]) -> Lookup:
    return lambda snapshot: find(snapshot.model)


def _in_enum(name: str) -> Lookup:
    return lambda snapshot: next((e.values for e in snapshot.model.enums if e.name == name), ())
