// Runtime file, copied verbatim: a minimal Protobuf wire-format writer.

import { EncodingError } from "./errors.js";
import { toFloat32 } from "./json.js";

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Appends Protobuf records to a growing buffer; `finish()` returns the bytes. */
export class ProtoWriter {
  private buf = new Uint8Array(64);
  private pos = 0;
  private readonly view = new DataView(new ArrayBuffer(8));

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** The bytes written so far (a copy). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  tag(field: number, wireType: number): void {
    // field * 8 rather than << 3: field numbers reach 2^29 - 1.
    this.varint32(field * 8 + wireType);
  }

  /** A varint of an integer in [0, 2^32). */
  varint32(value: number): void {
    this.reserve(5);
    let v = value >>> 0;
    while (v > 0x7f) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
  }

  /** A varint of an integer in [0, 2^64). */
  varint64(value: bigint): void {
    if (value <= 0xffffffffn) {
      this.varint32(Number(value));
      return;
    }
    this.reserve(10);
    let v = value;
    while (v > 0x7fn) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  /** int32 and enum numbers: negative values are sign-extended to 10 bytes. */
  int32(value: number): void {
    if (!Number.isInteger(value) || value < -2147483648 || value > 2147483647) {
      throw new EncodingError(`${value} is not an int32`);
    }
    if (value >= 0) this.varint32(value);
    else this.varint64(BigInt.asUintN(64, BigInt(value)));
  }

  uint32(value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > 4294967295) {
      throw new EncodingError(`${value} is not a uint32`);
    }
    this.varint32(value);
  }

  int64(value: bigint | number): void {
    const v = toBigInt(value);
    if (v < INT64_MIN || v > INT64_MAX) throw new EncodingError(`${value} is not an int64`);
    this.varint64(BigInt.asUintN(64, v));
  }

  uint64(value: bigint | number): void {
    const v = toBigInt(value);
    if (v < 0n || v > UINT64_MAX) throw new EncodingError(`${value} is not a uint64`);
    this.varint64(v);
  }

  bool(value: boolean): void {
    this.reserve(1);
    this.buf[this.pos++] = value ? 1 : 0;
  }

  /** 4 bytes little-endian; NaN is the canonical quiet NaN 0x7fc00000. */
  float(value: number): void {
    checkNumber(value);
    if (Number.isNaN(value)) this.view.setUint32(0, 0x7fc00000, true);
    else this.view.setFloat32(0, toFloat32(value), true);
    this.raw(new Uint8Array(this.view.buffer, 0, 4));
  }

  /** 8 bytes little-endian; NaN is the canonical quiet NaN 0x7ff8000000000000. */
  double(value: number): void {
    checkNumber(value);
    if (Number.isNaN(value)) {
      this.view.setUint32(0, 0, true);
      this.view.setUint32(4, 0x7ff80000, true);
    } else {
      this.view.setFloat64(0, value, true);
    }
    this.raw(new Uint8Array(this.view.buffer, 0, 8));
  }

  /** Length-prefixed bytes. */
  bytes(value: Uint8Array): void {
    if (!(value instanceof Uint8Array)) throw new EncodingError("bytes must be a Uint8Array");
    this.varint32(value.length);
    this.raw(value);
  }

  /** Length-prefixed UTF-8; a lone UTF-16 surrogate is refused. */
  string(value: string): void {
    this.bytes(utf8(value));
  }
}

function checkNumber(value: number): void {
  if (typeof value !== "number") throw new EncodingError(`${String(value)} is not a number`);
}

/** An integer given as bigint or as a safe-integer number, as a bigint. */
export function toBigInt(value: bigint | number): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  throw new EncodingError(`${String(value)} is not an integer (pass a bigint beyond 2^53)`);
}

/** UTF-8 bytes of a string; throws EncodingError on an unpaired surrogate. */
export function utf8(value: string): Uint8Array {
  if (typeof value !== "string") throw new EncodingError(`${String(value)} is not a string`);
  const out = new Uint8Array(value.length * 3);
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    let c = value.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
    } else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 63);
    } else if (c < 0xd800 || c > 0xdfff) {
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 63);
      out[n++] = 0x80 | (c & 63);
    } else {
      const next = i + 1 < value.length ? value.charCodeAt(i + 1) : 0;
      if (c > 0xdbff || next < 0xdc00 || next > 0xdfff) {
        throw new EncodingError(`unpaired UTF-16 surrogate at index ${i}`);
      }
      i++;
      c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
      out[n++] = 0xf0 | (c >> 18);
      out[n++] = 0x80 | ((c >> 12) & 63);
      out[n++] = 0x80 | ((c >> 6) & 63);
      out[n++] = 0x80 | (c & 63);
    }
  }
  return out.slice(0, n);
}

/** Compares strings by Unicode code points (Protobuf map order), not UTF-16 units. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (D800-DFFF) encode code points above FFFF: they sort after E000-FFFF.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
