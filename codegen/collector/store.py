"""The DuckDB store: one file, one writer. A write is one transaction for a
whole micro-batch of requests: new event_ids are claimed in `event_ids`
(a replayed event is a duplicate and stores nothing), each event table gets
one Arrow insert, rejected events go to `bad_events`."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from codegen.exports.sql import BAD_EVENTS, EVENT_IDS, quote
from codegen.ir import Model
from codegen.collector.migrate import ensure_schema
from codegen.collector.records import Accepted, Received, Stored
from codegen.collector.sinks.base import SinkError
from codegen.collector.tables import Tables


class DuckDBStore:
    def __init__(self, path: str, model: Model) -> None:
        self.path = path
        self.model = model
        self.tables = Tables(model)
        self.con: Any = None
        self.changes: list[str] = []

    def open(self) -> None:
        import duckdb

        if self.path != ":memory:":
            parent = Path(self.path).parent
            if not parent.is_dir():
                raise SinkError(f"cannot open {self.path}: the folder {parent} does not exist")
        try:
            self.con = duckdb.connect(self.path)
        except duckdb.IOException as exc:
            raise SinkError(f"cannot open {self.path}: {_first_line(exc)} (is another collector or loader "
                            "using it? DuckDB allows one writing process per file)") from None
        except duckdb.Error as exc:
            raise SinkError(f"cannot open {self.path}: {_first_line(exc)}") from None
        self.con.execute("SET TimeZone = 'UTC'")
        self.con.execute("BEGIN")
        try:
            self.changes = ensure_schema(self.con, self.model)
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None

    def write(self, batch: list[Received]) -> list[Stored]:
        """Store a micro-batch in one transaction; one Stored per request."""
        con = self.con
        candidates: dict[str, tuple[int, Received, Accepted]] = {}
        for position, received in enumerate(batch):
            for event in received.accepted:
                candidates.setdefault(event.event_id, (position, received, event))  # first wins
        con.execute("BEGIN")
        try:
            new_ids = self._claim(candidates)
            by_table: dict[str, list[tuple[Received, Accepted]]] = defaultdict(list)
            new_per_request = [0] * len(batch)
            for event_id in new_ids:
                position, received, event = candidates[event_id]
                by_table[event.event].append((received, event))
                new_per_request[position] += 1
            for event_name, events in sorted(by_table.items()):
                table = self.tables.events[event_name]
                events.sort(key=lambda pair: (pair[0].received_at_us, pair[1].index))
                self._insert(table.table, table.arrow(events))
            if any(r.rejected for r in batch):
                self._insert(BAD_EVENTS, self.tables.bad_events(batch))
            con.execute("COMMIT")
        except BaseException:
            try:
                con.execute("ROLLBACK")
            except Exception:
                pass
            raise
        fresh = set(new_ids)
        out = []
        for position, (received, new) in enumerate(zip(batch, new_per_request)):
            duplicates = frozenset(e.event_id for e in received.accepted
                                   if e.event_id not in fresh or candidates[e.event_id][2] is not e)
            out.append(Stored(new, len(received.accepted) - new, duplicates))
        return out

    def _insert(self, table: str, rows: Any) -> None:
        # BY NAME: columns added by a migration sit at the end of the table.
        self.con.register("_rows", rows)
        try:
            self.con.execute(f"INSERT INTO {quote(table)} BY NAME SELECT * FROM _rows")
        finally:
            self.con.unregister("_rows")

    def _claim(self, candidates: dict[str, tuple[int, Received, Accepted]]) -> list[str]:
        if not candidates:
            return []
        import pyarrow as pa

        ids = pa.table({
            "event_id": pa.array(list(candidates), pa.string()),
            "event": pa.array([c[2].event for c in candidates.values()], pa.string()),
            "received_at": pa.array([c[1].received_at_us for c in candidates.values()], pa.timestamp("us", tz="UTC")),
        })
        self.con.register("_ids", ids)
        try:
            rows = self.con.execute(f"INSERT INTO {quote(EVENT_IDS)} SELECT * FROM _ids ON CONFLICT DO NOTHING "
                                    "RETURNING event_id").fetchall()
        finally:
            self.con.unregister("_ids")
        return [row[0] for row in rows]

    # --- dev mode -------------------------------------------------------------

    def reset(self) -> None:
        self.con.execute("BEGIN")
        for table in (EVENT_IDS, BAD_EVENTS, *self.tables.names.values()):
            self.con.execute(f"DELETE FROM {quote(table)}")
        self.con.execute("COMMIT")


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
