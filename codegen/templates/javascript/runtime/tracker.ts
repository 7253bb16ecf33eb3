// Runtime file, copied verbatim: the tracker shared by every model. The
// generated `Tracker` binds it to the model's TrackingContext and SDK identity.

import type { AutoValues, FieldTable } from "./codec.js";
import { EncodingError, type SdkError, TransportError, ValidationError } from "./errors.js";
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
  /** Warnings for the deprecated things this event uses (docs/sdk-api.md). */
  deprecationWarnings(): string[];
}

/** The model's context, as the tracker sees it; `auto` holds the values the tracker fills in. */
export interface ContextMessage extends FieldTable {
  validate(auto?: AutoValues): ValidationIssue[];
  toProtobuf(auto?: AutoValues): Uint8Array;
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

/** Validates, encodes and sends events with a common context. */
export class TrackerCore<C extends ContextMessage> {
  readonly transport: Transport<unknown>;
  /** The common context; replace it when it changes (e.g. after sign-in). */
  context: C;
  readonly policy: Policy;
  private readonly sdk: SdkInfo;
  private readonly onError: (error: SdkError) => void;
  private readonly onWarning: (message: string) => void;
  private readonly clock: () => Timestamp;
  private readonly idGenerator: () => string;
  private readonly warned = new Set<string>();

  constructor(options: TrackerOptions<C>, sdk: SdkInfo) {
    this.transport = options.transport;
    this.context = options.context;
    this.policy = options.policy ?? "throw";
    this.sdk = sdk;
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
   * Validates `event` and the context, builds the envelope and hands it to
   * the transport. Returns true when it reached the transport. Throws only a
   * ValidationError, and only under the "throw" policy.
   */
  track(event: TrackableEvent): boolean {
    const name = event.eventName;
    this.warnDeprecations(event);
    const auto = this.autoValues();
    const issues = [
      ...event.validate(),
      ...this.context.validate(auto).map((i) => ({ ...i, path: `context.${i.path}` })),
    ];
    if (issues.length > 0) {
      const error = new ValidationError(name, issues);
      if (this.policy === "throw") throw error;
      this.report(error);
      if (this.policy === "drop") return false;
    }
    let envelope: unknown;
    try {
      envelope = this.transport.encoding.encode(this.context, event, auto); // only the transport's format
    } catch (error) {
      this.report(new EncodingError(`cannot encode event ${name}: ${describe(error)}`));
      return false;
    }
    try {
      const pending = this.transport.send(envelope);
      if (pending !== undefined && pending !== null && typeof pending.then === "function") {
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
