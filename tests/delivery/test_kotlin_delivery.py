"""The Kotlin SDK's delivery end to end: its program (programs/kotlin_sdk,
a JVM main built against generated/kotlin by kotlin_program.py) against the
real collector behind the fault injector, verdicts from DuckDB.

- 10,000 events with 30 % of the requests failing (500, 503 + Retry-After,
  connection reset, an answer delayed past the client's timeout after the
  collector stored the batch), the JVM killed with SIGKILL mid-delivery and
  started again: exactly 10,000 distinct events, every value equal to what
  was tracked, no duplicate row, nothing sent again after its 2xx.
- A batch answered 400 is sent exactly once and its events are reported
  dropped; an event the collector rejects in a 200 is reported, not resent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from . import workload
from .injector import FAULTS, FaultPlan
from .kotlin_program import BuildError, build
from .scenarios import kill_and_restart, one_run, requests_holding, resent_after_acknowledgement
from .stored import compare

SDK_NAME = "org.broadcaster.analytics"


@pytest.fixture(scope="module")
def java_program() -> list[str]:
    try:
        return build()
    except BuildError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture
def kotlin_program(java_program: list[str]):  # type: ignore[no-untyped-def]
    def command(url: str, queue_dir: str, phase: str, count: int, options: str, invalid_at: int) -> list[str]:
        return [*java_program, "--url", url, "--queue-dir", queue_dir, "--phase", phase, "--count", str(count),
                "--options", options, "--invalid-at", str(invalid_at)]

    return command


def comparison(stored, count: int, skip: frozenset[int] = frozenset()):  # type: ignore[no-untyped-def]
    return compare(stored, workload.model(), workload.expected_envelopes(count, SDK_NAME, skip))


def test_ten_thousand_events_through_faults_and_a_kill(tmp_path: Path, kotlin_program) -> None:  # type: ignore[no-untyped-def]
    count = 10_000
    outcome = kill_and_restart(tmp_path, kotlin_program, count, FaultPlan(fail_share=0.3, seed=7),
                               kill_after_acknowledged=3_000)
    log, stored = outcome.log, outcome.stored
    kinds = log.counts()
    for kind in FAULTS:
        assert kinds.get(kind, 0) >= 1, f"the injector never produced {kind}: {kinds}"
    assert "over_limit" not in kinds
    faults = sum(kinds.get(k, 0) for k in FAULTS)
    assert 0.2 < faults / len(log.requests) < 0.4, kinds
    first, second = outcome.programs
    assert first.process.returncode == -9
    assert 3_000 <= outcome.acknowledged_at_kill < count, "killed in the middle of delivery"
    assert stored.distinct == count, f"{stored.distinct} distinct events stored"
    assert stored.duplicate_rows == 0
    assert stored.bad == []
    result = comparison(stored, count)
    assert result.ok, result.summary()
    assert resent_after_acknowledgement(log, outcome.requests_at_kill) == []
    assert first.drops() == [] and second.drops() == []
    assert not [line for p in outcome.programs for line in p.lines if line.startswith("error ")]
    assert {s.content_type for s in log.requests} == {"application/x-protobuf"}
    assert outcome.seconds < 90, f"took {outcome.seconds:.0f} s"


def test_a_400_batch_is_sent_once_and_rejections_are_reported(tmp_path: Path, kotlin_program) -> None:  # type: ignore[no-untyped-def]
    count, invalid_at = 400, 250
    outcome = one_run(tmp_path, kotlin_program, count, FaultPlan(fail_share=0.0, answer_400=frozenset({2})),
                      invalid_at=invalid_at)
    log, stored = outcome.log, outcome.stored
    (program,) = outcome.programs
    refused = log.requests[1]
    assert refused.kind == "400" and refused.event_ids
    for event_id in refused.event_ids:
        assert requests_holding(log, event_id) == [2], event_id
    drops = {d.reason: d for d in program.drops()}
    assert set(drops) == {"client_error", "rejected"}, program.lines
    assert drops["client_error"].event_ids == refused.event_ids and drops["client_error"].status == "400"
    invalid_id = workload.EVENT_ID_FORMAT % invalid_at
    assert drops["rejected"].event_ids == (invalid_id,)
    assert len(requests_holding(log, invalid_id)) == 1
    assert [row["event_id"] for row in stored.bad] == [invalid_id]
    skip = frozenset(int(i.rsplit("-", 1)[1]) for i in refused.event_ids) | {invalid_at}
    assert stored.distinct == count - len(skip) and stored.duplicate_rows == 0
    result = comparison(stored, count, skip)
    assert result.ok, result.summary()
    counters = program.counters()
    assert counters["dropped"]["client_error"] == len(refused.event_ids)
    assert counters["dropped"]["rejected"] == 1
    assert counters["sent"] == count - len(skip)
    assert any(s.gzip for s in log.requests), "bodies above 1 KB go gzip-compressed"
