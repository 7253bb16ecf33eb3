// Runtime file, copied verbatim: the queue's events and what a storage of
// them does (docs/delivery.md, "The queue"). The transport keeps the queue
// in memory, in order; a store mirrors it (a journal file in Node,
// localStorage in browsers, nothing with `persist: false`) so that it
// survives a crash and the next start sends what was left.

import type { SdkError } from "./errors.js";
import type { FormatName } from "./formats.js";

/** One event in the queue. */
export interface QueuedEvent {
  /** Its place in the store (tracking order), set by `add`. */
  seq: number;
  /** Its hand-over order in this process (0: left by an earlier run); flush() waits by it. */
  readonly ticket: number;
  readonly id: string;
  readonly name: string;
  readonly fmt: FormatName;
  /** The envelope: Protobuf bytes, or canonical JSON as UTF-8. */
  readonly body: Uint8Array;
  readonly queuedAtMs: number;
  /** Failed attempts so far. */
  attempts: number;
  /** Unix ms of the first failed attempt. */
  firstAttemptMs: number | undefined;
  /** The purposes it needs, in name order; undefined when an older SDK queued it (purged on any withdrawal). */
  readonly purposes?: readonly string[];
}

/** A persistent mirror of the queue. Writes are applied in call order. */
export interface QueueStore {
  /** The events earlier runs left (and those of adopted slots), oldest first. */
  readonly restored: readonly QueuedEvent[];
  /** Events it keeps at most (browsers: 1,000 per tab), whatever the options say. */
  readonly maxEvents: number;
  /** Stores new events (setting their seq); the ones it refused (dropped as storage_error). */
  add(events: readonly QueuedEvent[]): Promise<readonly QueuedEvent[]>;
  /** One more failed attempt for each (their attempts are updated already). */
  tried(events: readonly QueuedEvent[], atMs: number): Promise<void>;
  remove(events: readonly QueuedEvent[]): Promise<void>;
  /** Releases the store (its slot); what is stored stays for the next start. */
  close(): Promise<void>;
}

/** What a store may ask of its transport. */
export interface StoreHooks {
  /** Drops the oldest event not in flight (queue_full) to make room; false when there is none. */
  evict(): boolean;
  /** Reports a problem of the storage (then the events are kept in memory). */
  report(error: SdkError): void;
}

/** The queue in memory only (`persist: false`, or no storage). */
export class MemoryStore {
  readonly restored: readonly QueuedEvent[] = [];
  readonly maxEvents = Infinity;
  private nextSeq = 1;

  async add(events: readonly QueuedEvent[]): Promise<readonly QueuedEvent[]> {
    for (const event of events) event.seq = this.nextSeq++;
    return [];
  }

  async tried(): Promise<void> {}

  async remove(): Promise<void> {}

  async close(): Promise<void> {}
}
