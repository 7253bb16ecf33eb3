"""Benchmark: sustained ingest through one `codegen collect` process with the
DuckDB sink. A loopback load generator (asyncio, keep-alive connections)
posts batches of 50 SDK-built events at a few concurrency levels and prints
events/s, p50/p99 request latency and the collector's CPU time per event;
beside it, the same decoding and validation in this process alone, and a
bare json.loads + DuckDB (Arrow) append of the same events, so the cost of
decoding and validation shows. The machine's load average is printed too:
on a shared machine the wall-clock numbers move with it, CPU per event less.

Each concurrency level is a run of its own batches (the dedupe would take
repeated ones for replays), long enough to span several of DuckDB's
checkpoints. The goal of issue 11 (20,000 events/s, p99 under 50 ms, one
collector process) is checked against the best Protobuf run.

Bounded: --batches batches per Protobuf run (a third of them per JSON run)
and at most --seconds seconds per run.
Run: make bench   (or .venv/bin/python bench/collector.py [--batches 2400] [--connections 4,8,12,16])
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "collector"))
import sdk  # noqa: E402  (the generated Python SDK and batch helpers)

sys.path.insert(0, str(ROOT / "bench"))
import checkpoint_cost  # noqa: E402
import gil_handoff  # noqa: E402

BATCH = 50


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_batches(count: int, as_json: bool) -> list[bytes]:
    recorder = sdk.Recorder(prefix="")
    out = []
    for b in range(count):
        events = recorder.track(*[sdk.page_view(b * BATCH + i) for i in range(BATCH)])
        out.append(sdk.json_batch(e.json for e in events) if as_json else sdk.protobuf_batch(e.protobuf for e in events))
    return out


async def _client(port: int, bodies: list[bytes], content_type: str, latencies: list[float], deadline: float) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for body in bodies:
            if time.perf_counter() > deadline:
                return
            head = (f"POST /v1/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n").encode()
            started = time.perf_counter()
            writer.write(head + body)
            await writer.drain()
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            answer = await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if b" 200 " not in status_line or b'"rejected":[]' not in answer:
                raise SystemExit(f"unexpected answer: {status_line!r} {answer[:200]!r}")
    finally:
        writer.close()


async def load(port: int, batches: list[bytes], content_type: str, connections: int, seconds: float) -> tuple[float, list[float]]:
    latencies: list[float] = []
    started = time.perf_counter()
    deadline = started + seconds
    shares = [batches[i::connections] for i in range(connections)]
    await asyncio.gather(*(_client(port, share, content_type, latencies, deadline) for share in shares))
    return time.perf_counter() - started, latencies


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process, from /proc (None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


GOAL_EVENTS_PER_SECOND = 20_000
GOAL_P99_SECONDS = 0.050


def through_collector(work: Path, batches: list[bytes], content_type: str, connection_counts: list[int],
                      seconds: float) -> list[tuple[int, float, float]]:
    """One collector; a run per connection count, each with batches of its own
    (the dedupe would take repeated ones for replays). Per run: connections,
    events/s, p99 seconds."""
    results = []
    port = free_port()
    log = open(work / "collector.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "codegen", "--model", str(ROOT / "event_model"), "collect",
                                "--sink", f"duckdb:{work / 'bench.duckdb'}", "--port", str(port),
                                "--log-level", "warning"], stdout=log, stderr=subprocess.STDOUT,
                               env={**os.environ, "CODEGEN_PSEUDONYM_KEY": bench_key()})
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        warm = max(1, len(batches) // 40)
        asyncio.run(load(port, batches[:warm], content_type, 1, seconds))
        share = (len(batches) - warm) // len(connection_counts)
        for i, connections in enumerate(connection_counts):
            run = batches[warm + i * share: warm + (i + 1) * share]
            cpu_before = _cpu_seconds(process.pid)
            elapsed, latencies = asyncio.run(load(port, run, content_type, connections, seconds))
            cpu_after = _cpu_seconds(process.pid)
            events = len(latencies) * BATCH
            cpu = (f"; collector CPU {(cpu_after - cpu_before) / events * 1e6:.0f} us/event"
                   if cpu_before is not None and cpu_after is not None and events else "")
            p99 = percentile(latencies, 0.99)
            print(f"collector ({content_type}, {connections} connections): {events} events in {elapsed:.2f} s = "
                  f"{events / elapsed:,.0f} events/s; latency p50 {percentile(latencies, 0.5) * 1000:.1f} ms, "
                  f"p99 {p99 * 1000:.1f} ms{cpu}", flush=True)
            results.append((connections, events / elapsed, p99))
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        log.close()
    return results


def print_goal(results: list[tuple[int, float, float]]) -> None:
    met = [r for r in results if r[1] >= GOAL_EVENTS_PER_SECOND and r[2] < GOAL_P99_SECONDS]
    best = max(met or results, key=lambda r: r[1])
    verdict = "met" if met else "missed"
    print(f"goal (issue 11): at least {GOAL_EVENTS_PER_SECOND:,} events/s with p99 under "
          f"{GOAL_P99_SECONDS * 1000:.0f} ms (Protobuf, batches of {BATCH}): {verdict}; best run "
          f"{best[0]} connections, {best[1]:,.0f} events/s, p99 {best[2] * 1000:.1f} ms", flush=True)


def bench_key() -> str:
    """The pseudonymisation key of this run: the environment's, else a random one (never stored)."""
    return os.environ.get("CODEGEN_PSEUDONYM_KEY") or os.urandom(32).hex()


def in_process(batches: list[bytes], content_type: str) -> None:
    """The collector's decoding and validation alone, in this process (CPU
    time), then its privacy step (consent, pseudonyms) on the same events."""
    from codegen.collector.checking import EnvelopeChecker
    from codegen.collector.decoding import BatchDecoder, Limits
    from codegen.collector.descriptors import build_messages
    from codegen.loader import load_model

    model = load_model(ROOT / "event_model")
    messages = build_messages(model)
    decoder = BatchDecoder(EnvelopeChecker(model, messages), messages, Limits())
    gc.collect()
    gc.freeze()  # as the collector does after start-up
    started = time.process_time()
    events = 0
    for body in batches:
        received = decoder.decode(body, content_type, time.time_ns() // 1000)
        if received.rejected:
            raise SystemExit(f"rejected: {received.rejected[0].reasons}")
        events += len(received.accepted)
    elapsed = time.process_time() - started
    print(f"decoding and validation in-process ({content_type}): {events} events in {elapsed:.2f} s CPU = "
          f"{events / elapsed:,.0f} events/s", flush=True)
    privacy_step(model, messages, decoder, batches, content_type)
    gc.unfreeze()


def privacy_step(model: object, messages: object, decoder: object, batches: list[bytes], content_type: str) -> None:
    """The privacy step alone (DuckDB sink: row values only), in CPU time per event."""
    try:
        from codegen.collector.privacy import PrivacyStep
        from codegen.collector.pseudonyms import PseudonymKey
    except ImportError:  # a collector without it
        return
    step = PrivacyStep(model, messages, PseudonymKey.of(bytes.fromhex(bench_key())), rewrite_protobuf=False)
    decoded = [decoder.decode(body, content_type, time.time_ns() // 1000) for body in batches]  # type: ignore[attr-defined]
    started = time.process_time()
    events = 0
    for received in decoded:
        events += len(step.apply(received, "127.0.0.1").accepted)
    elapsed = time.process_time() - started
    print(f"privacy step in-process ({content_type}): {events} events in {elapsed:.2f} s CPU = "
          f"{elapsed / events * 1e6:.1f} us/event", flush=True)


def bare_baseline(work: Path, batches: list[bytes]) -> None:
    """json.loads and an Arrow append into DuckDB, no validation, one process."""
    import duckdb
    import pyarrow as pa

    con = duckdb.connect(str(work / "bare.duckdb"))
    con.execute("CREATE TABLE page_view (event_id VARCHAR, app_name VARCHAR, page_url VARCHAR, "
                "content STRUCT(content_id VARCHAR, kind VARCHAR, title VARCHAR, tags VARCHAR[]), "
                "utm_parameters MAP(VARCHAR, VARCHAR))")
    started = time.perf_counter()
    count = 0
    for body in batches:
        events = json.loads(body)["events"]
        columns = {"event_id": [], "app_name": [], "page_url": [], "content": [], "utm_parameters": []}
        for e in events:
            context, page = e["context"], e["page_view"]
            columns["event_id"].append(context["event_id"])
            columns["app_name"].append(context["app_name"])
            columns["page_url"].append(page["page_url"])
            content = page.get("content", {})
            columns["content"].append({k: content.get(k) for k in ("content_id", "kind", "title", "tags")})
            columns["utm_parameters"].append(page.get("utm_parameters", {}))
        rows = pa.table(columns)  # noqa: F841 (DuckDB reads it by name)
        con.execute("INSERT INTO page_view SELECT * FROM rows")
        count += len(events)
    elapsed = time.perf_counter() - started
    print(f"bare json.loads + DuckDB append: {count} events in {elapsed:.2f} s = {count / elapsed:,.0f} events/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=2400, help="batches per Protobuf run")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--connections", default="4,8,12,16", help="comma-separated concurrency levels")
    args = parser.parse_args()
    connection_counts = [int(c) for c in args.connections.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        runs = len(connection_counts)
        protobuf_count = args.batches * runs + max(1, args.batches * runs // 40)
        json_count = max(1, args.batches // 3) * runs + max(1, args.batches * runs // 120)
        print(f"building {protobuf_count} + {json_count} batches of {BATCH} events with the Python SDK ...",
              flush=True)
        protobuf = make_batches(protobuf_count, as_json=False)
        json_batches = make_batches(json_count, as_json=True)
        print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs", flush=True)
        in_process(protobuf[:600], "application/x-protobuf")
        in_process(json_batches[:600], "application/json")
        results = through_collector(work, protobuf, "application/x-protobuf", connection_counts, args.seconds)
        os.remove(work / "bench.duckdb")
        through_collector(work, json_batches, "application/json", connection_counts, args.seconds)
        bare_baseline(work, json_batches[:600])
        print_goal(results)
    checkpoint_cost.main([0, 1_000_000])
    gil_handoff.main()


if __name__ == "__main__":
    main()
