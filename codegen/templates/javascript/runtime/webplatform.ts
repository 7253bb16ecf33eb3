// Runtime file, copied verbatim: delivery in browsers (docs/delivery.md, "The
// browser queue"). The queue lives in localStorage, one key per event under
// this tab's id, with a heartbeat; a page adopts the keys of tabs whose
// heartbeat stopped. Bodies are gzipped with CompressionStream where it
// exists; on pagehide and when the page is hidden the transport sends what
// is queued with fetch keepalive (or sendBeacon).

import { SdkError } from "./errors.js";
import type { DeliveryPlatform, StoreRequest } from "./platform.js";
import type { QueueStore, QueuedEvent, StoreHooks } from "./queue.js";
import { type BatchAnswer, type BatchRequest, postBatch } from "./sending.js";

const TAB_MAX_EVENTS = 1_000;
const TAB_MAX_BYTES = 1_000_000; // of values
const EVENT_MAX_CHARS = 65_536; // a larger event stays in memory only
const HEARTBEAT_MS = 5_000;
const STALE_MS = 10_000; // a tab whose heartbeat is older is gone: its keys are adopted

// The web APIs used here, typed locally (the SDK compiles without the DOM library).
interface WebStorage {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}
interface WebEvents {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}
interface WebScope extends Partial<WebEvents> {
  localStorage?: WebStorage;
  sessionStorage?: WebStorage;
  document?: WebEvents & { readonly visibilityState: string };
  navigator?: { sendBeacon?(url: string, data: unknown): boolean };
  Blob?: new (parts: unknown[], options?: { type: string }) => { stream(): { pipeThrough(t: unknown): unknown } };
  Response?: new (body: unknown) => { arrayBuffer(): Promise<ArrayBuffer> };
  Request?: { prototype: object };
  CompressionStream?: new (format: string) => unknown;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
  btoa(text: string): string;
  atob(text: string): string;
  TextEncoder: new () => { encode(text: string): Uint8Array };
  TextDecoder: new () => { decode(bytes: Uint8Array): string };
}

export function webPlatform(): DeliveryPlatform | undefined {
  const scope = globalThis as unknown as WebScope;
  const document = scope.document;
  if (document === undefined || scope.addEventListener === undefined) return undefined;
  const { Blob, Response, CompressionStream } = scope;
  const keepalive = scope.Request !== undefined && "keepalive" in scope.Request.prototype;
  return {
    userAgent: undefined, // a page may not set User-Agent
    openStore: async (request) => openWebQueue(scope, request),
    gzip: Blob && Response && CompressionStream
      ? async (body) => new Uint8Array(await new Response(new Blob([body]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer())
      : undefined,
    watch: (hooks) => {
      const hide = (): void => hooks.hide();
      const show = (): void => hooks.show();
      const visibility = (): void => (document.visibilityState === "hidden" ? hide() : show());
      scope.addEventListener?.("pagehide", hide);
      scope.addEventListener?.("pageshow", show);
      document.addEventListener("visibilitychange", visibility);
      return () => {
        scope.removeEventListener?.("pagehide", hide);
        scope.removeEventListener?.("pageshow", show);
        document.removeEventListener("visibilitychange", visibility);
      };
    },
    beacon: (request) => (keepalive || Blob === undefined ? postBatch(request) : Promise.resolve(sendBeacon(scope, request))),
  };
}

function sendBeacon(scope: WebScope, request: BatchRequest): BatchAnswer {
  const Blob = scope.Blob as NonNullable<WebScope["Blob"]>;
  const queued = scope.navigator?.sendBeacon?.(request.url, new Blob([request.body], { type: request.headers["Content-Type"] ?? "" }));
  // No answer comes back: the events stay queued until a normal request confirms them.
  return { outcome: "retry", status: undefined, detail: queued ? "sent with sendBeacon" : "sendBeacon refused", retryAfterMs: undefined, rejected: [] };
}

function openWebQueue(scope: WebScope, request: StoreRequest): QueueStore {
  let storage: WebStorage | undefined;
  let session: WebStorage | undefined;
  try {
    storage = scope.localStorage;
    session = scope.sessionStorage;
  } catch {
    storage = undefined; // storage disabled for this page
  }
  if (storage === undefined) throw new Error("this page has no localStorage");
  return new WebQueueStore(scope, storage, session, request.sdkName, request.hooks);
}

interface StoredValue {
  id: string;
  name: string;
  fmt: string;
  body: string;
  queued_at_ms: number;
  attempts: number;
  first_attempt_ms: number | null;
  purposes?: string[];
}

class WebQueueStore {
  readonly maxEvents = TAB_MAX_EVENTS;
  readonly restored: QueuedEvent[] = [];
  private readonly tab: string;
  private readonly sizes = new Map<QueuedEvent, number>();
  private bytes = 0;
  private nextSeq = 1;
  private readonly heartbeat: unknown;
  private readonly onHide = (): void => this.storage.setItem(this.heartbeatKey(this.tab), "0"); // left: may be adopted
  private readonly onShow = (): void => this.beat();

  constructor(private readonly scope: WebScope, private readonly storage: WebStorage, session: WebStorage | undefined,
              private readonly prefix: string, private readonly hooks: StoreHooks) {
    const now = Date.now();
    const { events, beats } = this.scan();
    // A reload keeps the tab's id (sessionStorage), unless a live page holds it (a duplicated tab).
    const previous = session?.getItem(`${prefix}:tab`) ?? undefined;
    // A page that left wrote 0 as its heartbeat.
    this.tab = previous !== undefined && now - (beats.get(previous) ?? 0) > STALE_MS ? previous : randomTab();
    session?.setItem(`${prefix}:tab`, this.tab);
    this.beat();
    for (const [tab, keys] of events) {
      const mine = tab === this.tab;
      if (!mine && now - (beats.get(tab) ?? 0) <= STALE_MS) continue; // a live tab's
      for (const [seq, key] of [...keys].sort((a, b) => a[0] - b[0])) this.restore(key, mine ? seq : undefined);
      if (!mine) storage.removeItem(this.heartbeatKey(tab));
    }
    this.heartbeat = scope.setInterval(() => this.beat(), HEARTBEAT_MS);
    scope.addEventListener?.("pagehide", this.onHide);
    scope.addEventListener?.("pageshow", this.onShow);
  }

  private heartbeatKey(tab: string): string {
    return `${this.prefix}:hb:${tab}`;
  }

  private key(seq: number): string {
    return `${this.prefix}:q:${this.tab}:${seq}`;
  }

  private beat(): void {
    try {
      this.storage.setItem(this.heartbeatKey(this.tab), String(Date.now()));
    } catch {
      // full: the next beat tries again
    }
  }

  /** Every queue key by tab (seq, key), and every heartbeat. */
  private scan(): { events: Map<string, [number, string][]>; beats: Map<string, number> } {
    const events = new Map<string, [number, string][]>();
    const beats = new Map<string, number>();
    const queued = `${this.prefix}:q:`;
    const beat = `${this.prefix}:hb:`;
    for (let i = 0; i < this.storage.length; i++) {
      const key = this.storage.key(i);
      if (key === null) continue;
      if (key.startsWith(beat)) beats.set(key.slice(beat.length), Number(this.storage.getItem(key)) || 0);
      if (!key.startsWith(queued)) continue;
      const rest = key.slice(queued.length);
      const at = rest.lastIndexOf(":");
      const list = events.get(rest.slice(0, at)) ?? [];
      list.push([Number(rest.slice(at + 1)), key]);
      events.set(rest.slice(0, at), list);
    }
    return { events, beats };
  }

  /** One stored event into the queue: this tab's as it is, another tab's rewritten under this tab's id. */
  private restore(key: string, seq: number | undefined): void {
    const text = this.storage.getItem(key);
    let value: StoredValue | undefined;
    try {
      value = text === null ? undefined : (JSON.parse(text) as StoredValue);
    } catch {
      value = undefined;
    }
    if (value !== undefined && typeof value.body === "string") {
      const event: QueuedEvent = {
        seq: seq ?? this.nextSeq, ticket: 0, id: String(value.id), name: String(value.name),
        fmt: value.fmt === "json" ? "json" : "protobuf", body: this.decode(value.fmt, value.body),
        queuedAtMs: Number(value.queued_at_ms) || 0, attempts: Number(value.attempts) || 0,
        firstAttemptMs: typeof value.first_attempt_ms === "number" ? value.first_attempt_ms : undefined,
        ...(Array.isArray(value.purposes) ? { purposes: value.purposes.map(String) } : {}),
      };
      this.nextSeq = Math.max(this.nextSeq, event.seq + 1);
      if (seq !== undefined) {
        this.sizes.set(event, text?.length ?? 0);
        this.bytes += text?.length ?? 0;
        this.restored.push(event);
        return;
      }
      if (!this.write(event, this.value(event))) return; // no room: left where it is, for later
      this.restored.push(event);
    }
    this.storage.removeItem(key);
  }

  private value(event: QueuedEvent): string {
    return JSON.stringify({
      id: event.id, name: event.name, fmt: event.fmt, body: this.encode(event), queued_at_ms: event.queuedAtMs,
      attempts: event.attempts, first_attempt_ms: event.firstAttemptMs ?? null,
      ...(event.purposes !== undefined ? { purposes: event.purposes } : {}),
    });
  }

  /** Stores one event (making room by dropping the oldest when the tab's caps or the quota say so). */
  private write(event: QueuedEvent, value: string): boolean {
    const before = this.sizes.get(event) ?? 0;
    while (this.bytes - before + value.length > TAB_MAX_BYTES && this.hooks.evict()) {
      // the oldest went (hooks.evict removed it from here too)
    }
    for (;;) {
      try {
        this.storage.setItem(this.key(event.seq), value);
        this.bytes += value.length - before;
        this.sizes.set(event, value.length);
        return true;
      } catch (error) {
        // QuotaExceededError: never thrown to the page; the tab's oldest events make room.
        if (!this.hooks.evict()) {
          this.hooks.report(new SdkError(`localStorage refused an event: ${String(error)}`));
          return false;
        }
      }
    }
  }

  private encode(event: QueuedEvent): string {
    if (event.fmt === "json") return new this.scope.TextDecoder().decode(event.body);
    let binary = "";
    for (let i = 0; i < event.body.length; i += 0x8000) binary += String.fromCharCode(...event.body.subarray(i, i + 0x8000));
    return this.scope.btoa(binary);
  }

  private decode(fmt: string, body: string): Uint8Array {
    if (fmt === "json") return new this.scope.TextEncoder().encode(body);
    return Uint8Array.from(this.scope.atob(body), (c) => c.charCodeAt(0));
  }

  async add(events: readonly QueuedEvent[]): Promise<readonly QueuedEvent[]> {
    const refused: QueuedEvent[] = [];
    for (const event of events) {
      event.seq = this.nextSeq++;
      const value = this.value(event);
      if (value.length > EVENT_MAX_CHARS) continue; // too large for one key: kept in memory only
      if (!this.write(event, value)) refused.push(event);
    }
    return refused;
  }

  async tried(events: readonly QueuedEvent[]): Promise<void> {
    for (const event of events) if (this.sizes.has(event)) this.write(event, this.value(event));
  }

  async remove(events: readonly QueuedEvent[]): Promise<void> {
    for (const event of events) {
      const size = this.sizes.get(event);
      if (size === undefined) continue;
      this.storage.removeItem(this.key(event.seq));
      this.sizes.delete(event);
      this.bytes -= size;
    }
  }

  async close(): Promise<void> {
    this.scope.clearInterval(this.heartbeat);
    this.scope.removeEventListener?.("pagehide", this.onHide);
    this.scope.removeEventListener?.("pageshow", this.onShow);
  }
}

function randomTab(): string {
  return Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
}
