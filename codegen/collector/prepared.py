"""One request's rows for the DuckDB store, as Arrow tables, made on the
thread that decoded it.

The writer thread holds the GIL only for what it must do itself: while it
built a micro-batch's Arrow tables (a few milliseconds of Python), the
decoding thread kept taking the GIL back at each switch interval, and
transactions took twice their CPU time in wall time. Built per request by
the decoding thread, the writer only concatenates and filters (in C++),
then hands everything to DuckDB in one call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import pyarrow as pa

from codegen.collector.records import Accepted, Received
from codegen.collector.tables import TIMESTAMP, Tables


@dataclass
class Prepared:
    received: Received
    ids: pa.Table  # event_id, event, received_at: one row per accepted event, in batch order
    events: dict[str, tuple[list[Accepted], pa.Table]]  # table -> its events and their rows, in batch order
    bad: pa.Table | None  # the rejected events' bad_events rows


def prepare(tables: Tables, received: Received) -> Prepared:
    by_event: dict[str, list[Accepted]] = {}
    for event in received.accepted:
        by_event.setdefault(event.event, []).append(event)
    events = {}
    for name, accepted in sorted(by_event.items()):
        table = tables.events[name]
        events[table.table] = (accepted, table.arrow([(received, e) for e in accepted]))
    ids = pa.table({
        "event_id": pa.array([e.event_id for e in received.accepted], pa.string()),
        "event": pa.array([e.event for e in received.accepted], pa.string()),
        "received_at": pa.array([received.received_at_us] * len(received.accepted), TIMESTAMP),
    })
    return Prepared(received, ids, events, tables.bad_events([received]) if received.rejected else None)


Keep = Callable[[Accepted], bool]


def concatenated(requests: list[Prepared], keep: Keep | None) -> tuple[Any, dict[str, Any], Any]:
    """The ids, the rows per event table and the bad_events rows of a
    micro-batch, in order of arrival; only the events `keep` keeps (all
    when it is None). Each is None when it has no rows."""
    ordered = sorted(requests, key=lambda p: p.received.received_at_us)
    ids = [_kept(p.ids, p.received.accepted, keep) for p in ordered if p.received.accepted]
    by_table: dict[str, list[pa.Table]] = {}
    for p in ordered:
        for table, (accepted, rows) in p.events.items():
            by_table.setdefault(table, []).append(_kept(rows, accepted, keep))
    bad = [p.bad for p in ordered if p.bad is not None]
    events = {t: _concat(parts) for t, parts in sorted(by_table.items())}
    return _concat(ids), {t: rows for t, rows in events.items() if rows is not None}, _concat(bad)


def _kept(rows: pa.Table, accepted: list[Accepted], keep: Keep | None) -> pa.Table:
    if keep is None:
        return rows
    return rows.filter(pa.array([keep(e) for e in accepted], pa.bool_()))


def _concat(parts: list[pa.Table]) -> pa.Table | None:
    parts = [p for p in parts if p.num_rows]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else pa.concat_tables(parts)
