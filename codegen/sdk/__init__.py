"""The target kit: what every target, built-in or third-party, builds on.
It imports no target. The contract (`Target`, `OutputFile`, options), the
template set, the name allocator, the type and value walkers, the
documentation texts and the runtime-file copier.

The names below load on first use: the up-to-date path of a build imports
a module of this package and must not pay for the rest."""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "GENERATED_MARKER": "codegen.sdk.contract", "OutputFile": "codegen.sdk.contract", "Target": "codegen.sdk.contract",
    "TargetOptions": "codegen.sdk.contract", "package_templates": "codegen.sdk.contract",
    "TemplateSet": "codegen.sdk.templates", "builtin_templates": "codegen.sdk.templates",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'codegen.sdk' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
