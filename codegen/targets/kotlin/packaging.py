"""Packaging of the Kotlin SDK: `mvn package` (tests skipped: codegen's own
suite runs them) makes the jar and, through maven-source-plugin, the
sources jar; with the POM they are uploaded by maven-deploy-plugin's
`deploy-file` to the repository the user names (file:// or http(s)://,
credentials from the `<server>` of Maven's settings.xml whose id is given
as `--registry maven-id=ID`). Every plugin is pinned in the POM (VERSIONS),
and scripts/setup-kotlin.sh fetches them all, so this works offline."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Mapping, Sequence
from urllib.parse import unquote, urlparse

from codegen.ir import Model
from codegen.sdk.packaging import Coordinates, PackagingError, Tools, registry_url, url_exists
from codegen.targets.kotlin import lexical as kn
from codegen.targets.kotlin import views as kv
from codegen.targets.kotlin.versions import VERSIONS

# Reproducible jars (project.build.outputTimestamp): the start of the zip era.
OUTPUT_TIMESTAMP = "1980-01-02T00:00:00Z"
DEFAULT_REPOSITORY_ID = "codegen-release"
MAVEN_HINT = "install JDK 17 and Maven (scripts/setup-kotlin.sh does both)"
QUIET = ["-B", "-q", "-Dstyle.color=never"]


def pom_metadata(model: Model) -> list[str]:
    """POM elements (one per line, XML-escaped) from the model's license, authors and urls."""
    lines = []
    if model.url("homepage"):
        lines.append(f"<url>{kn.xml_text(model.url('homepage'))}</url>")
    if model.license:
        lines.append(f"<licenses><license><name>{kn.xml_text(model.license)}</name></license></licenses>")
    if model.authors:
        people = "".join(f"<developer><name>{kn.xml_text(a)}</name></developer>" for a in model.authors)
        lines.append(f"<developers>{people}</developers>")
    if model.url("repository"):
        lines.append(f"<scm><url>{kn.xml_text(model.url('repository'))}</url></scm>")
    if model.url("issues"):
        lines.append(f"<issueManagement><url>{kn.xml_text(model.url('issues'))}</url></issueManagement>")
    return lines


def artifact_path(coordinates: Coordinates) -> str:
    """Where a Maven repository keeps the POM of these coordinates."""
    group, _, artifact = coordinates.name.partition(":")
    version = coordinates.version
    return f"{group.replace('.', '/')}/{artifact}/{version}/{artifact}-{version}.pom"


class KotlinPackaging:
    registry = "maven"
    registry_keys = ("maven", "maven-id")

    def coordinates(self, model: Model) -> Coordinates:
        conf = kv.settings(model)
        return Coordinates(f"{conf['group_id']}:{conf['artifact_id']}", model.version)

    def package(self, sdk: Path, out: Path, coordinates: Coordinates, tools: Tools) -> list[Path]:
        mvn = tools.which("mvn", MAVEN_HINT)
        tools.run([mvn, *QUIET, *self._offline(tools), "-Dmaven.test.skip=true", "package"], sdk, timeout=1200)
        jars = sorted((sdk / "target").glob("*.jar"))
        main = [j for j in jars if not j.name.endswith("-sources.jar")]
        if len(main) != 1 or len(jars) != 2:
            raise PackagingError(f"mvn package made {[j.name for j in jars]} in {sdk / 'target'}, "
                                 "not one jar and its sources jar")
        made = [Path(shutil.copy2(jar, out / jar.name)) for jar in jars]
        pom = out / (main[0].name[:-len(".jar")] + ".pom")
        shutil.copy2(sdk / "pom.xml", pom)
        return sorted(made + [pom])

    def is_published(self, coordinates: Coordinates, registries: Mapping[str, str], tools: Tools) -> bool:
        url = registry_url(registries, "maven").rstrip("/")
        where = f"{url}/{artifact_path(coordinates)}"
        parsed = urlparse(where)
        if parsed.scheme == "file":
            return Path(unquote(parsed.path)).is_file()
        if parsed.scheme not in ("http", "https"):
            raise PackagingError(f"the Maven repository {url} is neither a file:// nor an http(s):// URL")
        return url_exists(where, f"the Maven repository {url}")

    def publish(self, coordinates: Coordinates, files: Sequence[Path], registries: Mapping[str, str],
                tools: Tools) -> None:
        mvn = tools.which("mvn", MAVEN_HINT)
        by_kind = {("sources" if f.name.endswith("-sources.jar") else f.suffix): f for f in files}
        if set(by_kind) != {".jar", ".pom", "sources"}:
            raise PackagingError(f"a Maven package is a jar, its sources jar and its POM, not {sorted(f.name for f in files)}")
        # Never -o: the deploy plugin refuses offline mode; every plugin is local after setup.
        tools.run([mvn, *QUIET,
                   f"org.apache.maven.plugins:maven-deploy-plugin:{VERSIONS['deploy']}:deploy-file",
                   f"-Durl={registry_url(registries, 'maven')}",
                   f"-DrepositoryId={registries.get('maven-id') or DEFAULT_REPOSITORY_ID}",
                   f"-Dfile={by_kind['.jar']}", f"-DpomFile={by_kind['.pom']}", f"-Dsources={by_kind['sources']}"],
                  files[0].parent, timeout=600)

    @staticmethod
    def _offline(tools: Tools) -> list[str]:
        return ["-o"] if tools.offline else []


PACKAGING = KotlinPackaging()
