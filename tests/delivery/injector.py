"""A fault injector: an HTTP proxy on 127.0.0.1 in front of a real collector
that fails a share of the requests at random (fixed seed) and records, per
request, what it did, which events the batch held and whether the client
saw the answer. Any SDK's program can be pointed at it: it only speaks the
collection protocol.

Faults (`FaultPlan.kinds`):
- "500": answered 500 without forwarding;
- "503": answered 503 with `Retry-After` without forwarding;
- "reset": the connection is reset (RST) without an answer;
- "delay": forwarded (the collector stores the batch), then the answer is
  held `delay` seconds, past the client's timeout, and written if the
  client still listens (it has given up: it must retry, and the collector
  reports duplicates).
A request whose number (1-based, POSTs only) is in `answer_400` is answered
400 without forwarding. Bounded: after `max_requests` POSTs every request
is answered 503 and marked "over_limit"; the server stops after
`max_seconds` whatever happens.
"""

from __future__ import annotations

import gzip
import http.client
import json
import random
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

FAULTS = ("500", "503", "reset", "delay")


@dataclass(frozen=True)
class FaultPlan:
    fail_share: float = 0.3
    seed: int = 12
    kinds: tuple[str, ...] = FAULTS
    retry_after: str = "1"
    delay: float = 1.0
    answer_400: frozenset[int] = frozenset()
    max_requests: int = 3000
    max_seconds: float = 180.0


@dataclass
class Seen:
    """One POST: its number, what the injector did, the events in it, the
    status the client got (None: no answer reached it) and the collector's
    answer when it was forwarded."""

    number: int
    kind: str
    event_ids: tuple[str, ...]
    client_status: int | None = None
    upstream_status: int | None = None
    upstream_answer: Any = None
    gzip: bool = False
    content_type: str = ""


@dataclass
class Log:
    requests: list[Seen] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for seen in self.requests:
            out[seen.kind] = out.get(seen.kind, 0) + 1
        return out

    def acknowledged_ids(self) -> set[str]:
        """Events whose 2xx reached the client."""
        return {i for s in self.requests if s.client_status == 200 for i in s.event_ids}


class FaultInjector:
    def __init__(self, upstream: str, plan: FaultPlan, event_id_field: int) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.plan = plan
        self.event_id_field = event_id_field
        self.log = Log()
        self._lock = threading.Lock()
        self._random = random.Random(plan.seed)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="injector", daemon=True)
        self._watchdog = threading.Timer(plan.max_seconds, self._server.shutdown)
        self._watchdog.daemon = True

    def __enter__(self) -> FaultInjector:
        self._thread.start()
        self._watchdog.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._watchdog.cancel()
        self._server.shutdown()
        self._server.server_close()

    def choose(self, ids: tuple[str, ...], content_type: str, gzipped: bool) -> Seen:
        with self._lock:
            number = len(self.log.requests) + 1
            if number > self.plan.max_requests:
                kind = "over_limit"
            elif number in self.plan.answer_400:
                kind = "400"
            elif self._random.random() < self.plan.fail_share:
                kind = self._random.choice(self.plan.kinds)
            else:
                kind = "pass"
            seen = Seen(number, kind, ids, gzip=gzipped, content_type=content_type)
            self.log.requests.append(seen)
            return seen

    def forward(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        connection = http.client.HTTPConnection(*self.upstream, timeout=60)
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.read(), dict(response.getheaders())
        finally:
            connection.close()


def _handler(injector: FaultInjector) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            content_type = self.headers.get("Content-Type", "")
            encoding = self.headers.get("Content-Encoding")
            seen = injector.choose(batch_event_ids(body, content_type, encoding, injector.event_id_field),
                                   content_type, encoding == "gzip")
            if seen.kind == "reset":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
                return
            if seen.kind in ("500", "503", "400", "over_limit"):
                status = 500 if seen.kind == "500" else 400 if seen.kind == "400" else 503
                extra = {"Retry-After": injector.plan.retry_after} if status == 503 else {}
                self._answer(seen, status, json.dumps({"error": "injected", "message": seen.kind}).encode(), extra)
                return
            headers = {"Content-Type": content_type}
            if encoding:
                headers["Content-Encoding"] = encoding
            status, answer, upstream_headers = injector.forward(self.path, body, headers)
            seen.upstream_status = status
            try:
                seen.upstream_answer = json.loads(answer)
            except ValueError:
                seen.upstream_answer = answer
            extra = {k: v for k, v in upstream_headers.items() if k.lower() == "retry-after"}
            if seen.kind == "delay":
                time.sleep(injector.plan.delay)
                try:
                    self._answer(seen, status, answer, extra, reached=False)
                except OSError:
                    pass
                return
            self._answer(seen, status, answer, extra)

        def _answer(self, seen: Seen, status: int, body: bytes, extra: dict[str, str], reached: bool = True) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for key, value in extra.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            if reached:
                seen.client_status = status

    return Handler


# --- which events a batch holds ---------------------------------------------------


def batch_event_ids(body: bytes, content_type: str, encoding: str | None, event_id_field: int) -> tuple[str, ...]:
    """The event ids of a Batch body, in order ("?" for one that cannot be read)."""
    try:
        if encoding == "gzip":
            body = gzip.decompress(body)
        if content_type.startswith("application/json"):
            return tuple(str(e.get("context", {}).get("event_id", "?")) for e in json.loads(body)["events"])
        return tuple(_envelope_id(env, event_id_field) for number, env in _fields(body) if number == 1)
    except (ValueError, KeyError, OSError, EOFError, AttributeError):
        return ("<unreadable>",)


def _envelope_id(envelope: bytes, event_id_field: int) -> str:
    for number, context in _fields(envelope):
        if number == 1:
            for inner, value in _fields(context):
                if inner == event_id_field:
                    return value.decode("utf-8")
    return "?"


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def _fields(data: bytes) -> list[tuple[int, bytes]]:
    """Length-delimited fields of a message (others skipped)."""
    out = []
    at = 0
    while at < len(data):
        key, at = _varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            _, at = _varint(data, at)
        elif wire == 1:
            at += 8
        elif wire == 5:
            at += 4
        elif wire == 2:
            size, at = _varint(data, at)
            out.append((number, data[at:at + size]))
            at += size
        else:
            raise ValueError(f"wire type {wire}")
    return out


def event_id_field(model: Any) -> int:
    """The context field number of the automatic event_id."""
    from codegen.ir import AutoValue

    return next(p.number for p in model.context.properties if p.auto is AutoValue.EVENT_ID)
