"""The collector's dedupe: an index of the event ids stored within the dedupe
window, held in this process's memory beside the DuckDB file.

`event_ids` in the file lists every stored id (with its event and when it
was received) but has no PRIMARY KEY: DuckDB writes a table's whole index
at every checkpoint, so with the key in the file each checkpoint took time
in proportion to every id stored since the collector started (2.0 ms of
CPU with none, 34.7 ms at a million: bench/checkpoint_cost.py), and the
inserts into that table wait for the checkpoint while it writes it. Nor is
it a TEMP table of the writer's connection (as before): inserting a
commit's ids into its key and committing them took a third of DuckDB's
time per commit (2.6 of 8.1 ms for 300 page views). A Python set is
checked and updated by the writer, the only thread that writes, after each
commit; it is filled from `event_ids` when the store opens, and rebuilt
from it when a write fails (its outcome is then the file's to say).

Only ids received within `window` seconds are held, so memory and start-up
time grow with the window, not with the store's age; a replay within the
window stores nothing new. The SDKs retry an event for at most 24 hours
after its first failed attempt (docs/delivery.md), inside the default of 2
days; an id seen again after the window is stored again. The ids are kept
in the order they were stored, in groups (one per commit, one per hour of
the file at start-up), and a group leaves the index when its latest id
leaves the window.

The index holds each id's MD5 as a 128-bit number, not its text (86 bytes
of memory per id, measured at a million). Two ids of the same digest would be
taken for one; by chance that is about 1e-24 at 20 million ids, and by
design only ids made together can collide, so a client can hide only its
own events, which it could as well not send.
"""

from __future__ import annotations

import hashlib
import time
from collections import deque
from typing import Any, Iterable

from codegen.exports.sql import EVENT_IDS, quote

DEFAULT_WINDOW = 2 * 86_400.0
_HOUR_US = 3_600_000_000
_LOAD_ROWS = 65_536  # rows fetched at a time when the index is loaded


def digest(event_id: str) -> int:
    """The index's key for an id (made on the decoding thread, see prepared.py)."""
    return int.from_bytes(hashlib.md5(event_id.encode("utf-8", "surrogatepass")).digest(), "big")


class SeenIds:
    def __init__(self, con: Any, window: float = DEFAULT_WINDOW) -> None:
        self.con = con
        self.window_us = int(min(window, 1e12) * 1_000_000)  # 1e12 s: longer than history, within BIGINT
        self._held: set[int] = set()
        self._groups: deque[tuple[int, list[int]]] = deque()  # (latest receive time in us, digests), as stored

    def load(self) -> int:
        """(Re)build the index from `event_ids`: the ids of the window; how many."""
        self._held = set()
        self._groups = deque()
        # md5() in SQL and int(hex, 16): the same number as digest(), in half the time.
        self.con.execute(f"SELECT md5(event_id), epoch_us(received_at) FROM {quote(EVENT_IDS)} "
                         "WHERE epoch_us(received_at) >= ? ORDER BY received_at", [self._window_start()])
        hour, group, latest = None, [], 0
        while rows := self.con.fetchmany(_LOAD_ROWS):
            for hex_digest, at in rows:
                if at // _HOUR_US != hour:
                    self._add_group(latest, group)
                    hour, group = at // _HOUR_US, []
                group.append(int(hex_digest, 16))
                latest = at
        self._add_group(latest, group)
        return len(self._held)

    def holds(self, key: int) -> bool:
        return key in self._held

    def holds_any(self, keys: Iterable[int]) -> bool:
        return not self._held.isdisjoint(keys)

    def add(self, keys: list[int], latest_us: int) -> None:
        """The ids of a commit, once it is committed; `latest_us`: its latest receive time."""
        self._add_group(latest_us, keys)

    def _add_group(self, latest_us: int, keys: list[int]) -> None:
        if keys:
            self._held.update(keys)
            self._groups.append((latest_us, keys))

    def prune(self) -> None:
        """Forget the groups that left the window (before each write; one
        comparison when none did). A group stored after a newer one (a
        loader's old records) waits for it: an id is held longer, never less."""
        start = self._window_start()
        groups, held = self._groups, self._held
        while groups and groups[0][0] < start:
            held.difference_update(groups.popleft()[1])

    def held_before(self, con: Any, event: str, cutoff: Any) -> list[int]:
        """The held ids of one event received before `cutoff`, read from
        `event_ids` (the rows the retention is about to delete)."""
        rows = con.execute(f"SELECT event_id FROM {quote(EVENT_IDS)} WHERE event = ? AND received_at < ? "
                           "AND epoch_us(received_at) >= ?", [event, cutoff, self._window_start()]).fetchall()
        return [key for key in (digest(row[0]) for row in rows) if key in self._held]

    def forget(self, keys: Iterable[int]) -> None:
        """Drop ids whose rows were deleted (the retention): a replay of one
        is new data now. Rare, and it walks every group held."""
        gone = self._held.intersection(keys)
        if not gone:
            return
        self._held.difference_update(gone)
        self._groups = deque((latest, [k for k in group if k not in gone]) for latest, group in self._groups)

    def _window_start(self) -> int:
        return time.time_ns() // 1000 - self.window_us
