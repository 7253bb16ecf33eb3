// The test plan (test/plan.json): every sample, built through the typed API,
// validates and encodes to exactly the reference's Protobuf bytes and
// canonical JSON, with its deprecation warnings; every invalid case reports
// its constraint at its path, in the catalogue's words (docs/sdk-api.md).
// The tests run from the package folder (npm test).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { ValidationError, toJson } from "../src/index.js";
import { hex } from "./helpers.js";
import { BUILDERS } from "./plan-builders.js";
import { PlanNode } from "./plan-support.js";

type Sample = [variant: string, values: Record<string, unknown>, protobuf: string, json: string, warnings?: string[]];
type Invalid = [path: string, constraint: string, values: Record<string, unknown>, text: string];
interface PlanEvent {
  readonly event: string;
  readonly samples: Sample[];
  readonly invalid: Invalid[];
}

const EVENTS = (JSON.parse(readFileSync("test/plan.json", "utf8")) as { events: PlanEvent[] }).events;

test("every event has a builder and cases", () => {
  assert.deepEqual([...BUILDERS.keys()].sort(), EVENTS.map((e) => e.event).sort());
  for (const entry of EVENTS) assert.ok(entry.samples.length > 0, entry.event);
});

for (const entry of EVENTS) {
  const build = BUILDERS.get(entry.event);
  const minimal = entry.samples.find((s) => s[0] === "minimal")?.[1] ?? {};
  for (const [variant, values, protobuf, json, warnings] of entry.samples) {
    test(`${entry.event} ${variant}`, () => {
      assert.ok(build, `no builder for ${entry.event}`);
      const event = build(new PlanNode(values, `${entry.event} ${variant}`));
      assert.deepEqual(event.validate(), []);
      assert.equal(hex(event.toProtobuf()), protobuf);
      assert.equal(toJson(event), json);
      assert.deepEqual(event.deprecationWarnings(), warnings ?? []);
    });
  }
  for (const [path, constraint, values, text] of entry.invalid) {
    const where = `${entry.event} ${path} ${constraint}`;
    test(where, () => {
      assert.ok(build, `no builder for ${entry.event}`);
      const event = build(new PlanNode({ ...minimal, ...values }, where));
      const issues = event.validate();
      assert.ok(issues.some((i) => i.path === path && i.constraint === constraint), `expected ${constraint} at ${path}, got ${JSON.stringify(issues)}`);
      assert.equal(new ValidationError(entry.event, issues).message, `invalid event ${entry.event}: ${text}`);
    });
  }
}
