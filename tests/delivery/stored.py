"""What the collector's DuckDB file holds after a delivery test (read once
the collector has stopped): rows per event id across every event table,
duplicates, and every value against what was tracked."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from codegen.exports.sql import event_tables
from codegen.ir import Model
from collector.support import Expected, same


@dataclass
class Stored:
    rows: dict[str, list[tuple[str, dict[str, Any]]]]  # event_id -> [(event, row)]
    bad: list[dict[str, Any]]  # bad_events rows

    @property
    def total_rows(self) -> int:
        return sum(len(v) for v in self.rows.values())

    @property
    def distinct(self) -> int:
        return len(self.rows)

    @property
    def duplicate_rows(self) -> int:
        return self.total_rows - self.distinct


def read(db: Path, model: Model) -> Stored:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for event, table in event_tables(model).items():
            cursor = con.execute(f'SELECT * FROM "{table}"')
            names = [d[0] for d in cursor.description]
            for values in cursor.fetchall():
                row = dict(zip(names, values))
                rows.setdefault(row["event_id"], []).append((event, row))
        cursor = con.execute("SELECT * FROM bad_events")
        names = [d[0] for d in cursor.description]
        bad = [dict(zip(names, values)) for values in cursor.fetchall()]
        return Stored(rows, bad)
    finally:
        con.close()


@dataclass
class Comparison:
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)  # "id event.column: stored X, tracked Y"

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unexpected or self.wrong)

    def summary(self) -> str:
        return (f"{len(self.missing)} missing (e.g. {self.missing[:3]}), {len(self.unexpected)} unexpected "
                f"(e.g. {self.unexpected[:3]}), {len(self.wrong)} with wrong values (e.g. {self.wrong[:3]})")


def compare(stored: Stored, model: Model, tracked: dict[str, tuple[str, str]]) -> Comparison:
    """`tracked`: event_id -> (event, canonical envelope JSON)."""
    expected = Expected(model)
    out = Comparison()
    out.unexpected = sorted(set(stored.rows) - set(tracked))
    for event_id, (event, envelope) in tracked.items():
        found = stored.rows.get(event_id)
        if not found:
            out.missing.append(event_id)
            continue
        for stored_event, row in found:
            if stored_event != event:
                out.wrong.append(f"{event_id}: stored as {stored_event}, tracked as {event}")
                continue
            for column, value in expected.row(envelope, event).items():
                if not same(row[column], value):
                    out.wrong.append(f"{event_id} {event}.{column}: stored {row[column]!r}, tracked {value!r}")
    return out
