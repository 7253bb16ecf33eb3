// Runtime file, copied verbatim: what delivery tells the app, an error for
// every drop (one per occurrence, listing its events) and counters
// (docs/delivery.md, "Observability").

import { SdkError } from "./errors.js";

/** Why events left the queue without being stored by the collector. */
export type DropReason =
  | "rejected" // the collector refused them in a 2xx answer (their reasons)
  | "client_error" // a 4xx answer other than 408, 413, 429
  | "too_large" // 413 for a batch of this one event
  | "retries_exhausted" // maxAttempts, or maxRetryAgeMs passed
  | "expired" // waited longer than queueMaxAgeMs
  | "queue_full" // the oldest, when the queue's caps were exceeded
  | "storage_error" // the storage refused the write
  | "consent_withdrawn"; // it needs a purpose the user withdrew (docs/delivery.md, "Consent")

export const DROP_REASONS: readonly DropReason[] = [
  "rejected", "client_error", "too_large", "retries_exhausted", "expired", "queue_full", "storage_error",
  "consent_withdrawn",
];

/** One dropped event; `reasons` are the collector's, for a rejected one. */
export interface DroppedEvent {
  readonly eventId: string;
  readonly eventName: string;
  readonly reasons: readonly string[];
}

/** Events were dropped: `dropped <n> event(s): <reason>[ (HTTP <status>)][: <detail>]`. */
export class DeliveryError extends SdkError {
  readonly reason: DropReason;
  readonly events: readonly DroppedEvent[];
  /** The HTTP status when an answer caused it. */
  readonly status: number | undefined;
  /** The collector's message, or what went wrong. */
  readonly detail: string;

  constructor(reason: DropReason, events: readonly DroppedEvent[], detail = "", status?: number) {
    const answer = status !== undefined ? ` (HTTP ${status})` : "";
    const text = `dropped ${events.length} event(s): ${reason}${answer}`;
    super(detail ? `${text}: ${detail}` : text);
    this.reason = reason;
    this.events = events;
    this.status = status;
    this.detail = detail;
  }
}

/** A snapshot of what a transport did so far. */
export interface DeliveryCounters {
  /** Events handed to the transport by this process. */
  readonly tracked: number;
  /** Handed over, not yet in the queue. */
  readonly buffered: number;
  /** In the queue, waiting (includes inFlight and events of earlier runs). */
  readonly queued: number;
  /** In the requests being sent now. */
  readonly inFlight: number;
  /** Acknowledged by a 2xx (stored, or known duplicates). */
  readonly sent: number;
  /** Times an event was put back after a failed attempt. */
  readonly retried: number;
  /** Requests attempted. */
  readonly requests: number;
  /** Dropped events by reason. */
  readonly dropped: Readonly<Record<DropReason, number>>;
}
