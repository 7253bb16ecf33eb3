// The JavaScript SDK's row of bench/delivery.py, on Node: track() on the
// caller's thread with HttpTransport (Protobuf) and with InMemoryTransport
// (both encodings, for the ratio), then sustained delivery to the collector.
// The event and context are those of the Python rows (video_heartbeat, the
// collector tests' context). Prints one JSON object.
//
//   node main.js URL QUEUE_DIR EVENTS SUSTAINED
import { ALL_PURPOSES, HttpTransport, InMemoryTransport, Tracker, type TrackingContextProps, VideoHeartbeat } from "../sdk/src/index.js";

declare const process: {
  readonly argv: readonly string[];
  readonly stdout: { write(text: string): boolean };
  hrtime: { bigint(): bigint };
};
declare function setTimeout(callback: (value?: unknown) => void, ms: number): unknown;

const [url = "", queueDir = "", events = "20000", sustained = "30000"] = process.argv.slice(2);
const CONTEXT: TrackingContextProps = {
  product: "news", platform: "web", appName: "News web", appVersion: "4.12.1", sessionId: "session-1", userId: "user-7",
  device: { manufacturer: "Samsung", model: "S24", osVersion: "14", screen: { width: 1080, height: 2340, pixelRatio: 2.5 } },
  locale: "en-GB",
};
const EVENT = new VideoHeartbeat({
  playbackId: "0123456789abcdef0123456789abcdef", bitrateKbps: 4500, droppedFrames: 2,
  position: { offsetMs: 125_000, durationMs: 3_600_000, fraction: 0.03 }, bufferHealthS: [10.0, 9.5, 9.0, 8.5, 8.0],
});

/** p50 and p99 microseconds of `call` over `count` calls, after a warm-up. */
function percentiles(call: () => unknown, count: number): [number, number] {
  for (let i = 0; i < Math.min(2_000, count); i++) call();
  const samples = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint();
    call();
    samples[i] = Number(process.hrtime.bigint() - started) / 1000;
  }
  samples.sort();
  return [samples[Math.floor(count / 2)] as number, samples[Math.floor(count * 0.99)] as number];
}

async function main(): Promise<void> {
  const count = Number(events);
  const stream = Number(sustained);
  // Caps large enough for the timing loop (it outruns the collector); the other defaults are what users get.
  const transport = new HttpTransport(url, { queueDir, queueMaxEvents: 1e6, queueMaxBytes: 1e9 });
  const tracker = new Tracker({ transport, context: CONTEXT });
  tracker.consent = ALL_PURPOSES; // the heartbeat needs analytics
  const fast = percentiles(() => tracker.track(EVENT), count);
  if (!(await transport.flush(120_000))) throw new Error("the timing loop's events were not delivered");
  const memory = new InMemoryTransport();
  const generic = new Tracker({ transport: memory, context: CONTEXT });
  generic.consent = ALL_PURPOSES;
  const both = percentiles(() => {
    generic.track(EVENT);
    memory.clear();
  }, count);
  const before = transport.counters();
  const started = Date.now();
  for (let chunk = 0; chunk < stream; chunk += 1000) {
    for (let i = 0; i < Math.min(1000, stream - chunk); i++) tracker.track(EVENT);
    for (;;) { // a stream, not a burst: at most 5,000 waiting
      const now = transport.counters();
      if (now.queued + now.buffered <= 5_000) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  const tracked = (Date.now() - started) / 1000;
  if (!(await transport.flush(120_000))) throw new Error("the sustained events were not delivered");
  const elapsed = (Date.now() - started) / 1000;
  const after = transport.counters();
  await transport.close(10_000);
  const dropped = Object.values(after.dropped).reduce((a, b) => a + b, 0);
  process.stdout.write(JSON.stringify({
    fast, both, tracked, elapsed, sent: after.sent - before.sent, requests: after.requests - before.requests, dropped,
  }) + "\n");
}

void main();
