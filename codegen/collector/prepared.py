"""One request's rows for the DuckDB store, made on the thread that decoded it.

The writer thread holds the GIL only for what it must do itself. When it
made a micro-batch's rows (a few milliseconds of Python), the decoding
thread took the GIL back at each switch interval, and transactions took
twice their CPU time in wall time. So each request's rows are tuples made
by the decoding thread, and the writer turns a micro-batch's rows into one
Arrow table per event table, in one conversion each (C++, which no switch
interval interrupts), then hands everything to DuckDB in one call."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import Any, Callable

import pyarrow as pa

from codegen.collector.dedupe import SeenIds, digest
from codegen.collector.records import Accepted, Received
from codegen.collector.tables import TIMESTAMP, Tables


@dataclass
class Prepared:
    received: Received
    events: dict[str, tuple[list[Accepted], list[tuple[Any, ...]]]]  # event name -> its events and rows
    ids: dict[str, int]  # its accepted events' ids (fewer than its events when one repeats) -> their digests


def prepare(tables: Tables, received: Received) -> Prepared:
    by_event: dict[str, list[Accepted]] = {}
    for event in received.accepted:
        by_event.setdefault(event.event, []).append(event)
    return Prepared(received, {name: (accepted, tables.events[name].rows(received, accepted))
                               for name, accepted in by_event.items()},
                    {e.event_id: digest(e.event_id) for e in received.accepted})


def all_new(tables: Tables, requests: list[Prepared], seen: SeenIds) -> tuple[Any, dict[str, Any], Any] | None:
    """The rows of a micro-batch in which no event id repeats and none is
    held already, made with C-level steps only (chains, no loop per event),
    so the writer is not made to wait for the GIL halfway through:
    (event_ids rows, rows per event table, bad_events rows). None when an
    id repeats or is held (see concatenated)."""
    count = sum(len(p.received.accepted) for p in requests)
    if len(set().union(*(p.ids for p in requests))) != count:
        return None
    if seen.holds_any(chain.from_iterable(p.ids.values() for p in requests)):
        return None
    ordered = sorted(requests, key=lambda p: p.received.received_at_us)
    by_event: dict[str, list[list[tuple[Any, ...]]]] = {}
    names: list[list[str]] = []
    ids: list[list[str]] = []
    times: list[list[int]] = []
    for p in ordered:
        for name, (accepted, rows) in p.events.items():
            by_event.setdefault(name, []).append(rows)
            ids.append([e.event_id for e in accepted])
            names.append([name] * len(accepted))
            times.append([p.received.received_at_us] * len(accepted))
    events = {tables.events[name].table: tables.events[name].arrow(list(chain.from_iterable(parts)))
              for name, parts in sorted(by_event.items())}
    id_rows = _id_rows(list(chain.from_iterable(ids)), list(chain.from_iterable(names)),
                       list(chain.from_iterable(times)))
    rejected = [p.received for p in ordered if p.received.rejected]
    return id_rows, events, tables.bad_events(rejected) if rejected else None


def _id_rows(ids: list[str], names: list[str], times: list[int]) -> Any:
    if not ids:
        return None
    return pa.table({"event_id": pa.array(ids, pa.string()), "event": pa.array(names, pa.string()),
                     "received_at": pa.array(times, TIMESTAMP)})


Keep = Callable[[Accepted], bool]


def concatenated(tables: Tables, requests: list[Prepared], keep: Keep) -> tuple[Any, dict[str, Any], Any]:
    """(The general case of all_new.) The event_ids rows, the rows per event table and the bad_events rows
    of a micro-batch as Arrow tables, in order of arrival; only the events
    `keep` keeps. Each is None when it has no rows."""
    ordered = sorted(requests, key=lambda p: p.received.received_at_us)
    ids: tuple[list[str], list[str], list[int]] = ([], [], [])
    by_event: dict[str, list[tuple[Any, ...]]] = {}
    for p in ordered:
        at = p.received.received_at_us
        for name, (accepted, rows) in p.events.items():
            kept = by_event.setdefault(name, [])
            for event, row in zip(accepted, rows):
                if keep(event):
                    kept.append(row)
                    ids[0].append(event.event_id)
                    ids[1].append(name)
                    ids[2].append(at)
    events = {tables.events[name].table: tables.events[name].arrow(rows)
              for name, rows in sorted(by_event.items()) if rows}
    id_rows = _id_rows(*ids)
    rejected = [p.received for p in ordered if p.received.rejected]
    return id_rows, events, tables.bad_events(rejected) if rejected else None
