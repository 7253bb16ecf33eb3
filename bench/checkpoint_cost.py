"""Benchmark: the CPU time of one DuckDB checkpoint of the collector's store
as the number of ids it holds grows (docs/collector.md, "Dedupe"), beside
the same checkpoint with the ids under a PRIMARY KEY in the file (the
design before the index moved into memory): DuckDB writes a table's whole
index at every checkpoint, so that one grows with every id stored.

Each row: ids held (made by SQL, as the store holds them), then 1,000 new
events written through the store, then CHECKPOINT, timed in CPU seconds
(the minimum of 3). Part of bench/collector.py; alone:
.venv/bin/python bench/checkpoint_cost.py [--ids 0,1000000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "collector"))
import sdk  # noqa: E402  (the generated Python SDK and batch helpers)

NEW_EVENTS, REPEATS = 1_000, 3


def _events(first: int) -> list[bytes]:
    recorder = sdk.Recorder(prefix=f"bench-{first}-")
    return [sdk.protobuf_batch(e.protobuf for e in recorder.track(*[sdk.page_view(first + b * 50 + i)
                                                                      for i in range(50)]))
            for b in range(NEW_EVENTS // 50)]


def _checkpoint_cpu(con: Any) -> float:
    started = time.process_time()
    con.execute("CHECKPOINT")
    return time.process_time() - started


def store_rows(held_counts: list[int]) -> None:
    from codegen.collector.checking import EnvelopeChecker
    from codegen.collector.decoding import PROTOBUF, BatchDecoder, Limits
    from codegen.collector.dedupe import SEEN
    from codegen.collector.descriptors import build_messages
    from codegen.collector.store import DuckDBStore
    from codegen.loader import load_model

    model = load_model(ROOT / "event_model")
    messages = build_messages(model)
    decoder = BatchDecoder(EnvelopeChecker(model, messages), messages, Limits())
    for held in held_counts:
        with tempfile.TemporaryDirectory() as tmp:
            store = DuckDBStore(str(Path(tmp) / "bench.duckdb"), model)
            store.open()
            store.con.execute("SET checkpoint_threshold = '1GiB'")  # only the checkpoints timed here
            store.con.execute(f"INSERT INTO event_ids SELECT gen_random_uuid()::VARCHAR, 'page_view', now() "
                              f"FROM range({held})")
            store.con.execute(f"INSERT INTO {SEEN} SELECT md5_number(event_id) FROM event_ids")
            store.con.execute("CHECKPOINT")
            times = []
            for repeat in range(REPEATS):
                store.write([decoder.decode(body, PROTOBUF, time.time_ns() // 1000)
                             for body in _events(repeat * NEW_EVENTS)])
                times.append(_checkpoint_cpu(store.con))
            store.close()
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


def main(held_counts: list[int]) -> None:
    store_rows(held_counts)
    primary_key_rows(held_counts)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--ids", default="0,1000000", help="comma-separated counts of ids held")
    main([int(n) for n in parser.parse_args().ids.split(",")])
