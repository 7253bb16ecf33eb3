// The browser half of the JavaScript SDK's delivery test: a page script,
// bundled for browsers (javascript_build.py), that the test drives through
// `globalThis.delivery` from Playwright. The collector is this page's own
// origin (the test's page server forwards /v1/batch to it).
import { ALL_PURPOSES, DeliveryError, type DeliveryOptions, HttpTransport, type SdkError, Timestamp, Tracker } from "../sdk/src/index.js";
import { CASES, CLIENT_TIMESTAMP, CONTEXT, EVENT_ID_PREFIX } from "./workload.js";

declare const location: { readonly origin: string };

let transport: HttpTransport | undefined;
let tracker: Tracker | undefined;
let next = 0;
const drops: string[] = [];

function report(error: SdkError): void {
  drops.push(error instanceof DeliveryError ? `${error.reason} ${error.events.map((e) => e.eventId).join(",")}` : error.message);
}

function started(): HttpTransport {
  if (transport === undefined) throw new Error("call delivery.start(options) first");
  return transport;
}

(globalThis as unknown as { delivery: unknown }).delivery = {
  start(options: DeliveryOptions): void {
    transport = new HttpTransport(location.origin, options);
    tracker = new Tracker({
      transport, context: CONTEXT, onError: report, onWarning: () => undefined,
      clock: () => new Timestamp(CLIENT_TIMESTAMP[0], CLIENT_TIMESTAMP[1]),
      idGenerator: () => EVENT_ID_PREFIX + String(next).padStart(12, "0"),
    });
    tracker.consent = ALL_PURPOSES; // the workload's events need every purpose between them
  },
  /** Tracks the workload's events first .. first + count - 1. */
  track(first: number, count: number): void {
    for (let i = first; i < first + count; i++) {
      next = i;
      tracker?.track((CASES[i % CASES.length] as () => never)());
    }
  },
  counters: () => started().counters(),
  flush: (timeoutMs: number) => started().flush(timeoutMs),
  drops: () => [...drops],
};
