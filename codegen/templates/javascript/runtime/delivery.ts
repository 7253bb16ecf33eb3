// Runtime file, copied verbatim: HttpTransport, the built-in delivery to the
// collector (docs/delivery.md). `send` (the tracker's side) only appends the
// encoded envelope to a buffer. The rest runs on the event loop: a persist
// step moves the buffer into the queue and its store in one write; the
// sender forms batches from the head of the queue, posts one request at a
// time and acts on the answer. Events leave the queue only after a 2xx, or
// when dropped (each drop reported once to onError and counted).

import { type DeliveryOptions, type DeliverySettings, deliverySettings } from "./deliveryoptions.js";
import { SdkError } from "./errors.js";
import { BATCH_OVERHEAD, CONTENT_TYPES, type EncodedEvent, type FormatName, type WireFormat, encodeBatch, recordSize } from "./formats.js";
import { type DeliveryTimer, monotonicMs, startTimer } from "./host.js";
import { type DeliveryPlatform, currentPlatform } from "./platform.js";
import { MemoryStore, type QueueStore, type QueuedEvent } from "./queue.js";
import { DROP_REASONS, type DeliveryCounters, DeliveryError, type DropReason } from "./reports.js";
import { type BatchAnswer, type BatchRequest, postBatch } from "./sending.js";
import { Timestamp } from "./timestamp.js";
import type { SdkInfo } from "./tracker.js";
import type { Transport } from "./transport.js";

// Events the buffer holds at least before new ones are dropped (a stuck storage).
const BUFFER_MIN = 10_000;
// A keepalive request's body at most (65,536 is the browsers' keepalive budget).
const BEACON_MAX_BYTES = 60_000;

interface FlushWaiter {
  readonly target: number; // the last ticket handed over before the call
  readonly resolve: (done: boolean) => void;
  timer?: DeliveryTimer;
}

/**
 * Delivers tracked events to a collector: `new HttpTransport(url, options)`,
 * `url` being the collector's base URL (requests go to `<url>/v1/batch`).
 * `flush(timeoutMs)` sends everything handed over so far; `close(timeoutMs)`
 * flushes and stops (Node runs it at exit, for at most `exitTimeoutMs`);
 * `counters()` tells what happened so far. The queue opens when a Tracker
 * binds the transport (its SDK name names the storage).
 */
export class HttpTransport implements Transport<EncodedEvent> {
  readonly url: string;
  readonly options: DeliverySettings;
  /** What the tracker hands over: the envelope in this wire format only. */
  readonly encoding: WireFormat;
  private readonly endpoint: string;
  private readonly platform: DeliveryPlatform = currentPlatform();
  private readonly onError: ((error: SdkError) => void) | undefined;
  private readonly headers: Record<string, string>;
  private readonly bufferMax: number;
  private bound: ((error: SdkError) => void) | undefined;
  private buffer: QueuedEvent[] = [];
  private storing: QueuedEvent[] = []; // being written by the persist step
  private overflow: QueuedEvent[] = [];
  private queue: QueuedEvent[] = [];
  private readonly live = new Set<QueuedEvent>();
  private readonly withdrawn = new Set<string>(); // every purpose withdrawn so far (for events restored later)
  private readonly withdrawnWhileStoring = new Set<QueuedEvent>();
  private queuedBytes = 0;
  private store: QueueStore | undefined;
  private opening = false;
  private persisting = false;
  private readonly inFlight = new Set<QueuedEvent>();
  private readonly beaconing = new Set<QueuedEvent>();
  private splits: QueuedEvent[][] = [];
  private failures = 0;
  private backoffUntil = 0;
  private nextExpiry = 0;
  private timer: DeliveryTimer | undefined;
  private pumping = false;
  private current: Promise<void> | undefined;
  private flushes: FlushWaiter[] = [];
  private lastTicket = 0;
  private closed = false;
  private stopped = false;
  private unwatch: (() => void) | undefined;
  private readonly counts = { tracked: 0, sent: 0, retried: 0, requests: 0 };
  private readonly dropped = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;

  constructor(url: string, options: DeliveryOptions = {}) {
    this.options = deliverySettings(options);
    this.encoding = this.options.wireFormat;
    this.url = url;
    this.endpoint = batchEndpoint(url);
    this.onError = options.onError;
    this.bufferMax = Math.max(BUFFER_MIN, this.options.queueMaxEvents);
    this.headers = { Accept: "application/json", ...this.options.headers };
  }

  /** The request body's format (options.wireFormat). */
  get wireFormat(): WireFormat {
    return this.encoding;
  }

  // --- the tracker's side (no I/O) ---------------------------------------------

  /** Called by the Tracker: its identity (User-Agent, storage name) and its error handler; opens the queue. */
  bind(sdk: SdkInfo, report: (error: SdkError) => void): void {
    this.bound = report;
    const agent = this.platform.userAgent;
    const named = Object.keys(this.headers).some((h) => h.toLowerCase() === "user-agent");
    if (agent !== undefined && !named) this.headers["User-Agent"] = `${sdk.name}/${sdk.version} (${agent})`;
    if (!this.opening) {
      this.opening = true;
      // Watched from now on: an exit or a hidden page before the queue opened still flushes.
      this.unwatch = this.platform.watch({
        exit: () => this.close(this.options.exitTimeoutMs),
        hide: () => this.background(),
        show: () => this.foreground(),
        report: (e) => this.report(e),
      });
      void this.open(sdk.name);
    }
  }

  /** Hands over one envelope; returns at once. Throws once the transport is closed. */
  send(event: EncodedEvent): void {
    if (this.closed) throw new SdkError("the transport is closed");
    this.counts.tracked++;
    const queued: QueuedEvent = {
      seq: 0, ticket: ++this.lastTicket, id: event.eventId, name: event.eventName, fmt: this.encoding.name,
      body: event.body, queuedAtMs: 0, attempts: 0, firstAttemptMs: undefined,
      ...(event.purposes !== undefined ? { purposes: event.purposes } : {}),
    };
    if (this.buffer.length >= this.bufferMax) this.overflow.push(queued);
    else this.buffer.push(queued);
    // One persist step for everything handed over in this turn of the event loop.
    if (this.buffer.length + this.overflow.length === 1) void Promise.resolve().then(() => this.persist());
  }

  /**
   * The user withdrew `purposes` (the tracker calls this): every event handed
   * over that needs one of them, and is not in a request already on its way,
   * leaves the buffer, the queue and its storage before the next request
   * (dropped as consent_withdrawn, reported). Events an earlier run queued
   * without their purposes count as needing every purpose. Returns how many.
   */
  purge(purposes: ReadonlySet<string>): number {
    if (purposes.size === 0) return 0;
    for (const p of purposes) this.withdrawn.add(p);
    const needs = (e: QueuedEvent): boolean => e.purposes === undefined || e.purposes.some((p) => purposes.has(p));
    const unstored = [...this.buffer.filter(needs), ...this.overflow.filter(needs)];
    this.buffer = this.buffer.filter((e) => !needs(e));
    this.overflow = this.overflow.filter((e) => !needs(e));
    for (const e of this.storing) if (needs(e)) this.withdrawnWhileStoring.add(e); // removed once stored
    const gone = [...unstored, ...this.remove(this.queue.filter((e) => needs(e) && !this.busy(e)))];
    this.dropWithdrawn(gone, purposes);
    this.checkFlushes();
    return gone.length;
  }

  private dropWithdrawn(events: readonly QueuedEvent[], purposes: Iterable<string>): void {
    this.drop("consent_withdrawn", events, `consent withdrawn: ${[...purposes].sort().join(", ")}`);
  }

  // --- the app's controls ----------------------------------------------------------

  /**
   * Resolves true once every event handed over before the call is sent or
   * dropped, false when `timeoutMs` passed first. Backoff waits and
   * Retry-After are honoured, never cut short.
   */
  flush(timeoutMs?: number): Promise<boolean> {
    if (this.stopped) return Promise.resolve(this.queue.length + this.buffer.length === 0);
    return new Promise((resolve) => {
      const request: FlushWaiter = { target: this.lastTicket, resolve };
      if (timeoutMs !== undefined) {
        request.timer = startTimer(timeoutMs, () => {
          this.flushes = this.flushes.filter((f) => f !== request);
          this.keepAlive();
          resolve(false);
        }, true);
      }
      this.flushes.push(request);
      this.keepAlive();
      this.checkFlushes();
      this.wake();
    });
  }

  /**
   * Flushes for at most `timeoutMs`, then stops (waiting for a request in
   * flight, at most requestTimeoutMs); what is left stays in the queue for
   * the next start. Resolves true when nothing was left.
   */
  async close(timeoutMs?: number): Promise<boolean> {
    if (this.closed) return this.queue.length + this.buffer.length === 0;
    this.closed = true;
    const done = await this.flush(timeoutMs);
    this.stopped = true;
    this.timer?.cancel();
    if (this.current !== undefined) {
      let timer: DeliveryTimer | undefined;
      const limit = new Promise<void>((resolve) => (timer = startTimer(this.options.requestTimeoutMs + 1000, resolve, true)));
      await Promise.race([this.current, limit]);
      timer?.cancel();
    }
    this.unwatch?.();
    await this.store?.close().catch((error: unknown) => this.report(new SdkError(`cannot close the queue: ${describeError(error)}`)));
    return done;
  }

  /** A snapshot of what happened so far. */
  counters(): DeliveryCounters {
    return {
      ...this.counts,
      buffered: this.buffer.length + this.storing.length + this.overflow.length,
      queued: this.queue.length,
      inFlight: new Set([...this.inFlight, ...this.beaconing]).size,
      dropped: { ...this.dropped },
    };
  }

  // --- reporting -------------------------------------------------------------------

  private report(error: SdkError): void {
    const handler = this.onError ?? this.bound ?? ((e: SdkError) => (globalThis as { console?: Console }).console?.warn(e.message));
    try {
      handler(error);
    } catch {
      // a failing handler must not stop delivery
    }
  }

  private drop(reason: DropReason, events: readonly QueuedEvent[], detail = "", status?: number,
               reasons: readonly (readonly string[])[] = []): void {
    if (events.length === 0) return;
    this.dropped[reason] += events.length;
    const dropped = events.map((e, i) => ({ eventId: e.id, eventName: e.name, reasons: reasons[i] ?? [] }));
    this.report(new DeliveryError(reason, dropped, detail, status));
  }

  // --- the queue -------------------------------------------------------------------

  private async open(sdkName: string): Promise<void> {
    let store: QueueStore = new MemoryStore();
    if (this.options.persist) {
      try {
        const hooks = { evict: () => this.evictOldest(), report: (e: SdkError) => this.report(e) };
        store = await this.platform.openStore({ sdkName, url: this.url, queueDir: this.options.queueDir, hooks });
      } catch (error) {
        this.report(new SdkError(`${describeError(error)}; events are kept in memory only`));
      }
    }
    this.store = store;
    for (const event of store.restored) this.enter(event);
    if (this.withdrawn.size > 0) { // withdrawn before the queue opened: what earlier runs left needs it too
      const purposes = this.withdrawn;
      this.dropWithdrawn(this.remove(this.queue.filter((e) => e.purposes === undefined || e.purposes.some((p) => purposes.has(p)))), purposes);
    }
    this.enforceCaps();
    await this.persist();
    this.checkFlushes();
    this.wake();
  }

  private enter(event: QueuedEvent): void {
    this.queue.push(event);
    this.live.add(event);
    this.queuedBytes += event.body.length;
  }

  /** Removes events from the queue and its store; those that were still in it. */
  private remove(events: readonly QueuedEvent[]): QueuedEvent[] {
    const gone = events.filter((e) => this.live.delete(e));
    if (gone.length === 0) return gone;
    const set = new Set(gone);
    this.queue = this.queue.filter((e) => !set.has(e));
    for (const e of gone) this.queuedBytes -= e.body.length;
    void this.store?.remove(gone).catch((error: unknown) => this.report(new SdkError(`cannot update the queue: ${describeError(error)}`)));
    return gone;
  }

  private async persist(): Promise<void> {
    const store = this.store;
    if (this.persisting || store === undefined) return;
    this.persisting = true;
    try {
      while (this.buffer.length + this.overflow.length > 0) {
        this.drop("queue_full", this.overflow.splice(0), "the buffer was full");
        const entries = (this.storing = this.buffer);
        this.buffer = [];
        const now = Date.now();
        for (const e of entries) (e as { queuedAtMs: number }).queuedAtMs = now;
        let refused: readonly QueuedEvent[];
        let detail = "the storage refused them";
        try {
          refused = await store.add(entries);
        } catch (error) {
          refused = entries;
          detail = describeError(error);
        }
        const no = new Set(refused);
        for (const e of entries) if (!no.has(e)) this.enter(e);
        this.storing = [];
        const late = entries.filter((e) => this.withdrawnWhileStoring.delete(e));
        if (late.length > 0) this.dropWithdrawn(this.remove(late), this.withdrawn);
        this.drop("storage_error", refused, detail);
        this.enforceCaps();
        this.checkFlushes();
        this.wake();
      }
    } finally {
      this.persisting = false;
    }
  }

  private busy(event: QueuedEvent): boolean {
    return this.inFlight.has(event) || this.beaconing.has(event);
  }

  private enforceCaps(): void {
    const maxEvents = Math.min(this.options.queueMaxEvents, this.store?.maxEvents ?? Infinity);
    let events = this.queue.length;
    let bytes = this.queuedBytes;
    const victims: QueuedEvent[] = [];
    for (const e of this.queue) {
      if (events <= maxEvents && bytes <= this.options.queueMaxBytes) break;
      if (this.busy(e)) continue;
      victims.push(e);
      events--;
      bytes -= e.body.length;
    }
    this.drop("queue_full", this.remove(victims), "the queue was full: the oldest went first");
  }

  private evictOldest(): boolean {
    const oldest = this.queue.find((e) => !this.busy(e));
    if (oldest === undefined) return false;
    this.drop("queue_full", this.remove([oldest]), "the storage was full: the oldest went first");
    return true;
  }

  private checkFlushes(): void {
    if (this.flushes.length === 0 || (this.store === undefined && this.opening)) return;
    const oldest = Math.min(this.queue[0]?.ticket ?? Infinity, this.storing[0]?.ticket ?? Infinity,
                            this.buffer[0]?.ticket ?? Infinity, this.overflow[0]?.ticket ?? Infinity);
    const waiting: FlushWaiter[] = [];
    for (const flush of this.flushes) {
      if (flush.target < oldest) {
        flush.timer?.cancel();
        flush.resolve(true);
      } else waiting.push(flush);
    }
    this.flushes = waiting;
    this.keepAlive();
  }

  /** Node: the sender's timer keeps the process alive only while a flush or close waits. */
  private keepAlive(): void {
    this.timer?.keep(this.flushes.length > 0);
  }

  // --- the sender ------------------------------------------------------------------

  private wake(): void {
    if (this.pumping || this.stopped || this.store === undefined) return;
    this.timer?.cancel();
    this.timer = undefined;
    void this.pump();
  }

  private arm(ms: number): void {
    this.timer?.cancel();
    this.timer = startTimer(ms, () => {
      this.timer = undefined;
      this.wake();
    }, this.flushes.length > 0);
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (!this.stopped) {
        const now = monotonicMs();
        if (now < this.backoffUntil) return this.arm(this.backoffUntil - now);
        this.expire(now);
        const wait = this.dueIn();
        if (wait > 0) return wait === Infinity ? undefined : this.arm(wait);
        const batch = this.takeBatch();
        if (batch.length === 0) return;
        this.current = this.attempt(batch);
        await this.current;
        this.current = undefined;
      }
    } finally {
      this.pumping = false;
    }
  }

  private expire(now: number): void {
    if (now < this.nextExpiry) return;
    this.nextExpiry = now + 1000;
    const cutoff = Date.now() - this.options.queueMaxAgeMs;
    const expired = this.queue.filter((e) => e.queuedAtMs < cutoff && !this.busy(e));
    this.drop("expired", this.remove(expired), "older than queueMaxAgeMs");
  }

  /** 0 when a batch is due, else how long until one may be (Infinity: nothing queued). */
  private dueIn(): number {
    const oldest = this.queue.find((e) => !this.busy(e));
    if (oldest === undefined) return Infinity;
    const o = this.options;
    if (this.splits.length > 0 || this.queue.length >= o.batchMaxEvents || this.queuedBytes >= o.batchMaxBytes) return 0;
    if (this.flushes.some((f) => f.target >= oldest.ticket)) return 0;
    const age = Date.now() - oldest.queuedAtMs;
    return age >= o.flushIntervalMs ? 0 : Math.min(o.flushIntervalMs - age, 1000);
  }

  private takeBatch(): QueuedEvent[] {
    let candidates: QueuedEvent[] | undefined;
    while (this.splits.length > 0) {
      const half = (this.splits[0] as QueuedEvent[]).filter((e) => this.live.has(e));
      if (half.length > 0) {
        candidates = half;
        break;
      }
      this.splits.shift(); // its events were dropped meanwhile
    }
    candidates ??= this.queue.filter((e) => !this.busy(e)).slice(0, this.options.batchMaxEvents);
    return formBatch(candidates, this.options.batchMaxEvents, this.options.batchMaxBytes);
  }

  private async attempt(batch: QueuedEvent[]): Promise<void> {
    for (const e of batch) this.inFlight.add(e);
    try {
      const fmt = batch[0]?.fmt as FormatName;
      const body = encodeBatch(batch.map((e) => e.body), Timestamp.now(), fmt); // sent_at of this attempt
      const answer = await postBatch(await this.compressed(this.request(body, fmt)));
      this.counts.requests++;
      const split = this.splits[0];
      const fromSplit = split !== undefined && split.length === batch.length && split.every((e, i) => e === batch[i]);
      if (fromSplit && answer.outcome !== "retry") this.splits.shift();
      if (answer.outcome === "delivered") this.delivered(batch, answer);
      else if (answer.outcome === "split") this.split(batch, answer);
      else if (answer.outcome === "drop") {
        this.resetBackoff();
        this.drop("client_error", this.remove(batch), answer.detail, answer.status);
      } else this.retry(batch, answer);
    } catch (error) {
      // never let the sender die silently
      this.report(new SdkError(`delivery failed: ${describeError(error)}`));
      this.backoffUntil = monotonicMs() + this.options.backoffMaxMs;
    } finally {
      for (const e of batch) this.inFlight.delete(e);
      this.checkFlushes();
    }
  }

  private request(body: Uint8Array, fmt: FormatName, keepalive = false): BatchRequest {
    const headers = { ...this.headers, "Content-Type": CONTENT_TYPES[fmt] };
    return { url: this.endpoint, body, headers, timeoutMs: this.options.requestTimeoutMs, keepalive };
  }

  /** gzip for bodies above gzipMinBytes, where the platform has it. */
  private async compressed(request: BatchRequest): Promise<BatchRequest> {
    const gzip = this.platform.gzip;
    if (gzip === undefined || request.body.length <= this.options.gzipMinBytes) return request;
    try {
      return { ...request, body: await gzip(request.body), headers: { ...request.headers, "Content-Encoding": "gzip" } };
    } catch {
      return request; // sent as it is
    }
  }

  private resetBackoff(): void {
    this.failures = 0;
    this.backoffUntil = 0;
  }

  private delivered(batch: QueuedEvent[], answer: BatchAnswer): void {
    this.resetBackoff();
    const rejected = new Map<QueuedEvent, readonly string[]>();
    for (const r of answer.rejected) {
      const event = batch[r.index];
      if (event !== undefined) rejected.set(event, r.reasons);
    }
    const gone = this.remove(batch);
    const refused = gone.filter((e) => rejected.has(e));
    this.counts.sent += gone.length - refused.length;
    this.drop("rejected", refused, "the collector rejected them", answer.status, refused.map((e) => rejected.get(e) ?? []));
  }

  private split(batch: QueuedEvent[], answer: BatchAnswer): void {
    if (batch.length === 1) {
      this.drop("too_large", this.remove(batch), answer.detail, answer.status);
      return;
    }
    const half = Math.ceil(batch.length / 2);
    this.splits.unshift(batch.slice(0, half), batch.slice(half));
  }

  private retry(batch: QueuedEvent[], answer: BatchAnswer): void {
    const o = this.options;
    this.failures++;
    const delay = answer.retryAfterMs !== undefined
      ? Math.min(answer.retryAfterMs, o.retryAfterMaxMs)
      : Math.random() * Math.min(o.backoffMaxMs, o.backoffBaseMs * 2 ** Math.min(this.failures - 1, 32));
    this.backoffUntil = monotonicMs() + delay;
    const now = Date.now();
    const tried = batch.filter((e) => this.live.has(e));
    for (const e of tried) {
      e.attempts++;
      e.firstAttemptMs ??= now;
    }
    void this.store?.tried(tried, now).catch((error: unknown) => this.report(new SdkError(`cannot update the queue: ${describeError(error)}`)));
    const exhausted = tried.filter((e) => e.attempts >= o.maxAttempts || now - (e.firstAttemptMs ?? now) >= o.maxRetryAgeMs);
    const status = answer.status !== undefined ? `HTTP ${answer.status}` : "no answer";
    this.drop("retries_exhausted", this.remove(exhausted), `last attempt: ${status} ${answer.detail}`.trim());
    this.counts.retried += tried.length - exhausted.length;
  }

  // --- browsers: the page hides ------------------------------------------------------

  /** pagehide, or hidden: send what is queued with requests that outlive the page, in chunks of at most 60 KB. */
  private background(): void {
    const beacon = this.platform.beacon;
    if (beacon === undefined || this.stopped) return;
    let rest = this.queue.filter((e) => !this.beaconing.has(e) && recordSize(e.fmt, e.body.length) + BATCH_OVERHEAD <= BEACON_MAX_BYTES);
    while (rest.length > 0) {
      const chunk = formBatch(rest, this.options.batchMaxEvents, BEACON_MAX_BYTES);
      rest = rest.slice(chunk.length);
      for (const e of chunk) this.beaconing.add(e);
      const fmt = chunk[0]?.fmt as FormatName;
      // Sent now, uncompressed: compressing takes longer than a closing page may have.
      const sent = beacon(this.request(encodeBatch(chunk.map((e) => e.body), Timestamp.now(), fmt), fmt, true));
      void sent.then((answer) => {
        this.counts.requests++;
        // Only a confirmation counts: anything else leaves the events queued for the normal sender.
        if (answer.outcome === "delivered") this.delivered(chunk, answer);
      }).finally(() => {
        for (const e of chunk) this.beaconing.delete(e);
        this.checkFlushes();
      });
    }
  }

  /** pageshow, or visible again: batching resumes as before (nothing stays marked as hidden). */
  private foreground(): void {
    this.beaconing.clear();
    this.wake();
  }
}

/** The longest run from the head with one wire format, at most `maxEvents`, within `maxBytes` (the first always goes). */
function formBatch(candidates: readonly QueuedEvent[], maxEvents: number, maxBytes: number): QueuedEvent[] {
  const batch: QueuedEvent[] = [];
  let size = BATCH_OVERHEAD;
  for (const e of candidates) {
    if (batch.length >= maxEvents || (batch.length > 0 && e.fmt !== batch[0]?.fmt)) break;
    size += recordSize(e.fmt, e.body.length);
    if (batch.length > 0 && size > maxBytes) break;
    batch.push(e);
  }
  return batch;
}

interface Console {
  warn(...data: unknown[]): void;
}

interface UrlParts {
  readonly protocol: string;
  readonly host: string;
  readonly hostname: string;
  readonly pathname: string;
}

/** `<url>/v1/batch`; a URL that is not http(s)://host[:port][/path] is a TypeError. */
function batchEndpoint(url: string): string {
  const URL = (globalThis as unknown as { URL: new (url: string) => UrlParts }).URL;
  let parts: UrlParts | undefined;
  try {
    parts = new URL(url);
  } catch {
    parts = undefined;
  }
  if (parts === undefined || !/^https?:$/.test(parts.protocol) || !parts.hostname || typeof url !== "string" || !/^https?:\/\//i.test(url)) {
    throw new TypeError(`the collector URL must be http(s)://host[:port][/path], not ${JSON.stringify(url)}`);
  }
  return `${parts.protocol}//${parts.host}${parts.pathname.replace(/\/+$/, "")}/v1/batch`;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
