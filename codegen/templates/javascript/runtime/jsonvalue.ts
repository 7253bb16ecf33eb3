// Runtime file, copied verbatim: the ProtoJSON of messages, read off the same
// field tables as the Protobuf encoder. Nothing else in the runtime refers to
// it, so a bundle that sends Protobuf only leaves it out (tree-shaking).

import {
  type AutoValues,
  type Codec,
  FIELD_TABLE,
  type Field,
  type FieldTable,
  LIST,
  MAP,
  checkObject,
  entriesOf,
  listOf,
  mapKey,
  present,
  validTimestamp,
  valueOf,
} from "./codec.js";
import { EncodingError } from "./errors.js";
import { base64, canonicalJson, doubleJson, float32Json, type JsonObject, type JsonValue, jsonObject } from "./json.js";
import type { ContextMessage, TrackableEvent } from "./tracker.js";

/** The ProtoJSON value of an event or the context (with the tracker's `auto` values), keyed by wire names. */
export function toJsonValue(message: FieldTable, auto?: AutoValues): JsonObject {
  return jsonMessage(message[FIELD_TABLE](), message, auto);
}

/** The canonical JSON (RFC 8785) of an event's message alone, or of the context's. */
export function toJson(message: FieldTable, auto?: AutoValues): string {
  return canonicalJson(toJsonValue(message, auto));
}

/** The canonical JSON of a whole envelope: the context and the event under its wire name. */
export function envelopeJson(context: ContextMessage, event: TrackableEvent, auto: AutoValues): string {
  const json = jsonObject();
  json["context"] = toJsonValue(context, auto);
  json[event.eventName] = toJsonValue(event);
  return canonicalJson(json);
}

/** The ProtoJSON value of a message: implicit-presence fields, lists and maps always appear. */
export function jsonMessage(fields: readonly Field[], message: object, auto?: AutoValues): JsonObject {
  const out = jsonObject();
  for (const field of fields) {
    const value = valueOf(message, field, auto);
    const codec = field.codec;
    if (field.label === LIST) {
      out[field.name] = value == null ? [] : listOf(field, value).map((item) => jsonOf(codec, present(field, item)));
    } else if (field.label === MAP) {
      const entries = jsonObject();
      if (value != null) for (const [key, item] of entriesOf(value)) entries[mapKey(key)] = jsonOf(codec, present(field, item));
      out[field.name] = entries;
    } else if (value != null) {
      out[field.name] = jsonOf(codec, value);
    } else if (!field.presence) {
      const zero = zeroJson(codec);
      if (zero !== undefined) out[field.name] = zero;
    }
  }
  return out;
}

/** One value's ProtoJSON form. */
function jsonOf(codec: Codec, value: unknown): JsonValue {
  if (codec.fields !== undefined) return jsonMessage(codec.fields(), checkObject(value as object));
  if (codec.enum !== undefined) return codec.enum.jsonName(value as string);
  if (codec.integer !== undefined) {
    const checked = codec.integer(value as number | bigint);
    return codec.wide ? String(checked) : Number(checked);
  }
  switch (codec.kind) {
    case "float":
    case "double":
      if (typeof value !== "number") throw new EncodingError(`${String(value)} is not a number`);
      return codec.kind === "float" ? float32Json(value) : doubleJson(value);
    case "bool":
      return Boolean(value);
    case "string":
      if (typeof value !== "string") throw new EncodingError(`${String(value)} is not a string`);
      return value;
    case "bytes":
      if (!(value instanceof Uint8Array)) throw new EncodingError("bytes must be a Uint8Array");
      return base64(value);
    default:
      return validTimestamp(value as never).toRfc3339();
  }
}

/** The JSON of an unset implicit-presence value (undefined: omitted). */
function zeroJson(codec: Codec): JsonValue | undefined {
  if (codec.fields !== undefined) return undefined;
  if (codec.enum !== undefined) return codec.enum.unspecified;
  if (codec.integer !== undefined) return codec.wide ? "0" : 0;
  switch (codec.kind) {
    case "float":
    case "double":
      return 0;
    case "bool":
      return false;
    case "string":
    case "bytes":
      return "";
    default:
      return undefined; // timestamps
  }
}
