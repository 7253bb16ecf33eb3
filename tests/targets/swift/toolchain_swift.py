"""The Swift SDK in its toolchain: SwiftPM with -warnings-as-errors (a
native swift, or the cached Debian 13 root of scripts/setup-swift.sh), then
the SDK's own XCTest cases."""

from __future__ import annotations

import re
from pathlib import Path

import shutil

from conftest import ROOT, SHARED_VECTORS
from targets.toolchain import run

FLAGS = ("-Xswiftc", "-warnings-as-errors")


def compile_and_test(sdk: Path) -> str:
    swift = ROOT / "scripts" / "swift.sh"
    work, package = sdk.parent, sdk.name
    # Only the working folder is visible inside the Swift root: the shared vectors go there.
    vectors = work / "vectors"
    if not vectors.exists():
        shutil.copytree(SHARED_VECTORS, vectors)
    env = {"CODEGEN_VECTORS": str(vectors)}
    output = run([swift, "build", "--package-path", package, *FLAGS], work, timeout=1800, env=env)
    output += run([swift, "test", "--package-path", package, *FLAGS], work, timeout=1800, env=env)
    assert "warning:" not in output, output[-6000:]
    summary = re.findall(r"Test Suite 'All tests' (passed|failed).*\n\s*Executed (\d+) tests?, with .*?(\d+) failures?",
                         output)
    assert summary and summary[-1][0] == "passed" and summary[-1][2] == "0", output[-6000:]
    return output
