// Runtime file, copied verbatim: the errors this SDK throws or reports.

import type { ValidationIssue } from "./validation.js";

/** Base class of every error of this SDK. */
export class SdkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An event or the context breaks the model's rules. */
export class ValidationError extends SdkError {
  /** What was validated: the event name. */
  readonly subject: string;
  readonly issues: readonly ValidationIssue[];

  constructor(subject: string, issues: readonly ValidationIssue[]) {
    const details = issues.map((i) => `${i.path}: ${i.message} (${i.constraint})`).join("; ");
    super(`invalid ${subject}: ${details}`);
    this.subject = subject;
    this.issues = issues;
  }
}

/** A value cannot be written to the wire (validation reports the same problems first). */
export class EncodingError extends SdkError {}

/** The transport failed to deliver an event; reported to onError, never thrown. */
export class TransportError extends SdkError {
  /** What the transport threw or rejected with. */
  readonly reason: unknown;

  constructor(message: string, reason: unknown) {
    super(message);
    this.reason = reason;
  }
}
