// Runtime file, copied verbatim: delivery on Node. The queue is a journal
// file (journal.ts) in `<user cache folder>/<sdk name>/delivery/<hash of
// the URL>/`, bodies are gzipped with zlib, and `beforeExit`, SIGTERM and
// SIGINT (re-raised after) flush every transport for at most its
// exitTimeoutMs. Node's modules are loaded at run time, so this file needs
// no Node type definitions and bundlers for the web replace it (noplatform.ts).

import { SdkError } from "./errors.js";
import { type NodeFiles, type NodeHost, openJournal } from "./journal.js";
import type { DeliveryPlatform, LifecycleHooks, StoreRequest } from "./platform.js";

interface NodeProcess {
  readonly versions?: { readonly node?: string };
  readonly pid: number;
  readonly platform: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  kill(pid: number, signal?: string | number): boolean;
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
  listenerCount(event: string): number;
  getBuiltinModule?(name: string): unknown;
}
interface NodeBytes extends Uint8Array {
  toString(encoding?: string): string;
}
interface NodeBufferClass {
  from(data: ArrayBufferLike, offset: number, length: number): NodeBytes;
  from(text: string, encoding: string): NodeBytes;
  byteLength(text: string): number;
}
interface NodeZlib {
  gzip(data: Uint8Array, options: { level: number }, done: (error: Error | null, out: Uint8Array) => void): void;
}

export function nodePlatform(): DeliveryPlatform | undefined {
  const proc = (globalThis as { process?: NodeProcess }).process;
  if (typeof proc?.versions?.node !== "string") return undefined;
  let zlib: Promise<NodeZlib> | undefined;
  return {
    userAgent: "node",
    openStore: (request) => openNodeStore(proc, request),
    gzip: async (body) => {
      const z = await (zlib ??= nodeModule<NodeZlib>(proc, "node:zlib"));
      return new Promise((resolve, reject) => z.gzip(body, { level: 6 }, (error, out) => (error ? reject(error) : resolve(out))));
    },
    watch: (hooks) => watchExit(proc, hooks),
  };
}

/** A module of Node's: process.getBuiltinModule where it exists (Node 20.16+), else a dynamic import. */
async function nodeModule<T>(proc: NodeProcess, name: string): Promise<T> {
  if (proc.getBuiltinModule !== undefined) return proc.getBuiltinModule(name) as T;
  return (await import(name)) as T;
}

async function openNodeStore(proc: NodeProcess, request: StoreRequest) {
  const files = (await nodeModule<{ promises: NodeFiles }>(proc, "node:fs")).promises;
  const dir = request.queueDir ?? (await defaultQueueDir(proc, request.sdkName, request.url));
  const buffer = (globalThis as unknown as { Buffer: NodeBufferClass }).Buffer;
  const view = (b: Uint8Array): NodeBytes => buffer.from(b.buffer, b.byteOffset, b.length);
  const host: NodeHost = {
    files,
    pid: proc.pid,
    running: (pid) => {
      try {
        proc.kill(pid, 0);
        return true;
      } catch (error) {
        return (error as { code?: string }).code === "EPERM"; // it runs, as another user
      }
    },
    base64: (bytes) => view(bytes).toString("base64"),
    unbase64: (text) => {
      const b = buffer.from(text, "base64");
      return new Uint8Array(b.buffer, b.byteOffset, b.length);
    },
    byteLength: (text) => buffer.byteLength(text),
    decode: (bytes) => view(bytes).toString("utf8"),
  };
  return openJournal(host, dir, request.hooks);
}

/** `<user cache folder>/<sdk name>/delivery/<first 16 hex digits of sha256(url)>`. */
async function defaultQueueDir(proc: NodeProcess, sdkName: string, url: string): Promise<string> {
  const os = await nodeModule<{ homedir(): string }>(proc, "node:os");
  const path = await nodeModule<{ join(...parts: string[]): string }>(proc, "node:path");
  const crypto = await nodeModule<{ createHash(name: string): { update(text: string): { digest(as: string): string } } }>(
    proc, "node:crypto");
  let base: string;
  if (proc.platform === "win32") base = proc.env["LOCALAPPDATA"] || path.join(os.homedir(), "AppData", "Local");
  else if (proc.platform === "darwin") base = path.join(os.homedir(), "Library", "Caches");
  else base = proc.env["XDG_CACHE_HOME"] || path.join(os.homedir(), ".cache");
  const digest = crypto.createHash("sha256").update(url).digest("hex").slice(0, 16);
  return path.join(base, sdkName, "delivery", digest);
}

// --- exit ----------------------------------------------------------------------------

/** The transports to flush at exit; the listeners are installed while there is one. */
const exitWatchers = new Set<LifecycleHooks>();
const SIGNALS = ["SIGTERM", "SIGINT"];
let exitListeners: { proc: NodeProcess; beforeExit: () => void; signal: (name: string) => void } | undefined;

function watchExit(proc: NodeProcess, hooks: LifecycleHooks): () => void {
  exitWatchers.add(hooks);
  if (exitListeners === undefined) {
    const beforeExit = (): void => void closeAll();
    const signal = (name: string): void => {
      void closeAll().finally(() => {
        stopListening();
        if (proc.listenerCount(name) === 0) proc.kill(proc.pid, name); // the default action, as if we had not listened
      });
    };
    exitListeners = { proc, beforeExit, signal };
    proc.on("beforeExit", beforeExit);
    for (const name of SIGNALS) proc.on(name, signal);
  }
  return () => {
    exitWatchers.delete(hooks);
    if (exitWatchers.size === 0 && closing === undefined) stopListening();
  };
}

function stopListening(): void {
  if (exitListeners === undefined) return;
  const { proc, beforeExit, signal } = exitListeners;
  proc.off("beforeExit", beforeExit);
  for (const name of SIGNALS) proc.off(name, signal);
  exitListeners = undefined;
}

let closing: Promise<void> | undefined;

/**
 * close(exitTimeoutMs) of every transport, together; what is left stays
 * queued for the next start. A signal during a beforeExit flush waits for it.
 */
function closeAll(): Promise<void> {
  const all = [...exitWatchers];
  exitWatchers.clear();
  const started = Promise.all(all.map((hooks) =>
    hooks.exit().catch((error: unknown) => hooks.report(new SdkError(`flush at exit failed: ${String(error)}`)))));
  const both = Promise.all([closing, started]).then(() => undefined);
  closing = both;
  void both.then(() => {
    if (closing !== both) return;
    closing = undefined;
    if (exitWatchers.size === 0) stopListening();
  });
  return both;
}
