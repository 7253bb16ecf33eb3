# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""The persistent, bounded queue of a transport: one SQLite file (WAL) per
process in the queue folder (docs/delivery.md, "The Python queue file").

A process takes the first free slot, `queue-<n>.sqlite3`, and holds an
exclusive lock on `queue-<n>.lock` for as long as it runs; slots that no
running process holds (left by a crash, or by more processes than now run)
are adopted: their events move into this process's file, oldest first.
Rows leave the file only when delivered or dropped."""

from __future__ import annotations

import sqlite3
import sys
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

SCHEMA_VERSION = 2  # 2 added `purposes`; version 1 files are upgraded in place
SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL,
    event_name TEXT NOT NULL,
    wire_format TEXT NOT NULL,
    body BLOB NOT NULL,
    size INTEGER NOT NULL,
    queued_at_ms INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    first_attempt_ms INTEGER,
    purposes TEXT NOT NULL DEFAULT ''
)
"""
# The purposes an event needs, as stored: names between commas (",a,b,"), so
# that `instr(purposes, ',a,')` finds it; '' (version 1 rows) means unknown.
COLUMNS = (
    "seq, event_id, event_name, wire_format, body, size, queued_at_ms, "
    "attempts, first_attempt_ms"
)
MAX_SLOTS = 64
# 7 parameters a row; SQLite before 3.32 allows 999 per statement.
ROWS_PER_INSERT = 140


class QueueError(Exception):
    """The queue file cannot be opened or has an unknown layout."""


@dataclass(frozen=True)
class Row:
    seq: int
    event_id: str
    event_name: str
    wire_format: str
    body: bytes
    size: int
    queued_at_ms: int
    attempts: int
    first_attempt_ms: int | None


# An event handed over by the tracker, not yet stored:
# (event_id, event_name, wire_format, body, purposes as stored).
Entry = tuple[str, str, str, bytes, str]


def stored_purposes(purposes: Iterable[str]) -> str:
    names = sorted(purposes)
    return "," + ",".join(names) + "," if names else ""


class SqliteQueue:
    """All methods may be called from any thread (one connection, one lock)."""

    def __init__(self, directory: str | None) -> None:
        self._lock = threading.Lock()
        self._lock_file: IO[bytes] | None = None
        self.path = ":memory:"
        if directory is not None:
            self.path = self._take_slot(Path(directory))
        try:
            self._db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False
            )
            self._prepare(self._db)
        except sqlite3.Error as exc:
            self._release()
            raise QueueError(f"cannot open the queue {self.path}: {exc}") from exc
        self.count, self.bytes = self._totals()
        if directory is not None:
            self._adopt(Path(directory))

    # --- opening ----------------------------------------------------------------

    def _take_slot(self, directory: Path) -> str:
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise QueueError(f"cannot create the queue folder {directory}: {exc}")
        for slot in range(MAX_SLOTS):
            handle = _try_lock(directory / f"queue-{slot}.lock")
            if handle is not None:
                self._lock_file = handle
                return str(directory / f"queue-{slot}.sqlite3")
        raise QueueError(f"all {MAX_SLOTS} queue slots in {directory} are in use")

    @staticmethod
    def _prepare(db: sqlite3.Connection) -> None:
        db.execute("PRAGMA busy_timeout = 5000")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(
                f"written by a newer SDK (queue format {version}, "
                f"this SDK reads up to {SCHEMA_VERSION})"
            )
        db.execute(SCHEMA)
        if "purposes" not in _columns(db, "main"):  # a version 1 file
            db.execute(
                "ALTER TABLE events ADD COLUMN purposes TEXT NOT NULL DEFAULT ''"
            )
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _adopt(self, directory: Path) -> None:
        """Move the events of slots no process holds into this file."""
        for other in sorted(directory.glob("queue-*.sqlite3")):
            if str(other) == self.path:
                continue
            handle = _try_lock(other.with_suffix(".lock"))
            if handle is None:
                continue  # a running process owns it
            try:
                with self._lock:
                    self._db.execute("ATTACH DATABASE ? AS orphan", (str(other),))
                    try:
                        self._db.execute("BEGIN IMMEDIATE")
                        has = "purposes" in _columns(self._db, "orphan")
                        self._db.execute(
                            "INSERT INTO events (event_id, event_name, wire_format,"
                            " body, size, queued_at_ms, attempts, first_attempt_ms,"
                            " purposes) SELECT event_id, event_name, wire_format, body,"
                            " size, queued_at_ms, attempts, first_attempt_ms,"
                            f" {'purposes' if has else chr(39) * 2}"
                            " FROM orphan.events ORDER BY seq"
                        )
                        self._db.execute("DELETE FROM orphan.events")
                        self._db.execute("COMMIT")
                    finally:
                        if self._db.in_transaction:
                            self._db.execute("ROLLBACK")
                        self._db.execute("DETACH DATABASE orphan")
            except sqlite3.Error:
                continue  # not a queue of ours (or damaged): leave it alone
            finally:
                handle.close()
        self.count, self.bytes = self._totals()

    def _totals(self) -> tuple[int, int]:
        with self._lock:
            count, size = self._db.execute(
                "SELECT count(*), coalesce(sum(size), 0) FROM events"
            ).fetchone()
        return int(count), int(size)

    # --- writing ----------------------------------------------------------------

    def insert(self, entries: Sequence[Entry], now_ms: int) -> int:
        """Store `entries` in one transaction; the last sequence number.
        Many rows per statement: each statement lets other threads take the
        interpreter lock, and getting it back can take a switch interval."""
        rows = [
            (i, name, fmt, body, len(body), now_ms, purposes)
            for i, name, fmt, body, purposes in entries
        ]
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for start in range(0, len(rows), ROWS_PER_INSERT):
                    chunk = rows[start : start + ROWS_PER_INSERT]
                    values = ",".join(["(?, ?, ?, ?, ?, ?, ?)"] * len(chunk))
                    self._db.execute(
                        "INSERT INTO events (event_id, event_name, wire_format, body,"
                        f" size, queued_at_ms, purposes) VALUES {values}",
                        [field for row in chunk for field in row],
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self.count += len(rows)
            self.bytes += sum(row[4] for row in rows)
            return self._last_seq()

    def _last_seq(self) -> int:
        row = self._db.execute("SELECT max(seq) FROM events").fetchone()
        return int(row[0] or 0)

    def last_seq(self) -> int:
        with self._lock:
            return self._last_seq()

    def delete(self, seqs: Iterable[int]) -> None:
        wanted = list(seqs)
        if not wanted:
            return
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for start in range(0, len(wanted), 500):
                    chunk = wanted[start : start + 500]
                    marks = ",".join("?" * len(chunk))
                    self._db.execute(
                        f"DELETE FROM events WHERE seq IN ({marks})", chunk
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        self.count, self.bytes = self._totals()

    def failed(self, seqs: Sequence[int], now_ms: int) -> list[Row]:
        """Count one more attempt for each of `seqs`; their rows after it."""
        if not seqs:
            return []
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                marks = ",".join("?" * len(seqs))
                self._db.execute(
                    "UPDATE events SET attempts = attempts + 1, first_attempt_ms ="
                    f" coalesce(first_attempt_ms, ?) WHERE seq IN ({marks})",
                    [now_ms, *seqs],
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            return self._select(f"WHERE seq IN ({marks}) ORDER BY seq", list(seqs))

    # --- reading ----------------------------------------------------------------

    def _select(self, where: str, args: Sequence[object] = ()) -> list[Row]:
        cursor = self._db.execute(f"SELECT {COLUMNS} FROM events {where}", args)
        return [Row(*row) for row in cursor.fetchall()]

    def head(self, limit: int) -> list[Row]:
        """The oldest `limit` rows."""
        with self._lock:
            return self._select("ORDER BY seq LIMIT ?", (limit,))

    def rows(self, seqs: Sequence[int]) -> list[Row]:
        if not seqs:
            return []
        with self._lock:
            marks = ",".join("?" * len(seqs))
            return self._select(f"WHERE seq IN ({marks}) ORDER BY seq", list(seqs))

    def oldest(self) -> tuple[int, int] | None:
        """(seq, queued_at_ms) of the first row, None when empty."""
        with self._lock:
            row = self._db.execute(
                "SELECT seq, queued_at_ms FROM events ORDER BY seq LIMIT 1"
            ).fetchone()
        return None if row is None else (int(row[0]), int(row[1]))

    def older_than(self, queued_before_ms: int) -> list[Row]:
        with self._lock:
            return self._select(
                "WHERE queued_at_ms < ? ORDER BY seq", (queued_before_ms,)
            )

    def needing(self, purposes: Iterable[str], keep: set[int]) -> list[Row]:
        """The rows (not in `keep`) that need one of `purposes`, and those whose
        purposes are unknown (written by an SDK before consent was stored)."""
        wanted = sorted(purposes)
        if not wanted:
            return []
        where = " OR ".join(["instr(purposes, ?) > 0"] * len(wanted))
        args = [f",{p}," for p in wanted]
        with self._lock:
            rows = self._select(f"WHERE purposes = '' OR {where} ORDER BY seq", args)
        return [r for r in rows if r.seq not in keep]

    def over_caps(self, max_events: int, max_bytes: int, keep: set[int]) -> list[Row]:
        """The oldest rows (not in `keep`) to drop so that the queue holds at
        most `max_events` events and `max_bytes` bytes."""
        if self.count <= max_events and self.bytes <= max_bytes:
            return []
        excess_events = self.count - max_events
        excess_bytes = self.bytes - max_bytes
        victims: list[Row] = []
        with self._lock:
            cursor = self._db.execute(f"SELECT {COLUMNS} FROM events ORDER BY seq")
            for raw in cursor:
                if excess_events <= 0 and excess_bytes <= 0:
                    break
                row = Row(*raw)
                if row.seq in keep:
                    continue
                victims.append(row)
                excess_events -= 1
                excess_bytes -= row.size
            cursor.close()
        return victims

    def close(self) -> None:
        with self._lock:
            try:
                self._db.close()
            finally:
                self._release()

    def _release(self) -> None:
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None


def _columns(db: sqlite3.Connection, schema: str) -> set[str]:
    return {row[1] for row in db.execute(f"PRAGMA {schema}.table_info(events)")}


def _try_lock(path: Path) -> IO[bytes] | None:
    """An open file holding an exclusive lock on `path`, or None when another
    open file holds it (locks are per open file, so two transports of one
    process never share a slot either)."""
    try:
        handle = open(path, "a+b")
    except OSError:
        return None
    try:
        if sys.platform == "win32":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle
