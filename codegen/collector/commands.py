"""The bodies of `codegen collect` and `codegen load` (imported only when one
of them runs: the server, DuckDB and Kafka stay off the CLI's start-up)."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

from codegen.diagnostics import CommandFailed
from codegen.loader import load_model


def _topics(model_name: str, topic: str | None, bad_topic: str | None) -> tuple[str, str]:
    return topic or f"{model_name}.events", bad_topic or f"{model_name}.bad_events"


def run_collect(model_dir: Path, sink_spec: str, host: str, port: int, max_request_bytes: int,
                max_event_bytes: int, skew_threshold: float, max_pending_events: int, dev: bool,
                topic: str | None, bad_topic: str | None, key_property: str, sink_timeout: float,
                schema_registry: str | None,
                log_level: str, pseudonym_key_file: str | None = None, dedupe_days: float = 2.0) -> None:
    from codegen.collector.checking import ModelNotCollectable
    from codegen.collector.decoding import Limits
    from codegen.collector.pseudonyms import PseudonymKeyError, load_key
    from codegen.collector.serve import ServeOptions, build_app, serve
    from codegen.collector.sinks import SinkError, open_sink
    from codegen.collector.migrate import SchemaConflict

    model = load_model(model_dir)
    try:
        key = load_key(model, pseudonym_key_file)
    except PseudonymKeyError as exc:
        raise CommandFailed(str(exc)) from None
    limits = Limits(max_request=max_request_bytes, max_event=max_event_bytes,
                    skew_threshold_us=int(skew_threshold * 1_000_000))
    kind = sink_spec.partition(":")[0]
    if dev and kind != "duckdb":
        raise CommandFailed("--dev needs the DuckDB sink (--sink duckdb:PATH)")
    options: dict[str, object] = {"max_pending_events": max_pending_events}
    if kind == "duckdb":
        options["dedupe_window"] = dedupe_days * 86_400
    if kind == "kafka":
        good, bad = _topics(model.name, topic, bad_topic)
        options.update(topic=good, bad_topic=bad, key_property=key_property, schema_registry=schema_registry,
                       delivery_timeout_ms=int(sink_timeout * 1000))
    try:
        sink = open_sink(sink_spec, model, **options)
        app = build_app(model, sink, limits, dev, key)
        serve(app, sink, ServeOptions(host, port, dev, log_level), announce=lambda m: click.echo(m, err=True))
    except (SinkError, SchemaConflict, ModelNotCollectable, ValueError) as exc:
        raise CommandFailed(str(exc)) from None
    except OSError as exc:  # e.g. the port is taken
        raise CommandFailed(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None


def run_load(model_dir: Path, source: str, sink_spec: str, topic: str | None, bad_topic: str | None,
             group: str, until_idle: float | None, dedupe_days: float = 2.0) -> None:
    from codegen.collector.loader import load_topics
    from codegen.collector.sinks import SinkError
    from codegen.collector.migrate import SchemaConflict

    model = load_model(model_dir)
    kind, _, broker = source.partition(":")
    if kind != "kafka" or not broker:
        raise CommandFailed(f"--from must be kafka:HOST:PORT, not {source!r}")
    sink_kind, _, path = sink_spec.partition(":")
    if sink_kind != "duckdb" or not path:
        raise CommandFailed(f"--sink must be duckdb:PATH, not {sink_spec!r}")
    good, bad = _topics(model.name, topic, bad_topic)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        counts = load_topics(model, broker, path, good, bad, group, until_idle,
                             progress=lambda m: click.echo(m, err=True), dedupe_window=dedupe_days * 86_400)
    except (SinkError, SchemaConflict, ValueError) as exc:
        raise CommandFailed(str(exc)) from None
    click.echo(f"loaded {counts.accepted} events ({counts.duplicates} duplicates skipped) and "
               f"{counts.rejected} bad events into {path}")


def run_retention(model_dir: Path, sink_spec: str, as_of: str | None, dry_run: bool) -> None:
    from codegen.collector.migrate import SchemaConflict
    from codegen.collector.retention import RetentionError, apply_retention, parse_as_of
    from codegen.collector.sinks import SinkError

    model = load_model(model_dir)
    kind, _, path = sink_spec.partition(":")
    if kind != "duckdb" or not path:
        raise CommandFailed(f"--sink must be duckdb:PATH, not {sink_spec!r}")
    try:
        now_us = parse_as_of(as_of)
        report = apply_retention(model, path, now_us, dry_run)
    except (RetentionError, SinkError, SchemaConflict) as exc:
        raise CommandFailed(str(exc)) from None
    for line in report.lines():
        click.echo(line)
