"""The command line as buf and protoc users type it, and its progress bar:
every command that reads a model takes its folder as an optional argument
(besides --model, never both differently), and a build that takes more than
a second shows Click's progress bar on a terminal only (a real pseudo
terminal here), never with --quiet or into a pipe."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import MODEL_DIR, ROOT, run_codegen

sys.path.insert(0, str(ROOT / "bench"))
from synthetic import write_model  # noqa: E402

MODEL_COMMANDS = [["validate"], ["build", "--out", "{tmp}/out"], ["check", "--out", "generated"],
                  ["export", "proto"], ["docs", "--out", "{tmp}/site"], ["diff", "--against", str(MODEL_DIR)],
                  ["version-check", "--against", str(MODEL_DIR)], ["changelog", "--against", str(MODEL_DIR)],
                  ["package", "--help"], ["publish", "--help"]]


@pytest.mark.parametrize("command", MODEL_COMMANDS, ids=lambda c: c[0])
def test_the_model_folder_as_an_argument(command: list[str], tmp_path: Path) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    if args[-1] == "--help":
        result = run_codegen(*args)
        assert result.returncode == 0 and "[MODEL]" in result.stdout.splitlines()[0], result.stdout
        return
    result = run_codegen(*args, "event_model")
    assert result.returncode in (0, 100), result.stdout + result.stderr
    assert "Usage:" not in result.stderr


def test_validate_names_the_folder_it_read(tmp_path: Path) -> None:
    result = run_codegen("validate", "event_model")
    assert result.returncode == 0 and result.stdout.startswith("event_model: broadcaster_analytics 1.0.0 is valid")
    missing = run_codegen("validate", str(tmp_path / "nowhere"))
    assert missing.returncode == 1 and "the model directory does not exist" in missing.stderr


def test_the_model_given_twice_differently_is_a_usage_error() -> None:
    result = run_codegen("--model", "event_model", "validate", "tests/release/model")
    assert result.returncode == 2 and "the model is given twice" in result.stderr
    assert run_codegen("--model", "event_model", "validate", "event_model").returncode == 0


@pytest.fixture(scope="module")
def large_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model whose build takes well over a second on this machine (the
    progress bar waits a second; 300 events build in under one now)."""
    return write_model(tmp_path_factory.mktemp("large"), 1000)


def _in_terminal(args: list[str], cwd: Path, timeout: float = 300) -> tuple[int, str]:
    """Run the CLI with a pseudo terminal as standard output and error."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "codegen", *args], cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=follower, stderr=follower, env={**os.environ, "COLUMNS": "100"})
    os.close(follower)
    chunks, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                data = os.read(leader, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(leader)
    return proc.wait(timeout=30), b"".join(chunks).decode("utf-8", "replace")


def test_a_long_build_shows_a_progress_bar_on_a_terminal_only(large_model: Path, tmp_path: Path) -> None:
    args = ["build", str(large_model), "--out", str(tmp_path / "out"), "--force"]
    code, screen = _in_terminal(args, tmp_path)
    assert code == 0, screen
    assert "rendering" in screen and "4/4" in screen, screen
    code, screen = _in_terminal([*args, "--quiet"], tmp_path)
    assert code == 0 and screen == "", screen
    piped = subprocess.run([sys.executable, "-m", "codegen", *args], cwd=tmp_path, capture_output=True, text=True,
                           timeout=300)
    assert piped.returncode == 0 and "rendering" not in piped.stdout + piped.stderr
    assert "done in" in piped.stdout


def test_an_up_to_date_build_shows_no_progress_bar(tmp_path: Path) -> None:
    args = ["build", str(MODEL_DIR), "--out", str(tmp_path / "out"), "--target", "python"]
    assert run_codegen(*args).returncode == 0
    code, screen = _in_terminal(args, tmp_path)
    assert code == 0 and "rendering" not in screen and "python: up to date" in screen, screen
