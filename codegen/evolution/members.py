"""What events, properties and enum values share: pairing old with new
members, deletions (reserved? deprecated in a release?) and reserved blocks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Protocol, Sequence, TypeVar

from codegen.evolution.rules import Change, change, literal
from codegen.evolution.semver import Version
from codegen.evolution.snapshot import Snapshot
from codegen.ir import Deprecation, Location, Model, Reserved


class Member(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def number(self) -> int: ...
    @property
    def deprecation(self) -> Deprecation | None: ...
    @property
    def loc(self) -> Location: ...


M = TypeVar("M", bound=Member)


@dataclass
class Pairing:
    pairs: list[tuple[Any, Any]]  # (old, new) members of one kind
    deleted: list[Any]
    added: list[Any]


def pair(old: Sequence[M], new: Sequence[M]) -> Pairing:
    """Pair by number (the wire identity) first, then by name among the rest,
    so a rename and a renumbering are each seen as one change."""
    by_number = {m.number: m for m in new}
    pairs: list[tuple[Member, Member]] = []
    rest_old = []
    for item in old:
        if item.number in by_number:
            pairs.append((item, by_number.pop(item.number)))
        else:
            rest_old.append(item)
    by_name = {m.name: m for m in by_number.values()}
    deleted = []
    for item in rest_old:
        if item.name in by_name:
            pairs.append((item, by_name.pop(item.name)))
        else:
            deleted.append(item)
    added = sorted(by_name.values(), key=lambda m: m.number)
    return Pairing(pairs, deleted, added)


def fmt_numbers(ranges: Sequence[tuple[int, int]]) -> str:
    return ", ".join(str(low) if low == high else f"{low}-{high}" for low, high in ranges)


def _subtract(ranges: Sequence[tuple[int, int]], other: Reserved) -> list[tuple[int, int]]:
    """The numbers of `ranges` that `other` does not reserve, as ranges."""
    result: list[tuple[int, int]] = []
    for low, high in ranges:
        pieces = [(low, high)]
        for cut_low, cut_high in other.numbers:
            kept = []
            for a, b in pieces:
                if cut_high < a or cut_low > b:
                    kept.append((a, b))
                    continue
                if a < cut_low:
                    kept.append((a, cut_low - 1))
                if cut_high < b:
                    kept.append((cut_high + 1, b))
            pieces = kept
        result.extend(pieces)
    return result


def compare_reserved(
    old: Reserved, new: Reserved, where: str, names: dict[str, str], old_loc: Location, new_loc: Location,
    removed_members: Sequence[Member] = (),
) -> list[Change]:
    """RESERVED_NO_DELETE for every number or name no longer reserved;
    RESERVED_ADDED for new ones, except those of members removed in this change.
    `where` is a summary template (e.g. 'event {owner}') filled from `names`."""
    changes = []
    lost_numbers = _subtract(old.numbers, new)
    lost_names = sorted(set(old.names) - set(new.names))
    if lost_numbers:
        several = len(lost_numbers) > 1 or lost_numbers[0][0] != lost_numbers[0][1]
        changes.append(change(
            "RESERVED_NO_DELETE", old_loc, f"{where}: reserved number{'s' if several else ''} "
            f"{fmt_numbers(lost_numbers)} {'are' if several else 'is'} no longer reserved",
            f"reserve {'them' if several else 'it'} again: old data may still carry "
            f"{'them' if several else 'it'}", **names))
    for index, name in enumerate(lost_names):
        changes.append(change("RESERVED_NO_DELETE", old_loc, f"{where}: reserved name {{lost{index}}} is no longer "
                              "reserved", "reserve it again: old data and old code may still use it",
                              **names, **{f"lost{index}": name}))
    gone_numbers = Reserved(numbers=tuple((m.number, m.number) for m in removed_members))
    gone_names = {m.name for m in removed_members}
    new_numbers = _subtract(_subtract(new.numbers, old), gone_numbers)
    new_names = sorted(set(new.names) - set(old.names) - gone_names)
    if new_numbers:
        several = len(new_numbers) > 1 or new_numbers[0][0] != new_numbers[0][1]
        changes.append(change("RESERVED_ADDED", new_loc, f"{where}: number{'s' if several else ''} "
                              f"{fmt_numbers(new_numbers)} {'are' if several else 'is'} now reserved", **names))
    for index, name in enumerate(new_names):
        changes.append(change("RESERVED_ADDED", new_loc, f"{where}: name {{added{index}}} is now reserved",
                              **names, **{f"added{index}": name}))
    return changes


Finder = Callable[[Model], Member | None]


def finder(members_of: Callable[[Model], Sequence[Member]], item: Member) -> Finder:
    """Finds `item` (same number and name) among a version's members."""

    def find(model: Model) -> Member | None:
        return next((m for m in members_of(model) if m.number == item.number and m.name == item.name), None)

    return find


def deprecated_in(old: Snapshot, releases: Sequence[Snapshot], find: Finder) -> Snapshot | None:
    """The newest released version that marks the member deprecated. The
    baseline counts when it is a release (a tag, or a folder)."""
    candidates = list(releases) + ([old] if old.released else [])
    for snapshot in sorted(candidates, key=release_order, reverse=True):
        found = find(snapshot.model)
        if found is not None and found.deprecation is not None:
            return snapshot
    return None


def _checked(snapshots: Sequence[Snapshot]) -> str:
    versions = sorted({s.version for s in snapshots}, key=lambda v: Version.parse(v) or Version(0, 0, 0))
    if not versions:
        return "no released version was found"
    if len(versions) > 6:
        return f"checked {len(versions)} releases, {versions[0]} to {versions[-1]}"
    return f"checked: {', '.join(versions)}"


def release_order(snapshot: Snapshot) -> tuple:  # type: ignore[type-arg]
    version = Version.parse(snapshot.version)
    return (version is not None, version or Version(0, 0, 0), snapshot.label)


RESERVE_IN = {
    "EVENT": "under 'reserved:' of the 'model' section",
    "FIELD": "under 'reserved:' of its event, object or context",
    "ENUM_VALUE": "under 'reserved:' of its enum",
}


def deletion(
    prefix: str, item: Member, what: str, names: dict[str, str], reserved: Reserved,
    old: Snapshot, releases: Sequence[Snapshot], find: Finder,
) -> list[Change]:
    """The changes for a deleted event, property or enum value.

    `prefix` is EVENT, FIELD or ENUM_VALUE; `what` a summary template naming
    the member, filled from `names`; `reserved` the block that must keep it."""
    changes = []
    unreserved = []
    if not reserved.has_number(item.number):
        unreserved.append(f"number {item.number}")
    if item.name not in reserved.names:
        unreserved.append("name")
    if unreserved:
        changes.append(change(
            f"{prefix}_NO_DELETE_UNLESS_RESERVED", item.loc,
            f"{what} was deleted but its {' and '.join(unreserved)} {'are' if len(unreserved) > 1 else 'is'} "
            "not reserved",
            f"reserve {'them' if len(unreserved) > 1 else 'it'} {RESERVE_IN[prefix]} so that "
            f"{'they are' if len(unreserved) > 1 else 'it is'} never reused", **names))
    source = deprecated_in(old, releases, find)
    if source is None:
        seen = _checked(list(releases) + ([old] if old.released else []))
        changes.append(change(
            f"{prefix}_DELETE_REQUIRES_DEPRECATION", item.loc,
            f"{what} was deleted but no released version marks it deprecated ({seen})",
            "deprecate it, release that version, then remove it", **names))
    if not changes:
        changes.append(change(
            f"{prefix}_REMOVED", item.loc,
            f"{what} was removed after its deprecation in {literal(source.describe()) if source else '?'}; "
            "its number and name are reserved", **names))
    return changes
