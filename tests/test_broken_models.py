"""Golden tests of the loader's diagnostics on the broken-model corpus.

Each folder under tests/broken_models/ is a small model with deliberate
problems; expected.txt beside its YAML files holds the exact stderr of
`codegen --model . validate` run inside the folder (so paths are relative
and stable). Rewrite the goldens after an intended change of a message with

    UPDATE_GOLDENS=1 .venv/bin/python -m pytest tests/test_broken_models.py

and read the diff before committing it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from codegen.cli import main

CASES_DIR = Path(__file__).parent / "broken_models"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if p.is_dir())
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"
ARGS = ["codegen", "--model", ".", "validate"]


def _run_in_process(
    case: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> tuple[int, str, str]:
    """Run the CLI's own entry point (exception handling included) in the case folder."""
    monkeypatch.chdir(case)
    monkeypatch.setattr(sys, "argv", ARGS)
    monkeypatch.delenv("CODEGEN_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        main()
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err  # type: ignore[return-value]


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40
    for name in CASES:
        folder = CASES_DIR / name
        assert (folder / "expected.txt").is_file() or UPDATE, f"{name} has no expected.txt"


@pytest.mark.parametrize("name", CASES)
def test_broken_model(name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES_DIR / name
    code, out, err = _run_in_process(case, monkeypatch, capsys)
    assert "Traceback" not in out + err
    assert "internal error" not in err
    assert code == 1, f"exit code {code}; stdout: {out!r}"
    assert out == ""
    expected = case / "expected.txt"
    if UPDATE:
        expected.write_text(err, encoding="utf-8", newline="\n")
    assert err == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["many_errors_many_files", "binary_file", "yaml_aliases"])
def test_real_cli_matches_golden(name: str) -> None:
    """The installed command, in a fresh process, prints the same as the golden."""
    case = CASES_DIR / name
    env = {k: v for k, v in os.environ.items() if k != "CODEGEN_DEBUG"}
    proc = subprocess.run(
        [sys.executable, "-m", "codegen", *ARGS[1:]], cwd=case, env=env,
        capture_output=True, text=True, timeout=60,
    )
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.returncode == 1
    assert proc.stderr == (case / "expected.txt").read_text(encoding="utf-8")


def test_many_errors_span_several_files() -> None:
    """All problems of a model are reported at once, across its files."""
    text = (CASES_DIR / "many_errors_many_files" / "expected.txt").read_text(encoding="utf-8")
    files = {line.split(":", 1)[0] for line in text.splitlines() if ": error: " in line}
    assert len(files) >= 4, files
    assert text.count(": error: ") >= 6
