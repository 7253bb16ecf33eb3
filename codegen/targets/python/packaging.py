"""Packaging of the Python SDK: an sdist and a wheel built from it by
`python -m build` (PyPA's build front end, without isolation: the
setuptools of codegen's own environment, so nothing is downloaded), uploaded
with `twine` to a PyPI-compatible index."""

from __future__ import annotations

import re
import sys
from importlib.util import find_spec
from pathlib import Path
from typing import Mapping, Sequence

from codegen.ir import Model
from codegen.sdk.packaging import Coordinates, PackagingError, Tools, normalize_tar_gz, registry_url, url_text
from codegen.targets.python.options import Options
from codegen.targets.python.views import distribution_name, pep440, toml_str

URL_LABELS = {"homepage": "Homepage", "repository": "Repository", "documentation": "Documentation",
              "issues": "Issues", "changelog": "Changelog"}
_AUTHOR = re.compile(r"^(.*?)\s*<([^<>]+)>$")


def project_metadata(model: Model) -> dict[str, object]:
    """The pyproject.toml values from the model's license, authors and urls (TOML-quoted)."""
    authors = []
    for author in model.authors:
        match = _AUTHOR.match(author)
        name, email = (match.group(1), match.group(2)) if match else (author, "")
        parts = ([f"name = {toml_str(name)}"] if name else []) + ([f"email = {toml_str(email)}"] if email else [])
        authors.append("{ " + ", ".join(parts) + " }")
    return {"license": toml_str(model.license) if model.license else "", "authors": authors,
            "urls": [(toml_str(URL_LABELS[kind]), toml_str(url)) for kind, url in model.urls]}


def normalized(name: str) -> str:
    """PEP 503's normalized project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def file_version(filename: str, project: str) -> str | None:
    """The version of a wheel or sdist file of `project`, else None."""
    if filename.endswith(".whl"):
        parts = filename[:-4].split("-")
        name, version = (parts[0], parts[1]) if len(parts) >= 5 else ("", "")
    else:
        stem = re.sub(r"\.(tar\.gz|zip|tar\.bz2)$", "", filename)
        name, _, version = stem.rpartition("-")
    return version if name and normalized(name) == normalized(project) else None


class PythonPackaging:
    registry = "pypi"
    registry_keys = ("pypi", "pypi-index")

    def coordinates(self, model: Model) -> Coordinates:
        return Coordinates(distribution_name(model, Options.of(model, "python")), pep440(model.version))

    def package(self, sdk: Path, out: Path, coordinates: Coordinates, tools: Tools) -> list[Path]:
        if find_spec("build") is None:
            raise PackagingError("the Python SDK is built with PyPA's 'build', which is not installed in codegen's "
                                 "environment: pip install build")
        # sdist first, then the wheel from the unpacked sdist: proves the sdist complete.
        tools.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", out, "."], sdk)
        for sdist in out.glob("*.tar.gz"):
            normalize_tar_gz(sdist)  # the wheel honours SOURCE_DATE_EPOCH; setuptools' sdist does not
        return sorted(out.iterdir())

    def is_published(self, coordinates: Coordinates, registries: Mapping[str, str], tools: Tools) -> bool:
        index = registries.get("pypi-index") or registry_url(registries, "pypi").rstrip("/") + "/simple/"
        page = url_text(f"{index.rstrip('/')}/{normalized(coordinates.name)}/", f"the index {index}")
        if page is None:
            return False
        from codegen.targets.python.index_links import IndexLinks

        links = IndexLinks()
        links.feed(page)
        return any(file_version(name, coordinates.name) == coordinates.version for name in links.names)

    def publish(self, coordinates: Coordinates, files: Sequence[Path], registries: Mapping[str, str],
                tools: Tools) -> None:
        if find_spec("twine") is None:
            raise PackagingError("publishing the Python SDK needs 'twine' in codegen's environment: pip install twine")
        tools.run([sys.executable, "-m", "twine", "upload", "--non-interactive", "--disable-progress-bar",
                   "--repository-url", registry_url(registries, "pypi"), *files], files[0].parent)


PACKAGING = PythonPackaging()
