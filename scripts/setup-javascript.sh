#!/usr/bin/env bash
# Install the pinned JavaScript toolchain (TypeScript, esbuild) that the
# JavaScript target's tests and scripts/js-bundle-size.sh use, and ajv, which
# the JSON Schema export's tests run in strict mode.
#
# Installs tools/javascript/package.json + package-lock.json with `npm ci`
# into tools/javascript/node_modules. Idempotent: a stamp holding the lock
# file's hash makes later runs return at once; a changed lock reinstalls.
# Safe to run concurrently (flock). Needs node >= 18 and npm on PATH.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$HERE/tools/javascript"
STAMP="$TOOLS/node_modules/.codegen-lock-sha256"

for tool in node npm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "setup-javascript: '$tool' is not on PATH (install Node.js 18 or newer)" >&2
        exit 1
    fi
done
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 18 ]; then
    echo "setup-javascript: node $(node --version) is too old (need 18 or newer)" >&2
    exit 1
fi

want="$(sha256sum "$TOOLS/package-lock.json" | cut -d' ' -f1)"
installed() {
    [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] \
        && [ -x "$TOOLS/node_modules/.bin/tsc" ] && [ -x "$TOOLS/node_modules/.bin/esbuild" ] \
        && [ -f "$TOOLS/node_modules/ajv/package.json" ]
}
if installed; then
    exit 0
fi

exec 9>"$TOOLS/.setup.lock"
flock 9
if installed; then  # another run finished while we waited
    exit 0
fi

echo "setup-javascript: npm ci in $TOOLS" >&2
(cd "$TOOLS" && npm ci --no-audit --no-fund --loglevel=error >&2)
"$TOOLS/node_modules/.bin/tsc" --version >&2
"$TOOLS/node_modules/.bin/esbuild" --version >&2
echo "$want" >"$STAMP"
