// The hand-written runtime on its own: wire primitives, the float32 JSON
// rule, code point order, Timestamp, and the field codec's presence rules.
import assert from "node:assert/strict";
import { test } from "node:test";

import { float32Json, float32JsonExact, doubleJson, canonicalJson, base64 } from "../src/runtime/json.js";
import { ProtoWriter, compareCodePoints, utf8 } from "../src/runtime/protobuf.js";
import {
  type Field,
  LIST,
  MAP,
  SINGLE,
  doubleCodec,
  encodeMessage,
  floatCodec,
  int32Codec,
  int64Codec,
  stringCodec,
  validateMessage,
} from "../src/runtime/codec.js";
import { EncodingError } from "../src/runtime/errors.js";
import { jsonMessage } from "../src/runtime/jsonvalue.js";
import { Timestamp } from "../src/runtime/timestamp.js";
import { randomUuid } from "../src/runtime/tracker.js";
import { codePoints, fullMatch } from "../src/runtime/validation.js";
import { hex } from "./helpers.js";

function written(write: (w: ProtoWriter) => void): string {
  const w = new ProtoWriter();
  write(w);
  return hex(w.finish());
}

test("varints: negative int32 takes 10 bytes, uint64 max, large field numbers", () => {
  assert.equal(written((w) => w.int32(-1)), "ffffffffffffffffff01");
  assert.equal(written((w) => w.int32(-2147483648)), "80808080f8ffffffff01");
  assert.equal(written((w) => w.uint32(4294967295)), "ffffffff0f");
  assert.equal(written((w) => w.int64(-1n)), "ffffffffffffffffff01");
  assert.equal(written((w) => w.uint64(18446744073709551615n)), "ffffffffffffffffff01");
  assert.equal(written((w) => w.int64(9007199254740993n)), "8180808080808010"); // 2^53 + 1
  assert.equal(written((w) => w.tag(536870911, 2)), "faffffff0f");
  assert.throws(() => written((w) => w.int32(2147483648)), EncodingError);
  assert.throws(() => written((w) => w.int64(2 ** 60)), EncodingError); // not a safe integer
});

test("floats: NaN is canonical, -0 is kept, float narrows to nearest even", () => {
  assert.equal(written((w) => w.double(NaN)), "000000000000f87f");
  assert.equal(written((w) => w.float(NaN)), "0000c07f");
  assert.equal(written((w) => w.double(-0)), "0000000000000080");
  assert.equal(written((w) => w.float(3.4028235e38)), "ffff7f7f"); // just above FLT_MAX rounds down
  // The exact midpoint above FLT_MAX: IEEE (and upb) say infinity, the pure-Python reference FLT_MAX.
  assert.equal(written((w) => w.float(3.4028235677973366e38)), "ffff7f7f");
  assert.equal(written((w) => w.float(-3.4028235677973366e38)), "ffff7fff");
  assert.equal(written((w) => w.float(3.402823567797337e38)), "0000807f");
  assert.equal(written((w) => w.float(1e39)), "0000807f");
});

test("strings: UTF-8, and an unpaired surrogate is refused", () => {
  assert.equal(hex(utf8("aé€😀")), "61c3a9e282acf09f9880");
  assert.throws(() => utf8("a\ud800b"), EncodingError);
  assert.throws(() => utf8("\udc00"), EncodingError);
});

test("float32 JSON: shortest of at least 6 digits, ties rounded half-even", () => {
  assert.equal(float32Json(0.1), 0.1);
  assert.equal(float32Json(1 / 3), 0.33333334);
  assert.equal(float32Json(16777217), 16777216);
  assert.equal(float32Json(1e-45), 1.4013e-45); // subnormal: 6 digits, as the official library
  // The exact value 2097152.25 ties at 8 digits: toPrecision says ...2.3, half-even ...2.2.
  assert.equal((2097152.25).toPrecision(8), "2097152.3");
  assert.equal(float32Json(2097152.25), 2097152.2);
  assert.equal(float32Json(1048576.125), 1048576.1);
  assert.equal(float32Json(-2097152.75), -2097152.8);
  assert.equal(float32Json(NaN), "NaN");
  assert.equal(float32Json(-Infinity), "-Infinity");
  assert.equal(doubleJson(Infinity), "Infinity");
  assert.equal(canonicalJson([float32Json(-0), 1e21, 1e-7, -0]), "[0,1e+21,1e-7,0]");
});

test("float32 JSON: the toPrecision fast paths give the exact rounding's numbers", () => {
  const bits = new Uint32Array(1);
  const float = new Float32Array(bits.buffer);
  const values: number[] = [];
  let seed = 12345;
  for (let i = 0; i < 20_000; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    bits[0] = seed;
    values.push(float[0] as number);
  }
  for (let m = 0; m < 4096; m++) values.push(m / 2 ** (m % 24) + 2 ** 20, m * 1e-3, m / 8 + 1e6); // ties, short decimals
  for (const value of values) {
    const f = Math.fround(value);
    if (!Number.isFinite(f) || f === 0) continue;
    assert.equal(float32Json(f), float32JsonExact(Math.abs(f), f < 0), `float32 ${f}`);
  }
});

test("canonical JSON: UTF-16 key order, minimal escapes, no prototype surprises", () => {
  const o = JSON.parse('{"\\u20ac":1,"\\ud83d\\ude00":2,"\\uff21":3,"__proto__":4,"b":"\\u0000\\u001f\\"\\\\\\u2028"}');
  assert.equal(canonicalJson(o), '{"__proto__":4,"b":"\\u0000\\u001f\\"\\\\\u2028","€":1,"😀":2,"Ａ":3}');
  assert.throws(() => canonicalJson(NaN), RangeError);
  assert.throws(() => canonicalJson(["a\ud800"]), EncodingError);
  assert.throws(() => canonicalJson({ "\udc00": 1 }), EncodingError);
  assert.equal(canonicalJson(["\ud83d\ude00"]), '["😀"]');
  assert.equal(base64(new Uint8Array([])), "");
  assert.equal(base64(new Uint8Array([0xfb, 0xff])), "+/8=");
  assert.equal(base64(new Uint8Array([1, 2, 3, 4])), "AQIDBA==");
});

test("code point order differs from UTF-16 order above U+FFFF", () => {
  const keys = ["\uff21", "\ud83d\ude00", "a", "", "é"];
  assert.deepEqual([...keys].sort(compareCodePoints), ["", "a", "é", "\uff21", "\ud83d\ude00"]);
  assert.deepEqual([...keys].sort(), ["", "a", "é", "\ud83d\ude00", "\uff21"]);
});

test("lengths count code points; patterns match the whole value", () => {
  assert.equal(codePoints("a😀é"), 3);
  assert.equal(codePoints("\ud800"), 1);
  assert.equal(fullMatch("[a-z]+", "abc"), true);
  assert.equal(fullMatch("[a-z]+", "abc1"), false);
  assert.equal(fullMatch("a|b", "ab"), false);
  assert.equal(fullMatch("[^a]", "😀"), true);
});

test("Timestamp: conversions and RFC 3339 with 0, 3, 6 or 9 digits", () => {
  assert.equal(new Timestamp(0).toRfc3339(), "1970-01-01T00:00:00Z");
  assert.equal(new Timestamp(1700000000n, 123000000).toRfc3339(), "2023-11-14T22:13:20.123Z");
  assert.equal(new Timestamp(1700000000n, 123400000).toRfc3339(), "2023-11-14T22:13:20.123400Z");
  assert.equal(new Timestamp(-62135596800n).toRfc3339(), "0001-01-01T00:00:00Z");
  assert.equal(new Timestamp(253402300799n, 999999999).toRfc3339(), "9999-12-31T23:59:59.999999999Z");
  assert.equal(new Timestamp(253402300800n).isValid, false);
  assert.equal(new Timestamp(0, 1000000000).isValid, false);
  assert.throws(() => new Timestamp(253402300800n).toRfc3339(), RangeError);
  const t = Timestamp.fromEpochMillis(-1);
  assert.deepEqual([t.seconds, t.nanos], [-1n, 999000000]);
  assert.deepEqual(Timestamp.fromEpochNanos(-1n), new Timestamp(-1n, 999999999));
  const date = new Date(Date.UTC(2024, 1, 29, 12, 0, 0, 5));
  assert.equal(Timestamp.fromDate(date).toDate().getTime(), date.getTime());
  assert.equal(Timestamp.fromDate(date).toEpochMillis(), date.getTime());
  assert.throws(() => Timestamp.fromDate(new Date(NaN)), RangeError);
  const now = Timestamp.now().toEpochMillis();
  assert.ok(Math.abs(now - Date.now()) < 5000);
});

test("random UUID v4", () => {
  assert.match(randomUuid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

const FIELDS: readonly Field[] = [
  { name: "implicit", number: 1, key: "implicit", codec: doubleCodec, label: SINGLE, presence: false, required: true },
  { name: "explicit", number: 2, key: "explicit", codec: int32Codec, label: SINGLE, presence: true, required: false },
  { name: "packed", number: 3, key: "packed", codec: floatCodec, label: LIST, presence: false, required: false },
  { name: "strings", number: 4, key: "strings", codec: stringCodec, label: LIST, presence: false, required: false },
  { name: "counts", number: 5, key: "counts", codec: int64Codec, label: MAP, presence: false, required: false,
    minimum: 0n, maxItems: 2 },
];

// Expected bytes from the official protobuf library (pure Python, deterministic).
test("presence: implicit zero (bitwise) skipped, explicit zero written, -0.0 written", () => {
  assert.equal(hex(encodeMessage(FIELDS, { implicit: 0 })), "");
  assert.equal(hex(encodeMessage(FIELDS, { implicit: -0 })), "090000000000000080");
  assert.equal(hex(encodeMessage(FIELDS, { implicit: 0, explicit: 0 })), "1000");
  assert.equal(canonicalJson(jsonMessage(FIELDS, { implicit: 0 })), '{"counts":{},"implicit":0,"packed":[],"strings":[]}');
});

test("repeated: packed numbers in one record, strings one record each, maps by code point", () => {
  assert.equal(hex(encodeMessage(FIELDS, { implicit: 1, packed: [1, -0], strings: ["", "a"] })),
    "09000000000000f03f1a080000803f000000802200220161");
  const map = { "\uff21": 1n, "\ud83d\ude00": 0n };
  assert.equal(hex(encodeMessage(FIELDS, { implicit: 0, counts: map })), "2a070a03efbca11001" + "2a080a04f09f98801000");
  assert.equal(canonicalJson(jsonMessage(FIELDS, { implicit: 0, counts: new Map(Object.entries(map)) })),
    '{"counts":{"😀":"0","Ａ":"1"},"implicit":0,"packed":[],"strings":[]}');
});

test("validation: paths of list and map elements, item counts, types", () => {
  const issues = validateMessage(FIELDS, { implicit: "x", strings: ["ok", "\ud800"], counts: { a: -1n, b: 1.5, c: 2n } });
  const found = issues.map((i) => `${i.path} ${i.constraint}`);
  assert.deepEqual(found, [
    "implicit type",
    "strings[1] surrogate",
    "counts max_items",
    'counts["a"] minimum',
    'counts["b"] type',
  ]);
  assert.deepEqual(validateMessage(FIELDS, {}).map((i) => `${i.path} ${i.constraint}`), ["implicit required"]);
});
