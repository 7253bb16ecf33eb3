"""What a model change means for each source (the model's `sources`):
sources added and removed, events entering and leaving a source, and, for
`codegen diff --source NAME`, every change of the source's own model (the
events it may send, with its product and platform fixed).

Events that are gone from the whole model are the model's changes; here an
event counts as dropped only while the model still has it. The whole diff
of one source is `source_diff.source_changes`."""

from __future__ import annotations

from codegen.evolution.rules import Change, change
from codegen.evolution.snapshot import Snapshot
from codegen.ir import Model
from codegen.loading.sources import includes


def members(model: Model, name: str) -> set[str]:
    source = model.source(name)
    return {e.name for e in model.events if includes(source, e.products, e.platforms)}


def membership_changes(old: Snapshot, new: Snapshot) -> list[Change]:
    """The changes the model's own diff cannot see: sources and their events."""
    old_names = {s.name for s in old.model.sources}
    new_names = {s.name for s in new.model.sources}
    found = []
    for name in sorted(new_names - old_names):
        found.append(change("SOURCE_ADDED", new.at(("sources", name), new.model.source(name).loc),
                            "source {source} was added", source=name))
    for name in sorted(old_names - new_names):
        found.append(change("SOURCE_REMOVED", old.at(("sources", name), old.model.source(name).loc),
                            "source {source} was removed", "its SDKs are no longer built or released",
                            source=name))
    in_model = {e.name for e in new.model.events}
    was_in_model = {e.name for e in old.model.events}
    for name in sorted(old_names & new_names):
        before, after = members(old.model, name), members(new.model, name)
        loc = new.at(("sources", name), new.model.source(name).loc)
        for event in sorted((after - before) & was_in_model):
            found.append(change("SOURCE_EVENT_ADDED", loc, "event {event} now belongs to source {source}",
                                event=event, source=name))
        for event in sorted((before - after) & in_model):
            found.append(change("SOURCE_EVENT_DROPPED", loc, "event {event} no longer belongs to source {source}",
                                "apps of the source that track it no longer compile; keep the event in the "
                                "source, or release the removal as a major version", event=event, source=name))
    return found
