"""Compare two versions of the model: every change, classified by rule.

Changes are located in the new model, or in the old one for deletions.
Checks against every release (number reuse) live in `history.py`;
`diff()` runs both and returns the changes sorted by location.
"""

from __future__ import annotations

from typing import Sequence

from codegen.evolution.fields import FieldDiff, context_scope, event_scope, object_scope
from codegen.evolution.history import reuse_changes
from codegen.evolution.per_source import membership_changes
from codegen.evolution.members import compare_reserved, deletion, finder, pair
from codegen.evolution.rules import Change, change
from codegen.evolution.snapshot import Snapshot
from codegen.ir import EnumType, EnumValue, Event, Location


def diff(old: Snapshot, new: Snapshot, releases: Sequence[Snapshot] = ()) -> list[Change]:
    """Every change from `old` to `new`; `releases` are the released versions
    (for deprecations and for numbers reused from any of them)."""
    changes = Comparison(old, new, releases).run()
    reused = reuse_changes(old, new, releases)
    # an addition that reuses an old number or name is that error, not an addition
    flagged = {(c.rule.replace("_NO_REUSE", "_ADDED"), _member(c)) for c in reused}
    changes = [c for c in changes if (c.rule, _member(c)) not in flagged] + reused + membership_changes(old, new)
    return sorted(set(changes), key=Change.sort_key)


def _member(c: Change) -> tuple[tuple[str, str], ...]:
    return tuple((key, value) for key, value in c.names if not key.startswith(("was", "type")))


class Comparison:
    def __init__(self, old: Snapshot, new: Snapshot, releases: Sequence[Snapshot]) -> None:
        self.old = old
        self.new = new
        self.releases = releases
        self.fields = FieldDiff(old, new, releases)
        self.changes: list[Change] = []

    def _add(self, rule: str, loc: Location, summary: str, detail: str = "", **names: str) -> None:
        self.changes.append(change(rule, loc, summary, detail, **names))

    def _new_at(self, *path: str, fallback: Location) -> Location:
        return self.new.at(path, fallback)

    def run(self) -> list[Change]:
        self._model()
        self._purposes()
        self.changes += self.fields.compare(context_scope(self.old.model), context_scope(self.new.model))
        self._events()
        self._enums()
        self._objects()
        return self.changes

    # the model header, targets and context description

    def _model(self) -> None:
        old, new = self.old.model, self.new.model
        header = self.new.at(("model",), new.context.loc)
        if old.namespace != new.namespace:
            self._add("MODEL_SAME_NAMESPACE", self._new_at("model", "namespace", fallback=header),
                      "the namespace changed from {old} to {new}",
                      "every Protobuf type name changes; keep the namespace of a released model",
                      old=old.namespace, new=new.namespace)
        old_targets, new_targets = dict(old.packages), dict(new.packages)
        for target in sorted(set(old_targets) | set(new_targets)):
            before, after = dict(old_targets.get(target, ())), dict(new_targets.get(target, ()))
            changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
            if changed:
                loc = self._new_at("targets", target, changed[0], fallback=self._new_at("targets", fallback=header))
                keys = {f"key{i}": key for i, key in enumerate(changed)}
                self._add("TARGET_SETTINGS_CHANGED", loc,
                          f"target {{target}}: {', '.join('{' + k + '}' for k in keys)} changed",
                          "SDK users must change their dependency or imports", target=target, **keys)
        docs = [key for key, a, b in (
            ("name", old.name, new.name), ("description", old.description, new.description),
            ("products", old.products, new.products), ("platforms", old.platforms, new.platforms),
        ) if a != b]
        if docs:
            self._add("MODEL_DOCS_CHANGED", self._new_at("model", docs[0], fallback=header),
                      f"the model's {', '.join(docs)} changed")
        if old.context.description != new.context.description:
            self._add("MODEL_DOCS_CHANGED", self._new_at("context", "description", fallback=new.context.loc),
                      "the context's description changed")
        if old.reserved_events != new.reserved_events:
            gone = pair(old.events, new.events).deleted
            self.changes += compare_reserved(
                old.reserved_events, new.reserved_events, "the model's events", {},
                self.old.at(("model", "reserved"), header), self._new_at("model", "reserved", fallback=header),
                gone,
            )

    # purposes (docs/event-model.md, "purposes")

    def _purposes(self) -> None:
        old = {p.name: p for p in self.old.model.purposes}
        new = {p.name: p for p in self.new.model.purposes}
        for name in sorted(set(old) | set(new)):
            before, after = old.get(name), new.get(name)
            if before is None:
                assert after is not None
                self._add("PURPOSE_ADDED", after.loc, "purpose {purpose} was added", purpose=name)
                continue
            if after is None:
                self._add("PURPOSE_REMOVED", before.loc, "purpose {purpose} was removed",
                          "its SDK enum member goes; apps that set it no longer compile", purpose=name)
                continue
            at = ("purposes", name)
            if after.retention_days > before.retention_days:
                self._add("PURPOSE_RETENTION_LENGTHENED", self._new_at(*at, "retention_days", fallback=after.loc),
                          f"purpose {{purpose}} keeps data {after.retention_days} days instead of "
                          f"{before.retention_days}", "data already collected would be kept longer than its users "
                          "were told; add a new purpose instead", purpose=name)
            elif after.retention_days < before.retention_days:
                self._add("PURPOSE_RETENTION_SHORTENED", self._new_at(*at, "retention_days", fallback=after.loc),
                          f"purpose {{purpose}} keeps data {after.retention_days} days instead of "
                          f"{before.retention_days}", "the collector's retention deletes older data sooner",
                          purpose=name)
            if after.lawful_basis != before.lawful_basis:
                self._add("PURPOSE_BASIS_CHANGED", self._new_at(*at, "lawful_basis", fallback=after.loc),
                          f"purpose {{purpose}} changed lawful basis from {before.lawful_basis.value} to "
                          f"{after.lawful_basis.value}", "data collected under one basis cannot be reused under "
                          "another; add a new purpose instead", purpose=name)
            if after.description != before.description:
                self._add("PURPOSE_DOCS_CHANGED", self._new_at(*at, "description", fallback=after.loc),
                          "purpose {purpose}: description changed", purpose=name)

    # events

    def _events(self) -> None:
        old, new = self.old.model, self.new.model
        pairing = pair(old.events, new.events)
        for before, after in pairing.pairs:
            self._event(before, after)  # type: ignore[arg-type]
        for gone in pairing.deleted:
            self.changes += deletion(
                "EVENT", gone, "event {event}", {"event": gone.name}, new.reserved_events, self.old,
                self.releases, finder(lambda m: m.events, gone),
            )
        for added in pairing.added:
            self._add("EVENT_ADDED", added.loc, f"event {{event}} was added (number {added.number})",
                      event=added.name)

    def _event(self, before: Event, after: Event) -> None:
        names = {"event": after.name}
        at = ("events", after.name)
        if before.name != after.name:
            self._add("EVENT_SAME_NAME", after.loc, f"event {{event}} was renamed from {{old}} (number {after.number})",
                      "its JSON key, Protobuf field and SDK type change; add a new event instead",
                      old=before.name, **names)
        elif before.number != after.number:
            self._add("EVENT_SAME_NUMBER", self._new_at(*at, "number", fallback=after.loc),
                      f"event {{event}} changed number from {before.number} to {after.number}",
                      "Protobuf readers no longer recognize it; keep the number", **names)
        widened = sorted(set(after.purposes) - set(before.purposes))
        narrowed = sorted(set(before.purposes) - set(after.purposes))
        if widened:
            self._add("EVENT_PURPOSES_WIDENED", self._new_at(*at, "purposes", fallback=after.loc),
                      f"event {{event}} now also serves {', '.join(widened)}",
                      "its data goes to a use its users did not agree to; add a new event instead", **names)
        elif narrowed:
            self._add("EVENT_PURPOSES_NARROWED", self._new_at(*at, "purposes", fallback=after.loc),
                      f"event {{event}} no longer serves {', '.join(narrowed)}",
                      "it is sent under less consent", **names)
        if after.deprecation is not None and before.deprecation is None:
            self._add("EVENT_DEPRECATED", self._new_at(*at, "deprecated", fallback=after.loc),
                      "event {event} is deprecated", "callers are warned; it can be removed in a later version",
                      **names)
        docs = [key for key, a, b in (
            ("description", before.description, after.description), ("owner", before.owner, after.owner),
            ("products", before.products, after.products), ("platforms", before.platforms, after.platforms),
        ) if a != b]
        if before.deprecation and after.deprecation and before.deprecation != after.deprecation:
            docs.append("deprecation note")
        parts = [f"{', '.join(docs)} changed"] if docs else []
        if before.deprecation is not None and after.deprecation is None:
            parts.append("no longer deprecated")
        if parts:
            first = docs[0] if docs and docs[0] != "deprecation note" else "deprecated"
            self._add("EVENT_DOCS_CHANGED", self._new_at(*at, first, fallback=after.loc),
                      f"event {{event}}: {'; '.join(parts)}", **names)
        self.changes += self.fields.compare(event_scope(before), event_scope(after))

    # enums

    def _enums(self) -> None:
        old = {e.name: e for e in self.old.model.enums}
        new = {e.name: e for e in self.new.model.enums}
        for name in sorted(set(old) | set(new)):
            if name not in new:
                self._add("ENUM_REMOVED", old[name].loc, "enum {enum} was removed",
                          "its SDK type and Protobuf enum are gone", enum=name)
            elif name not in old:
                self._add("ENUM_ADDED", new[name].loc, "enum {enum} was added", enum=name)
            else:
                self._enum(old[name], new[name])

    def _enum(self, before: EnumType, after: EnumType) -> None:
        names = {"enum": after.name}
        at = ("enums", after.name)
        if before.description != after.description:
            self._add("ENUM_DOCS_CHANGED", self._new_at(*at, "description", fallback=after.loc),
                      "enum {enum}: description changed", **names)
        pairing = pair(before.values, after.values)
        for old_value, new_value in pairing.pairs:
            self._enum_value(after, old_value, new_value)  # type: ignore[arg-type]
        for gone in pairing.deleted:
            self.changes += deletion(
                "ENUM_VALUE", gone, "value {value} of enum {enum}", {"value": gone.name, **names}, after.reserved,
                self.old, self.releases,
                finder(lambda m: next((e.values for e in m.enums if e.name == after.name), ()), gone),
            )
        for added in pairing.added:
            self._add("ENUM_VALUE_ADDED", added.loc, f"value {{value}} of enum {{enum}} was added (number "
                      f"{added.number})", "consumers that switch over every value must handle it",
                      value=added.name, **names)
        if before.reserved != after.reserved:
            self.changes += compare_reserved(
                before.reserved, after.reserved, "enum {owner}", {"owner": after.name},
                self.old.at(("enums", before.name, "reserved"), before.loc),
                self._new_at(*at, "reserved", fallback=after.loc), pairing.deleted,
            )

    def _enum_value(self, enum: EnumType, before: EnumValue, after: EnumValue) -> None:
        names = {"value": after.name, "enum": enum.name}
        at = ("enums", enum.name, "values", after.name)
        what = "value {value} of enum {enum}"
        if before.name != after.name:
            self._add("ENUM_VALUE_SAME_NAME", after.loc, f"{what} was renamed from {{old}} (number {after.number})",
                      "its JSON name and SDK constant change; add a new value instead", old=before.name, **names)
        elif before.number != after.number:
            self._add("ENUM_VALUE_SAME_NUMBER", self._new_at(*at, "number", fallback=after.loc),
                      f"{what} changed number from {before.number} to {after.number}",
                      "its Protobuf value changes; keep the number", **names)
        if after.deprecation is not None and before.deprecation is None:
            self._add("ENUM_VALUE_DEPRECATED", self._new_at(*at, "deprecated", fallback=after.loc),
                      f"{what} is deprecated", "it can be removed in a later version", **names)
        parts = []
        if before.description != after.description:
            parts.append("description changed")
        if before.deprecation and after.deprecation and before.deprecation != after.deprecation:
            parts.append("deprecation note changed")
        if before.deprecation is not None and after.deprecation is None:
            parts.append("no longer deprecated")
        if parts:
            key = "description" if before.description != after.description else "deprecated"
            self._add("ENUM_VALUE_DOCS_CHANGED", self._new_at(*at, key, fallback=after.loc),
                      f"{what}: {'; '.join(parts)}", **names)

    # objects

    def _objects(self) -> None:
        old = {o.name: o for o in self.old.model.objects}
        new = {o.name: o for o in self.new.model.objects}
        for name in sorted(set(old) | set(new)):
            if name not in new:
                self._add("OBJECT_REMOVED", old[name].loc, "object {object} was removed",
                          "its SDK type and Protobuf message are gone", object=name)
            elif name not in old:
                self._add("OBJECT_ADDED", new[name].loc, "object {object} was added", object=name)
            else:
                before, after = old[name], new[name]
                if before.description != after.description:
                    self._add("OBJECT_DOCS_CHANGED",
                              self._new_at("objects", name, "description", fallback=after.loc),
                              "object {object}: description changed", object=name)
                self.changes += self.fields.compare(object_scope(before), object_scope(after))
