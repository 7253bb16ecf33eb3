"""Release notes: a Markdown section for the model's new version, from the diff.

Sections in the order readers need them: breaking changes, removals (after
deprecation), additions, deprecations, documentation and metadata. Running
it again for the same version replaces that version's section instead of
adding a second one.
"""

from __future__ import annotations

import re
from pathlib import Path

from codegen.evolution.report import Report
from codegen.evolution.rules import Bump, Kind
from codegen.ir import Model
from codegen.output import atomic_write
from codegen.terminal import printable

TITLE = "# Changelog"
HEADINGS = {
    Kind.BREAKING: "Breaking changes",
    Kind.REMOVAL: "Removals",
    Kind.ADDITION: "Additions",
    Kind.DEPRECATION: "Deprecations",
    Kind.DOCUMENTATION: "Documentation and metadata",
}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def md_text(text: str) -> str:
    """Plain text (a folder or ref name) made inert in Markdown."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def section(report: Report) -> str:
    new, old = report.new.model, report.old.model
    lines = [f"## {new.version}", ""]
    needed = report.needed_level
    bump = f"; they need a {needed.label} version bump" if needed is not Bump.NONE else ""
    lines.append(f"Changes to the event model `{new.name}` since {md_text(report.old.describe())}{bump}.")
    if old.version == new.version and report.changes:
        lines.append("")
        lines.append(f"> The model still declares version {new.version}: run `codegen version-check`.")
    if not report.changes:
        lines += ["", "No changes to the model."]
    for kind, heading in HEADINGS.items():
        items = [c for c in report.changes if c.spec.kind is kind]
        if not items:
            continue
        lines += ["", f"### {heading}", ""]
        for c in items:
            text = c.message("markdown") if kind in (Kind.BREAKING, Kind.REMOVAL) else c.headline("markdown")
            lines.append(f"- {_capital(text)} (`{c.rule}`)")
    return "\n".join(lines) + "\n"


def initial_section(model: Model) -> str:
    """The first release: no earlier version to compare with."""
    lines = [f"## {model.version}", "", f"First release of the event model `{model.name}`."]
    if model.events:
        lines += ["", "### Events", ""]
        lines += [f"- `{e.name}` (number {e.number})" for e in model.events]
    return "\n".join(lines) + "\n"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text[:1].isalpha() else text


def merge(existing: str, new_section: str, version: str) -> str:
    """`existing` changelog with `new_section` first (or in place of the
    section for the same version)."""
    if not existing.strip():
        return f"{TITLE}\n\n{new_section}"
    lines = existing.splitlines(keepends=True)
    headings = [i for i, line in enumerate(lines) if line.startswith("## ")]
    same = [i for i in headings if lines[i].strip() == f"## {version}"]
    if same:
        start = same[0]
        end = next((i for i in headings if i > start), len(lines))
        tail = "".join(lines[end:])
        return "".join(lines[:start]) + new_section + ("\n" + tail if tail else "")
    if headings:
        start = headings[0]
        return "".join(lines[:start]) + new_section + "\n" + "".join(lines[start:])
    body = existing if existing.endswith("\n") else existing + "\n"
    return f"{body}\n{new_section}"


def write_changelog(path: Path, new_section: str, version: str) -> None:
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    content = merge(existing, printable(new_section), version)  # a document people print
    atomic_write(path, content.encode("utf-8"))
