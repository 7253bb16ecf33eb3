"""What every target's toolchain module shares: running a step and failing
with its output. Each target has `tests/targets/<lang>/toolchain_<lang>.py`
with `compile_and_test(sdk: Path) -> str`, which builds the SDK in `sdk`
(as rendered by `codegen build`) in the language's real toolchain with
warnings as errors and runs the SDK's own tests; the stress model test
(tests/stress/) runs it for every registered target."""

from __future__ import annotations

import importlib
import os
import subprocess
from pathlib import Path
from types import ModuleType

from conftest import ROOT, SHARED_VECTORS

TARGET_TESTS = ROOT / "tests" / "targets"


def run(args: list[object], cwd: Path, timeout: int = 900, env: dict[str, str] | None = None) -> str:
    """Run one step; its output, or an AssertionError holding the end of it."""
    proc = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "CODEGEN_VECTORS": str(SHARED_VECTORS), **(env or {})})
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"{' '.join(map(str, args))} failed ({proc.returncode}):\n{output[-8000:]}"
    return output


def plan_cases(model: object) -> int:
    """How many cases (samples and invalid ones) the SDKs' vectors file of
    `model` holds: each SDK's own tests must run every one."""
    import json

    from codegen.sdk.vectors import plan_vectors

    events = json.loads(plan_vectors(model))["events"]  # type: ignore[arg-type]
    return sum(len(e["samples"]) + len(e["invalid"]) for e in events)


def toolchain_for(target: str) -> ModuleType:
    path = TARGET_TESTS / target / f"toolchain_{target}.py"
    assert path.is_file(), (f"target '{target}' is registered but has no toolchain module: add {path.relative_to(ROOT)} "
                            "with compile_and_test(sdk) (see tests/targets/toolchain.py)")
    return importlib.import_module(f"targets.{target}.toolchain_{target}")
