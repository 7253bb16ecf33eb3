"""Retention in the DuckDB store (docs/collector.md, "Retention").

A stored event is kept for the shortest `retention_days` among its event's
purposes (measured from `received_at`, the collector's clock), then its row
and its `event_ids` entry are deleted. A column whose values need a purpose
kept for less time (a personal value, an object holding one, the client IP)
is cleared (set to NULL) once that shorter time has passed. Rejected events
are kept for the shortest retention of the model's purposes: their raw bytes
may hold anything.

`codegen retention` applies it to a DuckDB file (while no collector writes
it); the DuckDB sink applies it itself when it starts and once a day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from codegen.collector.dedupe import SeenIds
from codegen.exports.sql import BAD_EVENTS, EVENT_IDS, event_columns, event_tables, quote
from codegen.ir import Kind, Model, Property

MICROS = 1_000_000
DAY = timedelta(days=1)


class RetentionError(ValueError):
    pass


@dataclass(frozen=True)
class Rule:
    """Delete the rows of `table` (or clear `column`) received before `days` ago."""

    table: str
    days: int
    column: str | None = None  # None: the whole row
    event: str | None = None  # whose event_ids entries go with the rows


@dataclass
class Report:
    as_of: datetime
    dry_run: bool
    done: list[tuple[Rule, int]] = field(default_factory=list)

    def lines(self, changed_only: bool = False) -> list[str]:
        verb = ("would delete", "would clear") if self.dry_run else ("deleted", "cleared")
        out = [f"retention as of {self.as_of.isoformat().replace('+00:00', 'Z')}"]
        for rule, count in self.done:
            if changed_only and not count:
                continue
            if rule.column is None:
                out.append(f"{rule.table}: {verb[0]} {count} rows older than {rule.days} days")
            else:
                out.append(f"{rule.table}.{rule.column}: {verb[1]} {count} values older than {rule.days} days")
        return out


def parse_as_of(text: str | None) -> datetime:
    if text is None:
        return datetime.now(timezone.utc)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise RetentionError(f"--as-of {text!r} is not a date or time (write 2027-01-31 or 2027-01-31T12:00:00Z)")
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def rules(model: Model) -> list[Rule]:
    """Every deletion and clearing the model's purposes ask for."""
    days = {p.name: p.retention_days for p in model.purposes}
    shortest = min(days.values(), default=None)
    out = []
    tables = event_tables(model)
    for event in model.events:
        table = tables[event.name]
        row_days = min((days[p] for p in event.purposes), default=shortest)
        if row_days is None:
            continue
        out.append(Rule(table, row_days, event=event.name))
        for column in event_columns(model, event):
            purposes = _column_purposes(model, column.prop) if column.prop else (
                set(model.client_ip_purposes) if column.name == "client_ip" else set())
            column_days = min((days[p] for p in purposes), default=row_days)
            if column_days < row_days:
                out.append(Rule(table, column_days, column=column.name))
    if shortest is not None:
        out.append(Rule(BAD_EVENTS, shortest))
    return out


def _column_purposes(model: Model, prop: Property) -> set[str]:
    """The purposes of a value and of every value inside it."""
    found = set(prop.purposes)
    leaf = prop.type.leaf
    if leaf.kind is Kind.OBJECT:
        for inner in model.object(leaf.name or "").properties:
            found |= _column_purposes(model, inner)
    return found


def apply_rules(con: Any, model: Model, now: datetime, dry_run: bool = False,
                seen: SeenIds | None = None) -> Report:
    """Apply the retention on an open connection (one transaction); `seen`:
    the dedupe index of the store's writer, told the ids deleted once committed."""
    report = Report(now, dry_run)
    forgotten: list[int] = []  # the digests of deleted ids the index holds
    con.execute("BEGIN")
    try:
        for rule in rules(model):
            cutoff = now - rule.days * DAY
            table = quote(rule.table)
            if rule.column is None:
                count = _count(con, f"SELECT count(*) FROM {table} WHERE received_at < ?", cutoff)
                if count and not dry_run:
                    if rule.event is not None:
                        if seen is not None:
                            forgotten += seen.held_before(con, rule.event, cutoff)
                        con.execute(f"DELETE FROM {quote(EVENT_IDS)} WHERE event = ? AND received_at < ?",
                                    [rule.event, cutoff])
                    con.execute(f"DELETE FROM {table} WHERE received_at < ?", [cutoff])
            else:
                column = quote(rule.column)
                where = f"WHERE received_at < ? AND {column} IS NOT NULL"
                count = _count(con, f"SELECT count(*) FROM {table} {where}", cutoff)
                if count and not dry_run:
                    con.execute(f"UPDATE {table} SET {column} = NULL {where}", [cutoff])
            report.done.append((rule, count))
        con.execute("ROLLBACK" if dry_run else "COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    if seen is not None and forgotten:
        seen.forget(forgotten)
    return report


def _count(con: Any, sql: str, cutoff: datetime) -> int:
    return int(con.execute(sql, [cutoff]).fetchone()[0])


def apply_retention(model: Model, path: str, now: datetime, dry_run: bool = False) -> Report:
    """`codegen retention`: open the store (its tables made current), apply, close."""
    from pathlib import Path

    from codegen.collector.store import DuckDBStore

    if path != ":memory:" and not Path(path).is_file():
        raise RetentionError(f"there is no DuckDB store at {path}")
    store = DuckDBStore(path, model)
    store.open(dedupe=False)
    try:
        return apply_rules(store.con, model, now, dry_run)
    finally:
        store.close()

