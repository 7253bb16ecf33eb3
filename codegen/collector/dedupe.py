"""The collector's dedupe: an index of the event ids stored within the dedupe
window, held in memory beside the DuckDB file.

`event_ids` in the file lists every stored id (with its event and when it
was received) but has no PRIMARY KEY: DuckDB writes a table's whole index
at every checkpoint, so with the key in the file each checkpoint took time
in proportion to every id stored since the collector started (2.0 ms of
CPU with none, 34.7 ms at a million: bench/checkpoint_cost.py), and the
inserts into that table wait for the checkpoint while it writes it. The
index lives in a TEMP table instead (DuckDB's in-memory database of the
connection, written in the same transactions as the file, never
checkpointed), filled from `event_ids` when the store opens.

Only ids received within `window` seconds are held, so memory and start-up
time grow with the window, not with the store's age; a replay within the
window stores nothing new. The SDKs retry an event for at most 24 hours
after its first failed attempt (docs/delivery.md), inside the default of 2
days; an id seen again after the window is stored again.

The index holds each id's MD5 as a 128-bit number, not its text: about 70
bytes per id instead of 134, loaded in half the time. Two ids of the same
digest would be taken for one; by chance that is about 1e-24 at 20 million
ids, and by design only ids made together can collide, so a client can
hide only its own events, which it could as well not send.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Any

from codegen.exports.sql import EVENT_IDS, quote

SEEN = "temp.main.seen_ids"  # the index: digest UHUGEINT PRIMARY KEY, md5_number(event_id)
DEFAULT_WINDOW = 2 * 86_400.0
# Seconds between two prunings. A pruning's DELETE scans the whole index
# (15 ms at a million ids), however few it removes: hourly, the index holds
# at most an hour more than the window.
PRUNE_INTERVAL = 3600.0


class SeenIds:
    def __init__(self, con: Any, window: float = DEFAULT_WINDOW) -> None:
        self.con = con
        self.window = window
        self._held_from: datetime | None = None  # ids received before this are no longer held
        self._next_prune = 0.0

    def load(self) -> int:
        """(Re)build the index from `event_ids`: the ids of the window; how many."""
        start = self._window_start()
        self.con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {SEEN.rsplit('.', 1)[1]} (digest UHUGEINT PRIMARY KEY)")
        self.con.execute(f"DELETE FROM {SEEN}")
        self.con.execute(f"INSERT INTO {SEEN} SELECT md5_number(event_id) FROM {quote(EVENT_IDS)} "
                         "WHERE received_at >= ? ON CONFLICT DO NOTHING",  # stored twice, once outside a window
                         [start])
        self._held_from = start
        self._next_prune = time.monotonic() + PRUNE_INTERVAL
        return int(self.con.execute(f"SELECT count(*) FROM {SEEN}").fetchone()[0])

    def prune_due(self) -> bool:
        return time.monotonic() >= self._next_prune

    def prune(self) -> None:
        """Forget the ids that left the window since the last pruning (between transactions)."""
        start = self._window_start()
        if self._held_from is not None and start > self._held_from:
            self.con.execute(f"DELETE FROM {SEEN} WHERE digest IN (SELECT md5_number(event_id) FROM "
                             f"{quote(EVENT_IDS)} WHERE received_at >= ? AND received_at < ?)",
                             [self._held_from, start])
        self._held_from = start
        self._next_prune = time.monotonic() + PRUNE_INTERVAL

    def _window_start(self) -> datetime:
        now = datetime.now(timezone.utc)
        return now - timedelta(seconds=min(self.window, (now - _EARLIEST).total_seconds()))


_EARLIEST = datetime(1, 1, 2, tzinfo=timezone.utc)  # a window longer than history holds every id


def insert_statement(scan: str) -> str:
    """Claim the ids of `scan` (an Arrow table with event_id): fails with a
    ConstraintException when one is held already (a replay)."""
    return f"INSERT INTO {SEEN} SELECT md5_number(event_id) FROM {scan}"


def claim_statements(scan: str) -> tuple[str, str]:
    """(Each id of `scan` with its digest; then: claim the digests not held
    yet, returning those claimed.) Both go through the index row by row, so
    a replay costs the size of its batch, not of the window."""
    return (f"SELECT event_id, md5_number(event_id) FROM {scan}",
            f"INSERT INTO {SEEN} SELECT md5_number(event_id) FROM {scan} ON CONFLICT DO NOTHING RETURNING digest")


def forget_statement() -> str:
    """Drop the ids of one event received before a time from the index
    (the retention deletes their rows): parameters event, cutoff."""
    return (f"DELETE FROM {SEEN} WHERE digest IN (SELECT md5_number(event_id) FROM {quote(EVENT_IDS)} "
            "WHERE event = ? AND received_at < ?)")


def is_open(con: Any) -> bool:
    """Whether this connection holds the index (a collector's or loader's store)."""
    rows = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'temp' "
                       "AND table_name = ?", [SEEN.rsplit(".", 1)[1]]).fetchone()
    return bool(rows[0])
