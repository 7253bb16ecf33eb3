# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""HttpTransport: the built-in delivery to the collector (docs/delivery.md).

The tracker's thread only appends the encoded envelope to an in-memory
buffer. Two daemon threads do the rest: the *persister* moves the buffer
into the queue file (SQLite) and enforces its caps; the *sender* forms
batches from the head of the queue, posts one request at a time and acts on
the answer. Events leave the queue only after a 2xx, or when dropped (each
drop reported to on_error)."""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import random
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .batch import BATCH_OVERHEAD, encode_batch, record_size
from .errors import SdkError
from .options import DeliveryOptions
from .reports import (
    CLIENT_ERROR,
    CONSENT_WITHDRAWN,
    DROP_REASONS,
    EXPIRED,
    QUEUE_FULL,
    REJECTED,
    RETRIES_EXHAUSTED,
    STORAGE_ERROR,
    TOO_LARGE,
    DeliveryCounters,
    DeliveryError,
    DroppedEvent,
)
from .sending import Answer, Outcome, Poster
from .storage import QueueError, Row, SqliteQueue, stored_purposes
from .timestamp import Timestamp

Report = Callable[[SdkError], None]
_PACKAGE = __name__.split(".")[0]
# Events the in-memory buffer holds at least before the newest are dropped
# (only when the queue file takes nothing: a stuck disk).
BUFFER_MIN = 10_000


class _Flush:
    """A flush() waiting for every event handed over before it."""

    __slots__ = ("target", "done")

    def __init__(self) -> None:
        self.target: int | None = None  # the queue's last seq when it was reached
        self.done = threading.Event()


class _Purge:
    """Purposes withdrawn: the persister deletes what needs them, in order
    with the events handed over before; no batch is taken meanwhile."""

    __slots__ = ("purposes",)

    def __init__(self, purposes: frozenset[str]) -> None:
        self.purposes = purposes


class HttpTransport:
    """Delivers tracked events to a collector: `HttpTransport(url, options)`
    where `url` is the collector's base URL (requests go to `<url>/v1/batch`).

    `flush(timeout)` sends everything handed over so far; `close(timeout)`
    flushes and stops (also run at interpreter exit, for at most
    `options.exit_timeout`); `counters()` tells what happened so far. Every
    dropped event is reported to `on_error` (else to the tracker's)."""

    def __init__(
        self,
        url: str,
        options: DeliveryOptions | None = None,
        *,
        on_error: Report | None = None,
    ) -> None:
        self.options = options = options if options is not None else DeliveryOptions()
        self.wire_format = options.wire_format
        self.url = url
        self._poster = Poster(
            url,
            options.request_timeout,
            options.headers,
            _PACKAGE,
            options.gzip_min_bytes,
        )
        self._on_error = on_error
        self._bound: Report | None = None
        self._buffer: deque[Any] = deque()
        self._buffer_max = max(options.queue_max_events, BUFFER_MIN)
        self._overflow: deque[tuple[str, str]] = deque()
        self._wake = threading.Event()
        self._cond = threading.Condition()
        self._ready = threading.Event()
        self._closed = False
        self._stopping = False
        self._store: SqliteQueue | None = None
        self._flushes: list[_Flush] = []
        self._flush_markers = 0  # _Flush objects in the buffer
        self._purges = 0  # _Purge objects in the buffer: no batch is taken then
        self._splits: deque[list[int]] = deque()
        self._in_flight: set[int] = set()
        self._failures = 0
        self._backoff_until = 0.0
        self._next_expiry = 0.0
        self._random = random.Random()
        self._tracked = self._sent = self._retried = self._requests = 0
        self._dropped = dict.fromkeys(DROP_REASONS, 0)
        self._threads = [
            threading.Thread(
                target=self._persist_loop, name="delivery-persist", daemon=True
            ),
            threading.Thread(target=self._send_loop, name="delivery-send", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        atexit.register(self._at_exit)

    # --- the tracker's side (no I/O) -------------------------------------------

    def bind(self, sdk: Any, report: Report) -> None:
        """Called by the Tracker: its identity and its error handler."""
        self._bound = report
        if "User-Agent" not in self.options.headers:
            self._poster.headers["User-Agent"] = f"{sdk.name}/{sdk.version} (python)"

    def enqueue(
        self,
        event_name: str,
        event_id: str,
        body: bytes,
        purposes: Iterable[str] = (),
    ) -> None:
        """Hand over one envelope in `wire_format` (`purposes`: those it
        needs, for `purge`); returns at once."""
        if self._closed:
            raise SdkError("the transport is closed")
        buffer = self._buffer
        if len(buffer) >= self._buffer_max:  # the persister is stuck
            self._overflow.append((event_id, event_name))
            return
        buffer.append(
            (event_id, event_name, self.wire_format, body, stored_purposes(purposes))
        )
        if len(buffer) == 1:
            self._wake.set()

    def purge(self, purposes: Iterable[str]) -> None:
        """The user withdrew `purposes`: every event handed over that needs
        one of them and is not in a request already sent is deleted before
        the next request (dropped as `consent_withdrawn`, reported)."""
        withdrawn = frozenset(purposes)
        if not withdrawn:
            return
        with self._cond:
            self._purges += 1
        self._buffer.append(_Purge(withdrawn))
        self._wake.set()

    # --- the app's controls ---------------------------------------------------------

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every event handed over before this call was sent or
        dropped (True), or `timeout` seconds passed (False). Backoff waits
        and Retry-After are honoured, never cut short."""
        if self._stopping:
            return self.counters().queued == 0
        request = _Flush()
        with self._cond:
            self._flush_markers += 1
        self._buffer.append(request)
        self._wake.set()
        return request.done.wait(timeout)

    def close(self, timeout: float | None = None) -> bool:
        """Flush for at most `timeout` seconds, then stop (waiting for a
        request in flight, at most `request_timeout`); what is still queued
        stays in the queue file for the next start. True when nothing was
        left."""
        if self._closed:
            return self.counters().queued == 0
        self._closed = True
        done = self.flush(timeout)
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._wake.set()
        deadline = time.monotonic() + self.options.request_timeout + 1.0
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        if not any(thread.is_alive() for thread in self._threads):
            self._poster.close()
            if self._store is not None:
                self._store.close()
        atexit.unregister(self._at_exit)
        return done

    def __enter__(self) -> HttpTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _at_exit(self) -> None:
        self.close(self.options.exit_timeout)

    def counters(self) -> DeliveryCounters:
        with self._cond:
            store = self._store
            return DeliveryCounters(
                tracked=self._tracked + len(self._overflow),
                buffered=max(0, len(self._buffer) - self._flush_markers),
                queued=store.count if store is not None else 0,
                in_flight=len(self._in_flight),
                sent=self._sent,
                retried=self._retried,
                requests=self._requests,
                dropped=dict(self._dropped),
            )

    # --- reporting --------------------------------------------------------------

    def _report(self, error: SdkError) -> None:
        handler = self._on_error or self._bound
        try:
            if handler is None:
                logging.getLogger(_PACKAGE).warning("%s", error)
            else:
                handler(error)
        except Exception:  # a failing handler must not stop delivery
            logging.getLogger(__name__).exception("on_error raised")

    def _drop(
        self, reason: str, rows: list[Row], detail: str = "", status: int | None = None
    ) -> None:
        if not rows:
            return
        with self._cond:
            self._dropped[reason] += len(rows)
        events = [DroppedEvent(r.event_id, r.event_name) for r in rows]
        self._report(DeliveryError(reason, events, detail, status))

    # --- the persister thread ---------------------------------------------------

    def _persist_loop(self) -> None:
        self._store = self._open_store()
        self._ready.set()
        with self._cond:
            self._cond.notify_all()
        while True:
            self._wake.wait()
            self._wake.clear()
            self._persist_buffer()
            if self._stopping and not self._buffer:
                return

    def _open_store(self) -> SqliteQueue:
        options = self.options
        if not options.persist:
            return SqliteQueue(None)
        folder = options.queue_dir or str(default_queue_dir(self.url))
        try:
            return SqliteQueue(folder)
        except QueueError as exc:
            self._report(SdkError(f"{exc}; events are kept in memory only"))
            return SqliteQueue(None)

    def _persist_buffer(self) -> None:
        store = self._store
        assert store is not None
        entries: list[tuple[str, str, str, bytes]] = []
        flushes: list[_Flush] = []
        while True:
            try:
                item = self._buffer.popleft()
            except IndexError:
                break
            if type(item) is _Flush:
                with self._cond:
                    self._flush_markers -= 1
                self._store_entries(store, entries)
                entries = []
                item.target = store.last_seq()
                flushes.append(item)
            elif type(item) is _Purge:
                self._store_entries(store, entries)
                entries = []
                self._purge_store(store, item.purposes)
            else:
                entries.append(item)
        self._store_entries(store, entries)
        overflow = []
        while self._overflow:
            overflow.append(self._overflow.popleft())
        if overflow:
            self._drop(
                QUEUE_FULL, [_row(*item) for item in overflow], "the buffer was full"
            )
        with self._cond:
            keep = set(self._in_flight)
        victims = store.over_caps(
            self.options.queue_max_events, self.options.queue_max_bytes, keep
        )
        if victims:
            store.delete(r.seq for r in victims)
            self._drop(QUEUE_FULL, victims, "the queue was full: the oldest went first")
        with self._cond:
            self._flushes += flushes
            self._check_flushes()
            self._cond.notify_all()

    def _purge_store(self, store: SqliteQueue, purposes: frozenset[str]) -> None:
        with self._cond:
            keep = set(self._in_flight)  # already on the wire: cannot be recalled
        victims = store.needing(purposes, keep)
        if victims:
            store.delete(r.seq for r in victims)
            withdrawn = ", ".join(sorted(purposes))
            self._drop(CONSENT_WITHDRAWN, victims, f"consent withdrawn: {withdrawn}")
        with self._cond:
            self._purges -= 1
            self._check_flushes()
            self._cond.notify_all()

    def _store_entries(self, store: SqliteQueue, entries: list[Any]) -> None:
        if not entries:
            return
        try:
            store.insert(entries, _now_ms())
        except Exception as exc:  # a broken disk must not break the app
            self._drop(STORAGE_ERROR, [_row(e[0], e[1]) for e in entries], repr(exc))
        with self._cond:
            self._tracked += len(entries)

    # --- the sender thread ------------------------------------------------------

    def _send_loop(self) -> None:
        self._ready.wait()
        while True:
            rows = self._next_batch()
            if rows is None:
                return
            try:
                self._attempt(rows)
            except Exception as exc:  # never let the thread die silently
                self._report(SdkError(f"delivery failed: {exc!r}"))
                with self._cond:
                    self._backoff_until = time.monotonic() + self.options.backoff_max
            finally:
                with self._cond:
                    self._in_flight = set()
                    self._check_flushes()

    def _next_batch(self) -> list[Row] | None:
        with self._cond:
            while True:
                if self._stopping:
                    return None
                wait: float | None = self._backoff_until - time.monotonic()
                if self._purges:
                    wait = None  # until the persister has purged
                elif wait is not None and wait <= 0:
                    due, wait = self._due()
                    if due:
                        rows = self._take_batch()
                        if rows:
                            self._in_flight = {r.seq for r in rows}
                            return rows
                        continue
                self._cond.wait(wait)

    def _due(self) -> tuple[bool, float | None]:
        """Whether to send now, else how long to wait (None: until woken)."""
        store = self._store
        assert store is not None
        options = self.options
        now_ms = _now_ms()
        if time.monotonic() >= self._next_expiry:
            self._next_expiry = time.monotonic() + 1.0
            cutoff = now_ms - int(options.queue_max_age * 1000)
            expired = store.older_than(cutoff)
            if expired:
                store.delete(r.seq for r in expired)
                self._cond.release()
                try:
                    self._drop(EXPIRED, expired, "older than queue_max_age")
                finally:
                    self._cond.acquire()
        oldest = store.oldest()
        if oldest is None:
            return False, None
        if self._splits or store.count >= options.batch_max_events:
            return True, 0.0
        if store.bytes >= options.batch_max_bytes:
            return True, 0.0
        if any(f.target is not None and f.target >= oldest[0] for f in self._flushes):
            return True, 0.0
        age = (now_ms - oldest[1]) / 1000
        if age >= options.flush_interval:
            return True, 0.0
        return False, min(options.flush_interval - age, 1.0)

    def _take_batch(self) -> list[Row]:
        store = self._store
        assert store is not None
        options = self.options
        while self._splits:
            rows = store.rows(self._splits[0])
            if rows:
                break
            self._splits.popleft()  # its events were dropped meanwhile
        else:
            rows = store.head(options.batch_max_events)
        batch: list[Row] = []
        size = BATCH_OVERHEAD
        for row in rows:
            if batch and row.wire_format != batch[0].wire_format:
                break
            size += record_size(row.size, row.wire_format)
            if batch and size > options.batch_max_bytes:
                break
            batch.append(row)
        return batch

    def _attempt(self, rows: list[Row]) -> None:
        wire_format = rows[0].wire_format
        sent_at = Timestamp.now()  # on every attempt, retries included
        body = encode_batch([r.body for r in rows], sent_at, wire_format)
        answer = self._poster.post(body, wire_format)
        with self._cond:
            self._requests += 1
            from_split = bool(self._splits) and self._splits[0] == [r.seq for r in rows]
            if from_split and answer.outcome is not Outcome.RETRY:
                self._splits.popleft()
        if answer.outcome is Outcome.DELIVERED:
            self._delivered(rows, answer)
        elif answer.outcome is Outcome.SPLIT:
            self._split(rows, answer)
        elif answer.outcome is Outcome.DROP:
            self._store_delete(rows)
            self._reset_backoff()
            self._drop(CLIENT_ERROR, rows, answer.detail, answer.status)
        else:
            self._retry(rows, answer, from_split)

    def _store_delete(self, rows: list[Row]) -> None:
        assert self._store is not None
        self._store.delete(r.seq for r in rows)

    def _reset_backoff(self) -> None:
        with self._cond:
            self._failures = 0
            self._backoff_until = 0.0

    def _delivered(self, rows: list[Row], answer: Answer) -> None:
        self._store_delete(rows)
        self._reset_backoff()
        rejected = {
            r.index: r.reasons for r in answer.rejected if 0 <= r.index < len(rows)
        }
        with self._cond:
            self._sent += len(rows) - len(rejected)
            self._dropped[REJECTED] += len(rejected)
        if rejected:
            events = [
                DroppedEvent(rows[i].event_id, rows[i].event_name, reasons)
                for i, reasons in sorted(rejected.items())
            ]
            self._report(
                DeliveryError(
                    REJECTED, events, "the collector rejected them", answer.status
                )
            )

    def _split(self, rows: list[Row], answer: Answer) -> None:
        if len(rows) == 1:
            self._store_delete(rows)
            self._drop(TOO_LARGE, rows, answer.detail, answer.status)
            return
        half = (len(rows) + 1) // 2
        with self._cond:
            self._splits.appendleft([r.seq for r in rows[half:]])
            self._splits.appendleft([r.seq for r in rows[:half]])

    def _retry(self, rows: list[Row], answer: Answer, from_split: bool) -> None:
        options = self.options
        with self._cond:
            self._failures += 1
            if answer.retry_after is not None:
                delay = min(answer.retry_after, options.retry_after_max)
            else:
                ceiling = options.backoff_base * 2 ** min(self._failures - 1, 32)
                delay = self._random.uniform(0, min(options.backoff_max, ceiling))
            self._backoff_until = time.monotonic() + delay
        assert self._store is not None
        now_ms = _now_ms()
        updated = self._store.failed([r.seq for r in rows], now_ms)
        max_age_ms = options.max_retry_age * 1000
        exhausted = [
            r
            for r in updated
            if r.attempts >= options.max_attempts
            or now_ms - (r.first_attempt_ms or now_ms) >= max_age_ms
        ]
        if exhausted:
            self._store.delete(r.seq for r in exhausted)
            status = (
                f"HTTP {answer.status}" if answer.status is not None else "no answer"
            )
            self._drop(
                RETRIES_EXHAUSTED, exhausted, f"last attempt: {status} {answer.detail}"
            )
        with self._cond:
            self._retried += len(updated) - len(exhausted)

    def _check_flushes(self) -> None:
        """Under the lock: release every flush whose events are all gone."""
        if not self._flushes or self._store is None:
            return
        oldest = self._store.oldest()
        waiting = []
        for flush in self._flushes:
            if flush.target is not None and (
                oldest is None or oldest[0] > flush.target
            ):
                flush.done.set()
            else:
                waiting.append(flush)
        self._flushes = waiting


def _row(event_id: str, event_name: str) -> Row:
    return Row(0, event_id, event_name, "", b"", 0, 0, 0, None)


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def default_queue_dir(url: str) -> Path:
    """`<user cache folder>/<package>/delivery/<hash of the URL>`."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
    return base / _PACKAGE / "delivery" / digest
