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
from typing import Any, Callable

import pyarrow as pa

from codegen.collector.records import Accepted, Received
from codegen.collector.tables import TIMESTAMP, Tables


@dataclass
class Prepared:
    received: Received
    events: dict[str, tuple[list[Accepted], list[tuple[Any, ...]]]]  # event name -> its events and rows


def prepare(tables: Tables, received: Received) -> Prepared:
    by_event: dict[str, list[Accepted]] = {}
    for event in received.accepted:
        by_event.setdefault(event.event, []).append(event)
    return Prepared(received, {name: (accepted, tables.events[name].rows(received, accepted))
                               for name, accepted in by_event.items()})


Keep = Callable[[Accepted], bool]


def concatenated(tables: Tables, requests: list[Prepared], keep: Keep | None) -> tuple[Any, dict[str, Any], Any]:
    """The event_ids rows, the rows per event table and the bad_events rows
    of a micro-batch as Arrow tables, in order of arrival; only the events
    `keep` keeps (all when it is None). Each is None when it has no rows."""
    ordered = sorted(requests, key=lambda p: p.received.received_at_us)
    ids: tuple[list[str], list[str], list[int]] = ([], [], [])
    by_event: dict[str, list[tuple[Any, ...]]] = {}
    for p in ordered:
        at = p.received.received_at_us
        for name, (accepted, rows) in p.events.items():
            kept = by_event.setdefault(name, [])
            for event, row in zip(accepted, rows):
                if keep is None or keep(event):
                    kept.append(row)
                    ids[0].append(event.event_id)
                    ids[1].append(name)
                    ids[2].append(at)
    events = {tables.events[name].table: tables.events[name].arrow(rows)
              for name, rows in sorted(by_event.items()) if rows}
    id_rows = pa.table({"event_id": pa.array(ids[0], pa.string()), "event": pa.array(ids[1], pa.string()),
                        "received_at": pa.array(ids[2], TIMESTAMP)}) if ids[0] else None
    rejected = [p.received for p in ordered if p.received.rejected]
    return id_rows, events, tables.bad_events(rejected) if rejected else None
