"""The settings a model may give the Kotlin target under `targets: kotlin:`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Mapping

from codegen.sdk.contract import TargetOptions


@dataclass(frozen=True)
class Options(TargetOptions):
    ALIASES: ClassVar[Mapping[str, str]] = {"groupId": "group_id", "artifactId": "artifact_id"}

    package: str = field(default="", metadata={
        "doc": "Kotlin package of the SDK (default: the model namespace)"})
    group_id: str = field(default="", metadata={
        "doc": "Maven groupId (also accepted as groupId; default: the package)"})
    artifact_id: str = field(default="", metadata={
        "doc": "Maven artifactId (also accepted as artifactId; default: the model name with '-' for '_')"})
