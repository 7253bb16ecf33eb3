// The few Node APIs the tests use, typed here so that the package needs no
// @types/node (and the SDK itself compiles with the ES library alone).

declare module "node:test" {
  export function test(name: string, fn: () => void | Promise<void>): Promise<void>;
  export function test(name: string, options: { skip?: boolean | string }, fn: () => void | Promise<void>): Promise<void>;
}

declare module "node:assert/strict" {
  interface Assert {
    equal(actual: unknown, expected: unknown, message?: string): void;
    notEqual(actual: unknown, expected: unknown, message?: string): void;
    deepEqual(actual: unknown, expected: unknown, message?: string): void;
    ok(value: unknown, message?: string): asserts value;
    match(value: string, pattern: RegExp, message?: string): void;
    throws(fn: () => unknown, expected?: unknown, message?: string): void;
    fail(message?: string): never;
  }
  const assert: Assert;
  export default assert;
}

declare module "node:fs" {
  export function readFileSync(path: string, encoding: "utf8"): string;
  export function readdirSync(path: string): string[];
}

declare const process: { readonly env: Readonly<Record<string, string | undefined>> };
declare function setTimeout(callback: (value?: unknown) => void, ms: number): unknown;
declare class TextEncoder {
  encode(text: string): Uint8Array;
}
