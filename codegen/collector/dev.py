"""Dev mode, for an app team's tests (like Snowplow Micro): what was received,
good and bad, with filters, and a reset.

    GET  /dev/all                 {"total": N, "good": N, "bad": N}
    GET  /dev/good?event=page_view&context.app_name=News%20web&limit=10
    GET  /dev/bad?event=page_view&limit=10
    POST /dev/reset               forget everything (also the stored rows)

Good events are listed with their canonical JSON envelope, newest last;
bad ones with their reasons and raw bytes (base64). Kept in memory, at most
`capacity` of each; the sink keeps the rows as usual.
"""

from __future__ import annotations

import base64
import json
from collections import deque
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from codegen.collector.records import Accepted, Received, Stored
from codegen.templates.python.runtime.codec import json_message
from codegen.templates.python.runtime.timestamp import Timestamp


def _rfc3339(micros: int | None) -> str | None:
    if micros is None:
        return None
    seconds, rest = divmod(micros, 1_000_000)
    return Timestamp(seconds, rest * 1000).to_rfc3339()


class DevStore:
    def __init__(self, sink: Any, views: Callable[[Accepted], tuple[Any, Any]], capacity: int = 10_000) -> None:
        self.sink = sink
        self.views = views  # an accepted event's context and payload as the runtime's messages
        self.good: deque[dict[str, Any]] = deque(maxlen=capacity)
        self.bad: deque[dict[str, Any]] = deque(maxlen=capacity)

    def record(self, received: Received, stored: Stored) -> None:
        for event in received.accepted:
            if event.event_id in stored.duplicate_ids:
                continue
            context, payload = self.views(event)
            envelope = {"context": json_message(context), event.event: json_message(payload)}
            self.good.append({"event": event.event, "event_id": event.event_id,
                              "received_at": _rfc3339(received.received_at_us),
                              "sent_at": _rfc3339(received.sent_at_us),
                              "event_time": _rfc3339(event.event_time_us), "envelope": envelope})
        for bad in received.rejected:
            self.bad.append({"event": bad.event, "event_id": bad.event_id, "index": bad.index,
                             "received_at": _rfc3339(received.received_at_us),
                             "content_type": received.content_type, "reasons": bad.reasons,
                             "raw_base64": base64.b64encode(bad.raw).decode("ascii")})

    async def handle(self, method: str, path: str, query: bytes) -> tuple[int, Any]:
        params = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
        if path == "/dev/reset":
            if method != "POST":
                return 405, {"error": "method_not_allowed", "message": "use POST /dev/reset"}
            self.good.clear()
            self.bad.clear()
            store = getattr(self.sink, "db", None)
            if hasattr(self.sink, "call") and hasattr(store, "reset"):
                await self.sink.call(lambda s: s.reset())
            return 200, {"reset": True}
        if method != "GET":
            return 405, {"error": "method_not_allowed", "message": "use GET"}
        if path == "/dev/all":
            return 200, {"total": len(self.good) + len(self.bad), "good": len(self.good), "bad": len(self.bad)}
        if path in ("/dev/good", "/dev/bad"):
            try:
                items = self._filter(self.good if path == "/dev/good" else self.bad, params)
            except ValueError as exc:
                return 400, {"error": "bad_request", "message": str(exc)}
            return 200, items
        return 404, {"error": "not_found", "message": f"no such endpoint: {json.dumps(path[:200])}"}

    @staticmethod
    def _filter(items: deque[dict[str, Any]], params: list[tuple[str, str]]) -> list[dict[str, Any]]:
        limit = None
        tests = []
        for key, value in params:
            if key == "limit":
                if not value.isdigit():
                    raise ValueError("limit must be a whole number")
                limit = int(value)
            elif key in ("event", "event_id"):
                tests.append((lambda item, k=key, v=value: item.get(k) == v))
            elif key.startswith("context."):
                name = key[len("context."):]
                tests.append((lambda item, n=name, v=value: _context_text(item, n) == v))
            else:
                raise ValueError(f"unknown filter {json.dumps(key[:100])}; use event, event_id, context.NAME, limit")
        out = [item for item in items if all(test(item) for test in tests)]
        return out[max(0, len(out) - limit):] if limit is not None else out


def _context_text(item: dict[str, Any], name: str) -> str | None:
    context = item.get("envelope", {}).get("context", {})
    if name not in context:
        return None
    value = context[name]
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, separators=(",", ":"))
