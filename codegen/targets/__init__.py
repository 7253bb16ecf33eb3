"""The target registry: every target, built-in or third-party, comes from the
`codegen.targets` entry-point group, so anything that iterates targets
(the CLI, the tests, the benchmark) picks up a new one without a list."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codegen.sdk.contract import Target

GROUP = "codegen.targets"
CONTRACT = ("name", "description", "options", "template_dir", "lexicon", "identifiers", "typed_calls", "render")


class TargetLoadError(Exception):
    """A registered target could not be imported or does not fit the contract."""


@lru_cache(maxsize=1)
def target_modules() -> dict[str, str]:
    """Registered target names and the modules that implement them, without
    importing any (the up-to-date check needs no more)."""
    found = scan_entry_points(GROUP)
    if found is None:
        from importlib.metadata import entry_points

        found = [(e.name, e.value) for e in entry_points(group=GROUP)]
    return {name: value.split(":")[0] for name, value in sorted(found, key=lambda e: e[0])}


def scan_entry_points(group: str) -> list[tuple[str, str]] | None:
    """(name, value) of the group's entry points, read straight from the
    distributions' metadata on sys.path as importlib.metadata reads them
    (the first distribution of a name wins), without importing it (that
    costs a fifth of an up-to-date build); None where that would not do
    (a zip archive on the path)."""
    import os
    import re
    import sys

    seen: set[str] = set()
    found: list[tuple[str, str]] = []
    for entry in sys.path:
        folder = entry or "."
        if os.path.isfile(folder):
            return None
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            dist = re.sub(r"[-_.]+", "_", name.rpartition(".")[0].split("-")[0]).lower()
            if dist in seen:
                continue
            seen.add(dist)
            try:
                with open(os.path.join(folder, name, "entry_points.txt"), encoding="utf-8") as handle:
                    text = handle.read()
            except OSError:
                continue
            found += _group_entries(text, group)
    return found


def _group_entries(text: str, group: str) -> list[tuple[str, str]]:
    """The `name = value` lines of one section of an entry_points.txt."""
    entries, current = [], None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
        elif current == group and "=" in line:
            name, _, value = line.partition("=")
            entries.append((name.strip(), value.strip()))
    return entries


@lru_cache(maxsize=1)
def registered_targets() -> dict[str, Target]:
    found = scan_entry_points(GROUP)
    if found is None:
        from importlib.metadata import entry_points

        found = [(e.name, e.value) for e in entry_points(group=GROUP)]
    targets: dict[str, Target] = {}
    problems: list[str] = []
    for name, value in sorted(found, key=lambda e: e[0]):
        try:
            target = load_entry_point(value)
        except Exception as exc:  # a plugin's import error must not become a traceback
            problems.append(f"target '{name}' ({value}) failed to load: {exc}")
            continue
        # dir(), not hasattr(): a lazy target's properties must not import it here.
        missing = [attr for attr in CONTRACT if attr not in dir(target)]
        if missing or not callable(target.render) or target.name != name:
            lacking = f" (missing: {', '.join(missing)})" if missing else ""
            problems.append(f"target '{name}' ({value}) does not implement the target contract{lacking}")
            continue
        targets[name] = target
    if problems:
        raise TargetLoadError("\n".join(problems))
    return targets


def load_entry_point(value: str) -> object:
    """What an entry point's `module:attribute [extras]` names, loaded as
    importlib.metadata's EntryPoint.load does (without importing that
    module and the email package it reads metadata with)."""
    import re
    from importlib import import_module

    match = re.fullmatch(r"\s*(?P<module>[\w.]+)\s*(?::\s*(?P<attr>[\w.]+)\s*)?(?:\[.*\]\s*)?", value)
    if match is None:
        raise ValueError(f"not an entry point: {value!r}")
    found: object = import_module(match.group("module"))
    for attr in (match.group("attr") or "").split(".") if match.group("attr") else ():
        found = getattr(found, attr)
    return found
