"""What a DuckDB statement costs the collector's writer thread while the
decoding thread runs Python: the binding lets the GIL go while a statement
runs and takes it back several times per statement, and each time it waits
up to the interpreter's switch interval for the busy thread to let go.

Prints each statement's wall time alone and beside a thread that spins in
Python, at the default 5 ms, at 1 ms and at the collector's 5 us
(codegen/collector/serve.py); at 1 ms the extra time over the interval is
about how many times the statement took the GIL back."""

from __future__ import annotations

import sys
import threading
import time
from typing import Any, Callable

import duckdb
import pyarrow as pa

ROWS = 300  # about one commit's page views at 12 connections


def _statements(con: Any) -> dict[str, Callable[[], Any]]:
    rows = pa.table({"event_id": [f"id-{i}" for i in range(ROWS)], "n": list(range(ROWS)),
                     "page": ["/sport/football"] * ROWS})
    con.execute("CREATE TABLE page_view (event_id VARCHAR, n BIGINT, page VARCHAR)")

    def insert_commit() -> Any:
        _scan = rows  # noqa: F841 (read by DuckDB's replacement scan)
        return con.execute("BEGIN; INSERT INTO page_view SELECT * FROM _scan; COMMIT")

    return {"SELECT 1": lambda: con.execute("SELECT 1").fetchall(),
            f"BEGIN; INSERT {ROWS} rows from Arrow; COMMIT": insert_commit}


def _per_call_ms(statement: Callable[[], Any], seconds: float) -> float:
    calls, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        statement()
        calls += 1
    return (time.perf_counter() - started) / calls * 1000


def main() -> None:
    con = duckdb.connect()
    con.execute("SET threads = 1")
    statements = _statements(con)
    alone = {name: _per_call_ms(statement, 0.5) for name, statement in statements.items()}
    spinning = True

    def spin() -> None:
        count = 0
        while spinning:
            count += 1

    default = sys.getswitchinterval()
    spinner = threading.Thread(target=spin, daemon=True)
    spinner.start()
    try:
        for interval in (0.005, 0.001, 0.000005):
            sys.setswitchinterval(interval)
            for name, statement in statements.items():
                busy = _per_call_ms(statement, 0.5)
                line = (f"GIL hand-off, switch interval {interval * 1e6:,.0f} us: {name}: "
                        f"{alone[name]:.2f} ms alone, {busy:.2f} ms beside a busy thread")
                if interval == 0.001:
                    line += f" (took the GIL back about {(busy - alone[name]) / (interval * 1000):.0f} times)"
                print(line, flush=True)
    finally:
        spinning = False
        spinner.join()
        sys.setswitchinterval(default)
        con.close()


if __name__ == "__main__":
    main()
