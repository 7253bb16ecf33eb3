"""The `package` and `publish` commands (loaded only when used)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from codegen.command_options import SOURCE_OPTION, TARGET_OPTION
from codegen.release.packages import package
from codegen.release.publishing import publish
from codegen.sdk.packaging import Tools
from codegen.terminal import echo


def _registries(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for value in values:
        kind, sep, url = value.partition("=")
        if not sep or not kind or not url:
            raise click.BadParameter(f"'{value}' is not KIND=URL (e.g. npm=http://127.0.0.1:4873/)", ctx, param)
        if kind in found and found[kind] != url:
            raise click.BadParameter(f"two URLs for '{kind}'", ctx, param)
        found[kind] = url
    return found


def _selection(func: Any) -> Any:
    """--target and --source, as `codegen build` has them."""
    return TARGET_OPTION(SOURCE_OPTION(func))


@click.command(name="package")
@_selection
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"),
              show_default=True, help="Folder for the packages, SHA256SUMS and release.json.")
@click.option("--offline", is_flag=True, help="Tell every tool not to use the network (npm --offline, mvn -o).")
@click.option("--verbose", "-v", is_flag=True, help="Print each tool command as it runs.")
@click.option("--quiet", "-q", is_flag=True, help="Print errors only.")
@click.pass_obj
def package_command(settings: Any, targets: tuple[str, ...], sources: tuple[str, ...], out: Path, offline: bool,
                    verbose: bool, quiet: bool) -> None:
    """Build each SDK's distributables with its platform's tools: a wheel and an
    sdist, an npm tarball, a Maven jar with sources jar and POM, a Swift source
    archive; with SHA-256 checksums and a release manifest."""
    from codegen.release.terminal import ProgressBar

    started = time.perf_counter()
    tools = Tools(offline=offline, log=(lambda line: echo(line, err=True)) if verbose else None)
    bar = None if verbose else ProgressBar.maybe(quiet, "packaging")
    try:
        release, skipped = package(settings.model, out, targets, sources or None, settings.templates, tools, bar)
    finally:
        if bar is not None:
            bar.close()
    if quiet:
        return
    for entry in release.packages:
        echo(f"{entry.label}: {entry.name} {entry.version}: {', '.join(f.name for f in entry.files)}")
    for label in skipped:
        echo(f"{label}: skipped (the target has no packaging)")
    echo(f"{out}: {sum(len(p.files) for p in release.packages)} files, SHA256SUMS, release.json "
               f"in {time.perf_counter() - started:.1f}s")


@click.command(name="publish")
@_selection
@click.option("--dist", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"), show_default=True,
              help="The folder 'codegen package' wrote.")
@click.option("--registry", "-r", "registries", multiple=True, callback=_registries, metavar="KIND=URL",
              help="Where to publish (repeatable): npm=URL, pypi=URL (upload; pypi-index=URL for the simple "
                   "index, default URL/simple/), maven=URL (file:// or http(s)://; maven-id=ID names the "
                   "settings.xml server with its credentials).")
@click.option("--against", metavar="REF|DIR",
              help="The release to check the version against. Default: the latest release tag.")
@click.option("--dry-run", is_flag=True, help="Run every check, upload nothing.")
@click.option("--verbose", "-v", is_flag=True, help="Print each tool command as it runs.")
@click.pass_obj
def publish_command(settings: Any, targets: tuple[str, ...], sources: tuple[str, ...], dist: Path,
                    registries: dict[str, str], against: str | None, dry_run: bool, verbose: bool) -> None:
    """Upload the packages of DIST to the registries named, after the evolution
    check (no breaking change without the semver bump) and the registries'
    (no version published twice). Credentials come from the environment or
    each tool's own configuration (.npmrc, TWINE_USERNAME/TWINE_PASSWORD or
    .pypirc, Maven's settings.xml)."""

    tools = Tools(log=(lambda line: echo(line, err=True)) if verbose else None)
    uploads = publish(settings.model, dist, registries, targets, sources or None, against, dry_run, tools,
                      say=lambda line: echo(line))
    echo(f"{'would publish' if dry_run else 'published'} {len(uploads)} package{'s' if len(uploads) != 1 else ''}")
