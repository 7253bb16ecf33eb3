#!/usr/bin/env bash
# Install the npm registry server that the release tests publish to:
# verdaccio, pinned in tools/registries/package.json with its lock file
# (6.8.0: later versions want Node 22; node-fetch is overridden to 2.7.0,
# with which it installs and runs on Node 20). The PyPI side (pypiserver,
# twine, build) is pinned in requirements-dev.txt; the Maven repository is
# a folder. Installs with `npm ci` into tools/registries/node_modules.
# Idempotent: a stamp holding the lock file's hash makes later runs return
# at once; a changed lock reinstalls. Safe to run concurrently (flock).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$HERE/tools/registries"
STAMP="$TOOLS/node_modules/.codegen-lock-sha256"

for tool in node npm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "setup-registries: '$tool' is not on PATH (install Node.js 18 or newer)" >&2
        exit 1
    fi
done

want="$(sha256sum "$TOOLS/package-lock.json" | cut -d' ' -f1)"
installed() {
    [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && [ -x "$TOOLS/node_modules/.bin/verdaccio" ]
}
if installed; then
    exit 0
fi

exec 9>"$TOOLS/.setup.lock"
flock 9
if installed; then  # another run finished while we waited
    exit 0
fi

echo "setup-registries: npm ci in $TOOLS" >&2
(cd "$TOOLS" && npm ci --no-audit --no-fund --loglevel=error >&2)
"$TOOLS/node_modules/.bin/verdaccio" --version >&2
echo "$want" >"$STAMP"
