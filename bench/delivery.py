"""Benchmark: each SDK's track() on the caller's thread and sustained
delivery to a real collector on loopback, beside Google's protobuf (upb)
building and serializing the same envelope (Python, then Kotlin on the JVM,
then Swift, then JavaScript on Node from bench/delivery_javascript.py, then
the compiled SDKs side by side).

Rows (one run, same process, same event: video_heartbeat with the full
context the collector tests use):
- track() with HttpTransport (Protobuf): p50 / p99 microseconds per call;
- track() with InMemoryTransport (validation + Protobuf + JSON, the generic
  path every call took before delivery existed), for the ratio;
- protobuf upb: build the Envelope message and SerializeToString;
- sustained: events/s from the first track() until flush() returned (every
  event acknowledged by `codegen collect` with the DuckDB sink).
Kotlin: the same rows from a JVM program (bench/kotlin/DeliveryBench.kt,
compiled against generated/kotlin with the same event and context, written
by the Kotlin target's value writer); its timing rows warm the JIT up with as
many calls first. Without java and mvn its rows say why they are missing.

Bounded: --events calls per timing row, --sustained events, 120 s at most.
Run: make bench   (or .venv/bin/python bench/delivery.py [--events 20000])
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "collector"), str(ROOT / "tests"), str(ROOT / "bench")]
import delivery_javascript  # noqa: E402
import sdk  # noqa: E402  (the generated Python SDK and the collector tests' context)

PLAYBACK = "0123456789abcdef0123456789abcdef"


def heartbeat() -> Any:
    return sdk.VideoHeartbeat(playback_id=PLAYBACK, bitrate_kbps=4500, dropped_frames=2,
                              position=sdk.PlaybackPosition(offset_ms=125_000, duration_ms=3_600_000, fraction=0.03),
                              buffer_health_s=[10.0, 9.5, 9.0, 8.5, 8.0])


def percentiles(call: Callable[[], Any], count: int) -> tuple[float, float]:
    for _ in range(min(2_000, count)):
        call()
    clock = time.perf_counter_ns
    samples = []
    for _ in range(count):
        started = clock()
        call()
        samples.append(clock() - started)
    samples.sort()
    return samples[count // 2] / 1000, samples[int(count * 0.99)] / 1000


def upb_envelope(work: Path) -> Callable[[], bytes]:
    """Build and serialize the same Envelope with Google's protobuf (upb)."""
    from google.protobuf.internal import api_implementation

    from targets.python.support import compile_proto
    from codegen.loader import load_model

    assert api_implementation.Type() == "upb", api_implementation.Type()
    pb2 = compile_proto(load_model(ROOT / "event_model"), work)

    def build() -> bytes:
        envelope = pb2.Envelope()
        c = envelope.context
        c.event_id = "00000000-0000-4000-8000-000000000001"
        c.client_timestamp.seconds, c.client_timestamp.nanos = 1_700_000_000, 250_000_000
        c.model_version, c.sdk_name, c.sdk_version = "1.0.0", "broadcaster_analytics", "1.0.0"
        c.product, c.platform, c.app_name, c.app_version = 2, 1, "News web", "4.12.1"
        c.session_id, c.user_id, c.locale = "session-1", "user-7", "en-GB"
        c.consent.extend(["analytics", "marketing", "necessary", "personalisation"])  # every purpose granted
        d = c.device
        d.manufacturer, d.model, d.os_version = "Samsung", "S24", "14"
        d.screen.width, d.screen.height, d.screen.pixel_ratio = 1080, 2340, 2.5
        h = envelope.video_heartbeat
        h.playback_id, h.heartbeat_interval_s, h.bitrate_kbps, h.dropped_frames = PLAYBACK, 30, 4500, 2
        h.position.offset_ms, h.position.duration_ms, h.position.fraction = 125_000, 3_600_000, 0.03
        h.buffer_health_s.extend([10.0, 9.5, 9.0, 8.5, 8.0])
        return envelope.SerializeToString()

    return build


# The same event and context as heartbeat() and sdk.context(), as test-plan values.
HEARTBEAT_VALUES = {"playback_id": PLAYBACK, "bitrate_kbps": 4500, "dropped_frames": 2,
                    "position": {"offset_ms": 125_000, "duration_ms": 3_600_000, "fraction": 0.03},
                    "buffer_health_s": [10.0, 9.5, 9.0, 8.5, 8.0]}


def context_values() -> dict[str, Any]:
    return {"product": "news", "platform": "web", "app_name": "News web", "app_version": "4.12.1",
            "session_id": "session-1", "user_id": "user-7",
            "device": {"manufacturer": "Samsung", "model": "S24", "os_version": "14",
                       "screen": {"width": 1080, "height": 2340, "pixel_ratio": 2.5}},
            "locale": "en-GB"}


def kotlin_rows(url: str, work: Path, calls: int, sustained: int) -> list[float] | str:
    """The Kotlin program's result numbers, or why there are none."""
    from codegen.loader import load_model
    from codegen.targets.kotlin import views as kv
    from codegen.targets.kotlin.testvalues import ValueWriter
    from delivery.kotlin_program import BuildError, compile_program

    model = load_model(ROOT / "event_model")
    writer = ValueWriter(model, kv.Names(model))
    values = "\n".join([
        "package bench.delivery", "", f"import {kv.settings(model)['package']}.*", "",
        f"internal fun benchEvent(): EventMessage = {writer.event('video_heartbeat', HEARTBEAT_VALUES)}", "",
        f"internal fun benchContext(): TrackingContext = {writer.context(context_values())}", ""])
    sources = {"BenchValues.kt": values, "DeliveryBench.kt": (ROOT / "bench" / "kotlin" / "DeliveryBench.kt").read_text()}
    try:
        classpath = compile_program("bench", sources)
    except BuildError as exc:
        return f"not built: {str(exc).splitlines()[0]}"
    run = subprocess.run(["java", "-cp", classpath, "bench.delivery.DeliveryBenchKt", url, str(work / "kotlin-queue"),
                          str(calls), str(sustained)], capture_output=True, text=True, timeout=300)
    result = [line for line in run.stdout.splitlines() if line.startswith("result ")]
    if run.returncode != 0 or not result:
        return f"the program failed ({run.returncode}): {run.stderr[-2000:]}"
    return [float(x) for x in result[0].split()[1:]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_collector(work: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    log = open(work / "collector.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "codegen", "--model", str(ROOT / "event_model"), "collect",
                                "--sink", f"duckdb:{work / 'bench.duckdb'}", "--port", str(port),
                                "--log-level", "warning"], stdout=log, stderr=subprocess.STDOUT,
                               env={**os.environ, "CODEGEN_PSEUDONYM_KEY": os.environ.get("CODEGEN_PSEUDONYM_KEY")
                                    or os.urandom(32).hex()})
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(url + "/health", timeout=1)
            return process, url
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the collector did not start")


def swift_rows(url: str, work: Path, events: int, sustained: int) -> tuple[list[str], tuple[str, float, float, float] | None]:
    """The Swift SDK's rows: track() with HttpTransport (Protobuf) and with
    InMemoryTransport (both encodings), and the sustained rate; then its
    side-by-side row (None when it was not measured)."""
    import json

    from delivery import swift_program

    try:
        program = swift_program.build("release")
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        return [f"delivery (swift): not measured, the program did not build: {str(exc)[-400:]}"], None
    command = swift_program.command(program, "--url", url, "--queue-dir", work / "swift-queue", "--phase", "bench",
                                    "--count", events, "--sustained", sustained)
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    line = next((x for x in result.stdout.splitlines() if x.startswith("bench ")), None)
    if result.returncode != 0 or line is None:
        return [f"delivery (swift): not measured, the program failed: {(result.stdout + result.stderr)[-400:]}"], None
    r = json.loads(line.split(" ", 1)[1])
    assert r["sent"] == sustained and r["dropped"] == 0, r
    return ["delivery (swift, video_heartbeat, release build):",
            f"  track() HttpTransport (protobuf)        p50 {r['track_p50']:6.1f} us  p99 {r['track_p99']:6.1f} us",
            f"  track() InMemoryTransport (both)        p50 {r['generic_p50']:6.1f} us  p99 {r['generic_p99']:6.1f} us",
            f"  sustained: {sustained} events (at most 5,000 waiting), all acknowledged after {r['seconds']:.2f} s "
            f"= {sustained / r['seconds']:,.0f} events/s to the collector ({r['requests']} requests, one in flight)"], \
        ("swift", r["track_p50"], r["track_p99"], sustained / r["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--sustained", type=int, default=30_000)
    args = parser.parse_args()
    warnings.simplefilter("ignore", DeprecationWarning)
    event, context = heartbeat(), sdk.context()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        process, url = start_collector(work)
        try:
            # Caps large enough for the timing loop (it outruns the collector);
            # the other defaults are what users get.
            options = sdk.DeliveryOptions(queue_dir=str(work / "queue"), queue_max_events=10**6,
                                          queue_max_bytes=10**9)
            transport = sdk.HttpTransport(url, options)
            tracker = sdk.Tracker(transport, context)
            tracker.consent = sdk.ALL_PURPOSES  # the heartbeat needs analytics
            assert tracker.track(event)
            fast = percentiles(lambda: tracker.track(event), args.events)
            assert transport.flush(60), transport.counters()
            generic_tracker = sdk.Tracker(sdk.InMemoryTransport(), context)
            generic_tracker.consent = sdk.ALL_PURPOSES
            generic = percentiles(lambda: generic_tracker.track(event), args.events)
            upb = percentiles(upb_envelope(work), args.events)
            before, requests_before = transport.counters().sent, transport.counters().requests
            started = time.perf_counter()
            for chunk in range(0, args.sustained, 1000):
                for _ in range(min(1000, args.sustained - chunk)):
                    tracker.track(event)
                while (now := transport.counters()).queued + now.buffered > 5_000:  # a stream, not a burst
                    time.sleep(0.005)
            tracked = time.perf_counter() - started
            assert transport.flush(120), transport.counters()
            elapsed = time.perf_counter() - started
            counters = transport.counters()
            transport.close(10)
            kotlin = kotlin_rows(url, work, args.events, args.sustained)
            swift, swift_row = swift_rows(url, work, args.events, args.sustained)
            javascript, javascript_row = delivery_javascript.rows(url, work, args.events, args.sustained)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
    assert counters.sent - before == args.sustained and counters.dropped_total == 0, counters
    print(f"delivery (python, video_heartbeat, {os.cpu_count()} cpus):")
    print(f"  track() HttpTransport (protobuf)        p50 {fast[0]:6.1f} us  p99 {fast[1]:6.1f} us")
    print(f"  track() InMemoryTransport (generic)     p50 {generic[0]:6.1f} us  p99 {generic[1]:6.1f} us")
    print(f"  protobuf upb: build + serialize         p50 {upb[0]:6.1f} us  p99 {upb[1]:6.1f} us")
    print(f"  ratios (p50): generic / track() = {generic[0] / fast[0]:.1f}x, "
          f"track() / upb = {fast[0] / upb[0]:.1f}x")
    print(f"  sustained: {args.sustained} events (at most 5,000 waiting) tracked in {tracked:.2f} s, all "
          f"acknowledged after {elapsed:.2f} s = {args.sustained / elapsed:,.0f} events/s to the collector "
          f"({counters.requests - requests_before} requests, one in flight)")
    rows = [("python", fast[0], fast[1], args.sustained / elapsed)]
    if isinstance(kotlin, str):
        print(f"delivery (kotlin): {kotlin}")
    else:
        k_fast, k_fast99, k_both, k_both99, k_tracked, k_elapsed, k_requests = kotlin
        print(f"delivery (kotlin on the JVM, video_heartbeat, {os.cpu_count()} cpus):")
        print(f"  track() HttpTransport (protobuf)        p50 {k_fast:6.1f} us  p99 {k_fast99:6.1f} us")
        print(f"  track() InMemoryTransport (both)        p50 {k_both:6.1f} us  p99 {k_both99:6.1f} us")
        print(f"  sustained: {args.sustained} events tracked in {k_tracked:.2f} s, all acknowledged after "
              f"{k_elapsed:.2f} s = {args.sustained / k_elapsed:,.0f} events/s to the collector "
              f"({k_requests:.0f} requests, one in flight)")
        rows.append(("kotlin", k_fast, k_fast99, args.sustained / k_elapsed))
    for line in swift:
        print(line)
    if swift_row is not None:
        rows.append(swift_row)
    print("\n".join(javascript))
    rows.append(javascript_row)
    print("side by side (track() on the caller's thread with HttpTransport, Protobuf; sustained to the collector):")
    for name, p50, p99, rate in rows:
        print(f"  {name:<10} p50 {p50:6.1f} us  p99 {p99:6.1f} us  {rate:9,.0f} events/s")


if __name__ == "__main__":
    main()
