#!/usr/bin/env bash
# Provide a Swift toolchain for the Swift target's tests.
#
# If `swift` is on PATH nothing is done. Otherwise a Debian 13 (trixie) root
# with the distribution's `swiftlang` package is created once and cached
# OUTSIDE the repository (default /var/cache/codegen/swift-trixie, override
# with CODEGEN_SWIFT_ROOT). scripts/swift.sh runs `swift` inside it.
#
# Idempotent and safe to run concurrently: an flock serialises builders and a
# completion marker makes later runs return at once. A half-built root (no
# marker) is wiped and rebuilt.
set -euo pipefail

if command -v swift >/dev/null 2>&1; then
    echo "setup-swift: native swift: $(command -v swift)"
    exit 0
fi

ROOT="${CODEGEN_SWIFT_ROOT:-/var/cache/codegen/swift-trixie}"
MARKER="$ROOT.done"
LOCK="$ROOT.lock"

if [ -f "$MARKER" ]; then
    exit 0
fi

if [ "$(id -u)" != 0 ]; then
    echo "setup-swift: no swift on PATH and not root: cannot build the chroot" >&2
    exit 1
fi

# The mirror the machine already uses: first non-security URI from its apt
# sources (deb822 or one-line format). Never a hard-coded host.
mirror_from_sources() {
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk '
            /^[[:space:]]*$/ { if (uri != "" && suites !~ /security/) { print uri; exit } uri=""; suites=""; next }
            /^URIs:/   { uri=$2 }
            /^Suites:/ { suites=$0 }
            END { if (uri != "" && suites !~ /security/) print uri }
        ' "$f" | head -n1
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        awk '$1 == "deb" && $0 !~ /security/ {
                 for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit }
             }' "$f"
    done
}

mkdir -p "$(dirname "$ROOT")"
exec 9>"$LOCK"
flock 9

# Another process may have finished while we waited for the lock.
if [ -f "$MARKER" ]; then
    exit 0
fi

MIRROR="${CODEGEN_DEBIAN_MIRROR:-$(mirror_from_sources | head -n1)}"
if [ -z "$MIRROR" ]; then
    echo "setup-swift: no Debian mirror found in the apt sources" >&2
    exit 1
fi

if ! command -v debootstrap >/dev/null 2>&1; then
    apt-get install -y debootstrap >/dev/null || {
        apt-get update >/dev/null && apt-get install -y debootstrap >/dev/null
    }
fi

# A previous run died half way: its mounts and files are not trustworthy.
if [ -d "$ROOT" ]; then
    umount "$ROOT/proc" 2>/dev/null || true
    rm -rf --one-file-system "$ROOT"
fi

echo "setup-swift: debootstrap trixie into $ROOT from $MIRROR (about 3 GB)" >&2
debootstrap --variant=minbase --include=swiftlang,libc6-dev trixie "$ROOT" "$MIRROR" >&2

# Smoke test, then mark complete.
mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
chroot "$ROOT" swift --version >&2
touch "$MARKER"
echo "setup-swift: ready: $ROOT" >&2
