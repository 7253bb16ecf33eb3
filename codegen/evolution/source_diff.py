"""`codegen diff --source NAME`: every change as one source's SDKs see it,
the diff of the source's own model (only its events, its product and
platform fixed) beside its membership changes."""

from __future__ import annotations

from typing import Sequence

from codegen.evolution.compare import diff
from codegen.evolution.per_source import membership_changes
from codegen.evolution.rules import Change
from codegen.evolution.snapshot import Snapshot
from codegen.loading.sources import source_model


def restricted(snapshot: Snapshot, name: str) -> Snapshot | None:
    """The snapshot of one source's model, None when it has no such source."""
    if name not in {s.name for s in snapshot.model.sources}:
        return None
    return Snapshot(snapshot.label, source_model(snapshot.model, name), snapshot.locator, snapshot.released)


def source_changes(old: Snapshot, new: Snapshot, releases: Sequence[Snapshot], name: str) -> list[Change]:
    """Every change from `old` to `new` as source `name`'s SDKs see it."""
    own = [c for c in membership_changes(old, new) if dict(c.names).get("source") == name]
    before, after = restricted(old, name), restricted(new, name)
    if before is None or after is None:
        return own
    history = [r for r in (restricted(s, name) for s in releases) if r is not None]
    entered = {dict(c.names)["event"] for c in own if c.rule == "SOURCE_EVENT_ADDED"}
    left = {dict(c.names)["event"] for c in own if c.rule == "SOURCE_EVENT_DROPPED"}
    # Events that only moved in or out of the source are reported once, as such.
    inner = [c for c in diff(before, after, history)
             if not (dict(c.names).get("event") in entered | left and "prop" not in dict(c.names)
                     and c.rule.startswith("EVENT_"))]
    return sorted(set(inner + own), key=Change.sort_key)
