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
