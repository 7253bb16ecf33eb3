// Runtime file, copied verbatim: what delivery needs of the platform it runs
// on (Node: a journal file, zlib, exit hooks; browsers: localStorage,
// CompressionStream, the page's lifecycle), and which one this is.
// package.json's "browser" map replaces nodeplatform.js for bundlers, so a
// web bundle carries none of the Node code.

import type { SdkError } from "./errors.js";
import { nodePlatform } from "./nodeplatform.js";
import type { QueueStore, StoreHooks } from "./queue.js";
import type { BatchAnswer, BatchRequest } from "./sending.js";
import { webPlatform } from "./webplatform.js";

export interface StoreRequest {
  readonly sdkName: string;
  /** The collector's base URL, as given (the default folder is named by its hash). */
  readonly url: string;
  readonly queueDir: string | undefined;
  readonly hooks: StoreHooks;
}

/** What the platform calls back: at exit (Node), when the page hides and shows again (browsers). */
export interface LifecycleHooks {
  exit(): Promise<unknown>;
  hide(): void;
  show(): void;
  report(error: SdkError): void;
}

export interface DeliveryPlatform {
  /** The User-Agent's platform, e.g. "node"; undefined where the SDK may not set it (pages). */
  readonly userAgent: string | undefined;
  /** The persistent queue (its slot taken, orphans adopted). */
  openStore(request: StoreRequest): Promise<QueueStore>;
  /** gzip, where the platform has it. */
  readonly gzip: ((body: Uint8Array) => Promise<Uint8Array>) | undefined;
  /** Starts watching exit or the page's lifecycle; returns the function that stops it. */
  watch(hooks: LifecycleHooks): () => void;
  /** Pages: a request that outlives the page (fetch keepalive, else sendBeacon). */
  readonly beacon?: (request: BatchRequest) => Promise<BatchAnswer>;
}

/** A platform without storage or hooks: the queue lives in memory. */
const BARE: DeliveryPlatform = {
  userAgent: undefined,
  openStore: () => Promise.reject(new Error("this platform has no storage for the queue")),
  gzip: undefined,
  watch: () => () => {},
};

/** The platform this code runs on. */
export function currentPlatform(): DeliveryPlatform {
  return nodePlatform() ?? webPlatform() ?? BARE;
}
