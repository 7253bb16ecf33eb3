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
  export function writeFileSync(path: string, data: string): void;
  export function mkdtempSync(prefix: string): string;
}

declare module "node:os" {
  export function tmpdir(): string;
}

declare module "node:zlib" {
  export function gunzipSync(data: Uint8Array): Uint8Array;
}

declare module "node:child_process" {
  export interface ChildProcess {
    readonly stderr: { on(event: "data", listener: (chunk: Uint8Array) => void): void };
    on(event: "close", listener: (code: number | null, signal: string | null) => void): void;
  }
  export function spawn(command: string, args: readonly string[], options: { timeout: number }): ChildProcess;
}

declare module "node:http" {
  export interface IncomingMessage {
    readonly headers: Readonly<Record<string, string | string[] | undefined>>;
    on(event: "data", listener: (chunk: Uint8Array) => void): void;
    on(event: "end", listener: () => void): void;
  }
  export interface ServerResponse {
    writeHead(status: number, headers: Record<string, string>): void;
    end(body: string): void;
  }
  export interface Server {
    listen(port: number, host: string, listening: () => void): void;
    address(): { port: number };
    close(): void;
    closeAllConnections(): void;
  }
  export function createServer(handler: (request: IncomingMessage, response: ServerResponse) => void): Server;
}

declare const process: {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly execPath: string;
};
declare function setTimeout(callback: (value?: unknown) => void, ms: number): unknown;
declare class TextEncoder {
  encode(text: string): Uint8Array;
}
declare class TextDecoder {
  decode(bytes: Uint8Array): string;
}
declare const Buffer: { from(text: string): { toString(encoding: string): string } };
declare class URL {
  constructor(url: string, base?: string);
  readonly href: string;
}
interface ImportMeta {
  readonly url: string;
}
