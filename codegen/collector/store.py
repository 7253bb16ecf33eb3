"""The DuckDB store: one file, one writer. A write is one transaction for a
whole micro-batch of requests: new event ids are claimed in the dedupe
index (dedupe.py; a replayed event is a duplicate and stores nothing) and
listed in `event_ids`, each event table gets one Arrow insert, rejected
events go to `bad_events`."""

from __future__ import annotations

from pathlib import Path
from typing import Any


from codegen.exports.sql import BAD_EVENTS, EVENT_IDS, quote
from codegen.ir import Model
from codegen.collector.dedupe import DEFAULT_WINDOW, SeenIds, claim_statements, insert_statement
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
        self._conflict: type[Exception] = Exception  # duckdb.ConstraintException once open
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
        self._conflict = duckdb.ConstraintException
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

        Every event_id is taken to be new first (replays are rare): a plain
        INSERT into the dedupe index costs a quarter of ON CONFLICT ... RETURNING.
        When one is stored already, that transaction fails as a whole and
        the micro-batch is written again, claiming the ids one by one.
        Any other failure rebuilds the dedupe index from the file (a
        transaction over two databases may fail halfway)."""
        assert self.seen is not None, "open the store first"
        if self.seen.prune_due():
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
        fast = all_new(self.tables, requests)
        replayed = False
        if fast is not None:
            try:
                self._insert(fast[1:], "BEGIN; ")
                return [Stored(len(r.received.accepted), 0) for r in requests]
            except self._conflict:  # a replay: claim the ids one by one
                replayed = True
        # An id repeats in the batch, or one is stored already: the first of each id wins.
        candidates: dict[str, tuple[int, Accepted]] = {}
        for position, request in enumerate(requests):
            for event in request.received.accepted:
                candidates.setdefault(event.event_id, (position, event))
        if not replayed:
            try:
                new_ids = self._transaction(requests, candidates, claim=False)
            except self._conflict:
                replayed = True
        if replayed:
            new_ids = self._transaction(requests, candidates, claim=True)
        fresh = set(new_ids)
        new_per_request = [0] * len(requests)
        for event_id in new_ids:
            new_per_request[candidates[event_id][0]] += 1
        out = []
        for request, new in zip(requests, new_per_request):
            accepted = request.received.accepted
            duplicates = frozenset(e.event_id for e in accepted
                                   if e.event_id not in fresh or candidates[e.event_id][1] is not e)
            out.append(Stored(new, len(accepted) - new, duplicates))
        return out

    def _transaction(self, requests: list[Prepared], candidates: dict[str, tuple[int, Accepted]],
                     claim: bool) -> list[str]:
        """One transaction; the ids it stored. `claim`: some may be stored
        already (ON CONFLICT)."""
        first = lambda e: candidates[e.event_id][1] is e  # noqa: E731 (the first of an id in the batch)
        if not claim:
            self._insert(concatenated(self.tables, requests, first), "BEGIN; ")
            return list(candidates)
        self.con.execute("BEGIN")
        try:
            new_ids = self._claim(concatenated(self.tables, requests, first)[0])
            fresh = set(new_ids)
            ids, events, bad = concatenated(self.tables, requests, lambda e: e.event_id in fresh and first(e))
        except BaseException:
            self._rollback()
            raise
        self._insert((ids, events, bad), "", claim=False)
        return new_ids

    def _insert(self, rows: tuple[Any, dict[str, Any], Any], begin: str, claim: bool = True) -> None:
        """Insert (event_ids rows, rows per event table, bad_events rows) and
        commit, in one DuckDB call (each call gives the GIL back and waits
        to take it again, up to the switch interval while the decoding
        thread holds it); `begin` is "BEGIN; " unless one is open; `claim`:
        the ids go into the dedupe index too (False: claimed already). A
        failure rolls the transaction back and is raised."""
        ids, events, bad = rows
        inserts: list[tuple[str | None, Any]] = []
        if ids is not None:
            if claim:
                inserts.append((None, ids))  # None: the dedupe index
            inserts.append((EVENT_IDS, ids))
        inserts += list(events.items())
        if bad is not None:
            inserts.append((BAD_EVENTS, bad))
        try:
            if not inserts:
                if not begin:
                    self.con.execute("COMMIT")
                return
            for start in range(0, len(inserts), len(_SCAN_NAMES)):
                part = inserts[start:start + len(_SCAN_NAMES)]
                statements = [insert_statement(name) if table is None else
                              f"INSERT INTO {quote(table)} BY NAME SELECT * FROM {name}"
                              for name, (table, _) in zip(_SCAN_NAMES, part)]
                last = start + len(part) == len(inserts)
                sql = (begin if start == 0 else "") + "; ".join(statements) + ("; COMMIT" if last else "")
                _execute(self.con, sql, *(rows for _, rows in part))
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        try:
            self.con.execute("ROLLBACK")
        except Exception:  # no transaction: DuckDB ended the failed one, or it never began
            pass

    def _claim(self, ids: Any) -> list[str]:
        """Claim the ids not stored yet in the dedupe index; those it claimed."""
        if ids is None:
            return []
        digests_sql, claim_sql = claim_statements("_t0")  # the ids of a claim are distinct
        by_digest = {digest: event_id for event_id, digest in _execute(self.con, digests_sql, ids).fetchall()}
        return [by_digest[row[0]] for row in _execute(self.con, claim_sql, ids).fetchall()]

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
