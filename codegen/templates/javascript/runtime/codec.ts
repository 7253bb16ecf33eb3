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
  readonly constValue?: string | number | bigint | boolean;
  readonly auto?: keyof AutoValues;
  /** The predicate of its deprecation warning: "is deprecated since 1.0.0: reason". */
  readonly deprecated?: string;
  readonly minimum?: number | bigint;
  readonly maximum?: number | bigint;
  readonly minLength?: number;
  readonly maxLength?: number;
  /** The model's pattern in JavaScript "u"-mode syntax. */
  readonly pattern?: string;
  /** The model's pattern as written, when its JavaScript form differs (messages show this). */
  readonly patternText?: string;
  readonly minItems?: number;
  readonly maxItems?: number;
  /** Consent: an optional value is removed unless all of these purposes are granted. */
  readonly purposes?: readonly string[];
  /** A kept object (or its list or map elements) may lose values inside it. */
  readonly redacts?: boolean;
}

/** How one value of a type is written, shown as JSON and checked. */
export interface Codec<T = unknown> {
  readonly kind: string;
  readonly wireType: number;
  /** Whether lists of it are packed. */
  readonly packable: boolean;
  /** The nested message's fields, for message codecs. */
  readonly fields?: () => readonly Field[];
  /** The enum, for enum codecs. */
  readonly enum?: EnumInfo<string>;
  /** Integers: the value checked against the type's range (EncodingError), and whether it is 64-bit. */
  readonly integer?: (value: number | bigint) => bigint;
  readonly wide?: boolean;
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
  const inRange = (value: number | bigint): boolean => value >= low && value <= high;
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
        out.push(...validateMessage(fields(), value, `${path}.`));
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

// One writer for every top-level encoding (its buffer is kept); a nested
// call, which a getter of a message could make, gets its own.
const SHARED = new ProtoWriter();
let sharedInUse = false;

/** The Protobuf bytes of a message, fields in number order. */
export function encodeMessage(fields: readonly Field[], message: object, auto?: AutoValues): Uint8Array {
  if (sharedInUse) {
    const own = new ProtoWriter();
    writeMessage(own, fields, message, auto);
    return own.finish();
  }
  sharedInUse = true;
  try {
    SHARED.reset();
    writeMessage(SHARED, fields, message, auto);
    return SHARED.finish();
  } finally {
    sharedInUse = false;
  }
}

/** Appends a message's fields to `w` (nested messages in place, see ProtoWriter.begin). */
export function writeMessage(w: ProtoWriter, fields: readonly Field[], message: object, auto?: AutoValues): void {
  for (const field of fields) {
    const value = valueOf(message, field, auto);
    if (value === undefined || value === null) continue;
    const codec = field.codec;
    if (field.label === LIST) {
      const items = listOf(field, value);
      if (items.length === 0) continue;
      if (codec.packable) {
        w.tag(field.number, WIRE_LEN);
        const start = w.begin();
        for (const item of items) codec.write(w, present(field, item));
        w.end(start);
      } else {
        for (const item of items) {
          w.tag(field.number, codec.wireType);
          codec.write(w, present(field, item));
        }
      }
    } else if (field.label === MAP) {
      for (const [key, item] of entriesOf(value)) {
        // Key and value are always written, even when empty or zero.
        w.tag(field.number, WIRE_LEN);
        const start = w.begin();
        w.tag(1, WIRE_LEN);
        w.string(mapKey(key));
        w.tag(2, codec.wireType);
        codec.write(w, present(field, item));
        w.end(start);
      }
    } else if (field.presence || !codec.isZero(value)) {
      w.tag(field.number, codec.wireType);
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
  for (const field of fields) {
    if (field.constValue !== undefined || (field.auto !== undefined && auto === undefined)) continue;
    const path = prefix + field.name;
    const value = valueOf(message, field, auto);
    if (value === undefined || value === null) {
      if (field.required) out.push(issue(path, "required", "is required"));
    } else if (field.label === LIST) {
      if (!Array.isArray(value)) {
        out.push(issue(path, "type", "must be a list"));
        continue;
      }
      checkItems(field, value.length, path, out);
      value.forEach((item, index) => checkElement(field, item, `${path}[${index}]`, out));
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
        else checkElement(field, item, `${path}[${JSON.stringify(key)}]`, out);
      }
    } else {
      field.codec.check(value, path, field, out);
    }
  }
  return out;
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

/**
 * `message` without the optional values whose purposes are not all granted
 * (a copy, of the same class; the message itself when nothing goes), also
 * inside the objects it holds; the purposes of the values kept are added to
 * `used` (docs/event-model.md, "Purposes").
 */
export function redactMessage<T extends object>(fields: readonly Field[], message: T, granted: ReadonlySet<string>, used: Set<string>): T {
  let copy: Record<string, unknown> | undefined;
  for (const field of fields) {
    const value = (message as Readonly<Record<string, unknown>>)[field.key];
    if (value === undefined || value === null) continue;
    let kept: unknown = value;
    if (field.purposes !== undefined) {
      if (!field.purposes.every((p) => granted.has(p))) {
        kept = undefined;
      } else {
        for (const p of field.purposes) used.add(p);
      }
    }
    const inner = field.codec.fields;
    if (kept !== undefined && field.redacts === true && inner !== undefined) {
      kept = redactValue(field, inner(), value, granted, used);
    }
    if (kept !== value) {
      copy ??= Object.assign(Object.create(Object.getPrototypeOf(message) as object | null) as object, message) as Record<string, unknown>;
      copy[field.key] = kept;
    }
  }
  return (copy ?? message) as T;
}

function redactValue(field: Field, inner: readonly Field[], value: unknown, granted: ReadonlySet<string>, used: Set<string>): unknown {
  if (field.label === LIST && Array.isArray(value)) {
    const items = value.map((item: unknown) => (typeof item === "object" && item !== null ? redactMessage(inner, item, granted, used) : item));
    return items.every((item, i) => item === value[i]) ? value : items;
  }
  if (field.label === MAP) {
    const source = safeEntries(value);
    const entries = source.map(([k, item]): [unknown, unknown] => [k, typeof item === "object" && item !== null ? redactMessage(inner, item, granted, used) : item]);
    if (entries.every((entry, i) => entry[1] === source[i]?.[1])) return value;
    return value instanceof Map ? new Map(entries) : Object.fromEntries(entries);
  }
  return typeof value === "object" && value !== null ? redactMessage(inner, value, granted, used) : value;
}

/**
 * Deprecation warnings for what a message uses: `own` (the event's), every
 * deprecated field holding a value and every deprecated enum value held,
 * inside objects too; each distinct warning once, in field order.
 */
export function deprecations(fields: readonly Field[], message: object, prefix: string, own: readonly string[] = []): string[] {
  const found = new Set<string>(own);
  collectDeprecations(fields, message, prefix, found);
  return [...found];
}

function collectDeprecations(fields: readonly Field[], message: object, prefix: string, found: Set<string>): void {
  for (const field of fields) {
    const value = valueOf(message, field, undefined);
    if (value === undefined || value === null) continue;
    const path = prefix + field.name;
    if (field.deprecated !== undefined) found.add(`${path} ${field.deprecated}`);
    const codec = field.codec;
    if (codec.deprecation === undefined && codec.fields === undefined) continue;
    const items =
      field.label === LIST ? (Array.isArray(value) ? value : []) : field.label === MAP ? safeEntries(value).map((e) => e[1]) : [value];
    for (const item of items) {
      if (item === undefined || item === null) continue;
      const predicate = codec.deprecation?.(item);
      if (predicate !== undefined) found.add(`${path} value ${JSON.stringify(item)} ${predicate}`);
      if (codec.fields !== undefined && typeof item === "object") collectDeprecations(codec.fields(), item, `${path}.`, found);
    }
  }
}

function safeEntries(value: unknown): [unknown, unknown][] {
  try {
    return entriesOf(value);
  } catch {
    return [];
  }
}
