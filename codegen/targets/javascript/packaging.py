"""Packaging of the JavaScript SDK: `npm pack`, whose `prepack` script
compiles the TypeScript to ES modules, CommonJS and declarations, and
`npm publish` of that tarball to the registry the user names.

The TypeScript compiler comes from, in order: the SDK folder's own
`node_modules`, the folder named by CODEGEN_NODE_MODULES, codegen's
`tools/javascript/node_modules` when it runs from its repository (filled by
`make setup`), else `npm install` (which needs the registry)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Mapping, Sequence

from codegen.ir import Model
from codegen.sdk.packaging import Coordinates, PackagingError, Tools, registry_url
from codegen.targets.javascript.options import Options
from codegen.targets.javascript.views import DEFAULT_PACKAGE

REPOSITORY_TOOLS = Path(__file__).resolve().parents[3] / "tools" / "javascript" / "node_modules"
NPM_HINT = "install Node.js 18 or newer with npm"


def _typescript(sdk: Path, tools: Tools) -> Path | None:
    """A node_modules folder that holds the TypeScript compiler, if one is known."""
    for folder in (sdk / "node_modules", Path(tools.env.get("CODEGEN_NODE_MODULES", "") or "/nonexistent"),
                   REPOSITORY_TOOLS):
        if (folder / "typescript" / "package.json").is_file():
            return folder
    return None


class JavaScriptPackaging:
    registry = "npm"
    registry_keys = ("npm",)

    def coordinates(self, model: Model) -> Coordinates:
        return Coordinates(Options.of(model, "javascript").package or DEFAULT_PACKAGE, model.version)

    def package(self, sdk: Path, out: Path, coordinates: Coordinates, tools: Tools) -> list[Path]:
        npm = tools.which("npm", NPM_HINT)
        modules = _typescript(sdk, tools)
        if modules is None:
            if tools.offline:
                raise PackagingError("the TypeScript compiler is not installed (offline: not fetching it); run "
                                     "'make setup' or set CODEGEN_NODE_MODULES to a node_modules folder holding it")
            tools.run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error"], sdk)
        elif modules != sdk / "node_modules":
            os.symlink(modules, sdk / "node_modules", target_is_directory=True)
        printed = tools.run([npm, "pack", "--json", "--pack-destination", out, *self._offline(tools)], sdk)
        try:
            names = [entry["filename"] for entry in json.loads(printed[printed.index("["):])]
        except (ValueError, KeyError, TypeError):
            raise PackagingError(f"npm pack printed no package list:\n{printed[-2000:]}") from None
        return sorted(out / Path(name).name for name in names)

    def is_published(self, coordinates: Coordinates, registries: Mapping[str, str], tools: Tools) -> bool:
        npm = tools.which("npm", NPM_HINT)
        url = registry_url(registries, "npm")
        try:
            printed = tools.run([npm, "view", f"{coordinates.name}@{coordinates.version}", "version", "--json",
                                 "--registry", url], Path.cwd(), timeout=120)
        except PackagingError as exc:
            if "E404" in str(exc):
                return False  # no such package at all
            raise
        return bool(printed.strip())  # nothing printed: the package exists, this version does not

    def publish(self, coordinates: Coordinates, files: Sequence[Path], registries: Mapping[str, str],
                tools: Tools) -> None:
        npm = tools.which("npm", NPM_HINT)
        # npm refuses a pre-release without a dist-tag: keep "latest" for releases.
        tag = ["--tag", "next"] if "-" in coordinates.version.split("+")[0] else []
        access = ["--access", "public"] if coordinates.name.startswith("@") else []
        for tarball in files:
            tools.run([npm, "publish", tarball, "--registry", registry_url(registries, "npm"), *tag, *access],
                      tarball.parent, timeout=300)

    @staticmethod
    def _offline(tools: Tools) -> list[str]:
        return ["--offline"] if tools.offline else []


PACKAGING = JavaScriptPackaging()
