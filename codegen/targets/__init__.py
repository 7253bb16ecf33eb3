"""The target registry: every target, built-in or third-party, comes from the
`codegen.targets` entry-point group, so anything that iterates targets
(the CLI, the tests, the benchmark) picks up a new one without a list."""

from __future__ import annotations

from functools import lru_cache
from importlib.metadata import entry_points
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
    return {e.name: e.value.split(":")[0] for e in sorted(entry_points(group=GROUP), key=lambda e: e.name)}


@lru_cache(maxsize=1)
def registered_targets() -> dict[str, Target]:
    targets: dict[str, Target] = {}
    problems: list[str] = []
    for entry in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        try:
            target = entry.load()
        except Exception as exc:  # a plugin's import error must not become a traceback
            problems.append(f"target '{entry.name}' ({entry.value}) failed to load: {exc}")
            continue
        # dir(), not hasattr(): a lazy target's properties must not import it here.
        missing = [attr for attr in CONTRACT if attr not in dir(target)]
        if missing or not callable(target.render) or target.name != entry.name:
            lacking = f" (missing: {', '.join(missing)})" if missing else ""
            problems.append(f"target '{entry.name}' ({entry.value}) does not implement the target contract{lacking}")
            continue
        targets[entry.name] = target
    if problems:
        raise TargetLoadError("\n".join(problems))
    return targets
