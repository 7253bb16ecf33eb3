// Runtime file, copied verbatim: value codecs and the field tables that
// drive Protobuf encoding and validation of every message (ProtoJSON reads
// the same tables in jsonvalue.ts, so bundles that send Protobuf leave it
// out). Generated messages are data (a table of fields).

import { toFloat32, unpairedSurrogate } from "./json.js";
import { EncodingError } from "./errors.js";
import {
  ProtoWriter,
  WIRE_I32,
  WIRE_I64,
  WIRE_LEN,
  WIRE_VARINT,
  compareCodePoints,
  toBigInt,
} from "./protobuf.js";
import { Timestamp } from "./timestamp.js";
import { type ValidationIssue, checkBounds, checkString, issue } from "./validation.js";

/** The key of a message's field table: `message[FIELD_TABLE]()` (a symbol, so it never meets a model name). */
export const FIELD_TABLE: unique symbol = /* @__PURE__ */ Symbol("fields");

/**
 * The key of a message's Protobuf writer: `message[WRITE_PROTOBUF](w, auto)`
 * appends its fields to `w` (the envelope writes both of its messages in place).
 */
export const WRITE_PROTOBUF: unique symbol = /* @__PURE__ */ Symbol("writeProtobuf");

/** A generated message class: its field table. */
export interface FieldTable {
  [FIELD_TABLE](): readonly Field[];
}

/** A list or a map of the model: plain objects and Maps are both accepted. */
export type MapOf<T> = Readonly<Record<string, T>> | ReadonlyMap<string, T>;

/** Context values the tracker fills in itself. */
export interface AutoValues {
  readonly eventId: string;
  readonly clientTimestamp: Timestamp;
  readonly modelVersion: string;
  readonly sdkName: string;
  readonly sdkVersion: string;
  /** The purposes granted when the event was tracked, in the model's order (the consent stamp). */
  readonly consent: readonly string[];
}

export const SINGLE = 0;
export const LIST = 1;
export const MAP = 2;

/** One field of a message, as generated from the model. */
export interface Field {
  /** Wire name (snake_case). */
  readonly name: string;
  readonly number: number;
  /** Property name in TypeScript. */
  readonly key: string;
  readonly codec: Codec;
  readonly label: typeof SINGLE | typeof LIST | typeof MAP;
  /** Explicit presence: written whenever set, even to zero. */
  readonly presence: boolean;
  readonly required: boolean;
  readonly constValue?: string | number | bigint | boolean | undefined;
  readonly auto?: keyof AutoValues | undefined;
  /** The predicate of its deprecation warning: "is deprecated since 1.0.0: reason". */
  readonly deprecated?: string | undefined;
  readonly minimum?: number | bigint | undefined;
  readonly maximum?: number | bigint | undefined;
  readonly minLength?: number | undefined;
  readonly maxLength?: number | undefined;
  /** The model's pattern in JavaScript "u"-mode syntax. */
  readonly pattern?: string | undefined;
  /** The model's pattern as written, when its JavaScript form differs (messages show this). */
  readonly patternText?: string | undefined;
  readonly minItems?: number | undefined;
  readonly maxItems?: number | undefined;
  /** Consent: an optional value is removed unless all of these purposes are granted. */
  readonly purposes?: readonly string[] | undefined;
  /** A kept object (or its list or map elements) may lose values inside it. */
  readonly redacts?: boolean | undefined;
}

/** How one value of a type is written, shown as JSON and checked. */
export interface Codec<T = unknown> {
  readonly kind: string;
  readonly wireType: number;
  /** Whether lists of it are packed. */
  readonly packable: boolean;
  /** The nested message's fields, for message codecs. */
  readonly fields?: (() => readonly Field[]) | undefined;
  /** The enum, for enum codecs. */
  readonly enum?: EnumInfo<string> | undefined;
  /** Integers: the value checked against the type's range (EncodingError), and whether it is 64-bit. */
  readonly integer?: ((value: number | bigint) => bigint) | undefined;
  readonly wide?: boolean | undefined;
  /** Bitwise proto3 default: not written under implicit presence. */
  isZero(value: T): boolean;
  /** The value without its tag (length-delimited values with their length). */
  write(w: ProtoWriter, value: T): void;
  check(value: unknown, path: string, field: Field, out: ValidationIssue[]): void;
  /** The predicate of an enum value's deprecation warning, or undefined. */
  deprecation?(value: T): string | undefined;
}

// --- scalars -----------------------------------------------------------------

function integerCodec(
  kind: string,
  low: bigint,
  high: bigint,
  wide: boolean,
  write: (w: ProtoWriter, value: never) => void,
): Codec<number | bigint> {
  // Numbers are compared with number bounds (exact for safe integers, and cheaper than BigInt's).
  const lowNumber = Number(low);
  const highNumber = Number(high);
  const inRange = (value: number | bigint): boolean =>
    typeof value === "number" ? value >= lowNumber && value <= highNumber : value >= low && value <= high;
  const checked = (value: number | bigint): bigint => {
    let v: bigint | undefined;
    if (wide) v = toBigInt(value);
    else if (typeof value === "number" && Number.isInteger(value)) v = BigInt(value);
    if (v === undefined || !inRange(v)) throw new EncodingError(`${String(value)} is not a ${kind}`);
    return v;
  };
  return {
    kind,
    wireType: WIRE_VARINT,
    packable: true,
    integer: checked,
    wide,
    isZero: (value) => value == 0,
    write: write as (w: ProtoWriter, value: number | bigint) => void,
    check(value, path, field, out) {
      const isNumber = typeof value === "number";
      if (!(isNumber || (wide && typeof value === "bigint"))) {
        out.push(issue(path, "type", `must be an integer (${kind})`));
      } else if (isNumber && !Number.isInteger(value)) {
        out.push(issue(path, "type", `must be an integer (${kind})`));
      } else if (isNumber && wide && !Number.isSafeInteger(value)) {
        // A number beyond 2^53 has lost digits already: a JavaScript-only check.
        out.push(issue(path, "type", `must be an integer (${kind}): a bigint beyond 2^53`));
      } else if (!inRange(value)) {
        out.push(issue(path, "range", `${String(value)} is outside the ${kind} range`));
      } else {
        checkBounds(value, path, field, out);
      }
    },
  };
}

export const int32Codec = /* @__PURE__ */ integerCodec("int32", -(2n ** 31n), 2n ** 31n - 1n, false, (w, v: number) => w.int32(v));
export const uint32Codec = /* @__PURE__ */ integerCodec("uint32", 0n, 2n ** 32n - 1n, false, (w, v: number) => w.uint32(v));
export const int64Codec = /* @__PURE__ */ integerCodec("int64", -(2n ** 63n), 2n ** 63n - 1n, true, (w, v: number | bigint) => w.int64(v));
export const uint64Codec = /* @__PURE__ */ integerCodec("uint64", 0n, 2n ** 64n - 1n, true, (w, v: number | bigint) => w.uint64(v));

function floatingCodec(kind: string, single: boolean): Codec<number> {
  return {
    kind,
    wireType: single ? WIRE_I32 : WIRE_I64,
    packable: true,
    // Bitwise: -0 is not zero; the float is narrowed first (1e-50 narrows to 0).
    isZero: (value) => Object.is(single ? toFloat32(value) : value, 0),
    write: single ? (w, value) => w.float(value) : (w, value) => w.double(value),
    check(value, path, field, out) {
      if (typeof value !== "number") out.push(issue(path, "type", `must be a number (${kind})`));
      else checkBounds(value, path, field, out, single ? toFloat32 : undefined);
    },
  };
}

export const floatCodec = /* @__PURE__ */ floatingCodec("float", true);
export const doubleCodec = /* @__PURE__ */ floatingCodec("double", false);

export const boolCodec: Codec<boolean> = {
  kind: "bool",
  wireType: WIRE_VARINT,
  packable: true,
  isZero: (value) => !value,
  write: (w, value) => w.bool(value),
  check(value, path, _field, out) {
    if (typeof value !== "boolean") out.push(issue(path, "type", "must be a bool"));
  },
};

export const stringCodec: Codec<string> = {
  kind: "string",
  wireType: WIRE_LEN,
  packable: false,
  isZero: (value) => value === "",
  write: (w, value) => w.string(value),
  check: checkString,
};

export const bytesCodec: Codec<Uint8Array> = {
  kind: "bytes",
  wireType: WIRE_LEN,
  packable: false,
  isZero: (value) => value.length === 0,
  write: (w, value) => w.bytes(value),
  check(value, path, _field, out) {
    if (!(value instanceof Uint8Array)) out.push(issue(path, "type", "must be bytes"));
  },
};

export function validTimestamp(value: Timestamp): Timestamp {
  if (!(value instanceof Timestamp)) throw new EncodingError(`${String(value)} is not a Timestamp`);
  if (!value.isValid) throw new EncodingError(`${String(value)} is outside the Timestamp range`);
  return value;
}

export const timestampCodec: Codec<Timestamp> = {
  kind: "timestamp",
  wireType: WIRE_LEN,
  packable: false,
  isZero: () => false,
  write(w, value) {
    const t = validTimestamp(value);
    const start = w.begin();
    if (t.seconds !== 0n) {
      w.tag(1, WIRE_VARINT);
      w.int64(t.seconds);
    }
    if (t.nanos !== 0) {
      w.tag(2, WIRE_VARINT);
      w.int32(t.nanos);
    }
    w.end(start);
  },
  check(value, path, _field, out) {
    if (!(value instanceof Timestamp)) out.push(issue(path, "type", "must be a Timestamp"));
    else if (!value.isValid) {
      out.push(issue(path, "range", `seconds ${value.seconds}, nanos ${value.nanos} is outside the timestamp range`));
    }
  },
};

// --- enums -------------------------------------------------------------------

/** An enum of the model: its values (model names), numbers and JSON names. */
export interface EnumInfo<T extends string> {
  /** The enum's name in the model. */
  readonly name: string;
  /** Every value, in the model's order. */
  readonly values: readonly T[];
  /** JSON name of number 0, which the SDK never produces. */
  readonly unspecified: string;
  /** Whether `value` is one of the values. */
  has(value: unknown): value is T;
  /** The Protobuf number of a value. */
  number(value: T): number;
  /** The ProtoJSON name of a value, e.g. `CONTENT_KIND_ARTICLE`. */
  jsonName(value: T): string;
  /** The predicate of a value's deprecation warning, or undefined. */
  deprecation(value: T): string | undefined;
}

type EnumEntry = readonly [name: string, number: number, jsonName: string, deprecated?: string];

export function enumInfo<T extends string>(name: string, unspecified: string, entries: readonly EnumEntry[]): EnumInfo<T> {
  // A Map, not an object: model value names are any text ("constructor", "__proto__").
  const byName = new Map<unknown, EnumEntry>(entries.map((entry) => [entry[0], entry]));
  const get = (value: T): EnumEntry => {
    const entry = byName.get(value);
    if (entry === undefined) throw new EncodingError(`${JSON.stringify(value)} is not a value of the enum ${name}`);
    return entry;
  };
  return {
    name,
    values: entries.map((entry) => entry[0] as T),
    unspecified,
    has: (value: unknown): value is T => byName.has(value),
    number: (value) => get(value)[1],
    jsonName: (value) => get(value)[2],
    deprecation: (value) => byName.get(value)?.[3],
  };
}

export function enumCodec<T extends string>(info: EnumInfo<T>): Codec<T> {
  return {
    kind: info.name,
    wireType: WIRE_VARINT,
    packable: true,
    enum: info as EnumInfo<string>,
    isZero: () => false, // model values are numbered from 1
    write: (w, value) => w.int32(info.number(value)),
    check(value, path, _field, out) {
      if (!info.has(value)) {
        out.push(issue(path, "type", "must be a value of the enum"));
      }
    },
    deprecation: (value) => info.deprecation(value),
  };
}

// --- messages ----------------------------------------------------------------

/** A nested message; `fields` is a thunk so that modules may refer to each other. */
export function messageCodec<T extends object>(kind: string, fields: () => readonly Field[]): Codec<T> {
  return {
    kind,
    wireType: WIRE_LEN,
    packable: false,
    fields,
    isZero: () => false, // messages have explicit presence
    write: (w, value) => {
      const start = w.begin();
      writeMessage(w, fields(), checkObject(value));
      w.end(start);
    },
    check(value, path, _field, out) {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        out.push(issue(path, "type", "must be an object of the model"));
      } else {
        const first = out.length;
        validateInto(fields(), value, undefined, out);
        if (out.length > first) placeIssues(out, first, "", `${path}.`);
      }
    },
  };
}

export function checkObject<T>(value: T): T {
  if (typeof value !== "object" || value === null) throw new EncodingError(`${String(value)} is not an object`);
  return value;
}

export function valueOf(message: object, field: Field, auto: AutoValues | undefined): unknown {
  if (field.constValue !== undefined) return field.constValue;
  if (field.auto !== undefined) return auto?.[field.auto];
  return (message as Readonly<Record<string, unknown>>)[field.key];
}

export function present(field: Field, value: unknown): unknown {
  if (value === undefined || value === null) throw new EncodingError(`${field.name} holds ${String(value)} as an element`);
  return value;
}

export function listOf(field: Field, value: unknown): readonly unknown[] {
  if (!Array.isArray(value)) throw new EncodingError(`${field.name} must be an array`);
  return value;
}

/** Entries of a plain object or a Map, keys in code point order. */
export function entriesOf(value: unknown): [unknown, unknown][] {
  let entries: [unknown, unknown][];
  if (value instanceof Map) entries = [...(value as Map<unknown, unknown>).entries()];
  else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    entries = Object.keys(value).map((key) => [key, (value as Record<string, unknown>)[key]]);
  } else throw new EncodingError("a map must be an object or a Map");
  return entries.sort((a, b) => compareCodePoints(String(a[0]), String(b[0])));
}

export function mapKey(key: unknown): string {
  if (typeof key !== "string") throw new EncodingError(`map key ${String(key)} is not a string`);
  return key;
}

/** A field as the loops below read it: every property present, in one order, and its tag. */
export interface Slot extends Field {
  /** The record's tag (field number and wire type), packed lists and maps length-delimited. */
  readonly tag: number;
}

const SLOTS = /* @__PURE__ */ new WeakMap<readonly Field[], readonly Slot[]>();

/** The slots of a field table, made once per table. */
export function slotsOf(fields: readonly Field[]): readonly Slot[] {
  let slots = SLOTS.get(fields);
  if (slots === undefined) {
    slots = fields.map(toSlot);
    SLOTS.set(fields, slots);
  }
  return slots;
}

function toSlot(f: Field): Slot {
  const delimited = f.label === MAP || (f.label === LIST && f.codec.packable);
  return {
    name: f.name,
    number: f.number,
    key: f.key,
    codec: f.codec,
    label: f.label,
    presence: f.presence,
    required: f.required,
    constValue: f.constValue,
    auto: f.auto,
    deprecated: f.deprecated,
    minimum: f.minimum,
    maximum: f.maximum,
    minLength: f.minLength,
    maxLength: f.maxLength,
    pattern: f.pattern,
    patternText: f.patternText,
    minItems: f.minItems,
    maxItems: f.maxItems,
    purposes: f.purposes,
    redacts: f.redacts,
    // field * 8 rather than << 3: field numbers reach 2^29 - 1.
    tag: f.number * 8 + (delimited ? WIRE_LEN : f.codec.wireType),
  };
}

// One writer for every top-level encoding (its buffer is kept); a nested
// call, which a getter of a message could make, gets its own.
const SHARED = /* @__PURE__ */ new ProtoWriter(16384);
let sharedInUse = false;

/**
 * Runs `write(w, a, b, c)` on the shared writer (a fresh one when it is
 * busy) and returns the bytes; the arguments go through so that no closure
 * is made per call.
 */
export function withWriter<A, B, C>(write: (w: ProtoWriter, a: A, b: B, c: C) => void, a: A, b: B, c: C): Uint8Array {
  if (sharedInUse) {
    const own = new ProtoWriter();
    write(own, a, b, c);
    return own.finish();
  }
  sharedInUse = true;
  try {
    SHARED.reset();
    write(SHARED, a, b, c);
    return SHARED.finish();
  } finally {
    sharedInUse = false;
  }
}

/** The Protobuf bytes of a message, fields in number order. */
export function encodeMessage(fields: readonly Field[], message: object, auto?: AutoValues): Uint8Array {
  return withWriter(writeMessage, fields, message, auto);
}

/** Appends a message's fields to `w` (nested messages in place, see ProtoWriter.begin). */
export function writeMessage(w: ProtoWriter, fields: readonly Field[], message: object, auto?: AutoValues): void {
  const slots = slotsOf(fields);
  for (let i = 0; i < slots.length; i++) {
    const field = slots[i] as Slot;
    const value = valueOf(message, field, auto);
    if (value === undefined || value === null) continue;
    const codec = field.codec;
    if (field.label === LIST) {
      const items = listOf(field, value);
      if (items.length === 0) continue;
      if (codec.packable) {
        w.varint32(field.tag);
        const start = w.begin();
        for (let k = 0; k < items.length; k++) codec.write(w, present(field, items[k]));
        w.end(start);
      } else {
        for (let k = 0; k < items.length; k++) {
          w.varint32(field.tag);
          codec.write(w, present(field, items[k]));
        }
      }
    } else if (field.label === MAP) {
      for (const [key, item] of entriesOf(value)) {
        // Key and value are always written, even when empty or zero.
        w.varint32(field.tag);
        const start = w.begin();
        w.tag(1, WIRE_LEN);
        w.string(mapKey(key));
        w.tag(2, codec.wireType);
        codec.write(w, present(field, item));
        w.end(start);
      }
    } else if (field.presence || !codec.isZero(value)) {
      w.varint32(field.tag);
      codec.write(w, value);
    }
  }
}

/** Every broken rule of a message and the messages inside it, in field order. */
export function validateMessage(
  fields: readonly Field[],
  message: object,
  prefix = "",
  auto?: AutoValues,
): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  validateInto(fields, message, auto, out);
  if (prefix !== "") placeIssues(out, 0, "", prefix);
  return out;
}

/**
 * Appends the broken rules of a message to `out`, paths from its own fields.
 * Paths of elements and nested messages are made only for a broken rule
 * (placeIssues), so a valid message builds no text.
 */
function validateInto(fields: readonly Field[], message: object, auto: AutoValues | undefined, out: ValidationIssue[]): void {
  const slots = slotsOf(fields);
  for (let i = 0; i < slots.length; i++) {
    const field = slots[i] as Slot;
    if (field.constValue !== undefined || (field.auto !== undefined && auto === undefined)) continue;
    const path = field.name;
    const value = valueOf(message, field, auto);
    if (value === undefined || value === null) {
      if (field.required) out.push(issue(path, "required", "is required"));
    } else if (field.label === LIST) {
      if (!Array.isArray(value)) {
        out.push(issue(path, "type", "must be a list"));
        continue;
      }
      checkItems(field, value.length, path, out);
      for (let k = 0; k < value.length; k++) {
        const first = out.length;
        checkElement(field, value[k], path, out);
        if (out.length > first) placeIssues(out, first, path, `${path}[${k}]`);
      }
    } else if (field.label === MAP) {
      let entries: [unknown, unknown][];
      try {
        entries = entriesOf(value);
      } catch {
        out.push(issue(path, "type", "must be a map"));
        continue;
      }
      checkItems(field, entries.length, path, out);
      for (const [key, item] of entries) {
        if (typeof key !== "string") out.push(issue(path, "type", "has a key that is not a string"));
        else if (unpairedSurrogate(key) >= 0) out.push(issue(path, "surrogate", "has a key with an unpaired UTF-16 surrogate"));
        else {
          const first = out.length;
          checkElement(field, item, path, out);
          if (out.length > first) placeIssues(out, first, path, `${path}[${JSON.stringify(key)}]`);
        }
      }
    } else {
      field.codec.check(value, path, field, out);
    }
  }
}

/** Issues from `first` on had paths starting with `from`: they start with `to` instead. */
function placeIssues(out: ValidationIssue[], first: number, from: string, to: string): void {
  for (let k = first; k < out.length; k++) {
    const found = out[k] as ValidationIssue;
    out[k] = issue(to + found.path.slice(from.length), found.constraint, found.message);
  }
}

function checkItems(field: Field, count: number, path: string, out: ValidationIssue[]): void {
  if (field.minItems !== undefined && count < field.minItems) {
    out.push(issue(path, "min_items", `has ${count} items, fewer than ${field.minItems}`));
  }
  if (field.maxItems !== undefined && count > field.maxItems) {
    out.push(issue(path, "max_items", `has ${count} items, more than ${field.maxItems}`));
  }
}

function checkElement(field: Field, item: unknown, path: string, out: ValidationIssue[]): void {
  if (item === undefined || item === null) out.push(issue(path, "required", "is required"));
  else field.codec.check(item, path, field, out);
}
