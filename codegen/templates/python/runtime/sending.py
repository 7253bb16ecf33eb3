# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""One request of the collection protocol (`POST <url>/v1/batch`) and what
its answer means for the events in it (docs/delivery.md, "Answers")."""

from __future__ import annotations

import email.utils
import enum
import gzip
import http.client
import json
import math
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

CONTENT_TYPES = {"protobuf": "application/x-protobuf", "json": "application/json"}
BATCH_PATH = "/v1/batch"
# A kept-alive connection idle this long is opened again rather than reused:
# servers close idle ones (uvicorn after 5 s) and a request on a closed one
# fails for nothing.
IDLE_REOPEN = 4.0


class Outcome(enum.Enum):
    DELIVERED = "delivered"  # 2xx: the events are stored (or rejected one by one)
    SPLIT = "split"  # 413: send the batch again in halves
    DROP = "drop"  # another 4xx: never sent again
    RETRY = "retry"  # 408, 429, 5xx, any other status, a network error


@dataclass(frozen=True)
class Rejection:
    index: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Answer:
    outcome: Outcome
    status: int | None  # None: no answer (network error, timeout)
    detail: str  # the error's message, or the collector's
    retry_after: float | None = None  # seconds, from Retry-After
    rejected: tuple[Rejection, ...] = field(default=())


def classify(status: int, body: bytes, retry_after: str | None) -> Answer:
    detail = _message(body)
    wait = parse_retry_after(retry_after)
    if 200 <= status < 300:
        return Answer(Outcome.DELIVERED, status, detail, None, _rejections(body))
    if status == 413:
        return Answer(Outcome.SPLIT, status, detail)
    if 400 <= status < 500 and status not in (408, 429):
        return Answer(Outcome.DROP, status, detail)
    return Answer(Outcome.RETRY, status, detail, wait)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait: delay-seconds or an HTTP-date (RFC 9110)."""
    if value is None:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = moment.timestamp() - time.time()
    if math.isnan(seconds):
        return None
    return max(0.0, seconds)


def _message(body: bytes) -> str:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return body[:200].decode("utf-8", "replace")
    if isinstance(document, dict):
        text = document.get("message") or document.get("error")
        if isinstance(text, str):
            return text
    return ""


def _rejections(body: bytes) -> tuple[Rejection, ...]:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return ()
    rejected = document.get("rejected") if isinstance(document, dict) else None
    out = []
    for item in rejected if isinstance(rejected, list) else ():
        if isinstance(item, dict) and type(item.get("index")) is int:
            reasons = item.get("reasons")
            texts = (
                [r for r in reasons if isinstance(r, str)]
                if isinstance(reasons, list)
                else []
            )
            out.append(Rejection(item["index"], tuple(texts)))
    return tuple(out)


class Poster:
    """Posts batches to one collector over one kept-alive connection,
    opened again after any failure."""

    def __init__(
        self,
        url: str,
        timeout: float,
        headers: Mapping[str, str],
        user_agent: str,
        gzip_min_bytes: int,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                f"the collector URL must be http(s)://host[:port][/path], not {url!r}"
            )
        self.https = parts.scheme == "https"
        self.host = parts.hostname
        self.port = parts.port
        self.path = parts.path.rstrip("/") + BATCH_PATH
        self.timeout = timeout
        self.headers = {
            "User-Agent": user_agent,
            "Accept": "application/json",
            **headers,
        }
        self.gzip_min_bytes = gzip_min_bytes
        self._connection: http.client.HTTPConnection | None = None
        self._last_used = 0.0

    def post(self, body: bytes, wire_format: str) -> Answer:
        headers = {**self.headers, "Content-Type": CONTENT_TYPES[wire_format]}
        if len(body) > self.gzip_min_bytes:
            body = gzip.compress(body, compresslevel=6, mtime=0)
            headers["Content-Encoding"] = "gzip"
        try:
            connection = self._connect()
            connection.request("POST", self.path, body=body, headers=headers)
            response = connection.getresponse()
            answer_body = response.read()
            status, retry_after = response.status, response.getheader("Retry-After")
            self._last_used = time.monotonic()
            if response.will_close:
                self.close()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            kind = (
                "timed out" if isinstance(exc, socket.timeout) else type(exc).__name__
            )
            return Answer(Outcome.RETRY, None, f"{kind}: {exc}".rstrip(": "))
        return classify(status, answer_body, retry_after)

    def _connect(self) -> http.client.HTTPConnection:
        now = time.monotonic()
        if now - self._last_used > IDLE_REOPEN:
            self.close()
        self._last_used = now
        if self._connection is None:
            factory = (
                http.client.HTTPSConnection
                if self.https
                else http.client.HTTPConnection
            )
            self._connection = factory(self.host, self.port, timeout=self.timeout)
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
