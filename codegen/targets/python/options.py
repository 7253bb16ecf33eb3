"""The settings a model may give the Python target under `targets: python:`."""

from __future__ import annotations

from dataclasses import dataclass, field

from codegen.sdk.contract import TargetOptions


@dataclass(frozen=True)
class Options(TargetOptions):
    package: str = field(default="", metadata={
        "doc": "import name of the package (default: the model name in snake_case)"})
    distribution: str = field(default="", metadata={
        "doc": "distribution name on PyPI (default: the package name with '-' for '_')"})
