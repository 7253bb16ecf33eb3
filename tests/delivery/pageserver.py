"""A page server for the browser delivery test, on 127.0.0.1: it serves a
folder (the page and its bundle) and forwards `POST /v1/batch` to the
collector, so the page posts to its own origin (the collector sends no CORS
headers). While no collector is set it answers 502, as a reverse proxy does
when its upstream is down. Every batch is logged with its event ids, the
status the page got and the collector's answer. Bounded: it stops after
`max_seconds` whatever happens."""

from __future__ import annotations

import http.client
import json
import threading
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .injector import batch_event_ids


@dataclass
class Posted:
    event_ids: tuple[str, ...]
    status: int
    answer: Any = None
    gzip: bool = False


@dataclass
class PageServer:
    root: Path
    event_id_field: int
    max_seconds: float = 120.0
    upstream: str | None = None  # the collector's base URL; None: down
    log: list[Posted] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, self, directory=str(self.root)))
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="pages", daemon=True)
        self._watchdog = threading.Timer(self.max_seconds, self._server.shutdown)
        self._watchdog.daemon = True

    def __enter__(self) -> PageServer:
        self._thread.start()
        self._watchdog.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._watchdog.cancel()
        self._server.shutdown()
        self._server.server_close()

    def delivered_ids(self) -> set[str]:
        with self._lock:
            return {i for p in self.log if 200 <= p.status < 300 for i in p.event_ids}

    def failed(self) -> int:
        with self._lock:
            return sum(1 for p in self.log if p.status >= 500)

    def forward(self, body: bytes, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        upstream = self.upstream
        if upstream is None:
            return 502, json.dumps({"error": "bad_gateway", "message": "the collector is down"}).encode(), {}
        parts = urlsplit(upstream)
        connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
        try:
            connection.request("POST", "/v1/batch", body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.read(), dict(response.getheaders())
        finally:
            connection.close()

    def record(self, posted: Posted) -> None:
        with self._lock:
            self.log.append(posted)


class _Handler(SimpleHTTPRequestHandler):
    def __init__(self, pages: PageServer, *args: Any, **kwargs: Any) -> None:
        self.pages = pages
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path != "/v1/batch":
            self.send_error(404)
            return
        content_type = self.headers.get("Content-Type", "")
        encoding = self.headers.get("Content-Encoding")
        headers = {"Content-Type": content_type, **({"Content-Encoding": encoding} if encoding else {})}
        status, answer, upstream_headers = self.pages.forward(body, headers)
        try:
            document = json.loads(answer)
        except ValueError:
            document = answer
        ids = batch_event_ids(body, content_type, encoding, self.pages.event_id_field)
        self.pages.record(Posted(ids, status, document, encoding == "gzip"))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        for key, value in upstream_headers.items():
            if key.lower() == "retry-after":
                self.send_header(key, value)
        self.end_headers()
        self.wfile.write(answer)
