"""Shared fixtures: the repository layout, the bundled model, the shared vectors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# kotlin-maven-plugin starts a Kotlin compile daemon (about 3 GB) that stays
# for 30 minutes after its last build; the suite's builds come at most a few
# minutes apart, so here it ends 2 minutes after the last one instead of
# outliving the run.
os.environ["MAVEN_OPTS"] = " ".join(filter(None, [os.environ.get("MAVEN_OPTS"),
                                                  "-Dkotlin.compiler.daemon.shutdownDelayMs=120000"]))

ROOT = Path(__file__).resolve().parents[1]
MODEL_DIR = ROOT / "event_model"
SHARED_VECTORS = (ROOT.parent / "shared" / "vectors").resolve()


@pytest.fixture(scope="session")
def bundled_model():
    from codegen.loader import load_model

    return load_model(MODEL_DIR)


@pytest.fixture(scope="session")
def shared_vectors() -> Path:
    if not (SHARED_VECTORS / "jcs").is_dir():
        pytest.fail(f"shared test vectors not found at {SHARED_VECTORS} (the shared/ folder beside the repository)")
    return SHARED_VECTORS


def run_codegen(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real CLI entry point, as users run it."""
    return subprocess.run(
        [sys.executable, "-m", "codegen", *args], cwd=cwd or ROOT, capture_output=True, text=True, timeout=300
    )
