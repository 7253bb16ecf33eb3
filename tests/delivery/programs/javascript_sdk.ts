// The delivery test program of the JavaScript SDK (generated/javascript) on
// Node, as an app would use it. It follows the protocol of
// programs/python_sdk.py (arguments, output lines); the workload's events
// come from workload.ts, written by javascript_build.py.
//
//   node main.js --url URL --queue-dir DIR --phase track|resume [--count N]
//                [--options JSON] [--invalid-at I] [--flush-timeout S]
//                [--consent P,P,...|all] [--withdraw P,P,...]
//
// --options uses the Python SDK's names and seconds (flush_interval: 0.05);
// they become this SDK's (flushIntervalMs: 50).
import { ALL_PURPOSES, DeliveryError, type DeliveryOptions, HttpTransport, type Purpose, type SdkError, Timestamp, Tracker, ValidationError } from "../sdk/src/index.js";
import { CASES, CLIENT_TIMESTAMP, CONTEXT, EVENT_ID_PREFIX, INVALID } from "./workload.js";

declare const process: {
  readonly argv: readonly string[];
  readonly stdout: { write(text: string): boolean };
  exitCode: number | undefined;
};

const DURATIONS = new Set(["flush_interval", "request_timeout", "backoff_base", "backoff_max", "retry_after_max",
                           "max_retry_age", "queue_max_age", "exit_timeout"]);

function say(line: string): void {
  process.stdout.write(line + "\n");
}

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] as string) : fallback;
}

/** The Python SDK's option names and seconds as this SDK's. */
function deliveryOptions(text: string, queueDir: string): DeliveryOptions {
  const out: Record<string, unknown> = { queueDir };
  for (const [key, value] of Object.entries(JSON.parse(text) as Record<string, unknown>)) {
    const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    if (DURATIONS.has(key)) out[`${camel}Ms`] = (value as number) * 1000;
    else out[camel] = value;
  }
  return out as DeliveryOptions;
}

function report(error: SdkError): void {
  if (error instanceof DeliveryError) {
    say(`drop ${error.reason} ${error.status ?? "-"} ${error.events.map((e) => e.eventId).join(",")}`);
  } else if (!(error instanceof ValidationError)) { // the invalid event is sent on purpose
    say(`error ${error.name} ${error.message.split(/\s+/).join(" ")}`);
  }
}

/** The purposes of a --consent or --withdraw list ("all": every purpose of the model). */
function purposes(names: string): Purpose[] {
  if (names === "all") return [...ALL_PURPOSES];
  return names.split(",").filter((n) => n !== "").map((n) => {
    const found = ALL_PURPOSES.find((p) => p === n);
    if (found === undefined) throw new Error(`not a purpose: ${n}`);
    return found;
  });
}

async function main(): Promise<void> {
  const phase = argument("phase", "track");
  const count = Number(argument("count", "0"));
  const invalidAt = Number(argument("invalid-at", "-1"));
  const transport = new HttpTransport(argument("url", ""), deliveryOptions(argument("options", "{}"), argument("queue-dir", "")));
  if (phase === "track") {
    let current = 0; // the id of the event being tracked (one the tracker drops takes none)
    const tracker = new Tracker({
      transport, context: CONTEXT, policy: "send", onError: report, onWarning: () => undefined,
      clock: () => new Timestamp(CLIENT_TIMESTAMP[0], CLIENT_TIMESTAMP[1]),
      idGenerator: () => EVENT_ID_PREFIX + String(current).padStart(12, "0"),
    });
    const granted = purposes(argument("consent", "all"));
    tracker.consent = granted;
    for (let i = 0; i < count; i++) {
      current = i;
      tracker.track(i === invalidAt ? INVALID() : (CASES[i % CASES.length] as () => never)());
    }
    while (transport.counters().buffered > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    say(`tracked ${count}`);
    say(`consent ${tracker.consentDropped}`);
    const withdrawn = new Set<string>(purposes(argument("withdraw", "")));
    if (withdrawn.size > 0) tracker.consent = granted.filter((p) => !withdrawn.has(p));
  } else {
    new Tracker({ transport, context: CONTEXT, onError: report, onWarning: () => undefined });
  }
  await transport.flush(Number(argument("flush-timeout", "60")) * 1000);
  const c = transport.counters();
  say("done " + JSON.stringify({ tracked: c.tracked, queued: c.queued, sent: c.sent, retried: c.retried,
                                 requests: c.requests, dropped: c.dropped }));
  await transport.close(5000);
}

declare function setTimeout(callback: (value?: unknown) => void, ms: number): unknown;

main().catch((error: unknown) => {
  say(`error crash ${String(error)}`);
  process.exitCode = 1;
});
