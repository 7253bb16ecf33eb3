"""The Kotlin SDK in its toolchain: Maven offline (the artifacts that
scripts/setup-kotlin.sh fetched), the Kotlin compiler with -Werror (set in
the generated pom), then the SDK's own JUnit 5 tests."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT
from targets.toolchain import run


def compile_and_test(sdk: Path) -> str:
    run(["bash", ROOT / "scripts" / "setup-kotlin.sh"], ROOT)
    output = run(["mvn", "-o", "-q", "-B", "-Dstyle.color=never", "test"], sdk, timeout=1200)
    reports = list((sdk / "target" / "surefire-reports").glob("TEST-*.xml"))
    assert reports, f"Surefire wrote no reports:\n{output[-4000:]}"
    return output
