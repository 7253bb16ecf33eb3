// Runtime file, copied verbatim: where tracked events go.

/** One envelope, ready to deliver in either encoding. */
export interface TrackedEvent {
  readonly eventName: string;
  readonly eventId: string;
  /** The Protobuf bytes of the whole envelope. */
  readonly protobuf: Uint8Array;
  /** The canonical JSON of the whole envelope. */
  readonly json: string;
}

/**
 * Delivers (or queues) events. `send` may throw or return a promise that
 * rejects: the tracker reports both to its onError handler and never lets
 * them reach the host app.
 */
export interface Transport {
  send(event: TrackedEvent): void | PromiseLike<void>;
}

/** Keeps every event in `events`; for tests and batching. */
export class InMemoryTransport implements Transport {
  readonly events: TrackedEvent[] = [];

  send(event: TrackedEvent): void {
    this.events.push(event);
  }

  clear(): void {
    this.events.length = 0;
  }
}
