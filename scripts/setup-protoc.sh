#!/usr/bin/env bash
# Toolchains of the .proto compile-and-decode test (tests/exports/test_proto_compile.py):
# Debian's protoc and C++ Protobuf library (protobuf-compiler, libprotobuf-dev,
# both 3.21), protobuf-java of the same version from Maven, and protoc-gen-go
# built from the Go module proxy at the version pinned in tools/go/go.mod.
# The runtime bench (bench/runtime.py) measures the Kotlin SDK against
# protobuf-java 4.36.2, also fetched with Maven.
#
# Idempotent: each part is skipped when present. When Go or the module proxy
# is not available, tools/go/bin/UNAVAILABLE says why and the test leaves Go
# out, saying so; everything else is required.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROTOBUF_JAVA=3.21.12
PROTOBUF_JAVA_BENCH=4.36.2

missing=()
for package in protobuf-compiler libprotobuf-dev g++; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "setup-protoc: missing ${missing[*]} (install them with apt-get as root)" >&2
        exit 1
    fi
    echo "setup-protoc: apt-get install ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

for version in "$PROTOBUF_JAVA" "$PROTOBUF_JAVA_BENCH"; do
    JAR="${HOME:-/root}/.m2/repository/com/google/protobuf/protobuf-java/$version/protobuf-java-$version.jar"
    if [ ! -f "$JAR" ]; then
        echo "setup-protoc: fetching protobuf-java $version with Maven" >&2
        mvn -q -B -Dstyle.color=never dependency:get -Dartifact="com.google.protobuf:protobuf-java:$version" >&2
    fi
done

GO_TOOLS="$ROOT/tools/go"
mkdir -p "$GO_TOOLS/bin"
if [ -x "$GO_TOOLS/bin/protoc-gen-go" ] && [ "$GO_TOOLS/bin/protoc-gen-go" -nt "$GO_TOOLS/go.sum" ]; then
    exit 0
fi
rm -f "$GO_TOOLS/bin/UNAVAILABLE"
if ! command -v go >/dev/null 2>&1; then
    echo "go is not on PATH" >"$GO_TOOLS/bin/UNAVAILABLE"
    echo "setup-protoc: no Go toolchain: the Go part of the proto test is left out" >&2
    exit 0
fi
echo "setup-protoc: building protoc-gen-go (tools/go/go.mod)" >&2
if ! (cd "$GO_TOOLS" && GOFLAGS=-mod=mod GOTOOLCHAIN=local \
        go build -o bin/protoc-gen-go google.golang.org/protobuf/cmd/protoc-gen-go) 2>"$GO_TOOLS/bin/build.log"; then
    echo "the Go module proxy did not serve google.golang.org/protobuf/cmd/protoc-gen-go: $(tail -n 1 "$GO_TOOLS/bin/build.log")" \
        >"$GO_TOOLS/bin/UNAVAILABLE"
    echo "setup-protoc: $(cat "$GO_TOOLS/bin/UNAVAILABLE"); the Go part of the proto test is left out" >&2
fi
