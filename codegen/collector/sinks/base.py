"""The sink interface (see codegen.collector.sinks) and its errors."""

from __future__ import annotations

from typing import Protocol

from codegen.collector.records import Received, Stored


class SinkError(Exception):
    """The sink cannot be opened (bad path, file locked, broker unreachable)."""


class Saturated(Exception):
    """Too many events wait to be written; the client should retry later."""

    retry_after = 1


class SinkUnavailable(Exception):
    """The store failed; nothing of the request is acknowledged."""

    retry_after = 5


class Arrivals:
    """How many requests the server is reading or decoding right now. A sink
    that groups commits may wait a little for them (the DuckDB writer does);
    the server counts, the sink only reads."""

    def __init__(self) -> None:
        self.count = 0


class Sink(Protocol):
    description: str

    def start(self) -> None: ...

    async def store(self, received: Received) -> Stored: ...

    def close(self) -> None: ...
