// Runtime file, copied verbatim: where tracked events go.

/** One envelope, ready to deliver in either encoding. */
export interface TrackedEvent {
  readonly eventName: string;
  readonly eventId: string;
  /** The Protobuf bytes of the whole envelope. */
  readonly protobuf: Uint8Array;
  /** The canonical JSON of the whole envelope. */
  readonly json: string;
  /** The purposes it needs (its own, and those of the values it carries), in name order. */
  readonly purposes?: readonly string[];
}

/**
 * Delivers (or queues) events. `send` may throw or return a promise that
 * rejects: the tracker reports both to its onError handler and never lets
 * them reach the host app. `purge`, when present, is called when the user
 * withdraws purposes: it forgets every event not yet sent that needs one of
 * them (docs/delivery.md, "Consent").
 */
export interface Transport {
  send(event: TrackedEvent): void | PromiseLike<void>;
  purge?(purposes: ReadonlySet<string>): unknown;
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

  /** Forgets the events that need one of `purposes` (withdrawn); how many. */
  purge(purposes: ReadonlySet<string>): number {
    const kept = this.events.filter((e) => !(e.purposes ?? []).some((p) => purposes.has(p)));
    const purged = this.events.length - kept.length;
    this.events.splice(0, this.events.length, ...kept);
    return purged;
  }
}
