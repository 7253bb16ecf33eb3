"""The collector's HTTP interface, a plain ASGI application (served by
uvicorn): POST /v1/batch, GET /health and, in dev mode, /dev/*.

Every answer is JSON. Errors are {"error": code, "message": text}; a 200
lists the accepted, duplicate and rejected events of the batch, and is sent
only once the sink holds the events durably.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any, Awaitable, Callable

from codegen.collector.decoding import (
    BatchDecoder,
    Limits,
    ProtocolError,
    TooLarge,
    decompress,
    media_type,
)
from codegen.collector.sinks import Saturated, Sink, SinkUnavailable
from codegen.collector.sinks.base import Arrivals

log = logging.getLogger("codegen.collector")

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class CollectorApp:
    def __init__(self, decoder: BatchDecoder, sink: Sink, limits: Limits, dev: Any = None,
                 privacy: Any = None) -> None:
        self.decoder = decoder
        self.sink = sink
        self.limits = limits
        self.dev = dev  # a DevStore in dev mode
        self.privacy = privacy  # a PrivacyStep: consent, client IP, pseudonyms
        self.arrivals = getattr(sink, "arrivals", None) or Arrivals()  # requests read or decoded now

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path, method = scope["path"], scope["method"]
        try:
            if path == "/v1/batch":
                if method != "POST":
                    await _error(send, 405, "method_not_allowed", "use POST", [(b"allow", b"POST")])
                    return
                await self._batch(scope, receive, send)
            elif path == "/health" and method in ("GET", "HEAD"):
                await _json(send, 200, {"status": "ok", "sink": self.sink.description})
            elif self.dev is not None and path.startswith("/dev/"):
                status, body = await self.dev.handle(method, path, scope.get("query_string", b""))
                await _json(send, status, body)
            else:
                await _error(send, 404, "not_found", f"no such endpoint: {method} {json.dumps(path[:200])}")
        except Exception:  # a bug must never take the server down or leak a traceback
            log.exception("internal error on %s %s", method, path[:200])
            await _error(send, 500, "internal", "internal error; see the collector's log")

    async def _batch(self, scope: Scope, receive: Receive, send: Send) -> None:
        received_at_us = time.time_ns() // 1000
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        self.arrivals.count += 1
        try:
            content_type = media_type(headers.get("content-type", ""))
            body = await _read_body(receive, headers, self.limits.max_request)
            body = decompress(body, headers.get("content-encoding", ""), self.limits.max_request)
            received = self.decoder.decode(body, content_type, received_at_us)
            if self.privacy is not None:
                client = scope.get("client")
                received = self.privacy.apply(received, client[0] if client else None)
        except ProtocolError as exc:
            self.arrivals.count -= 1
            await _error(send, exc.status, exc.code, exc.message)
            return
        except BaseException:
            self.arrivals.count -= 1
            raise
        self.arrivals.count -= 1
        try:
            stored = await self.sink.store(received)
        except Saturated as exc:
            await _error(send, 429, "saturated", "the collector is saturated; retry later",
                         [(b"retry-after", str(exc.retry_after).encode())])
            return
        except SinkUnavailable as exc:
            log.warning("sink unavailable: %s", exc)
            await _error(send, 503, "sink_unavailable", "the event store is unavailable; retry later",
                         [(b"retry-after", str(exc.retry_after).encode())])
            return
        if self.dev is not None:
            self.dev.record(received, stored)
        await _json(send, 200, {
            "accepted": stored.accepted,
            "duplicates": stored.duplicates,
            "rejected": [r.answer() for r in received.rejected],
        })


async def _read_body(receive: Receive, headers: dict[str, str], limit: int) -> bytes:
    """The body, or TooLarge. A body somewhat above the limit is read to its
    end (and dropped) so that the client, still sending, reads the 413
    instead of a reset connection; a far larger one is refused at once."""
    length = headers.get("content-length", "")
    if length.isdigit() and int(length) > _DRAIN_FACTOR * limit:
        raise TooLarge(f"the body has {length} bytes, more than the limit of {limit}")
    chunks = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ProtocolError("the client went away")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= limit:
            chunks.append(chunk)
        elif size > _DRAIN_FACTOR * limit:
            break
        if not message.get("more_body", False):
            break
    if size > limit:
        raise TooLarge(f"the body has more than the limit of {limit} bytes")
    return b"".join(chunks)


_DRAIN_FACTOR = 4


async def _json(send: Send, status: int, body: Any, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    payload = json.dumps(body, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + (extra or [])})
    await send({"type": "http.response.body", "body": payload})


async def _error(send: Send, status: int, code: str, message: str,
                 extra: list[tuple[bytes, bytes]] | None = None) -> None:
    await _json(send, status, {"error": code, "message": message}, extra)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
