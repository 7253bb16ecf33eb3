// Runtime: what delivery tells the app: an error for every drop (grouped per
// occurrence) and counters (docs/delivery.md, "Observability").

import Foundation

/// Why an event left the queue without being stored by the collector.
public enum DropReason: String, Sendable, CaseIterable {
    /// The collector refused it in a 2xx answer (with its reasons).
    case rejected
    /// A 4xx answer other than 408, 413 and 429.
    case clientError = "client_error"
    /// 413 for a batch of this one event.
    case tooLarge = "too_large"
    /// maxAttempts failed attempts, or maxRetryAge since the first.
    case retriesExhausted = "retries_exhausted"
    /// It waited in the queue longer than queueMaxAge.
    case expired
    /// The oldest go first when the queue's caps are exceeded.
    case queueFull = "queue_full"
    /// The queue file could not take it.
    case storageError = "storage_error"
    /// It needs a purpose the user withdrew (docs/delivery.md, "Consent").
    case consentWithdrawn = "consent_withdrawn"
}

/// One dropped event; `reasons` are the collector's, for a rejected one.
public struct DroppedEvent: Sendable, Equatable {
    public let eventId: String
    public let eventName: String
    public let reasons: [String]

    public init(eventId: String, eventName: String, reasons: [String] = []) {
        self.eventId = eventId
        self.eventName = eventName
        self.reasons = reasons
    }
}

/// Events were dropped: the reason, the events, the HTTP status when an
/// answer caused it and the detail (the collector's message):
/// `dropped <n> event(s): <reason> (HTTP <status>): <detail>`.
public struct DeliveryError: SdkError {
    public let reason: DropReason
    public let events: [DroppedEvent]
    public let status: Int?
    public let detail: String

    public init(reason: DropReason, events: [DroppedEvent], status: Int? = nil, detail: String = "") {
        self.reason = reason
        self.events = events
        self.status = status
        self.detail = detail
    }

    public var message: String {
        var text = "dropped \(events.count) event(s): \(reason.rawValue)"
        if let status { text += " (HTTP \(status))" }
        return detail.isEmpty ? text : text + ": " + detail
    }
}

/// The queue file cannot be used (another format, a newer version, a folder
/// that cannot be written): the transport keeps events in memory and says so.
public struct QueueStorageError: SdkError {
    public let message: String

    public init(message: String) {
        self.message = message
    }
}

/// A snapshot of a transport (docs/delivery.md, "Observability").
public struct DeliveryCounters: Sendable, Equatable {
    /// Events handed to the transport by this process.
    public var tracked = 0
    /// Handed over, not yet in the queue.
    public var buffered = 0
    /// In the queue (earlier runs' events and those in flight included).
    public var queued = 0
    /// In the request being sent now.
    public var inFlight = 0
    /// Acknowledged by a 2xx (stored, or known duplicates).
    public var sent = 0
    /// Times an event was put back after a failed attempt.
    public var retried = 0
    /// Requests attempted.
    public var requests = 0
    /// Dropped events by reason (every reason present).
    public var dropped: [DropReason: Int] = Dictionary(uniqueKeysWithValues: DropReason.allCases.map { ($0, 0) })

    public init() {}

    public var droppedTotal: Int { dropped.values.reduce(0, +) }
}
