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

const TWO_32 = 4294967296;

/**
 * Appends Protobuf records to a buffer; `finish()` returns the bytes.
 * A nested message, packed list or timestamp is written in place: `begin()`
 * keeps one byte for its length and `end()` fills it in (moving the body
 * when the length needs more bytes), so no writer or copy is made per level.
 *
 * Messages are written one after the other into a slab and `finish()`
 * returns a view of each (later writes never touch it), as Node's Buffer
 * pool does: a fresh small typed array costs far more than the encoding.
 */
export class ProtoWriter {
  private buf: Uint8Array;
  // Floats and doubles are written through a view of the buffer (little-endian on every host).
  private view: DataView;
  /** Where the current message starts in `buf`; positions given out are relative to it. */
  private start = 0;
  private pos = 0;

  constructor(private readonly slab = 256) {
    this.buf = new Uint8Array(slab);
    this.view = new DataView(this.buf.buffer);
  }

  /** Starts a new message (the bytes of those finished stay as they are). */
  reset(): void {
    this.pos = this.start;
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    // A new slab; the current message moves to its start.
    const used = this.pos - this.start;
    const next = new Uint8Array(Math.max(this.slab, (used + n) * 2));
    next.set(this.buf.subarray(this.start, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
    this.start = 0;
    this.pos = used;
  }

  /** The bytes of the current message (a view no later write changes); the next message starts after them. */
  finish(): Uint8Array {
    const out = this.buf.subarray(this.start, this.pos);
    this.start = this.pos;
    return out;
  }

  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Starts a length-delimited value written in place; pass the result to `end`. */
  begin(): number {
    this.reserve(1);
    return this.pos++ - this.start;
  }

  /** Ends the value `begin` started: writes its length before it. */
  end(mark: number): void {
    const at = this.start + mark;
    const length = this.pos - at - 1;
    if (length < 0x80) {
      this.buf[at] = length;
      return;
    }
    // A length of two bytes or more: the body moves up within the buffer.
    let extra = 1;
    while (length >= 2 ** (7 * (extra + 1))) extra++;
    this.reserve(extra);
    const from = this.start + mark; // reserve may have moved the message
    this.buf.copyWithin(from + 1 + extra, from + 1, this.pos);
    const end = this.pos + extra;
    this.pos = from;
    this.varint32(length);
    this.pos = end;
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

  /** A varint of the 64 bits hi:lo (each an integer in [0, 2^32)). */
  private varintSplit(lo: number, hi: number): void {
    this.reserve(10);
    while (hi > 0 || lo > 0x7f) {
      this.buf[this.pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    this.buf[this.pos++] = lo;
  }

  /** A varint of an integer in [0, 2^64). */
  varint64(value: bigint): void {
    if (value <= 0xffffffffn) {
      this.varint32(Number(value));
      return;
    }
    this.varintSplit(Number(value & 0xffffffffn), Number(value >> 32n));
  }

  /** int32 and enum numbers: negative values are sign-extended to 10 bytes. */
  int32(value: number): void {
    if (!Number.isInteger(value) || value < -2147483648 || value > 2147483647) {
      throw new EncodingError(`${value} is not an int32`);
    }
    if (value >= 0) this.varint32(value);
    else this.varintSplit(value >>> 0, 0xffffffff);
  }

  uint32(value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > 4294967295) {
      throw new EncodingError(`${value} is not a uint32`);
    }
    this.varint32(value);
  }

  int64(value: bigint | number): void {
    // Most values are small and positive: number arithmetic is far cheaper than BigInt's.
    const n = typeof value === "bigint" ? Number(value) : value;
    if (Number.isSafeInteger(n) && n >= 0) {
      this.varintSplit(n % TWO_32, Math.floor(n / TWO_32));
      return;
    }
    const v = toBigInt(value);
    if (v < INT64_MIN || v > INT64_MAX) throw new EncodingError(`${value} is not an int64`);
    this.varint64(BigInt.asUintN(64, v));
  }

  uint64(value: bigint | number): void {
    const n = typeof value === "bigint" ? Number(value) : value;
    if (Number.isSafeInteger(n) && n >= 0) {
      this.varintSplit(n % TWO_32, Math.floor(n / TWO_32));
      return;
    }
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
    this.reserve(4);
    if (value !== value) this.view.setUint32(this.pos, 0x7fc00000, true);
    else this.view.setFloat32(this.pos, toFloat32(value), true);
    this.pos += 4;
  }

  /** 8 bytes little-endian; NaN is the canonical quiet NaN 0x7ff8000000000000. */
  double(value: number): void {
    checkNumber(value);
    this.reserve(8);
    if (value !== value) {
      this.view.setUint32(this.pos, 0, true);
      this.view.setUint32(this.pos + 4, 0x7ff80000, true);
    } else {
      this.view.setFloat64(this.pos, value, true);
    }
    this.pos += 8;
  }

  /** Length-prefixed bytes. */
  bytes(value: Uint8Array): void {
    if (!(value instanceof Uint8Array)) throw new EncodingError("bytes must be a Uint8Array");
    this.varint32(value.length);
    this.raw(value);
  }

  /** Length-prefixed UTF-8, encoded in place; a lone UTF-16 surrogate is refused. */
  string(value: string): void {
    if (typeof value !== "string") throw new EncodingError(`${String(value)} is not a string`);
    const start = this.begin();
    this.reserve(value.length * 3);
    this.pos = writeUtf8(value, this.buf, this.pos);
    this.end(start);
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
  return out.slice(0, writeUtf8(value, out, 0));
}

/** Writes the UTF-8 of `value` into `out` from `at` (room for 3 bytes a unit); the end. */
function writeUtf8(value: string, out: Uint8Array, at: number): number {
  let n = at;
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
  return n;
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
