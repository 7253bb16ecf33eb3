// Runtime file, copied verbatim: the Node queue, a journal file per slot
// (docs/delivery.md, "The journal file"). A process takes the first free
// slot n of the folder (`queue-<n>.lock`, created exclusively, holding its
// pid; stale when that process no longer runs) and appends to
// `queue-<n>.jsonl`; it adopts the events of every slot nobody holds.

import { SdkError } from "./errors.js";
import type { QueueStore, QueuedEvent, StoreHooks } from "./queue.js";

export const MAX_SLOTS = 64;
const HEADER = '{"format":"codegen-queue","version":1}\n';
const FORMAT = "codegen-queue";
const VERSION = 1;
const COMPACT_MIN_BYTES = 1024 * 1024;

// The Node APIs used here (node:fs/promises, Buffer, process), typed locally.
export interface NodeFileHandle {
  write(text: string): Promise<unknown>;
  sync(): Promise<void>;
  close(): Promise<void>;
}
export interface NodeFiles {
  open(path: string, flags: string): Promise<NodeFileHandle>;
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: string, options: { flag: string }): Promise<void>;
  truncate(path: string, length: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  readdir(path: string): Promise<string[]>;
  stat(path: string): Promise<{ mtimeMs: number }>;
}
export interface NodeHost {
  readonly files: NodeFiles;
  readonly pid: number;
  /** Whether a process with this id runs. */
  running(pid: number): boolean;
  base64(bytes: Uint8Array): string;
  unbase64(text: string): Uint8Array;
  byteLength(text: string): number;
  decode(bytes: Uint8Array): string;
}

/** Lock files this process holds (two transports of one process take two slots). */
const HELD_LOCKS = new Set<string>();

/** Opens the queue in `dir`: the first free slot, and the events of every slot nobody holds. */
export async function openJournal(host: NodeHost, dir: string, hooks: StoreHooks): Promise<QueueStore> {
  const { files } = host;
  await files.mkdir(dir, { recursive: true });
  let slot = -1;
  for (let n = 0; n < MAX_SLOTS && slot < 0; n++) if (await takeLock(host, lockPath(dir, n))) slot = n;
  if (slot < 0) throw new Error(`all ${MAX_SLOTS} queue slots in ${dir} are in use`);
  const path = journalPath(dir, slot);
  try {
    const own = await readJournal(host, path, true);
    if (own === undefined) throw new Error(`${path} was written by another program or a newer SDK; it is left alone`);
    const store = new JournalStore(host, path, lockPath(dir, slot), own.events, own.records, own.bytes);
    await store.start(own.bytes === 0);
    await adoptOrphans(host, dir, slot, store, hooks);
    return store;
  } catch (error) {
    await releaseLock(host, lockPath(dir, slot));
    throw error;
  }
}

function lockPath(dir: string, slot: number): string {
  return `${dir}/queue-${slot}.lock`;
}

function journalPath(dir: string, slot: number): string {
  return `${dir}/queue-${slot}.jsonl`;
}

/** Takes the lock file (created exclusively, with our pid) or a stale one; false when another holds it. */
async function takeLock(host: NodeHost, path: string): Promise<boolean> {
  if (HELD_LOCKS.has(path)) return false;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await host.files.writeFile(path, String(host.pid), { flag: "wx" });
      HELD_LOCKS.add(path);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code !== "EEXIST") return false;
    }
    if (!(await staleLock(host, path))) return false;
    await host.files.unlink(path).catch(() => undefined);
  }
  return false;
}

async function staleLock(host: NodeHost, path: string): Promise<boolean> {
  let text: string;
  try {
    text = host.decode(await host.files.readFile(path));
  } catch {
    return false; // gone meanwhile: try again
  }
  const pid = Number(text.trim());
  if (text.trim() === "" || !Number.isInteger(pid) || pid <= 0) {
    // Being written right now, or left empty by a crash long ago.
    const { mtimeMs } = await host.files.stat(path).catch(() => ({ mtimeMs: Date.now() }));
    return Date.now() - mtimeMs > 10_000;
  }
  return pid === host.pid ? !HELD_LOCKS.has(path) : !host.running(pid);
}

async function releaseLock(host: NodeHost, path: string): Promise<void> {
  HELD_LOCKS.delete(path);
  await host.files.unlink(path).catch(() => undefined);
}

interface ParsedJournal {
  readonly events: QueuedEvent[];
  readonly records: number;
  readonly bytes: number;
}

/** The live events of a journal (undefined: not a journal this SDK reads). Repairs a torn last line. */
async function readJournal(host: NodeHost, path: string, repair: boolean): Promise<ParsedJournal | undefined> {
  let data: Uint8Array;
  try {
    data = await host.files.readFile(path);
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return { events: [], records: 0, bytes: 0 };
    throw error;
  }
  const live = new Map<number, QueuedEvent>();
  let records = 0;
  let start = 0;
  let good = 0; // bytes up to the end of the last line read
  for (let lineNumber = 0; start < data.length; lineNumber++) {
    const end = data.indexOf(0x0a, start);
    if (end < 0) break; // a torn write: no newline
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(host.decode(data.subarray(start, end))) as Record<string, unknown>;
    } catch {
      if (data.indexOf(0x0a, end + 1) < 0) break; // the last line is torn
      if (lineNumber === 0) return undefined; // no header we know
      start = end + 1; // a damaged line inside: skipped
      good = start;
      continue;
    }
    if (lineNumber === 0) {
      if (record["format"] !== FORMAT || typeof record["version"] !== "number" || record["version"] > VERSION) return undefined;
    } else {
      applyRecord(host, record, live);
      records++;
    }
    start = end + 1;
    good = start;
  }
  if (good < data.length && repair) await host.files.truncate(path, good);
  return { events: [...live.values()].sort((a, b) => a.seq - b.seq), records, bytes: good };
}

function applyRecord(host: NodeHost, record: Record<string, unknown>, live: Map<number, QueuedEvent>): void {
  const seqs = Array.isArray(record["seqs"]) ? (record["seqs"] as unknown[]) : [];
  if (record["op"] === "add" && typeof record["seq"] === "number" && typeof record["body"] === "string") {
    const attempts = record["attempts"];
    const first = record["first_attempt_ms"];
    live.set(record["seq"], {
      seq: record["seq"], ticket: 0, id: String(record["id"]), name: String(record["name"]),
      fmt: record["fmt"] === "json" ? "json" : "protobuf", body: host.unbase64(record["body"]),
      queuedAtMs: Number(record["queued_at_ms"]) || 0, attempts: typeof attempts === "number" ? attempts : 0,
      firstAttemptMs: typeof first === "number" ? first : undefined,
      ...(Array.isArray(record["purposes"]) ? { purposes: (record["purposes"] as unknown[]).map(String) } : {}),
    });
  } else if (record["op"] === "try") {
    for (const seq of seqs) {
      const event = live.get(seq as number);
      if (event === undefined) continue;
      event.attempts++;
      event.firstAttemptMs ??= Number(record["at_ms"]);
    }
  } else if (record["op"] === "del") {
    for (const seq of seqs) live.delete(seq as number);
  }
}

/** Moves the events of slots nobody holds into `store`, oldest first, then removes their files. */
async function adoptOrphans(host: NodeHost, dir: string, own: number, store: JournalStore, hooks: StoreHooks): Promise<void> {
  const slots = (await host.files.readdir(dir))
    .map((name) => /^queue-(\d+)\.jsonl$/.exec(name)?.[1])
    .filter((n): n is string => n !== undefined && Number(n) !== own)
    .map(Number)
    .sort((a, b) => a - b);
  for (const slot of slots) {
    const held = lockPath(dir, slot);
    if (!(await takeLock(host, held))) continue; // a running process owns it
    try {
      const orphan = await readJournal(host, journalPath(dir, slot), false);
      if (orphan === undefined) continue; // not ours to touch
      const events = orphan.events.sort((a, b) => a.queuedAtMs - b.queuedAtMs);
      await store.adopt(events);
      await host.files.unlink(journalPath(dir, slot));
    } catch (error) {
      hooks.report(new SdkError(`cannot adopt the queue slot ${slot} in ${dir}: ${String(error)}`));
    } finally {
      await releaseLock(host, held);
    }
  }
}

class JournalStore {
  readonly maxEvents = Infinity;
  readonly restored: QueuedEvent[];
  private handle: NodeFileHandle | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly live = new Map<number, QueuedEvent>();
  private nextSeq: number;

  constructor(private readonly host: NodeHost, private readonly path: string, private readonly lockFile: string,
              events: QueuedEvent[], private records: number, private bytes: number) {
    this.restored = events;
    for (const e of events) this.live.set(e.seq, e);
    this.nextSeq = events.reduce((max, e) => Math.max(max, e.seq), 0) + 1;
  }

  async start(fresh: boolean): Promise<void> {
    this.handle = await this.host.files.open(this.path, "a");
    if (fresh) await this.write(HEADER, 0);
  }

  /** Events of an orphaned slot: written as ours (attempts kept), before their old file goes. */
  async adopt(events: QueuedEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (const e of events) {
      e.seq = this.nextSeq++;
      this.live.set(e.seq, e);
      this.restored.push(e);
    }
    await this.write(events.map((e) => this.addLine(e, true)).join(""), events.length);
  }

  async add(events: readonly QueuedEvent[]): Promise<readonly QueuedEvent[]> {
    for (const e of events) e.seq = this.nextSeq++;
    const text = events.map((e) => this.addLine(e, false)).join("");
    await this.write(text, events.length); // a failure refuses them all
    for (const e of events) this.live.set(e.seq, e);
    return [];
  }

  tried(events: readonly QueuedEvent[], atMs: number): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return this.write(`${JSON.stringify({ op: "try", seqs: events.map((e) => e.seq), at_ms: atMs })}\n`, 1);
  }

  async remove(events: readonly QueuedEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (const e of events) this.live.delete(e.seq);
    await this.write(`${JSON.stringify({ op: "del", seqs: events.map((e) => e.seq) })}\n`, 1, true);
  }

  async close(): Promise<void> {
    await this.serial(async () => {
      await this.handle?.close();
      this.handle = undefined;
    });
    await releaseLock(this.host, this.lockFile);
  }

  private addLine(e: QueuedEvent, withAttempts: boolean): string {
    const record: Record<string, unknown> = {
      op: "add", seq: e.seq, id: e.id, name: e.name, fmt: e.fmt, body: this.host.base64(e.body), queued_at_ms: e.queuedAtMs,
    };
    if (withAttempts || e.attempts > 0) record["attempts"] = e.attempts;
    if (e.firstAttemptMs !== undefined) record["first_attempt_ms"] = e.firstAttemptMs;
    if (e.purposes !== undefined) record["purposes"] = e.purposes;
    return `${JSON.stringify(record)}\n`;
  }

  /**
   * One write call per persist step, in call order. With `compact`, the
   * journal is compacted in the same step once dead records outnumber live
   * ones past COMPACT_MIN_BYTES (a close queued meanwhile cannot come first).
   */
  private write(text: string, records: number, compact = false): Promise<void> {
    return this.serial(async () => {
      if (this.handle === undefined) throw new Error(`the queue ${this.path} is closed`);
      await this.handle.write(text);
      this.records += records;
      this.bytes += this.host.byteLength(text);
      if (compact && this.records - this.live.size > this.live.size && this.bytes > COMPACT_MIN_BYTES) await this.compact();
    });
  }

  private serial(step: () => Promise<void>): Promise<void> {
    const next = this.chain.then(step);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Dead records outnumber live ones: write the live events to a new file, fsync it, rename it over the journal. */
  private async compact(): Promise<void> {
    if (this.handle === undefined) return;
    const events = [...this.live.values()].sort((a, b) => a.seq - b.seq);
    const text = HEADER + events.map((e) => this.addLine(e, true)).join("");
    const temporary = `${this.path}.tmp`;
    const out = await this.host.files.open(temporary, "w");
    try {
      await out.write(text);
      await out.sync();
    } finally {
      await out.close();
    }
    await this.handle.close();
    this.handle = undefined;
    await this.host.files.rename(temporary, this.path);
    this.handle = await this.host.files.open(this.path, "a");
    this.records = events.length;
    this.bytes = this.host.byteLength(text);
  }
}
