#!/usr/bin/env bash
# Fetch everything Maven needs to build, test, package, install and deploy
# the generated Kotlin SDK (kotlin-maven-plugin, kotlin-stdlib, JUnit 5, the
# pinned Maven plugins with what their goals load, Surefire's JUnit Platform
# provider), so that `mvn -o test`, `mvn -o package` (jar and sources jar),
# `mvn -o install` and `mvn -o deploy` / `deploy:deploy-file` (what
# `codegen package` and `codegen publish` run) work offline afterwards.
#
#   scripts/setup-kotlin.sh [--force]
#
# Builds the SDK of the bundled model into a temporary folder and runs each
# goal once there (go-offline alone misses what Surefire and the install and
# deploy plugins resolve at run time); the deploys go to a temporary file://
# repository, and the one artifact `mvn install` puts into the local
# repository is removed again.
# Idempotent: a stamp in the local Maven repository (~/.m2/repository), named
# after the pinned versions, makes later runs return at once; --force runs
# Maven again (e.g. after the repository was cleaned).
# Installs JDK 17 and Maven with apt-get when they are missing and we are root.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3
FORCE=0
[ "${1:-}" = "--force" ] && FORCE=1

if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "setup-kotlin: installing JDK 17 and Maven with apt-get" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless maven >/dev/null
    else
        echo "setup-kotlin: java and mvn are required (JDK 17 and Maven 3.8 or later)" >&2
        exit 1
    fi
fi

VERSIONS="$(cd "$ROOT" && "$PYTHON" -c 'from codegen.targets.kotlin import VERSIONS as v; print("-".join(f"{k}{v[k]}" for k in sorted(v)))')"
REPO="${HOME:-/root}/.m2/repository"
STAMP="$REPO/.codegen-kotlin-$VERSIONS"
if [ "$FORCE" = 0 ] && [ -f "$STAMP" ]; then
    echo "setup-kotlin: Maven artifacts already fetched ($STAMP)"
    exit 0
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$ROOT" && "$PYTHON" -m codegen --model "$ROOT/event_model" build --target kotlin --out "$WORK/out" --force >/dev/null)
echo "setup-kotlin: fetching Maven artifacts (one mvn test of the bundled model's SDK)" >&2
# One small test class is enough to make Surefire fetch its JUnit Platform provider.
(cd "$WORK/out/kotlin" && mvn -q -B -Dstyle.color=never -Dtest=RuntimeTest -Dmaven.test.failure.ignore=true test)
echo "setup-kotlin: fetching the package, install and deploy plugins" >&2
DEPLOY="$(cd "$ROOT" && "$PYTHON" -c 'from codegen.targets.kotlin import VERSIONS as v; print(v["deploy"])')"
COORDS="$(cd "$WORK/out/kotlin" && "$PYTHON" -c '
import xml.etree.ElementTree as ET
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
pom = ET.parse("pom.xml").getroot()
print(*(pom.find(f"m:{key}", ns).text for key in ("groupId", "artifactId", "version")))')"
read -r GROUP ARTIFACT VERSION <<<"$COORDS"
(cd "$WORK/out/kotlin" \
    && mvn -q -B -Dstyle.color=never -Dmaven.test.skip=true install \
    && mvn -q -B -Dstyle.color=never -Dmaven.test.skip=true deploy \
        -DaltDeploymentRepository="setup::file://$WORK/repository" \
    && mvn -q -B -Dstyle.color=never "org.apache.maven.plugins:maven-deploy-plugin:$DEPLOY:deploy-file" \
        -Durl="file://$WORK/file-repository" -DrepositoryId=setup \
        -Dfile="target/$ARTIFACT-$VERSION.jar" -DpomFile=pom.xml -Dsources="target/$ARTIFACT-$VERSION-sources.jar")
rm -rf "$REPO/${GROUP//.//}/$ARTIFACT/$VERSION"
mkdir -p "$REPO"
touch "$STAMP"
echo "setup-kotlin: done"
