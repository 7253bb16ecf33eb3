"""The implicit scopes in codegen/targets/<lang>/implicit_scope.txt are what
the installed toolchains say today (scripts/derive_implicit_scope.py), so
the names the targets avoid follow the languages, not a list."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT


@pytest.mark.parametrize("lang", ["javascript", "kotlin", "swift"])
def test_implicit_scope_matches_the_toolchain(lang: str) -> None:
    setup = {"javascript": "setup-javascript.sh", "kotlin": "setup-kotlin.sh", "swift": "setup-swift.sh"}[lang]
    subprocess.run(["bash", str(ROOT / "scripts" / setup)], check=True, capture_output=True, timeout=1800)
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "derive_implicit_scope.py"), "--check", lang],
                            capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_scopes_hold_what_generated_code_relies_on() -> None:
    scopes = {lang: (ROOT / "codegen" / "targets" / lang / "implicit_scope.txt").read_text().split()
              for lang in ("javascript", "kotlin", "swift")}
    assert {"Int", "String", "List", "Regex", "JvmStatic", "Deprecated", "Thread"} <= set(scopes["kotlin"])
    assert {"Int32", "Sendable", "Date", "Data", "URL", "XCTestCase", "Task"} <= set(scopes["swift"])
    assert {"Array", "Map", "Uint8Array", "BigInt", "hasOwnProperty", "__proto__"} <= set(scopes["javascript"])
