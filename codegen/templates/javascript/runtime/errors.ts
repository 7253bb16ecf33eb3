// Runtime file, copied verbatim: the errors this SDK throws or reports. Their
// texts are the catalogue of docs/sdk-api.md, the same in every SDK of the model.

import type { ValidationIssue } from "./validation.js";

/** Base class of every error of this SDK. */
export class SdkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** One issue as the error texts show it: `path: message (constraint)`. */
export function describeIssue(issue: ValidationIssue): string {
  return `${issue.path}: ${issue.message} (${issue.constraint})`;
}

/** An event or the context breaks the model's rules: `invalid event <eventName>: <issue>; <issue>`. */
export class ValidationError extends SdkError {
  /** The event's wire name. */
  readonly eventName: string;
  readonly issues: readonly ValidationIssue[];

  constructor(eventName: string, issues: readonly ValidationIssue[]) {
    super(`invalid event ${eventName}: ${issues.map(describeIssue).join("; ")}`);
    this.eventName = eventName;
    this.issues = issues;
  }
}

/** A value cannot be written to the wire (validation reports the same problems first). */
export class EncodingError extends SdkError {}

/**
 * The event needs purposes the user has not granted, so it was dropped before
 * encoding (`no consent for event <eventName>: <purpose>, ...`); reported to
 * onError, never thrown.
 */
export class ConsentError extends SdkError {
  /** The event's wire name. */
  readonly eventName: string;
  /** The purposes it needs that are not granted, in name order. */
  readonly missing: readonly string[];

  constructor(eventName: string, missing: readonly string[]) {
    super(`no consent for event ${eventName}: ${missing.join(", ")}`);
    this.eventName = eventName;
    this.missing = missing;
  }
}

/** The transport failed to take an event (`cannot send event <eventName>: <cause>`); reported to onError, never thrown. */
export class TransportError extends SdkError {
  /** The event's wire name. */
  readonly eventName: string;
  /** What the transport threw or rejected with. */
  readonly cause: unknown;

  constructor(eventName: string, cause: unknown) {
    super(`cannot send event ${eventName}: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`);
    this.eventName = eventName;
    this.cause = cause;
  }
}
