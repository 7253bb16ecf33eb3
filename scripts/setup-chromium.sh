#!/usr/bin/env bash
# Debian's Chromium for the catalog's browser test (tests/exports/test_catalog_browser.py),
# driven by Playwright for Python (pinned in requirements-dev.txt) with the
# system browser; never `playwright install`. Idempotent.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-chromium: /usr/bin/chromium is missing (apt-get install chromium as root)" >&2
    exit 1
fi
echo "setup-chromium: apt-get install chromium" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
