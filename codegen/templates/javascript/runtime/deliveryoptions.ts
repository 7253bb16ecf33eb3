// Runtime file, copied verbatim: the delivery settings and their defaults
// (docs/delivery.md, "Defaults"; a unit test pins them). Durations are
// milliseconds (names end in Ms), sizes bytes.

import type { SdkError } from "./errors.js";
import { type WireFormat, protobufFormat } from "./formats.js";

/** How an HttpTransport batches, retries and keeps events; every setting may be left out. */
export interface DeliveryOptions {
  /** The request body's format: protobufFormat (default) or jsonFormat, imported from the SDK. */
  readonly wireFormat?: WireFormat;
  /** Events per request, at most. */
  readonly batchMaxEvents?: number;
  /** Bytes per request body before compression, at most (a single event always goes). */
  readonly batchMaxBytes?: number;
  /** An event waits at most this long before its batch is due. */
  readonly flushIntervalMs?: number;
  /** Connecting, and each read of the answer; then the attempt failed. */
  readonly requestTimeoutMs?: number;
  /** The first retry waits up to this long (full jitter), doubling per consecutive failure. */
  readonly backoffBaseMs?: number;
  /** The backoff's cap. */
  readonly backoffMaxMs?: number;
  /** A `Retry-After` answer is honoured up to this long. */
  readonly retryAfterMaxMs?: number;
  /** Failed attempts after which an event is dropped (retries_exhausted). */
  readonly maxAttempts?: number;
  /** Time since an event's first failed attempt after which it is dropped (retries_exhausted). */
  readonly maxRetryAgeMs?: number;
  /** Events in the queue; beyond, the oldest are dropped (queue_full). Browsers: at most 1,000. */
  readonly queueMaxEvents?: number;
  /** Envelope bytes in the queue; beyond, the oldest are dropped (queue_full). */
  readonly queueMaxBytes?: number;
  /** An event older than this in the queue is dropped (expired). */
  readonly queueMaxAgeMs?: number;
  /** Bodies larger than this are sent gzip-compressed. */
  readonly gzipMinBytes?: number;
  /** Node: at exit (beforeExit, SIGTERM, SIGINT) flush for at most this long. */
  readonly exitTimeoutMs?: number;
  /** Keep the queue in storage (Node: a journal file, browsers: localStorage); false: memory only. */
  readonly persist?: boolean;
  /** Node: the queue's folder; default `<user cache folder>/<sdk name>/delivery/<hash of the URL>`. */
  readonly queueDir?: string;
  /** Extra request headers (e.g. Authorization). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Receives a DeliveryError for every drop; default: the tracker's onError. */
  readonly onError?: (error: SdkError) => void;
}

/** The settings in force: every option with its value. */
export interface DeliverySettings {
  readonly wireFormat: WireFormat;
  readonly batchMaxEvents: number;
  readonly batchMaxBytes: number;
  readonly flushIntervalMs: number;
  readonly requestTimeoutMs: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly retryAfterMaxMs: number;
  readonly maxAttempts: number;
  readonly maxRetryAgeMs: number;
  readonly queueMaxEvents: number;
  readonly queueMaxBytes: number;
  readonly queueMaxAgeMs: number;
  readonly gzipMinBytes: number;
  readonly exitTimeoutMs: number;
  readonly persist: boolean;
  readonly queueDir: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
}

const NUMBERS = [
  "batchMaxEvents", "batchMaxBytes", "flushIntervalMs", "requestTimeoutMs", "backoffBaseMs", "backoffMaxMs",
  "retryAfterMaxMs", "maxAttempts", "maxRetryAgeMs", "queueMaxEvents", "queueMaxBytes", "queueMaxAgeMs",
  "gzipMinBytes", "exitTimeoutMs",
] as const;

/** The settings of `options`: the defaults of docs/delivery.md for what it leaves out. A bad value is a TypeError. */
export function deliverySettings(options: DeliveryOptions = {}): DeliverySettings {
  const settings: DeliverySettings = {
    wireFormat: options.wireFormat ?? protobufFormat,
    batchMaxEvents: options.batchMaxEvents ?? 100,
    batchMaxBytes: options.batchMaxBytes ?? 512_000,
    flushIntervalMs: options.flushIntervalMs ?? 10_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    backoffBaseMs: options.backoffBaseMs ?? 1_000,
    backoffMaxMs: options.backoffMaxMs ?? 60_000,
    retryAfterMaxMs: options.retryAfterMaxMs ?? 300_000,
    maxAttempts: options.maxAttempts ?? 10,
    maxRetryAgeMs: options.maxRetryAgeMs ?? 86_400_000,
    queueMaxEvents: options.queueMaxEvents ?? 10_000,
    queueMaxBytes: options.queueMaxBytes ?? 5_242_880,
    queueMaxAgeMs: options.queueMaxAgeMs ?? 604_800_000,
    gzipMinBytes: options.gzipMinBytes ?? 1_024,
    exitTimeoutMs: options.exitTimeoutMs ?? 5_000,
    persist: options.persist ?? true,
    queueDir: options.queueDir,
    headers: { ...options.headers },
  };
  const format = settings.wireFormat as Partial<WireFormat> | string;
  if (typeof format !== "object" || typeof format.encode !== "function" || (format.name !== "protobuf" && format.name !== "json")) {
    throw new TypeError(`wireFormat must be protobufFormat or jsonFormat (imported from the SDK), not ${JSON.stringify(format)}`);
  }
  for (const name of NUMBERS) {
    const value = settings[name];
    if (typeof value !== "number" || !(value > 0)) throw new TypeError(`${name} must be a positive number, not ${String(value)}`);
  }
  return Object.freeze(settings);
}
