"""Where accepted and rejected events go. A sink is a small interface, so a
warehouse sink can be added without touching the server:

- `start()` opens it (raises SinkError with a readable message);
- `await store(received)` returns once every event of the request is
  durable, with the counts of new and duplicate events; it raises
  `Saturated` (the server answers 429) or `SinkUnavailable` (503);
- `close()` flushes and releases it.
"""

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


class Sink(Protocol):
    description: str

    def start(self) -> None: ...

    async def store(self, received: Received) -> Stored: ...

    def close(self) -> None: ...


def open_sink(spec: str, model: object, **options: object) -> Sink:
    """`duckdb:PATH` or `kafka:HOST:PORT` (see docs/collector.md)."""
    kind, _, target = spec.partition(":")
    if kind == "duckdb" and target:
        from codegen.collector.sinks.duckdb import DuckDBSink

        return DuckDBSink(target, model, **options)  # type: ignore[arg-type]
    if kind == "kafka" and target:
        from codegen.collector.sinks.kafka import KafkaSink

        return KafkaSink(target, model, **options)  # type: ignore[arg-type]
    raise SinkError(f"unknown sink {spec!r}; use duckdb:PATH or kafka:HOST:PORT")
