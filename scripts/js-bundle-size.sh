#!/usr/bin/env bash
# Minified + gzipped size of browser bundles of the JavaScript SDK of a model:
# one event with the tracker and HttpTransport (Protobuf, JSON), the tracker
# alone, every event; and the proofs that tree-shaking keeps only what the
# app uses (no other event, no JSON encoder for Protobuf, no Node code).
#
#   scripts/js-bundle-size.sh [MODEL_DIR] [--event NAME] [--json]
#
# Builds the SDK (codegen build --target javascript) into a temporary folder,
# compiles it with the pinned TypeScript and bundles it with the pinned
# esbuild (scripts/setup-javascript.sh installs both). MODEL_DIR defaults to
# the bundled event_model/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODEL="$ROOT/event_model"
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then
    MODEL="$(cd "$1" && pwd)"
    shift
fi
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3

"$ROOT/scripts/setup-javascript.sh"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

(cd "$ROOT" && "$PYTHON" -m codegen --model "$MODEL" build --target javascript --out "$WORK/out" --force >/dev/null)
PKG="$WORK/out/javascript"
"$ROOT/tools/javascript/node_modules/.bin/tsc" -p "$PKG/tsconfig.esm.json"
node "$ROOT/scripts/js-bundle-size.mjs" "$PKG" "$@"
