// Helpers of the generated tests.
import assert from "node:assert/strict";

import { type ValidationIssue, ValidationError } from "../src/index.js";

/** Lower-case hex of bytes. */
export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Bytes of lower-case hex. */
export function unhex(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Asserts that validation reported `constraint` at `path`. */
export function assertReports(issues: readonly ValidationIssue[], path: string, constraint: string): void {
  assert.ok(
    issues.some((i) => i.path === path && i.constraint === constraint),
    `expected ${constraint} at ${path}, got ${JSON.stringify(issues)}`,
  );
}

/** Asserts the text of the ValidationError that `event`'s issues make (docs/sdk-api.md). */
export function assertMessage(event: { readonly eventName: string; validate(): ValidationIssue[] }, message: string): void {
  assert.equal(new ValidationError(event.eventName, event.validate()).message, message);
}
