#!/usr/bin/env bash
# Run a program that scripts/swift.sh built: `swift-exec.sh PROGRAM [ARGS...]`.
#
# The program replaces this script (exec), so the process a caller starts IS
# the program and its signals (a test's SIGKILL) reach it. Natively when
# `swift` is on PATH; otherwise with the cached Debian 13 root's own dynamic
# loader and libraries (its glibc, the Swift runtime, Foundation, libcurl),
# on the host's files and network: no chroot and no mount, which a killed
# process could not clean up.
set -euo pipefail

if [ $# -lt 1 ]; then
    echo "usage: swift-exec.sh PROGRAM [ARGS...]" >&2
    exit 2
fi
if command -v swift >/dev/null 2>&1; then
    exec "$@"
fi

ROOT="${CODEGEN_SWIFT_ROOT:-/var/cache/codegen/swift-trixie}"
if [ ! -f "$ROOT.done" ]; then
    echo "swift-exec.sh: no Swift root at $ROOT (scripts/setup-swift.sh makes it)" >&2
    exit 2
fi
case "$(uname -m)" in
    x86_64) TRIPLE=x86_64-linux-gnu LOADER="$ROOT/lib64/ld-linux-x86-64.so.2" ;;
    aarch64) TRIPLE=aarch64-linux-gnu LOADER="$ROOT/lib/ld-linux-aarch64.so.1" ;;
    *) echo "swift-exec.sh: unsupported machine $(uname -m)" >&2; exit 2 ;;
esac
exec "$LOADER" --library-path "$ROOT/usr/lib/swift/linux:$ROOT/lib/$TRIPLE:$ROOT/usr/lib/$TRIPLE" "$@"
