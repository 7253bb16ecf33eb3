// Runtime: how an HttpTransport batches, retries and keeps events, with the
// defaults of docs/delivery.md ("Defaults"; a unit test pins them). Times
// are seconds (TimeInterval), sizes bytes.

import Foundation

public struct DeliveryOptions: Sendable, Equatable {
    /// The request body's format.
    public var wireFormat: WireFormat
    /// Events per request, at most.
    public var batchMaxEvents: Int
    /// Body bytes per request before compression, at most (one event always goes).
    public var batchMaxBytes: Int
    /// An event waits at most this long before its batch is sent.
    public var flushInterval: TimeInterval
    /// Connecting, and waiting for each part of the answer; then the attempt
    /// failed. On Linux URLSession counts whole seconds: rounded up there.
    public var requestTimeout: TimeInterval
    /// The first retry waits up to this long (full jitter), doubling per failure.
    public var backoffBase: TimeInterval
    /// The backoff's cap.
    public var backoffMax: TimeInterval
    /// A `Retry-After` answer is honoured up to this long.
    public var retryAfterMax: TimeInterval
    /// Failed attempts after which an event is dropped (retries_exhausted).
    public var maxAttempts: Int
    /// Time since an event's first failed attempt after which it is dropped.
    public var maxRetryAge: TimeInterval
    /// Events kept in the queue; beyond it the oldest are dropped (queue_full).
    public var queueMaxEvents: Int
    /// Envelope bytes kept in the queue; beyond it the oldest are dropped.
    public var queueMaxBytes: Int
    /// An event older than this in the queue is dropped (expired).
    public var queueMaxAge: TimeInterval
    /// Bodies larger than this are sent gzip-compressed (where Foundation
    /// can compress: Apple platforms; on Linux bodies go uncompressed).
    public var gzipMinBytes: Int
    /// When the app goes to the background (UIKit, AppKit), flush for at
    /// most this long; what is left stays queued.
    public var exitTimeout: TimeInterval
    /// Keep the queue in a file, so events survive a crash or a restart.
    public var persist: Bool
    /// The queue's folder; nil: Application Support (Apple platforms) or the
    /// user's cache folder (Linux), `<sdk name>/delivery/<hash of the URL>`.
    public var queueDir: String?
    /// Extra request headers (e.g. Authorization).
    public var headers: [String: String]

    public init(
        wireFormat: WireFormat = .protobuf,
        batchMaxEvents: Int = 100,
        batchMaxBytes: Int = 512_000,
        flushInterval: TimeInterval = 10,
        requestTimeout: TimeInterval = 10,
        backoffBase: TimeInterval = 1,
        backoffMax: TimeInterval = 60,
        retryAfterMax: TimeInterval = 300,
        maxAttempts: Int = 10,
        maxRetryAge: TimeInterval = 86_400,
        queueMaxEvents: Int = 10_000,
        queueMaxBytes: Int = 5_242_880,
        queueMaxAge: TimeInterval = 604_800,
        gzipMinBytes: Int = 1024,
        exitTimeout: TimeInterval = 5,
        persist: Bool = true,
        queueDir: String? = nil,
        headers: [String: String] = [:]
    ) {
        self.wireFormat = wireFormat
        self.batchMaxEvents = batchMaxEvents
        self.batchMaxBytes = batchMaxBytes
        self.flushInterval = flushInterval
        self.requestTimeout = requestTimeout
        self.backoffBase = backoffBase
        self.backoffMax = backoffMax
        self.retryAfterMax = retryAfterMax
        self.maxAttempts = maxAttempts
        self.maxRetryAge = maxRetryAge
        self.queueMaxEvents = queueMaxEvents
        self.queueMaxBytes = queueMaxBytes
        self.queueMaxAge = queueMaxAge
        self.gzipMinBytes = gzipMinBytes
        self.exitTimeout = exitTimeout
        self.persist = persist
        self.queueDir = queueDir
        self.headers = headers
    }

    /// Throws a DeliveryConfigurationError naming the first setting that is
    /// not a positive number.
    public func validate() throws {
        let counts: [(String, Int)] = [
            ("batchMaxEvents", batchMaxEvents), ("batchMaxBytes", batchMaxBytes), ("maxAttempts", maxAttempts),
            ("queueMaxEvents", queueMaxEvents), ("queueMaxBytes", queueMaxBytes), ("gzipMinBytes", gzipMinBytes),
        ]
        for (name, value) in counts where value <= 0 {
            throw DeliveryConfigurationError(message: "\(name) must be positive, not \(value)")
        }
        let times: [(String, TimeInterval)] = [
            ("flushInterval", flushInterval), ("requestTimeout", requestTimeout), ("backoffBase", backoffBase),
            ("backoffMax", backoffMax), ("retryAfterMax", retryAfterMax), ("maxRetryAge", maxRetryAge),
            ("queueMaxAge", queueMaxAge), ("exitTimeout", exitTimeout),
        ]
        for (name, value) in times where !(value > 0 && value.isFinite) {
            throw DeliveryConfigurationError(message: "\(name) must be positive, not \(value)")
        }
    }
}

/// A setting or the collector URL cannot be used; thrown by HttpTransport's
/// initializer.
public struct DeliveryConfigurationError: SdkError {
    public let message: String

    public init(message: String) {
        self.message = message
    }
}
