"""The `diff`, `version-check` and `changelog` commands.

Exit codes: `diff` 0 when compatible, 100 when something breaks (like
`buf breaking`); `version-check` 0 when the declared version covers the
changes, 1 when it does not; every command 1 on errors (a model that does not
load, an unknown ref, no release to compare with).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import click

from codegen.diagnostics import did_you_mean
from codegen.evolution.changelog import initial_section, section, write_changelog
from codegen.evolution.compare import diff
from codegen.evolution.gitrepo import GitError
from codegen.evolution.report import FORMATS, Report, render, summary
from codegen.evolution.rules import Severity
from codegen.evolution.semver import check_bump
from codegen.evolution.source_diff import source_changes
from codegen.evolution.sources import SourceError, Sources
from codegen.terminal import echo

EXIT_BREAKING = 100
EXIT_FAILED = 1


def _warn(message: str) -> None:
    echo(f"warning: {message}", err=True)


def _compare_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--no-history", is_flag=True,
                        help="Check reuse and deprecations against the baseline only, not every release.")(func)
    func = click.option("--release", "releases", multiple=True, metavar="REF|DIR",
                        help="A released version to check reuse and deprecations against (repeatable). "
                             "Default: every release tag (model-vX.Y.Z, vX.Y.Z) reachable from HEAD.")(func)
    func = click.option("--against", metavar="REF|DIR",
                        help="The version to compare with: a model folder, or a git tag, branch or commit. "
                             "Default: the latest release tag.")(func)
    return func


def _report(model: Path, against: str | None, releases: tuple[str, ...], no_history: bool,
            source: str | None = None) -> Report:
    sources = Sources(model, warn=_warn)
    try:
        new = sources.working()
        old = sources.load(against or sources.latest_release())
        history = [] if no_history else sources.releases(releases)
    except (SourceError, GitError) as exc:
        raise click.ClickException(str(exc)) from None
    if source is None:
        return Report(old, new, diff(old, new, history))
    known = sorted({s.name for s in new.model.sources} | {s.name for s in old.model.sources})
    if source not in known:
        hint = did_you_mean(source, known) or (f"sources: {', '.join(known)}" if known else "the model has no sources")
        raise click.ClickException(f"unknown source '{source}'; {hint}")
    return Report(old, new, source_changes(old, new, history, source))


@click.command(name="diff")
@_compare_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text (file:line:col: RULE severity: message), json, github (workflow annotations) or junit.")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error", show_default=True,
              help="Exit 100 on errors only, or on warnings too.")
@click.option("--source", "source", metavar="NAME",
              help="Report what the changes mean for this source's SDKs: the diff of its own model "
                   "(only its events), with its events entering and leaving it.")
@click.pass_obj
def diff_command(settings: Any, against: str | None, releases: tuple[str, ...], no_history: bool,
                 fmt: str, fail_on: str, source: str | None) -> None:
    """Report every change of the model since a version, classified by rule.

    Exits 0 when compatible, 100 when something breaks, 1 on errors."""
    report = _report(settings.model, against, releases, no_history, source)
    echo(render(report, fmt), nl=False)
    echo(summary(report), err=True)
    if report.fails(Severity(fail_on)):
        raise click.exceptions.Exit(EXIT_BREAKING)


@click.command(name="version-check")
@_compare_options
@click.pass_obj
def version_check_command(settings: Any, against: str | None, releases: tuple[str, ...], no_history: bool) -> None:
    """Fail unless the model's version is at least the bump its changes need.

    Major for breaking changes, minor for additions, patch for the rest;
    below 1.0.0 one level lower (breaking: minor, everything else: patch)."""
    if against is None:
        sources = Sources(settings.model, warn=_warn)
        try:
            if not sources.release_list():
                version = sources.working().version
                echo(f"no release tag yet: {version} will be the first release; nothing to check")
                return
        except (SourceError, GitError) as exc:
            raise click.ClickException(str(exc)) from None
    report = _report(settings.model, against, releases, no_history)
    try:
        verdict = check_bump(report.old.version, report.new.version, report.needed)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if verdict.ok:
        echo(f"version {report.new.version} against {report.old.describe()}: {verdict.message}")
        return
    echo(f"error: version {report.new.version} against {report.old.describe()}: {verdict.message}", err=True)
    deciding = [c for c in report.changes if c.spec.bump == report.needed]
    for c in deciding[:10]:
        echo(f"  {c.loc}: {c.rule} needs a {c.spec.bump.label} bump: {c.message()}", err=True)
    if len(deciding) > 10:
        echo(f"  ... and {len(deciding) - 10} more (run 'codegen diff')", err=True)
    raise click.exceptions.Exit(EXIT_FAILED)


@click.command(name="changelog")
@_compare_options
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Changelog file to prepend the section to (created if missing; a section for the "
                   "same version is replaced). Default: print the section.")
@click.pass_obj
def changelog_command(settings: Any, against: str | None, releases: tuple[str, ...], no_history: bool,
                      out: Path | None) -> None:
    """Write release notes for the model's version from the diff."""
    text, version = _changelog_text(settings.model, against, releases, no_history)
    if out is None:
        echo(text, nl=False)
        return
    write_changelog(out, text, version)
    echo(f"wrote the {version} section to {out}", err=True)


def _changelog_text(model: Path, against: str | None, releases: tuple[str, ...],
                    no_history: bool) -> tuple[str, str]:
    if against is None:
        sources = Sources(model, warn=_warn)
        try:
            first = not sources.release_list()
            if first:
                new = sources.working().model
                return initial_section(new), new.version
        except (SourceError, GitError) as exc:
            raise click.ClickException(str(exc)) from None
    report = _report(model, against, releases, no_history)
    verdict = check_bump(report.old.version, report.new.version, report.needed)
    if not verdict.ok:
        _warn(verdict.message)
    return section(report), report.new.version


def register(cli: click.Group) -> None:
    for command in (diff_command, version_check_command, changelog_command):
        cli.add_command(command)
