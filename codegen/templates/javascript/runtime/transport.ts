// Runtime file, copied verbatim: where tracked events go.

import type { SdkError } from "./errors.js";
import { type Encoding, envelopeProtobuf } from "./formats.js";
import { envelopeJson } from "./jsonvalue.js";
import type { SdkInfo } from "./tracker.js";

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
 * Delivers (or queues) events. `encoding` says what the tracker hands to
 * `send`: `bothFormats` (a TrackedEvent with both encodings), or one wire
 * format (`protobufFormat`, `jsonFormat`: its envelope bytes only). `send`
 * may throw or return a promise that rejects: the tracker reports both to
 * its onError handler and never lets them reach the host app. `purge`,
 * when present, is called when the user withdraws purposes: it forgets every
 * event not yet sent that needs one of them (docs/delivery.md, "Consent").
 */
export interface Transport<T = TrackedEvent> {
  readonly encoding: Encoding<T>;
  send(event: T): void | PromiseLike<void>;
  /** Called once by the tracker: its identity and its error handler (delivery reports drops through it). */
  bind?(sdk: SdkInfo, report: (error: SdkError) => void): void;
  /** Forgets the events not yet sent that need one of `purposes` (withdrawn by the user). */
  purge?(purposes: ReadonlySet<string>): unknown;
}

/** Both encodings of every envelope, for transports that keep or forward either (InMemoryTransport). */
export const bothFormats: Encoding<TrackedEvent> = {
  encode: (context, event, auto, purposes) => ({
    eventName: event.eventName,
    eventId: auto.eventId,
    protobuf: envelopeProtobuf(context, event, auto),
    json: envelopeJson(context, event, auto),
    ...(purposes !== undefined ? { purposes } : {}),
  }),
};

/** Keeps every event in `events`; for tests and batching. */
export class InMemoryTransport implements Transport {
  readonly encoding = bothFormats;
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
