"""The end-to-end delivery scenarios, for any SDK: a real collector (DuckDB
sink) on a free loopback port behind the fault injector, the SDK's program
(see programs/python_sdk.py for the protocol) started as a subprocess, and
the verdict read from the DuckDB file and the injector's log.

`Command` builds the program's command line for a phase; `sdk_name` is the
SDK's own context sdk_name (docs/wire-contract.md)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from collector.support import running_collector

from . import stored, workload
from .injector import FaultInjector, FaultPlan, Log, event_id_field
from .process import Program

Command = Callable[..., Sequence[str]]  # (url, queue_dir, phase, count, options, invalid_at) -> argv

# Timers shortened through the public options (the defaults are what users get).
FAST_OPTIONS = {"flush_interval": 0.05, "request_timeout": 0.5, "backoff_base": 0.01, "backoff_max": 0.1,
                "retry_after_max": 0.05}


@dataclass
class Outcome:
    log: Log
    stored: stored.Stored
    programs: list[Program]
    seconds: float
    acknowledged_at_kill: int = 0
    requests_at_kill: int = 0


def command_line(command: Command, url: str, queue_dir: Path, phase: str, count: int = 0,
                 options: dict[str, Any] | None = None, invalid_at: int = -1) -> list[str]:
    return list(command(url=url, queue_dir=str(queue_dir), phase=phase, count=count,
                        options=json.dumps(options or FAST_OPTIONS), invalid_at=invalid_at))


def kill_and_restart(work: Path, command: Command, count: int, plan: FaultPlan,
                     kill_after_acknowledged: int, timeout: float = 90) -> Outcome:
    """Track `count` events; once the client holds acknowledgements for
    `kill_after_acknowledged` of them, SIGKILL the program; start it again
    to deliver the rest. Returns after the collector has stopped."""
    started = time.monotonic()
    db = work / "events.duckdb"
    queue = work / "queue"
    model = workload.model()
    programs = []
    with running_collector(work, "--sink", f"duckdb:{db}") as collector:
        with FaultInjector(collector.url, plan, event_id_field(model)) as injector:
            first = Program(command_line(command, injector.url, queue, "track", count), work)
            programs.append(first)
            first.wait_line("tracked ", timeout)
            deadline = time.monotonic() + timeout
            while len(injector.log.acknowledged_ids()) < kill_after_acknowledged:
                if first.process.poll() is not None:
                    raise AssertionError("the program ended before it could be killed:\n" + "\n".join(first.lines))
                if time.monotonic() > deadline:
                    raise AssertionError(f"fewer than {kill_after_acknowledged} events acknowledged in {timeout} s")
                time.sleep(0.01)
            first.kill()
            at_kill = len(injector.log.acknowledged_ids())
            requests_at_kill = len(injector.log.requests)
            second = Program(command_line(command, injector.url, queue, "resume"), work)
            programs.append(second)
            second.wait_line("done ", timeout)
            assert second.finish(30) == 0, second.stderr_tail()
    return Outcome(injector.log, stored.read(db, model), programs, time.monotonic() - started, at_kill,
                   requests_at_kill)


def one_run(work: Path, command: Command, count: int, plan: FaultPlan, invalid_at: int = -1,
            timeout: float = 60) -> Outcome:
    started = time.monotonic()
    db = work / "events.duckdb"
    model = workload.model()
    with running_collector(work, "--sink", f"duckdb:{db}") as collector:
        with FaultInjector(collector.url, plan, event_id_field(model)) as injector:
            program = Program(command_line(command, injector.url, work / "queue", "track", count,
                                           invalid_at=invalid_at), work)
            program.wait_line("done ", timeout)
            assert program.finish(30) == 0, program.stderr_tail()
    return Outcome(injector.log, stored.read(db, model), [program], time.monotonic() - started)


# Nothing is due before flush(): every event is still queued when the program withdraws consent.
HOLD_OPTIONS = {**FAST_OPTIONS, "flush_interval": 60.0, "batch_max_events": 2000, "batch_max_bytes": 2_000_000}


def consent_run(work: Path, command: Command, count: int, consent: str, withdraw: str = "",
                timeout: float = 60) -> Outcome:
    """One program tracking `count` events under `consent` (comma-separated
    purposes), then withdrawing `withdraw`, then flushing (no faults)."""
    started = time.monotonic()
    work.mkdir(parents=True, exist_ok=True)
    db = work / "events.duckdb"
    model = workload.model()
    with running_collector(work, "--sink", f"duckdb:{db}") as collector:
        with FaultInjector(collector.url, FaultPlan(fail_share=0.0), event_id_field(model)) as injector:
            argv = command_line(command, injector.url, work / "queue", "track", count, HOLD_OPTIONS)
            program = Program(argv + ["--consent", consent] + (["--withdraw", withdraw] if withdraw else []), work)
            program.wait_line("done ", timeout)
            assert program.finish(30) == 0, program.stderr_tail()
    return Outcome(injector.log, stored.read(db, model), [program], time.monotonic() - started)


def check_consent(outcome: Outcome, count: int, sdk_name: str, consent: str, withdraw: str = "") -> dict[str, int]:
    """What the collector stored is exactly what the reference's tracker
    sends under that consent: events needing a purpose not granted never
    reach the transport (counted), values of purposes not granted are not
    in the rows, and the events needing a withdrawn purpose were purged
    from the queue before any request (never on the wire, reported as
    consent_withdrawn). Returns the counts, for the caller's own checks."""
    granted = frozenset(consent.split(","))
    withdrawn = frozenset(withdraw.split(",")) - {""}
    verdicts = workload.consented(count, sdk_name, granted)
    dropped = {workload.EVENT_ID_FORMAT % i for i, (_, json_text, _) in verdicts.items() if json_text is None}
    purged = {workload.EVENT_ID_FORMAT % i for i, (_, json_text, needs) in verdicts.items()
              if json_text is not None and withdrawn & set(needs)}
    kept = {workload.EVENT_ID_FORMAT % i: (event, json_text) for i, (event, json_text, _) in verdicts.items()
            if json_text is not None and workload.EVENT_ID_FORMAT % i not in purged}
    (program,) = outcome.programs
    consent_lines = [line for line in program.lines if line.startswith("consent ")]
    assert consent_lines == [f"consent {len(dropped)}"], program.lines
    counters = program.counters()
    assert counters["tracked"] == count - len(dropped), counters  # 0 bytes handed over for a dropped event
    on_wire = {i for seen in outcome.log.requests for i in seen.event_ids}
    assert not on_wire & (dropped | purged), sorted(on_wire & (dropped | purged))[:5]
    assert outcome.stored.bad == [], outcome.stored.bad[:1]
    comparison = stored.compare(outcome.stored, workload.model(), kept)
    assert comparison.ok, comparison.summary()
    withdrawals = [d for d in program.drops() if d.reason == "consent_withdrawn"]
    assert {i for d in withdrawals for i in d.event_ids} == purged, program.lines
    assert counters["dropped"].get("consent_withdrawn", 0) == len(purged)
    return {"dropped": len(dropped), "purged": len(purged), "stored": len(kept)}


def consent_scenarios(work: Path, command: Command, sdk_name: str) -> None:
    """Both consent runs, every conformance case of the bundled model once:
    without personalisation and marketing (events that need them dropped,
    values that need them removed), then with every purpose granted and
    personalisation withdrawn before the first request (the events that
    need it, or carry a value of it, purged)."""
    import json

    model = workload.model()
    count = len(workload.cases())
    everything = ",".join(p.name for p in model.purposes)
    partial = "analytics,necessary"
    outcome = consent_run(work / "partial", command, count, partial)
    counts = check_consent(outcome, count, sdk_name, partial)
    assert counts["dropped"] > 0 and counts["stored"] > 0, counts

    def values(document: str | None) -> Any:
        data = json.loads(document or "{}")
        data.get("context", {}).pop("consent", None)
        return data

    full = workload.consented(count, sdk_name, frozenset(everything.split(",")))
    reduced = workload.consented(count, sdk_name, frozenset(partial.split(",")))
    removed = [i for i, (_, document, _) in reduced.items() if document and values(document) != values(full[i][1])]
    assert removed, "no event of the workload lost a value without its purpose"
    outcome = consent_run(work / "withdrawn", command, count, everything, withdraw="personalisation")
    counts = check_consent(outcome, count, sdk_name, everything, "personalisation")
    assert counts["purged"] > 0 and counts["stored"] > 0, counts


def resent_after_acknowledgement(log: Log, killed_after: int = 0) -> list[str]:
    """Event ids sent again after the client had their 2xx (must be none).
    With `killed_after` (the number of requests when the program was
    killed), the last 2xx before the kill does not count: the program may
    have died between reading it and removing its events from the queue
    (the one request in flight; the collector's dedupe covers it)."""
    in_transit = None
    if killed_after:
        in_transit = max((s.number for s in log.requests[:killed_after] if s.client_status == 200), default=None)
    acknowledged: set[str] = set()
    again = []
    for seen in log.requests:
        again += [i for i in seen.event_ids if i in acknowledged]
        if seen.client_status == 200 and seen.number != in_transit:
            acknowledged.update(seen.event_ids)
    return again


def requests_holding(log: Log, event_id: str) -> list[int]:
    return [s.number for s in log.requests if event_id in s.event_ids]
