"""Target settings in the model checked against each target's typed options:
an unknown target or key is a located model error with a did-you-mean hint,
like every other model error."""

from __future__ import annotations

from typing import Any, Mapping

from codegen.diagnostics import Diagnostic, did_you_mean
from codegen.ir import Model


def option_diagnostics(model: Model, targets: Mapping[str, Any]) -> list[Diagnostic]:
    """Every problem with `targets:` in the model, given the registered targets."""
    problems = _check(model.package_locations, targets, "the 'targets' section", "")
    for source in model.sources:
        problems += _check(source.package_locations, targets, f"source '{source.name}'", f" in source '{source.name}'")
    return problems


def _check(locations: tuple, targets: Mapping[str, Any], section: str, owner: str) -> list[Diagnostic]:  # type: ignore[type-arg]
    problems = []
    for target, key, loc in locations:
        if target not in targets:
            if key:
                continue  # reported once, at the target
            hint = did_you_mean(target, targets) or f"registered targets: {', '.join(sorted(targets))}"
            problems.append(Diagnostic(loc, f"unknown target '{target}' in {section}", hint))
            continue
        accepted = targets[target].options.keys()
        if key and key not in accepted:
            hint = did_you_mean(key, accepted) or (
                f"the {target} target accepts: {', '.join(sorted(accepted))}" if accepted
                else f"the {target} target has no settings")
            problems.append(Diagnostic(loc, f"unknown setting '{key}' of target '{target}'{owner}", hint))
    return problems
