"""Fixtures of the conformance suite (imported by its test modules: a
conftest.py here would shadow tests/conftest.py, which other test modules
import by name) and its summary section: cases, targets, results, timings,
and what a language cannot represent."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import traceback
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest

import batches
import caseio
import consents
from harness import HarnessError, MissingHarness, Result, Unit, harness_for

HERE = Path(__file__).resolve().parent


class Summary:
    """Lines for the end of the pytest run (a plugin registered on first use)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, line: str) -> None:
        self.lines.append(line)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.lines:
            terminalreporter.section("conformance")
            for line in self.lines:
                terminalreporter.write_line(line)


# The fixtures below are imported into several test modules, and pytest then
# makes one instance per module even for session scope: each returns one
# object per process instead.
_ONCE: dict[str, Any] = {}


@pytest.fixture(scope="session")
def summary(request: pytest.FixtureRequest) -> Summary:
    if "summary" not in _ONCE:
        _ONCE["summary"] = Summary()
        request.config.pluginmanager.register(_ONCE["summary"], "conformance-summary")
    return _ONCE["summary"]  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def units() -> list[Unit]:
    from codegen.loader import load_model

    if "units" not in _ONCE:
        _ONCE["units"] = [Unit(key, caseio.MODEL_DIRS[key], load_model(caseio.MODEL_DIRS[key]),
                               caseio.load_cases(key), batches.load_batches(key), consents.load_consents(key))
                          for key in caseio.MODELS]
    return _ONCE["units"]  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def work_root() -> Path:
    """Build folders, kept between runs for incremental builds (git-ignored);
    the CONFORMANCE_WORK environment variable moves them."""
    root = Path(os.environ.get("CONFORMANCE_WORK") or HERE / ".work")
    root.mkdir(parents=True, exist_ok=True)
    return root


@dataclass
class TargetRun:
    """A harness run: its result, or why there is none, and how long it took."""

    result: Result | None
    error: str
    seconds: float


def run_target(target: str, units: list[Unit], work: Path) -> TargetRun:
    started = time.monotonic()
    try:
        result = harness_for(target).run(units, work / target)
    except MissingHarness as exc:
        return TargetRun(None, str(exc), 0.0)
    except HarnessError as exc:
        return TargetRun(None, f"target {target}: {exc}", time.monotonic() - started)
    except Exception:  # a bug in the harness (or in the target's value writer it imports)
        return TargetRun(None, f"target {target}: the harness crashed:\n{traceback.format_exc()}",
                         time.monotonic() - started)
    return TargetRun(result, "", time.monotonic() - started)


def check_case_files() -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(HERE / "make_cases.py"), "--check"], cwd=HERE.parents[1],
                          capture_output=True, text=True, timeout=600)


class Background:
    """The slow steps of the selected tests, started together at the start of
    the session: every language's build and run (each mostly waits on its
    compiler) and the regeneration of the case files overlap, which keeps the
    suite within its time budget on two cores."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="conformance")
        self.futures: dict[str, Future[Any]] = {}

    def start(self, key: str, fn: Callable[..., Any], *args: Any) -> None:
        if key not in self.futures:
            self.futures[key] = self.pool.submit(fn, *args)

    def result(self, key: str, fn: Callable[..., Any], *args: Any) -> Any:
        self.start(key, fn, *args)
        return self.futures[key].result()


@pytest.fixture(scope="session")
def background(request: pytest.FixtureRequest, units: list[Unit], work_root: Path) -> Background:
    if "background" in _ONCE:
        return _ONCE["background"]  # type: ignore[no-any-return]
    jobs = _ONCE["background"] = Background()
    for item in request.session.items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        name = getattr(item, "originalname", item.name)
        if name == "test_case_files_are_current":
            jobs.start("make_cases", check_case_files)
        elif name == "test_target_matches_the_reference" and "target" in params:
            jobs.start(f"target:{params['target']}", run_target, params["target"], units, work_root)
    return jobs
