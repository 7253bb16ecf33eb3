"""Hand-written runtime files, copied into an SDK with the generated-file
header put in front on the way: the sources in the repository are edited by
hand and so do not say "Do not edit"; the copies in an SDK do."""

from __future__ import annotations

from typing import Callable

from codegen.sdk.contract import GENERATED_MARKER, OutputFile
from codegen.sdk.templates import TemplateSet


def generated_header(comment: str, *notes: str) -> str:
    """The header lines for a language whose line comments start with `comment`."""
    return "".join(f"{comment} {line}".rstrip() + "\n" for line in (GENERATED_MARKER, *notes))


def copy_runtime(
    templates: TemplateSet,
    folder: str,
    destination: str,
    header: str,
    suffixes: tuple[str, ...] = (),
    transform: Callable[[str, str], str] | None = None,
) -> list[OutputFile]:
    """The files under `<templates>/<folder>/` (only those ending in one of
    `suffixes`, when given) as output files under `destination`, each with
    `header` in front and `transform(path, text)` applied to its text."""
    out = []
    for rel, text in templates.runtime_files(folder).items():
        if suffixes and not rel.endswith(suffixes):
            continue
        if transform is not None:
            text = transform(rel, text)
        out.append(OutputFile(destination + rel, header + text))
    return out
