// Runtime file, copied verbatim: checks of the model's constraints.
//
// Constraint kinds: the model's (minimum, maximum, min_length, max_length,
// pattern, min_items, max_items) and the SDK's own: required (a required value
// is missing), type (a value of the wrong type), range (outside the type's
// range, e.g. int32 or Timestamp) and surrogate (a string holding an unpaired
// UTF-16 surrogate, which has no UTF-8 form).

import type { Field } from "./codec.js";
import { float32Json } from "./json.js";

/** One broken rule: where (`path`, e.g. `tags[2]`), which rule (`constraint`, e.g. `max_length`) and why. */
export interface ValidationIssue {
  readonly path: string;
  readonly constraint: string;
  readonly message: string;
}

export function issue(path: string, constraint: string, message: string): ValidationIssue {
  return { path, constraint, message };
}

/**
 * A number inside a message: integers in decimal, doubles in their ECMAScript
 * form (that of canonical JSON), floats narrowed to float32 and written as in
 * canonical JSON; NaN and the infinities as "NaN", "Infinity", "-Infinity".
 */
export function numberText(kind: string, value: number | bigint): string {
  if (kind === "float" && typeof value === "number") return String(float32Json(value));
  return String(value);
}

/**
 * Inclusive bounds. A bound admits finite numbers only: NaN and the
 * infinities fail every bound. `narrow` reads value and bounds as the
 * field's type (float: narrowed to float32, the value that goes on the wire).
 */
export function checkBounds(
  value: number | bigint,
  path: string,
  field: Field,
  out: ValidationIssue[],
  narrow?: (x: number) => number,
): void {
  // Comparisons between bigint and number are exact in JavaScript; a bound
  // is a bigint for 64-bit integers and a number otherwise.
  // The texts are made only for a broken bound (a float's takes exact arithmetic).
  if (field.minimum === undefined && field.maximum === undefined) return;
  const kind = field.codec.kind;
  const v = narrow !== undefined && typeof value === "number" ? narrow(value) : value;
  const finite = typeof v === "bigint" || Number.isFinite(v);
  if (field.minimum !== undefined) {
    const min = bound(field.minimum, narrow);
    if (!finite) out.push(issue(path, "minimum", `${numberText(kind, v)} is not a finite number (the minimum is ${boundText(kind, min)})`));
    else if (!(v >= min)) out.push(issue(path, "minimum", `${numberText(kind, v)} is below the minimum ${boundText(kind, min)}`));
  }
  if (field.maximum !== undefined) {
    const max = bound(field.maximum, narrow);
    if (!finite) out.push(issue(path, "maximum", `${numberText(kind, v)} is not a finite number (the maximum is ${boundText(kind, max)})`));
    else if (!(v <= max)) out.push(issue(path, "maximum", `${numberText(kind, v)} is above the maximum ${boundText(kind, max)}`));
  }
}

function bound(value: number | bigint, narrow: ((x: number) => number) | undefined): number | bigint {
  return narrow !== undefined && typeof value === "number" ? narrow(value) : value;
}

function boundText(kind: string, value: number | bigint): string {
  return kind === "float" ? numberText(kind, value) : String(value);
}

/** Length in Unicode code points, the unit of min_length / max_length. */
export function codePoints(value: string): number {
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** Length in code points, or -1 when the string holds an unpaired surrogate (one pass for both). */
function wellFormedLength(value: string): number {
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < value.length ? value.charCodeAt(i + 1) : 0;
      if (c > 0xdbff || next < 0xdc00 || next > 0xdfff) return -1;
      i++;
    }
    count++;
  }
  return count;
}

const compiled = new Map<string, RegExp>();

/** Whether `pattern` (the model's portable subset) matches all of `value`. */
export function fullMatch(pattern: string, value: string): boolean {
  let rx = compiled.get(pattern);
  if (rx === undefined) {
    // The "u" flag: code points, and the strict syntax the portable subset keeps to.
    rx = new RegExp(`^(?:${pattern})$`, "u");
    compiled.set(pattern, rx);
  }
  return rx.test(value);
}

export function checkString(value: unknown, path: string, field: Field, out: ValidationIssue[]): void {
  if (typeof value !== "string") {
    out.push(issue(path, "type", "must be a string"));
    return;
  }
  const length = wellFormedLength(value);
  if (length < 0) {
    out.push(issue(path, "surrogate", "holds an unpaired UTF-16 surrogate"));
    return;
  }
  if (field.minLength !== undefined && length < field.minLength) {
    out.push(issue(path, "min_length", `has ${length} characters, fewer than ${field.minLength}`));
  }
  if (field.maxLength !== undefined && length > field.maxLength) {
    out.push(issue(path, "max_length", `has ${length} characters, more than ${field.maxLength}`));
  }
  if (field.pattern !== undefined && !fullMatch(field.pattern, value)) {
    out.push(issue(path, "pattern", `does not match ${JSON.stringify(field.patternText ?? field.pattern)}`));
  }
}
