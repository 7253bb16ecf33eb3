"""The `codegen` command line.

Exit codes: 0 success, 1 model errors or stale output, 2 usage errors,
3 an internal error (reported without a traceback unless CODEGEN_DEBUG=1).
"""

from __future__ import annotations

import io
import functools
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable

import click
from click.core import ParameterSource

from codegen import __version__
from codegen.command_options import SOURCE_OPTION, TARGET_OPTION
from codegen.terminal import echo

EXIT_MODEL = 1
EXIT_INTERNAL = 3


class Settings:
    def __init__(self, model: Path, templates: tuple[Path, ...]) -> None:
        self.model = model
        self.templates = templates


OUT_OPTION = click.option(
    "--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("generated"),
    show_default=True, help="Output root; each target writes to OUT/<target>/.",
)


QUIET_OPTION = click.option("--quiet", "-q", is_flag=True, help="Print errors only (no progress, no summary).")


def accepts_model_argument(command: click.Command) -> click.Command:
    """Let a command that reads the model take its folder as an optional last
    argument too (`codegen validate event_model`), as buf and protoc users type."""
    if getattr(command, "_codegen_model_argument", False):
        return command
    command.params.append(click.Argument(["model_dir"], required=False, metavar="[MODEL]",
                                         type=click.Path(file_okay=False, path_type=Path)))
    inner = command.callback
    assert inner is not None

    @functools.wraps(inner)
    def callback(*args: Any, model_dir: Path | None = None, **kwargs: Any) -> Any:
        if model_dir is not None:
            ctx = click.get_current_context()
            settings = ctx.find_object(Settings)
            assert settings is not None and ctx.parent is not None
            given = ctx.parent.get_parameter_source("model") is ParameterSource.COMMANDLINE
            if given and settings.model.resolve() != model_dir.resolve():
                raise click.UsageError(f"the model is given twice: --model {settings.model} and {model_dir}")
            settings.model = model_dir
        return inner(*args, **kwargs)

    command.callback = callback
    command._codegen_model_argument = True  # type: ignore[attr-defined]
    return command


class LazyGroup(click.Group):
    """Loads the model-evolution and release commands only when one of them
    is used, so the common commands (an up-to-date `build` above all) start fast."""

    LAZY = {"diff": ("codegen.evolution.commands", "diff_command"),
            "version-check": ("codegen.evolution.commands", "version_check_command"),
            "changelog": ("codegen.evolution.commands", "changelog_command"),
            "package": ("codegen.release.commands", "package_command"),
            "publish": ("codegen.release.commands", "publish_command")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.LAZY])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.LAZY:
            import importlib

            module, attr = self.LAZY[name]
            return accepts_model_argument(getattr(importlib.import_module(module), attr))
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="codegen")
@click.option("--model", "-m", type=click.Path(path_type=Path), default=Path("event_model"), show_default=True,
              help="Folder with the event model's YAML files.")
@click.option("--templates", "template_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder of template overrides, laid out as <target>/<template> (repeatable).")
@click.pass_context
def cli(ctx: click.Context, model: Path, template_dirs: tuple[Path, ...]) -> None:
    """Typed analytics SDKs (TypeScript, Kotlin, Swift, Python) from one event model."""
    ctx.obj = Settings(model, template_dirs)


def model_command(*args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], click.Command]:
    """`cli.command` for a command that reads the model (takes [MODEL] too)."""
    def decorate(func: Callable[..., Any]) -> click.Command:
        return accepts_model_argument(cli.command(*args, **kwargs)(func))

    return decorate


@model_command()
@click.pass_obj
def validate(settings: Settings) -> None:
    """Check the model and report every problem with its location."""
    from codegen.build import load_checked_model

    model = load_checked_model(settings.model)
    echo(f"{settings.model}: {model.name} {model.version} is valid "
         f"({len(model.events)} events, {len(model.enums)} enums, {len(model.objects)} objects)")


@model_command()
@TARGET_OPTION
@SOURCE_OPTION
@OUT_OPTION
@click.option("--force", is_flag=True, help="Render even when nothing changed since the last build.")
@QUIET_OPTION
@click.pass_obj
def build(settings: Settings, targets: tuple[str, ...], sources: tuple[str, ...], out: Path, force: bool,
          quiet: bool) -> None:
    """Render the SDKs into OUT/<target>/, and each source's into OUT/sources/<source>/<target>/."""
    from codegen.build import build as run_build
    from codegen.release.terminal import ProgressBar

    started = time.perf_counter()
    bar = ProgressBar.maybe(quiet, "rendering")
    try:
        results = run_build(settings.model, out, targets, settings.templates, force, sources or None, bar)
    finally:
        if bar is not None:
            bar.close()
    if quiet:
        return
    for result in results:
        if result.cached:
            echo(f"{result.target}: up to date ({result.files} files)")
        else:
            echo(f"{result.target}: {result.files} files, {result.written} written, {result.deleted} removed")
    echo(f"done in {time.perf_counter() - started:.2f}s")


@model_command()
@TARGET_OPTION
@SOURCE_OPTION
@OUT_OPTION
@click.pass_obj
def check(settings: Settings, targets: tuple[str, ...], sources: tuple[str, ...], out: Path) -> None:
    """Fail (exit 1) when OUT differs from what the model produces."""
    from codegen.build import check as run_check

    differences = run_check(settings.model, out, targets, settings.templates, sources or None)
    for diff in differences:
        echo(f"{diff.status}: {out / diff.path}")
    if differences:
        echo(f"{len(differences)} generated files are out of date; run 'codegen build'", err=True)
        sys.exit(EXIT_MODEL)
    echo("generated files are up to date")


@cli.command(name="targets")
def list_targets() -> None:
    """List the registered targets."""
    from codegen.targets import registered_targets

    for name, target in registered_targets().items():
        echo(f"{name:12} {target.description}")


@model_command()
@click.argument("kind", type=click.Choice(["proto", "jsonschema", "sql", "privacy"]))
@click.option("--out", "-o", type=click.Path(path_type=Path),
              help="File (proto, sql, privacy) or folder (jsonschema) to write; default: standard output.")
@click.option("--format", "form", type=click.Choice(["markdown", "csv", "json"]), default="markdown",
              show_default=True, help="privacy: the form of the data inventory.")
@click.pass_obj
def export(settings: Settings, kind: str, out: Path | None, form: str) -> None:
    """Export the model as a .proto file, JSON Schemas (one per event), the
    DuckDB DDL of the collector's tables, or the record of processing (the
    data inventory of every value: class, purposes, lawful basis, retention)."""
    from codegen.exports.jsonschema import render_jsonschemas
    from codegen.exports.privacy import render_inventory
    from codegen.exports.proto import render_proto
    from codegen.exports.sql import render_sql
    from codegen.loader import load_model
    from codegen.output import encode, write_file, write_tree

    model = load_model(settings.model)
    if kind in ("proto", "sql", "privacy"):
        text = (render_proto(model) if kind == "proto" else render_sql(model) if kind == "sql"
                else render_inventory(model, form))
        if out is None:
            echo(text, nl=False)
        else:
            write_file(out, text)
        return
    schemas = render_jsonschemas(model)
    if out is None:
        echo("\n".join(s.content for s in schemas), nl=False)
    else:
        write_tree(out, encode(schemas))


def _dedupe_option(func: Any) -> Any:
    """The DuckDB store's dedupe window, shared by `collect` and `load`."""
    return click.option("--dedupe-days", default=2.0, show_default=True, type=click.FloatRange(0, min_open=True),
                        help="DuckDB: a replayed event_id received within this many days of the first is "
                             "stored once; the ids of the window are held in memory.")(func)


def _collector_options(func: Any) -> Any:
    """Options of the Kafka sink, shared by `collect` and `load`."""
    func = click.option("--topic", default=None, metavar="NAME",
                        help="Kafka topic of good events. Default: <model name>.events.")(func)
    func = click.option("--bad-topic", default=None, metavar="NAME",
                        help="Kafka topic of rejected events. Default: <model name>.bad_events.")(func)
    return func


@model_command()
@click.option("--sink", default="duckdb:events.duckdb", show_default=True, metavar="duckdb:PATH|kafka:HOST:PORT",
              help="Where events go: a DuckDB file, or a Kafka broker.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--max-request-bytes", default=1_048_576, show_default=True, type=click.IntRange(1),
              help="Largest request body, after decompression (413 above).")
@click.option("--max-event-bytes", default=65_536, show_default=True, type=click.IntRange(1),
              help="Largest event (its Envelope in Protobuf); larger ones are rejected.")
@click.option("--skew-threshold", default=300.0, show_default=True, type=click.FloatRange(0),
              help="Seconds of client clock offset (received - sent_at) above which event times are corrected.")
@click.option("--max-pending-events", default=20_000, show_default=True, type=click.IntRange(1),
              help="Events waiting for the sink before requests get 429.")
@click.option("--dev", is_flag=True, help="Dev mode: /dev/all, /dev/good, /dev/bad and /dev/reset for tests.")
@_dedupe_option
@_collector_options
@click.option("--key", "key_property", default="event_id", show_default=True, metavar="PROPERTY",
              help="Kafka: the context property whose value is each record's key.")
@click.option("--sink-timeout", default=30.0, show_default=True, type=click.FloatRange(0.5),
              help="Kafka: seconds to wait for the broker's acknowledgement before answering 503.")
@click.option("--schema-registry", default=None, metavar="URL",
              help="Kafka: register the .proto there and frame values in the Confluent wire format.")
@click.option("--pseudonym-key-file", default=None, metavar="FILE",
              help="The secret key (hex) that pseudonymous values are hashed with; default: the environment "
                   "variable CODEGEN_PSEUDONYM_KEY. Needed when the model has pseudonymous values.")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["debug", "info", "warning", "error"]))
@click.pass_obj
def collect(settings: Settings, sink: str, host: str, port: int, max_request_bytes: int, max_event_bytes: int,
            skew_threshold: float, max_pending_events: int, dev: bool, topic: str | None, bad_topic: str | None,
            key_property: str, sink_timeout: float, schema_registry: str | None, pseudonym_key_file: str | None,
            log_level: str, dedupe_days: float) -> None:
    """Receive events (POST /v1/batch), validate them with the model and store them."""
    from codegen.collector.commands import run_collect

    run_collect(settings.model, sink, host, port, max_request_bytes, max_event_bytes, skew_threshold,
                max_pending_events, dev, topic, bad_topic, key_property, sink_timeout, schema_registry, log_level,
                pseudonym_key_file, dedupe_days)


@model_command()
@click.option("--sink", default="duckdb:events.duckdb", show_default=True, metavar="duckdb:PATH",
              help="The collector's DuckDB file.")
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD[THH:MM:SSZ]",
              help="Apply the retention as of this UTC time instead of now.")
@click.option("--dry-run", is_flag=True, help="Count what would be deleted and cleared; change nothing.")
@click.pass_obj
def retention(settings: Settings, sink: str, as_of: str | None, dry_run: bool) -> None:
    """Delete stored events past their purposes' retention, and clear values whose
    purposes are kept for less time than their event's."""
    from codegen.collector.commands import run_retention

    run_retention(settings.model, sink, as_of, dry_run)


@model_command()
@click.option("--from", "source", required=True, metavar="kafka:HOST:PORT", help="The Kafka broker to read from.")
@click.option("--sink", default="duckdb:events.duckdb", show_default=True, metavar="duckdb:PATH",
              help="The DuckDB file to load into.")
@_dedupe_option
@_collector_options
@click.option("--group", default="codegen-loader", show_default=True, help="Kafka consumer group.")
@click.option("--until-idle", default=None, type=click.FloatRange(0.1), metavar="SECONDS",
              help="Stop once no record arrived for this long (default: run until interrupted).")
@click.pass_obj
def load(settings: Settings, source: str, sink: str, topic: str | None, bad_topic: str | None, group: str,
         until_idle: float | None, dedupe_days: float) -> None:
    """Load the Kafka topics of good and bad events into DuckDB (at least once; the
    event_id dedupe makes it exactly once)."""
    from codegen.collector.commands import run_load

    run_load(settings.model, source, sink, topic, bad_topic, group, until_idle, dedupe_days)


@model_command()
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("site"),
              show_default=True, help="Folder to write the catalog to (static HTML, works from file://).")
@click.option("--changelog", type=click.Path(dir_okay=False, path_type=Path), default=Path("CHANGELOG.md"),
              show_default=True, help="Changelog whose sections the version history shows (if it exists).")
@click.pass_obj
def docs(settings: Settings, out: Path, changelog: Path) -> None:
    """Write a browsable HTML catalog of the model's events."""
    from codegen.exports.catalog import render_catalog
    from codegen.exports.catalog.history import read_history
    from codegen.loader import load_model
    from codegen.output import encode, write_tree
    from codegen.targets import registered_targets

    model = load_model(settings.model)
    calls = {name: target.typed_calls(model) for name, target in registered_targets().items()}
    files = render_catalog(model, read_history(settings.model, model.version, changelog),
                           lambda event: {name: by_event[event.name] for name, by_event in calls.items()})
    written, deleted = write_tree(out, encode(files))
    echo(f"{out}: {len(files)} files, {written} written, {deleted} removed; open {out / 'index.html'}")


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
def init(directory: Path) -> None:
    """Scaffold a new event model and configuration in DIRECTORY."""
    from codegen.scaffold import scaffold

    for path in scaffold(directory):
        echo(f"created {path}")
    echo("next: edit event_model/, then run 'codegen validate' and 'codegen build'")


def _user_facing_errors() -> tuple[type[BaseException], ...]:
    """CommandFailed, and OutputError and TargetLoadError from the modules
    that define them if they were imported (`validate` never imports them:
    they start slowly); evaluated only when an exception reaches main."""
    from codegen.diagnostics import CommandFailed

    found: list[type[BaseException]] = [CommandFailed]
    for module, name in (("codegen.output", "OutputError"), ("codegen.targets", "TargetLoadError"),
                         ("codegen.sdk.packaging", "PackagingError")):
        if module in sys.modules:
            found.append(getattr(sys.modules[module], name))
    return tuple(found)


def main() -> None:
    from codegen.loading.lifetime import freeze_after_loading

    freeze_after_loading()
    try:
        code = cli.main(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.UsageError as exc:
        shown = io.StringIO()
        exc.show(file=shown)  # usage, hint and message, as click shows them
        echo(shown.getvalue(), err=True, nl=False)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        echo(f"Error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.Abort:
        echo("aborted", err=True)
        sys.exit(EXIT_MODEL)
    except SystemExit:
        raise
    except BaseException as exc:  # never show users a traceback
        _fail(exc)


def _fail(exc: BaseException) -> None:
    """Report an error as its kind asks (the modules of these errors load
    only now: an up-to-date build never needs them)."""
    from codegen.diagnostics import ModelErrors

    if isinstance(exc, ModelErrors):
        echo(exc.format(), err=True)
        sys.exit(EXIT_MODEL)
    if isinstance(exc, _user_facing_errors()):
        echo(f"error: {exc}", err=True)
        sys.exit(EXIT_MODEL)
    if isinstance(exc, OSError):  # the environment, not codegen: a full disk, a folder it may not write
        where = f"{exc.filename}: " if exc.filename else ""
        echo(f"error: {where}{exc.strerror or exc}", err=True)
        sys.exit(EXIT_MODEL)
    if os.environ.get("CODEGEN_DEBUG"):
        raise exc
    echo(f"internal error: {type(exc).__name__}: {exc}\n"
         "  hint: this is a bug in codegen; rerun with CODEGEN_DEBUG=1 and report the output", err=True)
    sys.exit(EXIT_INTERNAL)
