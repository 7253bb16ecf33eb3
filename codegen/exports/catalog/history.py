"""The model's version history for the catalog: release tags from git (the
same `model-vX.Y.Z` / `vX.Y.Z` tags that `codegen diff` reads) and the
sections of the changelog that `codegen changelog` writes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SECTION = re.compile(r"^## \[?v?([0-9][^\]\s]*)\]?(.*)$")


@dataclass(frozen=True)
class Release:
    version: str
    tag: str | None  # None: in the changelog but not tagged (yet)
    notes: tuple[str, ...] = ()  # the changelog section's lines, heading excluded


@dataclass(frozen=True)
class History:
    current: str
    releases: tuple[Release, ...] = ()  # newest first
    source: str = ""  # where it came from, for the page's footnote


def changelog_sections(text: str) -> dict[str, tuple[str, ...]]:
    """Version -> the lines of its `## <version>` section."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.replace("\r\n", "\n").split("\n"):
        match = SECTION.match(line)
        if match:
            current = sections.setdefault(match.group(1), [])
        elif line.startswith("# "):
            current = None
        elif current is not None:
            current.append(line)
    return {version: tuple(_trim(lines)) for version, lines in sections.items()}


def _trim(lines: list[str]) -> list[str]:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def read_history(model_dir: Path, version: str, changelog: Path | None) -> History:
    from codegen.evolution.gitrepo import GitError, GitRepo

    tags: dict[str, str] = {}
    try:
        repo = GitRepo.containing(model_dir)
        if repo is not None:
            tags = {str(r.version): r.tag for r in repo.releases()}
    except GitError:
        tags = {}
    notes: dict[str, tuple[str, ...]] = {}
    if changelog is not None and changelog.is_file():
        notes = changelog_sections(changelog.read_text(encoding="utf-8", errors="replace"))
    versions = set(tags) | set(notes)
    from codegen.evolution.semver import Version

    def order(v: str) -> tuple[int, object]:
        parsed = Version.parse(v)
        return (1, parsed) if parsed is not None else (0, v)

    releases = tuple(Release(v, tags.get(v), notes.get(v, ())) for v in sorted(versions, key=order, reverse=True))
    sources = [s for s, used in (("git tags", tags), (str(changelog), notes)) if used]
    return History(version, releases, " and ".join(sources))
