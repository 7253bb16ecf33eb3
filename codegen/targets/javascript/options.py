"""The settings a model may give the JavaScript target under `targets: javascript:`."""

from __future__ import annotations

from dataclasses import dataclass, field

from codegen.sdk.contract import TargetOptions


@dataclass(frozen=True)
class Options(TargetOptions):
    package: str = field(default="", metadata={
        "doc": "npm package name, e.g. \"@broadcaster/analytics\" (default: event-model-sdk)"})
