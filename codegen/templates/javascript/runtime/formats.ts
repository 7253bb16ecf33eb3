// Runtime file, copied verbatim: how the tracker encodes an event for a
// transport, and the `Batch` request body (docs/wire-contract.md, "The
// batch"). A transport names its encoding with a value the app imports
// (protobufFormat, jsonFormat, or bothFormats in transport.ts), so a bundle
// holds only the encoders it names: Protobuf never pulls in the JSON writer.

import { type AutoValues, WRITE_PROTOBUF, timestampCodec, validTimestamp, withWriter } from "./codec.js";
import { envelopeJson } from "./jsonvalue.js";
import { ProtoWriter, WIRE_LEN, utf8 } from "./protobuf.js";
import type { Timestamp } from "./timestamp.js";
import type { ContextMessage, TrackableEvent } from "./tracker.js";

/** Turns a validated event and its context into what a transport takes. */
export interface Encoding<T> {
  /** `purposes`: those the event needs (its own and its values'), in name order; kept for `purge`. */
  encode(context: ContextMessage, event: TrackableEvent, auto: AutoValues, purposes?: readonly string[]): T;
}

/** One envelope in one wire format, as a single-format transport (HttpTransport) takes it. */
export interface EncodedEvent {
  readonly eventName: string;
  readonly eventId: string;
  /** The envelope: Protobuf bytes, or canonical JSON as UTF-8. */
  readonly body: Uint8Array;
  /** The purposes it needs, in name order (a queue purges by them when the user withdraws one). */
  readonly purposes?: readonly string[];
}

/** A request body format of the collection protocol. */
export type FormatName = "protobuf" | "json";

/** A wire format: what a single-format transport (HttpTransport) takes, and its request's Content-Type. */
export interface WireFormat extends Encoding<EncodedEvent> {
  readonly name: FormatName;
  readonly contentType: string;
}

export const CONTENT_TYPES: Readonly<Record<FormatName, string>> = { protobuf: "application/x-protobuf", json: "application/json" };

/** Bytes a batch adds around its envelopes, at most (the JSON frame and a nanosecond sent_at). */
export const BATCH_OVERHEAD = 64;

function makeWireFormat(
  name: FormatName,
  envelope: (context: ContextMessage, event: TrackableEvent, auto: AutoValues) => Uint8Array,
): WireFormat {
  return {
    name,
    contentType: CONTENT_TYPES[name],
    encode: (context, event, auto, purposes) => {
      const body = envelope(context, event, auto);
      return purposes !== undefined
        ? { eventName: event.eventName, eventId: auto.eventId, body, purposes }
        : { eventName: event.eventName, eventId: auto.eventId, body };
    },
  };
}

/** The envelope's Protobuf bytes: the context (field 1) and the event (its number), both written in place. */
export function envelopeProtobuf(context: ContextMessage, event: TrackableEvent, auto: AutoValues): Uint8Array {
  return withWriter(writeEnvelope, context, event, auto);
}

function writeEnvelope(w: ProtoWriter, context: ContextMessage, event: TrackableEvent, auto: AutoValues): void {
  w.tag(1, WIRE_LEN);
  let start = w.begin();
  context[WRITE_PROTOBUF](w, auto);
  w.end(start);
  w.tag(event.eventNumber, WIRE_LEN);
  start = w.begin();
  event[WRITE_PROTOBUF](w);
  w.end(start);
}

/** Protobuf (the default). */
export const protobufFormat: WireFormat = /* @__PURE__ */ makeWireFormat("protobuf", envelopeProtobuf);

/** Canonical JSON (the envelope's UTF-8). */
export const jsonFormat: WireFormat = /* @__PURE__ */ makeWireFormat("json", (context, event, auto) =>
  utf8(envelopeJson(context, event, auto)),
);

/**
 * The body of one request (docs/wire-contract.md, "The batch"): `envelopes`
 * in queue order, each in `format` (Protobuf bytes, or canonical JSON as
 * UTF-8), and `sentAt`, the client's clock at this attempt. Protobuf: each
 * envelope a field-1 record, then `sent_at` (field 2, always written). JSON:
 * `{"events":[<envelope>,...],"sent_at":"<RFC 3339>"}`, canonical as a whole.
 */
export function encodeBatch(envelopes: readonly Uint8Array[], sentAt: Timestamp, format: FormatName = "protobuf"): Uint8Array {
  const w = new ProtoWriter();
  if (format === "protobuf") {
    for (const envelope of envelopes) {
      w.tag(1, WIRE_LEN);
      w.bytes(envelope);
    }
    w.tag(2, WIRE_LEN);
    timestampCodec.write(w, sentAt);
    return w.finish();
  }
  const stamp = validTimestamp(sentAt).toRfc3339(); // the same range check as Protobuf's
  const parts = [utf8('{"events":['), ...envelopes.flatMap((e, i) => (i > 0 ? [COMMA, e] : [e]))];
  parts.push(utf8(`],"sent_at":"${stamp}"}`));
  return concatBytes(parts);
}

/** What one envelope of `size` bytes adds to a batch body: its record in Protobuf, itself and a comma in JSON. */
export function recordSize(format: FormatName, size: number): number {
  if (format === "json") return size + 1;
  let length = 1;
  while (size >= 2 ** (7 * length)) length++;
  return 1 + length + size;
}

const COMMA = /* @__PURE__ */ Uint8Array.of(0x2c);

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const part of parts) size += part.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
