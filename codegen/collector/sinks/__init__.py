"""Where accepted and rejected events go. A sink is a small interface, so a
warehouse sink can be added without touching the server:

- `start()` opens it (raises SinkError with a readable message);
- `await store(received)` returns once every event of the request is
  durable, with the counts of new and duplicate events; it raises
  `Saturated` (the server answers 429) or `SinkUnavailable` (503);
- `close()` flushes and releases it.
"""

from __future__ import annotations

from codegen.collector.sinks.base import Saturated, Sink, SinkError, SinkUnavailable

__all__ = ["Saturated", "Sink", "SinkError", "SinkUnavailable", "open_sink"]


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
