"""How each runtime bench measures: a warm-up, then the best of three
runs of about `seconds` of the process's CPU time each; the result is
operations per CPU second (on a machine that other jobs share, wall time
says more about them than about the code)."""

from __future__ import annotations

import time
from typing import Callable


def per_second(operation: Callable[[], object], seconds: float = 0.6) -> float:
    batch = 1
    started = time.process_time()
    while time.process_time() - started < seconds / 3:  # warm-up, and a batch of about 10 ms
        for _ in range(batch):
            operation()
        batch *= 2
    batch = max(1, batch // 8)
    best = 0.0
    for _ in range(3):
        done, started = 0, time.process_time()
        while (elapsed := time.process_time() - started) < seconds:
            for _ in range(batch):
                operation()
            done += batch
        best = max(best, done / elapsed)
    return best
