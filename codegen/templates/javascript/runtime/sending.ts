// Runtime file, copied verbatim: one request of the collection protocol
// (`POST <url>/v1/batch`, with the platform's fetch) and what its answer
// means for the events in it (docs/delivery.md, "Answers").

import { type DeliveryTimer, startTimer } from "./host.js";

/** What an answer means for its batch. */
export type AnswerOutcome =
  | "delivered" // 2xx: the events are stored (or rejected one by one)
  | "split" // 413: send the batch again in halves
  | "drop" // another 4xx: never sent again
  | "retry"; // 408, 429, 5xx, any other status, a network error or timeout

export interface BatchRejection {
  readonly index: number;
  readonly reasons: readonly string[];
}

export interface BatchAnswer {
  readonly outcome: AnswerOutcome;
  /** undefined: no answer (network error, timeout). */
  readonly status: number | undefined;
  /** The error's message, or the collector's. */
  readonly detail: string;
  /** Milliseconds, from Retry-After. */
  readonly retryAfterMs: number | undefined;
  readonly rejected: readonly BatchRejection[];
}

/** One request: where, what, and how long to wait for each step. */
export interface BatchRequest {
  readonly url: string;
  readonly body: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Browsers at pagehide: the request outlives the page (body at most 64 KiB). */
  readonly keepalive?: boolean;
}

export function classifyAnswer(status: number, body: string, retryAfter: string | null | undefined): BatchAnswer {
  const document = parseAnswer(body);
  const detail = answerMessage(document, body);
  if (status >= 200 && status < 300) return makeAnswer("delivered", status, detail, undefined, answerRejections(document));
  if (status === 413) return makeAnswer("split", status, detail);
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return makeAnswer("drop", status, detail);
  return makeAnswer("retry", status, detail, parseRetryAfter(retryAfter));
}

function makeAnswer(outcome: AnswerOutcome, status: number | undefined, detail: string, retryAfterMs?: number,
                rejected: readonly BatchRejection[] = []): BatchAnswer {
  return { outcome, status, detail, retryAfterMs, rejected };
}

/** Milliseconds to wait: delay-seconds (fractions accepted) or an HTTP-date (RFC 9110). */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  let ms = /^\d+(\.\d*)?$/.test(text) ? Number(text) * 1000 : Date.parse(text) - nowMs;
  if (Number.isNaN(ms)) return undefined;
  if (ms < 0) ms = 0;
  return ms;
}

function parseAnswer(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function answerMessage(document: unknown, body: string): string {
  if (document === undefined) return body.slice(0, 200);
  if (typeof document === "object" && document !== null) {
    const { message, error } = document as { message?: unknown; error?: unknown };
    const text = message || error;
    if (typeof text === "string") return text;
  }
  return "";
}

function answerRejections(document: unknown): BatchRejection[] {
  const rejected = typeof document === "object" && document !== null ? (document as { rejected?: unknown }).rejected : undefined;
  const out: BatchRejection[] = [];
  for (const item of Array.isArray(rejected) ? rejected : []) {
    if (typeof item !== "object" || item === null || !Number.isInteger(item.index)) continue;
    const reasons = Array.isArray(item.reasons) ? item.reasons.filter((r: unknown) => typeof r === "string") : [];
    out.push({ index: item.index, reasons });
  }
  return out;
}

// The platform's fetch, typed here: the SDK compiles without DOM or Node type definitions.
interface FetchResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}
type Fetch = (url: string, init: object) => Promise<FetchResponse>;
interface Aborter {
  readonly signal: unknown;
  abort(): void;
}
interface FetchScope {
  fetch?: Fetch;
  AbortController?: new () => Aborter;
}

/** Posts one request; never throws: a failure is a "retry" answer without a status. */
export async function postBatch(request: BatchRequest): Promise<BatchAnswer> {
  const scope = globalThis as FetchScope;
  if (scope.fetch === undefined) return makeAnswer("retry", undefined, "this platform has no fetch");
  const aborter = scope.AbortController !== undefined ? new scope.AbortController() : undefined;
  let timedOut = false;
  let timer: DeliveryTimer | undefined;
  const arm = (): void => {
    timer?.cancel();
    if (aborter === undefined) return;
    timer = startTimer(request.timeoutMs, () => {
      timedOut = true;
      aborter.abort();
    });
  };
  try {
    arm();
    const init = { method: "POST", body: request.body, headers: request.headers, keepalive: request.keepalive === true,
                   signal: request.keepalive ? undefined : aborter?.signal };
    const response = await scope.fetch(request.url, init);
    arm(); // the answer's read has its own time
    const body = await response.text();
    return classifyAnswer(response.status, body, response.headers.get("Retry-After"));
  } catch (error) {
    return makeAnswer("retry", undefined, timedOut ? "timed out" : describeFailure(error));
  } finally {
    timer?.cancel();
  }
}

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const why = cause?.code ?? cause?.message;
  return `${error.name}: ${error.message}${why !== undefined ? ` (${String(why)})` : ""}`;
}
