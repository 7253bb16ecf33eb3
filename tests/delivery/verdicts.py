"""The verdicts every SDK's delivery must earn, read from an `Outcome`
(scenarios.py): one place, so the four SDKs are held to the same rules.
Each test adds what is particular to its SDK (formats, gzip, timing)."""

from __future__ import annotations

from . import workload
from .injector import FAULTS
from .scenarios import Outcome, requests_holding, resent_after_acknowledgement
from .stored import compare


def assert_stored_as_tracked(outcome: Outcome, count: int, sdk_name: str,
                             skip: frozenset[int] = frozenset()) -> None:
    """Every stored value equals what the workload tracked (but `skip`)."""
    result = compare(outcome.stored, workload.model(), workload.expected_envelopes(count, sdk_name, skip))
    assert result.ok, result.summary()


def assert_none_lost_through_faults_and_a_kill(outcome: Outcome, count: int, sdk_name: str,
                                               kill_after_acknowledged: int) -> None:
    """`kill_and_restart` under a 30 % fault plan: every fault kind seen,
    killed mid-delivery, exactly `count` distinct events, no duplicate row,
    nothing sent again after its 2xx, nothing dropped."""
    log, stored = outcome.log, outcome.stored
    kinds = log.counts()
    for kind in FAULTS:
        assert kinds.get(kind, 0) >= 1, f"the injector never produced {kind}: {kinds}"
    assert "over_limit" not in kinds
    faults = sum(kinds.get(k, 0) for k in FAULTS)
    assert 0.2 < faults / len(log.requests) < 0.4, kinds
    first, second = outcome.programs
    assert first.process.returncode == -9
    assert kill_after_acknowledged <= outcome.acknowledged_at_kill < count, "killed in the middle of delivery"
    assert stored.distinct == count, f"{stored.distinct} distinct events stored"
    assert stored.duplicate_rows == 0
    assert stored.bad == []
    assert_stored_as_tracked(outcome, count, sdk_name)
    assert resent_after_acknowledgement(log, outcome.requests_at_kill) == []
    assert first.drops() == [] and second.drops() == []


def assert_400_sent_once_and_rejection_reported(outcome: Outcome, count: int, sdk_name: str,
                                               invalid_at: int) -> None:
    """`one_run` with request 2 answered 400 and one invalid event: the 400
    batch was sent exactly once and reported dropped (`client_error`), the
    collector's per-event rejection reported (`rejected`), not resent, and
    everything else stored as tracked."""
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
    assert_stored_as_tracked(outcome, count, sdk_name, skip)
    counters = program.counters()
    assert counters["dropped"]["client_error"] == len(refused.event_ids)
    assert counters["dropped"]["rejected"] == 1
    assert counters["sent"] == count - len(skip)
