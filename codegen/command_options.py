"""The Click options that choose what a command works on (`--target`,
`--source`), shared by `codegen build` and the release commands so they
read and check them alike."""

from __future__ import annotations

import click


def _target_names(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    from codegen.targets import target_modules

    known = target_modules()
    for name in value:
        if name not in known:
            raise click.BadParameter(f"unknown target '{name}'; registered: {', '.join(known)}", ctx, param)
    return tuple(dict.fromkeys(value))


TARGET_OPTION = click.option(
    "--target", "-t", "targets", multiple=True, callback=_target_names, metavar="NAME",
    help="Only this target (repeatable). Default: every registered target.",
)
SOURCE_OPTION = click.option(
    "--source", "-s", "sources", multiple=True, metavar="NAME",
    help="Only the SDKs of this source of the model (repeatable). Default: the model's SDKs and every source's.",
)
