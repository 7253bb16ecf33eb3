"""Benchmark: the CPU time of one DuckDB checkpoint of the collector's store
as the number of ids it holds grows (docs/collector.md, "Dedupe"), beside
the same checkpoint with the ids under a PRIMARY KEY in the file (the
design before the index moved into memory): DuckDB writes a table's whole
index at every checkpoint, so that one grows with every id stored.

Then "row group size": the wall time of each checkpoint of 20,000 page
views as `page_view` grows to 200,000 rows, with the store's row group size
and with DuckDB's default (store.py, ROW_GROUP_SIZE).

Last, "commit size": the wall time of one write of 50 and of 500 page
views (one transaction each): a commit has a fixed cost, whatever its size.

Each row of the first part: ids held (rows made by SQL in event_ids,
loaded into the index), then 1,000 new events written through the store,
then CHECKPOINT, timed in CPU seconds (the minimum of 3). Part of bench/collector.py; alone:
.venv/bin/python bench/checkpoint_cost.py [--ids 0,1000000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "collector"))
import sdk  # noqa: E402  (the generated Python SDK and batch helpers)

NEW_EVENTS, REPEATS = 1_000, 3


def _events(first: int, count: int = NEW_EVENTS) -> list[bytes]:
    recorder = sdk.Recorder(prefix=f"bench-{first}-")
    return [sdk.protobuf_batch(e.protobuf for e in recorder.track(*[sdk.page_view(first + b * 50 + i)
                                                                      for i in range(50)]))
            for b in range(count // 50)]


def _checkpoint_cpu(con: Any) -> float:
    started = time.process_time()
    con.execute("CHECKPOINT")
    return time.process_time() - started


@dataclass
class Setup:
    model: Any
    decoder: Any

    def received(self, bodies: list[bytes]) -> list[Any]:
        from codegen.collector.decoding import PROTOBUF

        return [self.decoder.decode(body, PROTOBUF, time.time_ns() // 1000) for body in bodies]


def setup() -> Setup:
    from codegen.collector.checking import EnvelopeChecker
    from codegen.collector.decoding import BatchDecoder, Limits
    from codegen.collector.descriptors import build_messages
    from codegen.loader import load_model

    model = load_model(ROOT / "event_model")
    messages = build_messages(model)
    return Setup(model, BatchDecoder(EnvelopeChecker(model, messages), messages, Limits()))


@contextmanager
def bench_store(model: Any, row_group_size: int | None = None) -> Iterator[Any]:
    """An open store in a folder of its own that checkpoints only when told (so only those are timed)."""
    from codegen.collector.store import DuckDBStore

    with tempfile.TemporaryDirectory() as tmp:
        store = DuckDBStore(str(Path(tmp) / "bench.duckdb"), model, row_group_size=row_group_size)
        store.open()
        try:
            store.con.execute("SET checkpoint_threshold = '1GiB'")
            yield store
        finally:
            store.close()


def store_rows(run: Setup, held_counts: list[int]) -> None:
    for held in held_counts:
        with bench_store(run.model) as store:
            store.con.execute(f"INSERT INTO event_ids SELECT gen_random_uuid()::VARCHAR, 'page_view', now() "
                              f"FROM range({held})")
            store.seen.load()
            store.con.execute("CHECKPOINT")
            times = []
            for repeat in range(REPEATS):
                store.write(run.received(_events(repeat * NEW_EVENTS)))
                times.append(_checkpoint_cpu(store.con))
        print(f"checkpoint after {NEW_EVENTS:,} new events, {held:,} ids held (index in memory): "
              f"{min(times) * 1000:.1f} ms CPU", flush=True)


def primary_key_rows(held_counts: list[int]) -> None:
    """The ids alone under a PRIMARY KEY in the file, the same steps."""
    import duckdb

    for held in held_counts:
        with tempfile.TemporaryDirectory() as tmp:
            con = duckdb.connect(str(Path(tmp) / "keyed.duckdb"))
            con.execute("SET threads = 1")
            con.execute("SET checkpoint_threshold = '1GiB'")
            con.execute("CREATE TABLE event_ids (event_id VARCHAR PRIMARY KEY, event VARCHAR, "
                        "received_at TIMESTAMPTZ)")
            con.execute(f"INSERT INTO event_ids SELECT gen_random_uuid()::VARCHAR, 'page_view', now() "
                        f"FROM range({held})")
            con.execute("CHECKPOINT")
            times = []
            for _ in range(REPEATS):
                con.execute(f"INSERT INTO event_ids SELECT gen_random_uuid()::VARCHAR, 'page_view', now() "
                            f"FROM range({NEW_EVENTS})")
                times.append(_checkpoint_cpu(con))
            con.close()
        print(f"checkpoint after {NEW_EVENTS:,} new ids, {held:,} ids under a PRIMARY KEY in the file: "
              f"{min(times) * 1000:.1f} ms CPU", flush=True)


def row_group_rows(run: Setup, received: list[Any], every: int = 20_000) -> None:
    from codegen.collector.store import ROW_GROUP_SIZE

    for label, size in ((f"{ROW_GROUP_SIZE:,} rows (the store's)", ROW_GROUP_SIZE),
                        ("122,880 rows (DuckDB's default)", 122_880)):
        with bench_store(run.model, size) as store:
            walls = []
            for start in range(0, len(received), 10):  # micro-batches of 500 events
                store.write([store.prepare(r) for r in received[start:start + 10]])
                if (start + 10) * 50 % every == 0:
                    started = time.perf_counter()
                    store.con.execute("CHECKPOINT")
                    walls.append(time.perf_counter() - started)
            used = store.con.execute("SELECT used_blocks * block_size FROM pragma_database_size()").fetchone()[0]
            query = _query_seconds(store.con)
        print(f"row group size {label}: checkpoints of {every:,} page views up to {len(received) * 50:,} rows: "
              f"mean {sum(walls) / len(walls) * 1000:.0f} ms, max {max(walls) * 1000:.0f} ms; "
              f"file {used / 1e6:.1f} MB in use; a GROUP BY over the table {query * 1000:.1f} ms", flush=True)


def _query_seconds(con: Any) -> float:
    times = []
    for _ in range(5):
        started = time.perf_counter()
        con.execute("SELECT content.kind, count(*), count(DISTINCT session_id) FROM page_view "
                    "WHERE received_at > now() - INTERVAL 1 DAY GROUP BY ALL").fetchall()
        times.append(time.perf_counter() - started)
    return min(times)


def commit_rows(run: Setup, received: list[Any], writes: int = 100) -> None:
    for per_write in (50, 500):
        with bench_store(run.model) as store:
            requests = [store.prepare(r) for r in received[:writes * per_write // 50]]
            step = per_write // 50
            started = time.perf_counter()
            for start in range(0, len(requests), step):
                store.write(requests[start:start + step])
            elapsed = time.perf_counter() - started
        print(f"commit size: a write of {per_write} page views {elapsed / writes * 1000:.1f} ms "
              f"({elapsed / writes / per_write * 1e6:.0f} us per event)", flush=True)


def main(held_counts: list[int]) -> None:
    run = setup()
    store_rows(run, held_counts)
    primary_key_rows(held_counts)
    received = run.received(_events(NEW_EVENTS * REPEATS, 200_000))  # ids of their own; requests of 50
    row_group_rows(run, received)
    commit_rows(run, received)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--ids", default="0,1000000", help="comma-separated counts of ids held")
    main([int(n) for n in parser.parse_args().ids.split(",")])
