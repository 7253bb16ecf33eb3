"""The Python SDK's delivery end to end: its program (programs/python_sdk.py)
against the real collector behind the fault injector, verdicts from DuckDB.

- 10,000 events with 30 % of the requests failing (500, 503 + Retry-After,
  connection reset, an answer delayed past the client's timeout after the
  collector stored the batch), the program killed with SIGKILL mid-delivery
  and started again: exactly 10,000 distinct events, every value equal to
  what was tracked, no duplicate row, nothing sent again after its 2xx.
- A batch answered 400 is sent exactly once and its events are reported
  dropped; an event the collector rejects in a 200 is reported, not resent.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .injector import FaultPlan
from .scenarios import consent_scenarios, kill_and_restart, one_run
from .verdicts import assert_400_sent_once_and_rejection_reported, assert_none_lost_through_faults_and_a_kill

PROGRAM = Path(__file__).resolve().parent / "programs" / "python_sdk.py"
SDK_NAME = "broadcaster_analytics"


def python_program(url: str, queue_dir: str, phase: str, count: int, options: str, invalid_at: int) -> list[str]:
    return [sys.executable, str(PROGRAM), "--url", url, "--queue-dir", queue_dir, "--phase", phase,
            "--count", str(count), "--options", options, "--invalid-at", str(invalid_at)]


def test_ten_thousand_events_through_faults_and_a_kill(tmp_path: Path) -> None:
    count = 10_000
    outcome = kill_and_restart(tmp_path, python_program, count, FaultPlan(fail_share=0.3, seed=7),
                               kill_after_acknowledged=3_000)
    assert_none_lost_through_faults_and_a_kill(outcome, count, SDK_NAME, kill_after_acknowledged=3_000)
    assert outcome.seconds < 60, f"took {outcome.seconds:.0f} s"


def test_a_400_batch_is_sent_once_and_rejections_are_reported(tmp_path: Path) -> None:
    count, invalid_at = 400, 250
    outcome = one_run(tmp_path, python_program, count, FaultPlan(fail_share=0.0, answer_400=frozenset({2})),
                      invalid_at=invalid_at)
    assert_400_sent_once_and_rejection_reported(outcome, count, SDK_NAME, invalid_at)


def test_nothing_is_stored_for_a_purpose_not_granted_and_withdrawal_purges_the_queue(tmp_path: Path) -> None:
    consent_scenarios(tmp_path, python_program, SDK_NAME)
