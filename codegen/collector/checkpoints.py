"""Checkpoints of the collector's DuckDB file, off the writer's path.

DuckDB checkpoints on the COMMIT that takes its write-ahead log past
`checkpoint_threshold`, so one request in every few thousand waited for a
whole checkpoint (70-550 ms measured at 20,000 events, i.e. every second or
so under load). Here a thread of its own checkpoints through a second
cursor of the same database while the writer goes on committing (DuckDB
lets appends and a checkpoint run side by side), as soon as the log passes
`wal_bytes`. The in-line threshold is raised to `WRITER_THRESHOLD`, a bound
for when this thread falls behind, not the usual path."""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

log = logging.getLogger("codegen.collector")

WRITER_THRESHOLD = "1GiB"


class Checkpointer:
    def __init__(self, connection: Any, path: str, wal_bytes: int = 16 << 20, interval: float = 0.25) -> None:
        self.cursor = connection.cursor()
        self.wal = f"{path}.wal"
        self.wal_bytes = wal_bytes
        self.interval = interval  # seconds between two looks at the log's size
        self.checkpoints = 0
        self.failures = 0  # checkpoints deferred in a row
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        connection.execute(f"SET checkpoint_threshold = '{WRITER_THRESHOLD}'")

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="duckdb-checkpointer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
            self._thread = None
        self.cursor.close()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            if self._wal_size() >= self.wal_bytes:
                self.checkpoint()

    def checkpoint(self) -> None:
        try:
            self.cursor.execute("CHECKPOINT")
        except Exception as exc:  # e.g. a conflicting transaction: the next look tries again
            self.failures += 1
            if self.failures == 1:  # once per run of failures, not every quarter of a second
                log.warning("checkpoint of %s deferred, trying again: %s", self.wal[:-4],
                            str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            return
        if self.failures:
            log.info("checkpoint of %s done after %d deferrals", self.wal[:-4], self.failures)
            self.failures = 0
        self.checkpoints += 1

    def _wal_size(self) -> int:
        try:
            return os.path.getsize(self.wal)
        except OSError:  # no log yet, or just checkpointed away
            return 0
