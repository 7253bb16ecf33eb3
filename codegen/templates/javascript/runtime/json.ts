// Runtime file, copied verbatim: canonical JSON (RFC 8785) and the ProtoJSON
// value forms that need more than JSON.stringify.

import { EncodingError } from "./errors.js";

/** A JSON value as the canonical writer accepts it. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | JsonObject;

/** A JSON object; build it with {@link jsonObject} so that any key is safe. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** An empty object without a prototype: assigning "__proto__" makes a plain member. */
export function jsonObject(): JsonObject {
  return Object.create(null) as JsonObject;
}

/**
 * RFC 8785 canonical JSON: members sorted by UTF-16 code units, no
 * whitespace, ECMAScript number form, minimal string escapes, raw UTF-8.
 * Throws a RangeError for non-finite numbers (JSON has none) and an
 * EncodingError for a string with an unpaired surrogate (no UTF-8 form).
 */
export function canonicalJson(value: JsonValue): string {
  const out: string[] = [];
  write(value, out);
  return out.join("");
}

function write(value: JsonValue, out: string[]): void {
  if (value === null || typeof value === "boolean") {
    out.push(String(value));
  } else if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`JSON has no ${value}`);
    // ECMAScript Number::toString is exactly the RFC 8785 number form; -0 gives "0".
    out.push(String(value));
  } else if (typeof value === "string") {
    out.push(quote(value));
  } else if (isArray(value)) {
    out.push("[");
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(",");
      write(value[i] as JsonValue, out);
    }
    out.push("]");
  } else {
    // The default sort compares UTF-16 code units, as RFC 8785 §3.2.3 asks.
    const keys = Object.keys(value).sort();
    out.push("{");
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      if (i > 0) out.push(",");
      out.push(quote(key), ":");
      write(value[key] as JsonValue, out);
    }
    out.push("}");
  }
}

function quote(text: string): string {
  // RFC 8785 strings are valid Unicode: JSON.stringify would escape a lone
  // surrogate as \udxxx; it has no UTF-8 form, so it is refused.
  if (unpairedSurrogate(text) >= 0) throw new EncodingError("a string holds an unpaired UTF-16 surrogate");
  // JSON.stringify escapes exactly what RFC 8785 asks: '"', '\', control
  // characters (short forms or lower-case \u00xx), and nothing else.
  return JSON.stringify(text);
}

/** Index of the first unpaired UTF-16 surrogate, or -1. */
export function unpairedSurrogate(value: string): number {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    const next = i + 1 < value.length ? value.charCodeAt(i + 1) : 0;
    if (c > 0xdbff || next < 0xdc00 || next > 0xdfff) return i;
    i++;
  }
  return -1;
}

function isArray(value: JsonValue): value is readonly JsonValue[] {
  return Array.isArray(value);
}

/** A double as ProtoJSON writes it: a number, or "NaN" / "Infinity" / "-Infinity". */
export function doubleJson(value: number): number | string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "Infinity";
  if (value === -Infinity) return "-Infinity";
  return value;
}

const FLOAT32_MAX = 3.4028234663852886e38;
const FLOAT32_MAX_MIDPOINT = 3.4028235677973366e38; // FLT_MAX + half an ulp

/**
 * Narrow a double to float32 as the reference (the official protobuf
 * library's pure-Python backend) does: IEEE round-to-nearest-even, except
 * that the exact midpoint above the float32 maximum rounds down to it
 * (IEEE would round it to infinity, as the upb backend does).
 */
export function toFloat32(value: number): number {
  if (value === FLOAT32_MAX_MIDPOINT) return FLOAT32_MAX;
  if (value === -FLOAT32_MAX_MIDPOINT) return -FLOAT32_MAX;
  return Math.fround(value);
}

/**
 * A float field's JSON number: the value narrowed to float32, then the
 * shortest decimal of at least 6 significant digits (rounded half-even from
 * the exact binary value) that narrows back to the same float32, read as a
 * double. The official protobuf library starts at 6 digits; for normal
 * floats no shorter decimal differs, for subnormals it does (1.4013e-45).
 * `Number.prototype.toPrecision` rounds correctly but ties away from zero:
 * a tie at p digits shows as a 5 in the last of p + 1 digits (the exact
 * value ends there), and only then is the rounding done on exact BigInt
 * rationals.
 */
export function float32Json(value: number): number | string {
  const f = toFloat32(value);
  if (!Number.isFinite(f)) return doubleJson(f);
  if (f === 0) return 0;
  const negative = f < 0;
  const magnitude = negative ? -f : f;
  for (let p = 6; p <= 9; p++) {
    const candidate = Number(magnitude.toPrecision(p));
    // An exact candidate (12.5, 0.25) is no tie; else a tie would show in p + 1 digits.
    if (candidate !== magnitude && lastDigit(magnitude.toPrecision(p + 1)) === "5") return float32JsonExact(magnitude, negative);
    if (Math.fround(candidate) === magnitude) return negative ? -candidate : candidate;
  }
  return f; // unreachable: 9 digits always round-trip a float32
}

/** The last significant digit of a toPrecision text (before any exponent). */
function lastDigit(text: string): string {
  const exponent = text.indexOf("e");
  return text.charAt((exponent < 0 ? text.length : exponent) - 1);
}

/** float32Json of a positive finite float32 `magnitude` (with its sign), always by the exact rounding (tests compare). */
export function float32JsonExact(magnitude: number, negative: boolean): number {
  const [num, den] = exactRational(magnitude);
  const k = decimalExponent(num, den, magnitude);
  for (let p = 6; p <= 9; p++) {
    const candidate = Number(roundToDigits(num, den, k, p));
    if (Math.fround(candidate) === magnitude) return negative ? -candidate : candidate;
  }
  return negative ? -magnitude : magnitude; // unreachable: 9 digits always round-trip a float32
}

/** The exact value of a positive finite double as num / den (BigInt). */
function exactRational(value: number): [bigint, bigint] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent: number;
  if (biased === 0) {
    exponent = -1074; // subnormal
  } else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  return exponent >= 0 ? [mantissa << BigInt(exponent), 1n] : [mantissa, 1n << BigInt(-exponent)];
}

/** k with 10^k <= num/den < 10^(k+1), from a float estimate corrected exactly. */
function decimalExponent(num: bigint, den: bigint, approx: number): number {
  let k = Math.floor(Math.log10(approx));
  while (compareToPowerOfTen(num, den, k) < 0) k--;
  while (compareToPowerOfTen(num, den, k + 1) >= 0) k++;
  return k;
}

function compareToPowerOfTen(num: bigint, den: bigint, k: number): number {
  const left = k >= 0 ? num : num * 10n ** BigInt(-k);
  const right = k >= 0 ? den * 10n ** BigInt(k) : den;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** num/den (with decimal exponent k) rounded half-even to p digits, as "<digits>e<exp>". */
function roundToDigits(num: bigint, den: bigint, k: number, p: number): string {
  let scale = k - p + 1; // result = q * 10^scale
  const n = scale >= 0 ? num : num * 10n ** BigInt(-scale);
  const d = scale >= 0 ? den * 10n ** BigInt(scale) : den;
  let q = n / d;
  const twice = (n % d) * 2n;
  if (twice > d || (twice === d && q % 2n === 1n)) q += 1n;
  if (q === 10n ** BigInt(p)) {
    q = 10n ** BigInt(p - 1);
    scale += 1;
  }
  return `${q}e${scale}`;
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Standard base64 with padding (ProtoJSON bytes). */
export function base64(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += BASE64[n >>> 18]! + BASE64[(n >>> 12) & 63]! + BASE64[(n >>> 6) & 63]! + BASE64[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += BASE64[n >>> 18]! + BASE64[(n >>> 12) & 63]! + "==";
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += BASE64[n >>> 18]! + BASE64[(n >>> 12) & 63]! + BASE64[(n >>> 6) & 63]! + "=";
  }
  return out;
}
