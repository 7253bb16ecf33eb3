// Runtime file, copied verbatim: the tracker shared by every model. The
// generated `Tracker` binds it to the model's TrackingContext and SDK identity.

import type { AutoValues, FieldTable, WRITE_PROTOBUF } from "./codec.js";
import type { ProtoWriter } from "./protobuf.js";
import { ConsentError, EncodingError, SdkError, TransportError, ValidationError } from "./errors.js";
import { Timestamp } from "./timestamp.js";
import type { Transport } from "./transport.js";
import type { ValidationIssue } from "./validation.js";

/** What `track` does with an invalid event: throw a ValidationError, drop it, or send it anyway. */
export type Policy = "throw" | "drop" | "send";

/** An event of the model, as the tracker sees it (its field table gives its JSON: toJson(event)). */
export interface TrackableEvent extends FieldTable {
  readonly eventName: string;
  readonly eventNumber: number;
  validate(): ValidationIssue[];
  toProtobuf(): Uint8Array;
  /** Appends its message to `w` (the envelope's Protobuf encoding). */
  [WRITE_PROTOBUF](w: ProtoWriter): void;
  /** Warnings for the deprecated things this event uses (docs/sdk-api.md). */
  deprecationWarnings(): string[];
  /** The purposes it always needs: its own and its required values' (docs/event-model.md, "Purposes"). */
  readonly purposes: readonly string[];
  /** A copy without the optional values whose purposes are not all granted; adds the kept ones' to `used`. */
  redact(granted: ReadonlySet<string>, used: Set<string>): this;
}

/** The model's context, as the tracker sees it; `auto` holds the values the tracker fills in. */
export interface ContextMessage extends FieldTable {
  validate(auto?: AutoValues): ValidationIssue[];
  toProtobuf(auto?: AutoValues): Uint8Array;
  /** Appends its message, with the tracker's `auto` values, to `w`. */
  [WRITE_PROTOBUF](w: ProtoWriter, auto?: AutoValues): void;
  /** The purposes every event needs because of the context's required values. */
  readonly purposes: readonly string[];
  redact(granted: ReadonlySet<string>, used: Set<string>): this;
}

/** The model's purposes (in its order) and those granted until the app sets its consent. */
export interface PurposeInfo<P extends string> {
  readonly all: readonly P[];
  readonly defaults: readonly P[];
}

/** Who made the events: written into the context's auto values. */
export interface SdkInfo {
  readonly name: string;
  readonly version: string;
  readonly modelVersion: string;
}

export interface TrackerOptions<C> {
  /** Receives every envelope, encoded as its `encoding` says. */
  transport: Transport<unknown>;
  /** The common context of every event. */
  context: C;
  /** Default "throw". */
  policy?: Policy;
  /** Receives every reported problem; by default they are logged with console.warn. */
  onError?: (error: SdkError) => void;
  /** Receives each deprecation warning once; by default console.warn. */
  onWarning?: (message: string) => void;
  /** Replaces the system clock (tests). */
  clock?: () => Timestamp;
  /** Replaces random UUID v4 event ids (tests). */
  idGenerator?: () => string;
}

/** Validates, encodes and sends events with a common context, under the user's consent. */
export class TrackerCore<C extends ContextMessage, P extends string = string> {
  readonly transport: Transport<unknown>;
  /** The common context; replace it when it changes (e.g. after sign-in). */
  context: C;
  readonly policy: Policy;
  private readonly sdk: SdkInfo;
  private readonly purposeInfo: PurposeInfo<P>;
  private granted: ReadonlySet<string>;
  private stamp: readonly string[];
  private dropped = 0;
  private readonly onError: (error: SdkError) => void;
  private readonly onWarning: (message: string) => void;
  private readonly clock: () => Timestamp;
  private readonly idGenerator: () => string;
  private readonly warned = new Set<string>();

  constructor(options: TrackerOptions<C>, sdk: SdkInfo, purposes: PurposeInfo<P>) {
    this.transport = options.transport;
    this.context = options.context;
    this.policy = options.policy ?? "throw";
    this.sdk = sdk;
    this.purposeInfo = purposes;
    this.granted = new Set<string>(purposes.defaults);
    this.stamp = purposes.all.filter((p) => this.granted.has(p));
    this.onError = options.onError ?? ((error) => consoleWarn(`${sdk.name}: ${error.message}`));
    this.onWarning = options.onWarning ?? consoleWarn;
    this.clock = options.clock ?? Timestamp.now;
    this.idGenerator = options.idGenerator ?? randomUuid;
    if (typeof this.transport.encoding?.encode !== "function") {
      throw new TypeError("the transport has no encoding: set `encoding` to bothFormats, protobufFormat or jsonFormat");
    }
    this.transport.bind?.(sdk, (error) => this.report(error));
  }

  /**
   * The purposes the user granted. Set it from the app's consent banner: it
   * applies to the next event, and withdrawing a purpose purges what the
   * transport still holds that needs it (its queue, before the next request).
   */
  get consent(): ReadonlySet<P> {
    return new Set(this.purposeInfo.all.filter((p) => this.granted.has(p)));
  }

  set consent(purposes: Iterable<P>) {
    const next = new Set<string>();
    for (const purpose of purposes) {
      if (!this.purposeInfo.all.includes(purpose)) throw new TypeError(`consent takes purposes of the model, not ${JSON.stringify(purpose)}`);
      next.add(purpose);
    }
    const withdrawn = new Set([...this.granted].filter((p) => !next.has(p)));
    this.granted = next;
    this.stamp = this.purposeInfo.all.filter((p) => next.has(p));
    if (withdrawn.size > 0 && typeof this.transport.purge === "function") {
      try {
        const pending: unknown = this.transport.purge(withdrawn);
        if (isThenable(pending)) pending.then(undefined, (cause: unknown) => this.report(new SdkError(`cannot purge events of withdrawn purposes: ${describe(cause)}`)));
      } catch (cause) {
        this.report(new SdkError(`cannot purge events of withdrawn purposes: ${describe(cause)}`));
      }
    }
  }

  /** Events dropped because a purpose they need was not granted. */
  get consentDropped(): number {
    return this.dropped;
  }

  /**
   * Checks consent, validates `event` and the context, builds the envelope
   * and hands it to the transport. Returns true when it reached the
   * transport. Throws only a ValidationError, and only under the "throw"
   * policy. An event that needs a purpose not granted is dropped first
   * (reported as a ConsentError); optional values whose purposes are not
   * granted are removed before anything else.
   */
  track(original: TrackableEvent): boolean {
    const name = original.eventName;
    const granted = this.granted;
    // Loops rather than spreads: this runs for every event.
    const needed = new Set<string>();
    for (const p of original.purposes) needed.add(p);
    for (const p of this.context.purposes) needed.add(p);
    let missing: string[] | undefined;
    for (const p of needed) if (!granted.has(p)) (missing ??= []).push(p);
    if (missing !== undefined) {
      this.dropped += 1;
      this.report(new ConsentError(name, missing.sort(compareNames)));
      return false;
    }
    const event = original.redact(granted, needed);
    const context = this.context.redact(granted, needed);
    this.warnDeprecations(event);
    const auto = this.autoValues();
    const eventIssues = event.validate();
    const contextIssues = context.validate(auto);
    if (eventIssues.length > 0 || contextIssues.length > 0) {
      const issues = [...eventIssues, ...contextIssues.map((i) => ({ ...i, path: `context.${i.path}` }))];
      const error = new ValidationError(name, issues);
      if (this.policy === "throw") throw error;
      this.report(error);
      if (this.policy === "drop") return false;
    }
    let envelope: unknown;
    try {
      // Only the transport's format; the purposes go with it for `purge`.
      envelope = this.transport.encoding.encode(context, event, auto, [...needed].sort(compareNames));
    } catch (error) {
      this.report(new EncodingError(`cannot encode event ${name}: ${describe(error)}`));
      return false;
    }
    try {
      const pending = this.transport.send(envelope);
      if (isThenable(pending)) {
        pending.then(undefined, (cause: unknown) => this.report(new TransportError(name, cause)));
      }
    } catch (cause) {
      this.report(new TransportError(name, cause));
      return false;
    }
    return true;
  }

  private autoValues(): AutoValues {
    return {
      eventId: this.idGenerator(),
      clientTimestamp: this.clock(),
      modelVersion: this.sdk.modelVersion,
      sdkName: this.sdk.name,
      sdkVersion: this.sdk.version,
      consent: this.stamp,
    };
  }

  private warnDeprecations(event: TrackableEvent): void {
    // Each distinct warning once per tracker, like a log line.
    for (const message of event.deprecationWarnings()) {
      if (this.warned.has(message)) continue;
      this.warned.add(message);
      try {
        this.onWarning(message);
      } catch {
        // a failing handler must not break tracking
      }
    }
  }

  private report(error: SdkError): void {
    try {
      this.onError(error);
    } catch {
      // a failing handler must not break tracking either
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/** Purpose names in code point order (they are ASCII: plain comparison). */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface Console {
  warn(...data: unknown[]): void;
}

function consoleWarn(message: string): void {
  // Typed locally: the SDK compiles without DOM or Node type definitions.
  (globalThis as { console?: Console }).console?.warn(message);
}

interface Crypto {
  randomUUID?(): string;
  getRandomValues?(array: Uint8Array): Uint8Array;
}

/** A random UUID v4, lower-case. Web Crypto where present (browsers, Node 19+), else Math.random. */
export function randomUuid(): string {
  const crypto = (globalThis as { crypto?: Crypto }).crypto;
  if (crypto?.randomUUID !== undefined) return crypto.randomUUID();
  const b = new Uint8Array(16);
  if (crypto?.getRandomValues !== undefined) crypto.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
