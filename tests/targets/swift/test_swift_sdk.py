"""The Swift SDK compiles without warnings and passes its own XCTest cases.

For the bundled model and for a hostile model (keywords, names that shadow
Swift and runtime types, text that tries to end comments and literals),
the SDK is rendered into a temp dir and built with SwiftPM
(`-warnings-as-errors`), then its rendered tests run: the test plan's
vectors through the typed builders (samples' bytes and JSON equal the
reference, invalid cases), tracker, runtime and the shared JSON vectors. No Swift toolchain is a failure, not a skip:
scripts/setup-swift.sh provides one (a cached Debian 13 root) when none is
on PATH.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from codegen.build import render
from codegen.loader import load_model
from codegen.output import write_tree
from codegen.targets.swift import TARGET
from conftest import ROOT
from targets.toolchain import plan_cases
from test_swift_target import write_hostile_model

SCRIPTS = ROOT / "scripts"
SWIFT_FLAGS = ("-Xswiftc", "-warnings-as-errors")


@pytest.fixture(scope="module")
def swift_toolchain() -> None:
    result = subprocess.run([str(SCRIPTS / "setup-swift.sh")], capture_output=True, text=True, timeout=1200)
    if result.returncode != 0:
        pytest.fail("no Swift toolchain: scripts/setup-swift.sh failed\n" + result.stdout + result.stderr)


def swift(work: Path, *args: str, vectors: Path) -> str:
    """`swift ARGS` in `work` (natively or in the chroot); output on success."""
    env = {**os.environ, "CODEGEN_VECTORS": str(vectors)}
    result = subprocess.run([str(SCRIPTS / "swift.sh"), *args], cwd=work, env=env, capture_output=True,
                            text=True, timeout=900)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"swift {' '.join(args)} failed:\n{output[-12000:]}"
    return output


def build_and_test(model_dir: Path, work: Path, vectors: Path) -> tuple[str, int]:
    """Render, build, test; the XCTest output and the number of plan cases."""
    model = load_model(model_dir)
    write_tree(work / "pkg", render(model, TARGET, ()))
    shutil.copytree(vectors, work / "vectors")
    swift(work, "build", "--package-path", "pkg", *SWIFT_FLAGS, vectors=work / "vectors")
    output = swift(work, "test", "--package-path", "pkg", *SWIFT_FLAGS, vectors=work / "vectors")
    return output, plan_cases(model)


def assert_all_passed(output: str, cases: int) -> None:
    summary = re.findall(r"Test Suite 'All tests' (passed|failed).*\n\s*Executed (\d+) tests?, with (.*?)"
                         r"(\d+) failures?", output)
    assert summary, f"no XCTest summary in the output:\n{output[-6000:]}"
    status, executed, middle, failures = summary[-1]
    assert status == "passed" and failures == "0", output[-12000:]
    assert "skipped" not in middle, f"some XCTest cases were skipped:\n{output[-6000:]}"
    assert int(executed) >= 10
    checked = re.findall(r"plan (?:samples|invalid cases) checked: (\d+)", output)
    assert len(checked) == 2 and sum(map(int, checked)) == cases, (checked, cases)
    assert "warning:" not in output
    assert "es-numbers checked: 20000" in output
    assert re.search(r"jcs vectors checked: [1-9]", output)


def test_bundled_model_sdk_builds_without_warnings_and_passes(swift_toolchain, shared_vectors, tmp_path):
    output, cases = build_and_test(ROOT / "event_model", tmp_path, shared_vectors)
    assert_all_passed(output, cases)
    for suite in ("PlanTests", "TrackerTests", "RuntimeTests", "VectorTests"):
        assert f"Test Suite '{suite}' passed" in output, suite


def test_hostile_model_sdk_builds_without_warnings_and_passes(swift_toolchain, shared_vectors, tmp_path):
    model_dir = write_hostile_model(tmp_path / "model")
    output, cases = build_and_test(model_dir, tmp_path / "work", shared_vectors)
    assert_all_passed(output, cases)
