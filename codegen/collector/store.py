"""The DuckDB store: one file, one writer. A write is one transaction for a
whole micro-batch of requests: ids the dedupe index holds (dedupe.py) are
duplicates and store nothing, new ones are listed in `event_ids`, each
event table gets one Arrow insert, rejected events go to `bad_events`."""

from __future__ import annotations

from itertools import chain
from pathlib import Path
from typing import Any


from codegen.exports.sql import BAD_EVENTS, EVENT_IDS, quote
from codegen.ir import Model
from codegen.collector.dedupe import DEFAULT_WINDOW, SeenIds
from codegen.collector.migrate import ensure_schema
from codegen.collector.prepared import Prepared, all_new, concatenated, prepare
from codegen.collector.records import Accepted, Received, Stored
from codegen.collector.sinks.base import SinkError
from codegen.collector.tables import Tables


class DuckDBStore:
    def __init__(self, path: str, model: Model, dedupe_window: float = DEFAULT_WINDOW,
                 row_group_size: int | None = None) -> None:
        self.path = path
        self.row_group_size = row_group_size or ROW_GROUP_SIZE
        self.dedupe_window = dedupe_window  # seconds: a replay within it stores nothing new
        self.seen: SeenIds | None = None
        self.model = model
        self.tables = Tables(model)
        self.con: Any = None
        self.changes: list[str] = []

    def open(self, dedupe: bool = True) -> None:
        """Open the file, make its tables current and, unless `dedupe` is
        False (nothing will be written through `write`), load the dedupe index."""
        import duckdb

        if self.path != ":memory:":
            parent = Path(self.path).parent
            if not parent.is_dir():
                raise SinkError(f"cannot open {self.path}: the folder {parent} does not exist")
        try:
            self.con = _connect(duckdb, self.path, self.row_group_size)
        except duckdb.Error as exc:
            raise SinkError(f"cannot open {self.path}: {_first_line(exc)}{_open_hint(exc)}") from None
        self.con.execute("SET TimeZone = 'UTC'")
        # The store appends micro-batches: DuckDB's worker threads cost more
        # in hand-offs than they save (about a third of its CPU time per
        # transaction; checkpoints take as long with one thread).
        self.con.execute("SET threads = 1")
        self.con.execute("BEGIN")
        try:
            self.changes = ensure_schema(self.con, self.model)
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        if dedupe:
            self.seen = SeenIds(self.con, self.dedupe_window)
            self.seen.load()

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None

    def prepare(self, received: Received) -> Prepared:
        """A request's rows, ready for `write` (on the caller's thread)."""
        return prepare(self.tables, received)

    def write(self, batch: list[Received | Prepared]) -> list[Stored]:
        """Store a micro-batch in one transaction; one Stored per request.

        The dedupe index learns the new ids once the transaction is
        committed. A failed write rebuilds it from the file: whether a
        commit that failed is in the file is the file's to say."""
        assert self.seen is not None, "open the store first"
        self.seen.prune()
        try:
            return self._write([b if isinstance(b, Prepared) else self.prepare(b) for b in batch])
        except BaseException:
            self._reload_seen()
            raise

    def _reload_seen(self) -> None:
        assert self.seen is not None
        try:
            self.seen.load()
        except Exception:  # the store itself is failing: the caller reports the write's own error
            pass

    def _write(self, requests: list[Prepared]) -> list[Stored]:
        assert self.seen is not None
        latest = max(r.received.received_at_us for r in requests)
        fast = all_new(self.tables, requests, self.seen)
        if fast is not None:  # the common case
            self._insert(fast)
            self.seen.add(list(chain.from_iterable(r.ids.values() for r in requests)), latest)
            return [Stored(len(r.received.accepted), 0) for r in requests]
        # An id repeats in the batch, or one is stored already: the first of each new id wins.
        first: dict[str, Accepted] = {}
        keys: list[int] = []
        for request in requests:
            for event in request.received.accepted:
                key = request.ids[event.event_id]
                if event.event_id not in first and not self.seen.holds(key):
                    first[event.event_id] = event
                    keys.append(key)

        def wins(event: Accepted) -> bool:
            return first.get(event.event_id) is event

        self._insert(concatenated(self.tables, requests, wins))
        self.seen.add(keys, latest)
        out = []
        for request in requests:
            accepted = request.received.accepted
            duplicates = [e.event_id for e in accepted if not wins(e)]
            out.append(Stored(len(accepted) - len(duplicates), len(duplicates), frozenset(duplicates)))
        return out

    def _insert(self, rows: tuple[Any, dict[str, Any], Any]) -> None:
        """Insert (event_ids rows, rows per event table, bad_events rows) in
        one transaction, in one DuckDB call where it can (each call gives the
        GIL back and waits to take it again while the decoding thread holds
        it). A failure rolls the transaction back and is raised."""
        ids, events, bad = rows
        inserts: list[tuple[str, Any]] = [(EVENT_IDS, ids)] if ids is not None else []
        inserts += list(events.items())
        if bad is not None:
            inserts.append((BAD_EVENTS, bad))
        if not inserts:
            return
        try:
            for start in range(0, len(inserts), len(_SCAN_NAMES)):
                part = inserts[start:start + len(_SCAN_NAMES)]
                statements = [f"INSERT INTO {quote(table)} BY NAME SELECT * FROM {name}"
                              for name, (table, _) in zip(_SCAN_NAMES, part)]
                last = start + len(part) == len(inserts)
                sql = ("BEGIN; " if start == 0 else "") + "; ".join(statements) + ("; COMMIT" if last else "")
                _execute(self.con, sql, *(rows for _, rows in part))
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        try:
            self.con.execute("ROLLBACK")
        except Exception:  # no transaction: DuckDB ended the failed one, or it never began
            pass

    # --- dev mode -------------------------------------------------------------

    def reset(self) -> None:
        self.con.execute("BEGIN")
        for table in (EVENT_IDS, BAD_EVENTS, *self.tables.names.values()):
            self.con.execute(f"DELETE FROM {quote(table)}")
        self.con.execute("COMMIT")
        if self.seen is not None:
            self._reload_seen()


# Rows per row group of the tables the store appends to, instead of DuckDB's
# 122,880. Each checkpoint starts a new row group for its rows and merges the
# last ones (DuckDB's vacuum) while inserts into the table wait. With the
# default size that merge rewrote up to a whole row group of the busiest
# table again and again: checkpoints of 20,000 page views took 70-1,390 ms.
# With groups a little larger than a 16 MB log holds, most checkpoints merge
# nothing: a flat 70-75 ms (bench/checkpoint_cost.py, "row group size").
ROW_GROUP_SIZE = 24_576


def _connect(duckdb: Any, path: str, row_group_size: int) -> Any:
    """A connection to the store's file, with its row group size (an option
    of ATTACH, not kept in the file); `:memory:` as it is."""
    if path == ":memory:":
        return duckdb.connect(path)
    con = duckdb.connect()
    try:
        literal = "'" + path.replace("'", "''") + "'"
        con.execute(f"ATTACH {literal} AS store (ROW_GROUP_SIZE {int(row_group_size)})")
        con.execute("USE store")
    except BaseException:
        con.close()
        raise
    return con


_SCAN_NAMES = tuple(f"_t{i}" for i in range(16))


def _execute(con: Any, sql: str, _t0: Any = None, _t1: Any = None, _t2: Any = None, _t3: Any = None,
             _t4: Any = None, _t5: Any = None, _t6: Any = None, _t7: Any = None, _t8: Any = None, _t9: Any = None,
             _t10: Any = None, _t11: Any = None, _t12: Any = None, _t13: Any = None, _t14: Any = None,
             _t15: Any = None) -> Any:
    """Run `sql`, whose statements read Arrow tables `_t0`..`_t15`: DuckDB
    finds them among this frame's locals (its replacement scan, cheaper than
    register/unregister; no table of the store starts with "_"). BY NAME in
    the statements: columns added by a migration sit at the end of a table."""
    return con.execute(sql)


def _open_hint(exc: Exception) -> str:
    """What to do about a file DuckDB would not open, where its message leaves it unsaid."""
    text = str(exc)
    if "lock" in text:
        return " (is another collector or loader using it? DuckDB allows one writing process per file)"
    if "not a valid DuckDB database" in text:
        return " (give the path of a DuckDB file, or of one to create: --sink duckdb:PATH)"
    return ""


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
