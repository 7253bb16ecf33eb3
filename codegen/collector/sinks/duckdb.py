"""The embedded sink: one DuckDB file and one writer thread.

Group commit: requests queue up while a transaction is being written; the
writer then takes everything queued (up to `max_batch_events`) into the next
transaction, and each request is answered when the commit that holds its
events is done. Beyond `max_pending_events` waiting, requests are refused
with Saturated (429) instead of queueing without bound. Checkpoints run on
a thread of their own (checkpoints.py), never inside a request's commit.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from datetime import datetime, timezone
from typing import Any, Callable

from codegen.ir import Model
from codegen.collector.checkpoints import Checkpointer
from codegen.collector.dedupe import DEFAULT_WINDOW
from codegen.collector.prepared import Prepared
from codegen.collector.records import Received, Stored
from codegen.collector.sinks.base import Arrivals, Saturated, SinkUnavailable
from codegen.collector.store import DuckDBStore

log = logging.getLogger("codegen.collector")

_STOP = object()


class DuckDBSink:
    def __init__(self, path: str, model: Model, max_pending_events: int = 20_000,
                 max_batch_events: int = 5_000, retention_interval: float = 86_400.0,
                 checkpoint_bytes: int = 16 << 20, linger: float = 0.004,
                 dedupe_window: float = DEFAULT_WINDOW) -> None:
        self.model = model
        self.retention_interval = retention_interval  # seconds between two passes of the retention
        self._next_retention = 0.0
        self.db = DuckDBStore(path, model, dedupe_window)
        self.description = f"duckdb:{path}"
        self.max_pending_events = max_pending_events
        self.max_batch_events = max_batch_events
        self._queue: queue.Queue[Any] = queue.Queue()
        self._pending = 0  # events queued or being written
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.checkpoint_bytes = checkpoint_bytes  # the write-ahead log's size that starts a checkpoint
        self.linger = linger  # seconds a commit may wait for requests the server is decoding
        self.arrivals = Arrivals()  # the server's count of them (CollectorApp sets its own)
        self._checkpointer: Checkpointer | None = None

    def start(self) -> None:
        self.db.open()
        if self.db.path != ":memory:":
            self._checkpointer = Checkpointer(self.db.con, self.db.path, self.checkpoint_bytes)
            self._checkpointer.start()
        for change in self.db.changes:
            log.info("%s: %s", self.description, change)
        self._retention()  # before the first request: nothing past its retention is ever served
        self._thread = threading.Thread(target=self._run, name="duckdb-writer", daemon=True)
        self._thread.start()

    @property
    def checkpoints(self) -> int:
        """Checkpoints taken beside the writer so far."""
        return self._checkpointer.checkpoints if self._checkpointer is not None else 0

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout=30)
            self._thread = None
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        self.db.close()

    async def store(self, received: Received) -> Stored:
        count = len(received.accepted) + len(received.rejected)
        with self._lock:
            if self._pending and self._pending + count > self.max_pending_events:
                raise Saturated()
            self._pending += count
        try:
            prepared = self.db.prepare(received)  # here, not on the writer: see prepared.py
        except BaseException:
            with self._lock:
                self._pending -= count
            raise
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Stored] = loop.create_future()
        self._queue.put((prepared, count, loop, future))
        return await future

    def call(self, function: Callable[[DuckDBStore], Any]) -> "asyncio.Future[Any]":
        """Run `function(store)` on the writer thread, between transactions
        (dev-mode queries and reset see a consistent store)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._queue.put((function, 0, loop, future))
        return future

    def _retention(self) -> None:
        from codegen.collector.retention import apply_rules

        self._next_retention = time.monotonic() + self.retention_interval
        try:
            report = apply_rules(self.db.con, self.model, datetime.now(timezone.utc), seen=self.db.seen)
        except Exception as exc:  # reported; the next pass tries again
            log.error("%s: retention failed: %s", self.description, exc)
            return
        for line in report.lines(changed_only=True)[1:]:
            log.info("%s: retention: %s", self.description, line)

    def _run(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=max(0.0, self._next_retention - time.monotonic()))
            except queue.Empty:  # between transactions: the retention's turn
                self._retention()
                continue
            if first is _STOP:
                return
            items = [first]
            events = first[1]
            linger_until = time.monotonic() + self.linger
            while events < self.max_batch_events:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    # Requests still being decoded join this commit if they
                    # come soon: one commit costs much the same for one
                    # request as for seven, and concurrent clients fall into
                    # step (a commit of one, then one of all the others).
                    wait = linger_until - time.monotonic()
                    if not self.arrivals.count or wait <= 0:
                        break
                    try:
                        item = self._queue.get(timeout=wait)
                    except queue.Empty:
                        break
                if item is _STOP:
                    self._queue.put(_STOP)
                    break
                items.append(item)
                events += item[1]
            self._process(items)

    def _process(self, items: list[Any]) -> None:
        writes = [i for i in items if isinstance(i[0], Prepared)]
        calls = [i for i in items if not isinstance(i[0], Prepared)]
        if writes:
            try:
                results: list[Any] = self.db.write([w[0] for w in writes])
            except Exception as exc:  # the store failed: nothing of these requests is acknowledged
                log.error("%s: write failed: %s", self.description, exc)
                results = [SinkUnavailable(f"the DuckDB store failed: {exc}")] * len(writes)
            with self._lock:
                self._pending -= sum(w[1] for w in writes)
            _resolve_all([(loop, future, result) for (_, _, loop, future), result in zip(writes, results)])
        for function, _, loop, future in calls:
            try:
                result = function(self.db)
            except Exception as exc:
                result = exc
            _resolve(loop, future, result)


def _resolve(loop: asyncio.AbstractEventLoop, future: asyncio.Future[Any], result: Any) -> None:
    _resolve_all([(loop, future, result)])


def _resolve_all(outcomes: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[Any], Any]]) -> None:
    """Settle futures from the writer thread: one wake-up per event loop
    for a whole transaction, not one per request."""
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], Any]]] = {}
    for loop, future, result in outcomes:
        by_loop.setdefault(loop, []).append((future, result))
    for loop, pairs in by_loop.items():
        loop.call_soon_threadsafe(_settle, pairs)


def _settle(pairs: list[tuple[asyncio.Future[Any], Any]]) -> None:
    for future, result in pairs:
        if future.done():
            continue
        if isinstance(result, BaseException):
            future.set_exception(result)
        else:
            future.set_result(result)
