"""A minimal codegen target: one POSIX shell file of constants per event.

It uses only the kit (`codegen.sdk`): typed options, the name allocator,
the template set (its templates live in this package) and the runtime copier.
"""

from __future__ import annotations

import re
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from codegen.ir import Model, Scalar
from codegen.naming import upper_snake
from codegen.sdk import GENERATED_MARKER, OutputFile, TargetOptions, TemplateSet, package_templates
from codegen.sdk.contract import Lexicon
from codegen.sdk.names import NameAllocator, escaper, numbered
from codegen.sdk.packaging import Coordinates, PackagingError, Tools, normalize_tar_gz
from codegen.sdk.runtime_files import copy_runtime, generated_header

KEYWORDS = frozenset("if then else elif fi case esac for while until do done in function select time".split())
RESERVED = KEYWORDS | frozenset({"PATH", "HOME", "IFS", "PWD"})
TYPES = {scalar: scalar.value for scalar in Scalar}


def shell_word(text: object) -> str:
    """A single-quoted shell word: nothing inside can expand or end it."""
    body = re.sub(r"[\x00-\x1f\x7f]", "?", str(text)).replace("'", "'\\''")
    return f"'{body}'"


@dataclass(frozen=True)
class Options(TargetOptions):
    prefix: str = field(default="EVT", metadata={"doc": "prefix of every constant (default: EVT)"})


class DemoPackaging:
    """Releases of the shell constants: one reproducible tarball, no registry
    (the packaging contract of docs/targets.md, as small as it gets)."""

    registry = ""
    registry_keys: tuple[str, ...] = ()

    def coordinates(self, model: Model) -> Coordinates:
        return Coordinates(model.name.replace("_", "-") + "-shell", model.version)

    def package(self, sdk: Path, out: Path, coordinates: Coordinates, tools: Tools) -> list[Path]:
        archive = out / f"{coordinates.name}-{coordinates.version}.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(sdk, arcname=f"{coordinates.name}-{coordinates.version}")
        normalize_tar_gz(archive)
        return [archive]

    def is_published(self, coordinates: Coordinates, registries: Mapping[str, str], tools: Tools) -> bool:
        return False

    def publish(self, coordinates: Coordinates, files: Sequence[Path], registries: Mapping[str, str],
                tools: Tools) -> None:
        raise PackagingError("the demo target has no registry")


class DemoTarget:
    name = "demo"
    description = "POSIX shell constants for every event (a minimal third-party target)"
    options = Options
    template_dir = package_templates(__name__)
    lexicon = Lexicon(keywords=KEYWORDS, reserved=RESERVED, escape=escaper(RESERVED, numbered()),
                      scalar_types=TYPES, literal=lambda scalar, value: shell_word(value))
    packaging = DemoPackaging()

    def identifiers(self, model: Model) -> dict[str, dict[str, str]]:
        prefix = Options.of(model, self.name).prefix
        names = NameAllocator(RESERVED, numbered())
        return {"constants": {e.name: names.claim("constants", f"{prefix}_{upper_snake(e.name)}")
                              for e in model.events}}

    def typed_calls(self, model: Model) -> dict[str, str]:
        constants = self.identifiers(model)["constants"]
        return {event.name: f'echo "${constants[event.name]}"' for event in model.events}

    def render(self, model: Model, templates: TemplateSet) -> list[OutputFile]:
        constants = self.identifiers(model)["constants"]
        files = [
            OutputFile(f"events/{event.name}.sh", templates.render(
                "event.sh.j2", marker=GENERATED_MARKER, constant=constants[event.name], number=event.number,
                wire=shell_word(event.name), properties=shell_word(" ".join(p.name for p in event.properties))))
            for event in model.events
        ]
        return files + copy_runtime(templates, "runtime", "", generated_header("#"))


TARGET = DemoTarget()
