#!/usr/bin/env bash
# Run `swift ARGS...` in the current directory.
#
# Natively when `swift` is on PATH; otherwise inside the cached Debian 13 root
# that scripts/setup-swift.sh builds (run on demand). The current directory is
# bind-mounted into the root at the same path, so absolute paths below it
# (e.g. in environment variables) mean the same inside and out, and it is
# unmounted again however the command ends.
set -euo pipefail

if command -v swift >/dev/null 2>&1; then
    exec swift "$@"
fi

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="${CODEGEN_SWIFT_ROOT:-/var/cache/codegen/swift-trixie}"

if [ ! -f "$ROOT.done" ]; then
    "$HERE/setup-swift.sh"
fi

DIR="$(pwd -P)"
MNT="$ROOT$DIR"
# Mounting over a directory the root itself needs (/, /usr, the root's own
# parents...) would break it: only fresh or empty places, or one that a
# concurrent run already mounted, are used.
case "$ROOT/" in
    "$DIR"/*) echo "swift.sh: cannot run in $DIR, a parent of the Swift root $ROOT" >&2; exit 2 ;;
esac
if [ -d "$MNT" ] && ! mountpoint -q "$MNT" && [ -n "$(ls -A "$MNT" 2>/dev/null)" ]; then
    echo "swift.sh: $DIR exists inside the Swift root ($MNT); run from another directory" >&2
    exit 2
fi

# /proc stays mounted for every run (Swift needs it); mounting it twice is
# harmless but untidy, so only when it is missing.
mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"

# Remember the topmost directory this run creates, to remove it afterwards.
CREATED=""
probe="$MNT"
while [ ! -e "$probe" ]; do
    CREATED="$probe"
    probe="$(dirname "$probe")"
done
RUN_TMP=""
cleanup() {
    if mountpoint -q "$MNT"; then umount "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null || true; fi
    [ -z "$RUN_TMP" ] || rm -rf --one-file-system "$RUN_TMP"
    if [ -n "$CREATED" ]; then
        dir="$MNT"
        while rmdir "$dir" 2>/dev/null && [ "$dir" != "$CREATED" ]; do
            dir="$(dirname "$dir")"
        done
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$MNT"
# A private TMPDIR inside the root: the Swift driver leaves files there.
RUN_TMP="$(mktemp -d "$ROOT/tmp/swift-sh.XXXXXX")"
mount --bind "$DIR" "$MNT"

# HOME inside the root keeps SwiftPM's caches there, not in the host's home.
status=0
env HOME=/root TMPDIR="${RUN_TMP#"$ROOT"}" PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    chroot "$ROOT" /bin/sh -c 'cd "$1" && shift && exec swift "$@"' swift.sh "$DIR" "$@" || status=$?
exit "$status"
