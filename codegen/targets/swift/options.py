"""The settings a model may give the Swift target under `targets: swift:`."""

from __future__ import annotations

from dataclasses import dataclass, field

from codegen.sdk.contract import TargetOptions


@dataclass(frozen=True)
class Options(TargetOptions):
    module: str = field(default="", metadata={
        "doc": "Swift module and package name (default: the model name in PascalCase)"})
