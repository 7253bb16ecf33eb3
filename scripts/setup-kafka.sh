#!/usr/bin/env bash
# Fetch the jars of a single-node Kafka broker (KRaft mode) from Maven Central
# for the collector's tests: kafka_2.13 with its runtime dependencies and a
# log4j2 binding (scripts/kafka/pom.xml pins the versions). scripts/kafka.sh
# starts and stops a broker from them.
#
#   scripts/setup-kafka.sh [--force]
#
# Idempotent: the jars land in ${CODEGEN_CACHE:-~/.cache/codegen}/kafka-<version>/libs
# with a stamp; later runs return at once. Installs JDK 17 and Maven with
# apt-get when they are missing and we are root.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
POM="$ROOT/scripts/kafka/pom.xml"
VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM")"
LOG4J="$(sed -n 's:.*<log4j.version>\(.*\)</log4j.version>.*:\1:p' "$POM")"
CACHE="${CODEGEN_CACHE:-${HOME:-/root}/.cache/codegen}"
HOME_DIR="$CACHE/kafka-$VERSION"
STAMP="$HOME_DIR/.fetched-log4j$LOG4J"
FORCE=0
[ "${1:-}" = "--force" ] && FORCE=1

if [ "$FORCE" = 0 ] && [ -f "$STAMP" ]; then
    echo "setup-kafka: Kafka $VERSION jars already fetched ($HOME_DIR/libs)"
    exit 0
fi
if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "setup-kafka: installing JDK 17 and Maven with apt-get" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless maven >/dev/null
    else
        echo "setup-kafka: java and mvn are required (JDK 17 and Maven 3.8 or later)" >&2
        exit 1
    fi
fi
echo "setup-kafka: fetching Kafka $VERSION and log4j $LOG4J with Maven"
rm -rf "$HOME_DIR/libs"
mkdir -p "$HOME_DIR"
mvn -q -B -f "$POM" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$HOME_DIR/libs"
ls "$HOME_DIR/libs"/kafka_2.13-"$VERSION".jar >/dev/null
touch "$STAMP"
echo "setup-kafka: $(ls "$HOME_DIR/libs" | wc -l) jars in $HOME_DIR/libs"
