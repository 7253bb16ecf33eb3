// The canonical JSON writer against the shared wire vectors: RFC 8785 cases
// (jcs/) and 20,000 doubles in ECMAScript form (es-numbers/numbers.csv).
// Point CODEGEN_VECTORS at the vectors' folder; without it these tests are
// reported as skipped (never silently passed).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";

import { canonicalJson, type JsonValue } from "../src/index.js";

const DIR = process.env["CODEGEN_VECTORS"];
const SKIP = DIR === undefined ? "set CODEGEN_VECTORS to the shared vectors folder" : false;

test("RFC 8785 vectors (jcs/input -> jcs/output)", { skip: SKIP }, () => {
  const names = readdirSync(`${DIR}/jcs/input`).filter((n) => n.endsWith(".json")).sort();
  assert.ok(names.length > 0, "no jcs vectors");
  for (const name of names) {
    const input = JSON.parse(readFileSync(`${DIR}/jcs/input/${name}`, "utf8")) as JsonValue;
    const expected = readFileSync(`${DIR}/jcs/output/${name}`, "utf8").replace(/\n$/, "");
    assert.equal(canonicalJson(input), expected, name);
  }
});

test("ECMAScript number form (es-numbers/numbers.csv)", { skip: SKIP }, () => {
  const lines = readFileSync(`${DIR}/es-numbers/numbers.csv`, "utf8").split("\n").filter((l) => l !== "");
  assert.ok(lines.length >= 20000, `only ${lines.length} numbers`);
  const view = new DataView(new ArrayBuffer(8));
  let failures = 0;
  for (const line of lines) {
    const [bits, expected] = line.split(",") as [string, string];
    view.setBigUint64(0, BigInt(`0x${bits}`));
    const actual = canonicalJson(view.getFloat64(0));
    if (actual !== expected && failures++ < 10) assert.fail(`${bits}: ${actual} != ${expected}`);
  }
  assert.equal(failures, 0);
});
