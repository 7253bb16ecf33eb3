"""The Swift SDK's delivery end to end: its program (programs/swift_sdk,
built by swift_program.py with SwiftPM, natively or in the cached Debian 13
root) against the real collector behind the fault injector, verdicts from
DuckDB.

- 10,000 events with 30 % of the requests failing (500, 503 + Retry-After,
  connection reset, an answer delayed past the client's timeout after the
  collector stored the batch), the program killed with SIGKILL mid-delivery
  and started again: exactly 10,000 distinct events, every value equal to
  what was tracked, no duplicate row, nothing sent again after its 2xx.
- A batch answered 400 is sent exactly once and its events are reported
  dropped; an event the collector rejects in a 200 is reported, not resent.

URLSession on Linux counts timeouts in whole seconds (the program's 0.5 s
becomes 1 s), so the delayed answers here come after 2 s.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from . import swift_program
from .injector import FaultPlan
from .scenarios import consent_scenarios, kill_and_restart, one_run
from .verdicts import assert_400_sent_once_and_rejection_reported, assert_none_lost_through_faults_and_a_kill

SDK_NAME = "BroadcasterAnalytics"


@pytest.fixture(scope="module")
def swift_command():  # type: ignore[no-untyped-def]
    try:
        program = swift_program.build()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    return swift_program.delivery_command(program)


def test_ten_thousand_events_through_faults_and_a_kill(swift_command, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    count = 10_000
    outcome = kill_and_restart(tmp_path, swift_command, count, FaultPlan(fail_share=0.3, seed=7, delay=2.0),
                               kill_after_acknowledged=3_000)
    assert_none_lost_through_faults_and_a_kill(outcome, count, SDK_NAME, kill_after_acknowledged=3_000)
    assert all(seen.content_type == "application/x-protobuf" for seen in outcome.log.requests)
    assert outcome.seconds < 90, f"took {outcome.seconds:.0f} s"


def test_a_400_batch_is_sent_once_and_rejections_are_reported(swift_command, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    count, invalid_at = 400, 250
    outcome = one_run(tmp_path, swift_command, count, FaultPlan(fail_share=0.0, answer_400=frozenset({2})),
                      invalid_at=invalid_at)
    assert_400_sent_once_and_rejection_reported(outcome, count, SDK_NAME, invalid_at)


def test_nothing_is_stored_for_a_purpose_not_granted_and_withdrawal_purges_the_queue(  # type: ignore[no-untyped-def]
        swift_command, tmp_path: Path) -> None:
    consent_scenarios(tmp_path, swift_command, SDK_NAME)
