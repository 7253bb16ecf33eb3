"""The Python SDK in its toolchain: mypy --strict over the package and its
tests, black (the pinned version, explicit mode) leaving every file
unchanged, and the SDK's own pytest suite."""

from __future__ import annotations

import sys
from pathlib import Path

import black

from targets.toolchain import run

BLACK_MODE = black.Mode(target_versions={black.TargetVersion.PY311}, line_length=88)


def compile_and_test(sdk: Path) -> str:
    config = sdk.parent / f"{sdk.name}-mypy.ini"
    config.write_text("[mypy]\n")
    packages = [p.parent.name for p in sdk.glob("*/__init__.py")]
    output = run([sys.executable, "-m", "mypy", "--strict", "--config-file", config, "--cache-dir",
                  sdk.parent / f"{sdk.name}-mypy-cache", *packages, "tests"], sdk)
    changed = [str(p) for p in sorted(sdk.rglob("*.py"))
               if black.format_str(p.read_text(encoding="utf-8"), mode=BLACK_MODE) != p.read_text(encoding="utf-8")]
    assert not changed, f"black would reformat: {changed[:10]}"
    output += run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error::SyntaxWarning"],
                  sdk, env={"PYTHONPATH": str(sdk)})
    assert " failed" not in output and " passed" in output, output[-4000:]
    return output
