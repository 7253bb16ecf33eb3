// Runtime file, copied verbatim: what the tracker does to a message before
// it is validated and encoded: consent redaction and deprecation warnings,
// both walks over a message's field table.

import { type Field, LIST, MAP, entriesOf, slotsOf, valueOf } from "./codec.js";

/**
 * `message` without the optional values whose purposes are not all granted
 * (a copy, of the same class; the message itself when nothing goes), also
 * inside the objects it holds; the purposes of the values kept are added to
 * `used` (docs/event-model.md, "Purposes").
 */
export function redactMessage<T extends object>(fields: readonly Field[], message: T, granted: ReadonlySet<string>, used: Set<string>): T {
  let copy: Record<string, unknown> | undefined;
  for (const field of slotsOf(fields)) {
    if (field.purposes === undefined && field.redacts !== true) continue; // kept as it is
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
  for (const field of slotsOf(fields)) {
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
