// Runtime: the Tracker validates events and the context, fills in the
// tracker's own context values, encodes the envelope and hands it to a
// Transport. It never traps and only throws under the `.throw` policy.

import Foundation

/// An event of the model.
public protocol TrackableEvent: ProtoMessage {
    /// The wire name, e.g. "page_view".
    static var eventName: String { get }
    /// The event's field number in the envelope.
    static var eventNumber: Int { get }
    /// The deprecated parts in use: the event itself, set properties.
    func deprecations() -> [DeprecationNotice]
}

/// A deprecated part of the model in use; `key` is "" for the event itself
/// or the property's wire name.
public struct DeprecationNotice: Sendable, Equatable {
    public let key: String
    public let message: String

    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }
}

/// Values the tracker fills in for every event (`auto` context properties).
public struct AutoValues: Sendable, Equatable {
    public var eventId: String
    public var clientTimestamp: Timestamp
    public var modelVersion: String
    public var sdkName: String
    public var sdkVersion: String

    public init(eventId: String, clientTimestamp: Timestamp, modelVersion: String, sdkName: String, sdkVersion: String) {
        self.eventId = eventId
        self.clientTimestamp = clientTimestamp
        self.modelVersion = modelVersion
        self.sdkName = sdkName
        self.sdkVersion = sdkVersion
    }
}

/// Name and versions of a generated SDK, for the `auto` context values.
public struct SDKIdentity: Sendable, Equatable {
    public let name: String
    public let version: String
    public let modelVersion: String

    public init(name: String, version: String, modelVersion: String) {
        self.name = name
        self.version = version
        self.modelVersion = modelVersion
    }
}

/// The generated context type.
public protocol TrackingContext: ProtoMessage {
    static var sdkIdentity: SDKIdentity { get }
    /// A copy with the `auto` properties set from `values`.
    func withAuto(_ values: AutoValues) -> Self
}

/// What the tracker does with an event that breaks a constraint.
public enum TrackingPolicy: Sendable {
    /// Throw TrackingError.invalid from `track`; nothing is sent (the default).
    case `throw`
    /// Report to onError; nothing is sent.
    case drop
    /// Report to onError and send the event anyway.
    case send
}

/// The envelope of one tracked event, as handed to the transport.
public struct TrackedEvent: Sendable, Equatable {
    public let eventName: String
    public let eventId: String
    /// Protobuf bytes of the whole envelope.
    public let protobuf: [UInt8]
    /// Canonical JSON of the whole envelope.
    public let json: String

    public init(eventName: String, eventId: String, protobuf: [UInt8], json: String) {
        self.eventName = eventName
        self.eventId = eventId
        self.protobuf = protobuf
        self.json = json
    }
}

/// Delivers envelopes (HTTP, a queue, a file...). Errors it throws are
/// reported to the tracker's onError, never to the caller of `track`.
public protocol Transport: AnyObject {
    func send(_ payload: TrackedEvent) throws
}

/// Keeps every envelope in memory; for tests and debugging.
public final class InMemoryTransport: Transport, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [TrackedEvent] = []

    public init() {}

    public var sent: [TrackedEvent] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }

    public func send(_ payload: TrackedEvent) {
        lock.lock()
        stored.append(payload)
        lock.unlock()
    }

    public func clear() {
        lock.lock()
        stored.removeAll()
        lock.unlock()
    }
}

public enum TrackingError: Error, CustomStringConvertible {
    /// The event or the context broke constraints (context paths start with "context").
    case invalid(eventName: String, issues: [ValidationIssue])
    /// The transport threw.
    case transport(eventName: String, eventId: String, underlying: any Error)

    public var description: String {
        switch self {
        case let .invalid(name, issues):
            return "invalid event \(name): " + issues.map(\.description).joined(separator: "; ")
        case let .transport(name, id, underlying):
            return "transport failed for event \(name) (\(id)): \(underlying)"
        }
    }
}

/// The envelope message: context (field 1) and the event (its own number).
public enum Envelope {
    public static func protobuf<C: ProtoMessage, E: TrackableEvent>(context: C, event: E) -> [UInt8] {
        var writer = ProtoWriter()
        writer.scalar(1, context, .message)
        writer.scalar(E.eventNumber, event, .message)
        return writer.bytes
    }

    public static func json<C: ProtoMessage, E: TrackableEvent>(context: C, event: E) -> String {
        var object = JSONObjectWriter()
        object.scalar("context", context, .message)
        object.scalar(E.eventName, event, .message)
        return object.value.canonicalString()
    }
}

public final class Tracker<C: TrackingContext>: @unchecked Sendable {
    // Mutable state (context, warned names) is guarded by `lock`.
    private let lock = NSLock()
    private let transport: Transport
    private var currentContext: C
    private var warned: Set<[String]> = []
    public let policy: TrackingPolicy
    private let onError: (TrackingError) -> Void
    private let onWarning: (String) -> Void
    private let clock: () -> Timestamp
    private let idGenerator: () -> String

    /// - Parameters:
    ///   - onError: validation problems (`.drop`, `.send`) and transport failures; default: stderr.
    ///   - onWarning: deprecation warnings, once per event name; default: stderr.
    ///   - clock, idGenerator: injectable for tests; default now() and a random lower-case UUID v4.
    public init(
        transport: Transport,
        context: C,
        policy: TrackingPolicy = .throw,
        onError: @escaping (TrackingError) -> Void = { printTrackerMessage("tracking error: \($0)") },
        onWarning: @escaping (String) -> Void = { printTrackerMessage("warning: \($0)") },
        clock: @escaping () -> Timestamp = Timestamp.now,
        idGenerator: @escaping () -> String = { UUID().uuidString.lowercased() }
    ) {
        self.transport = transport
        self.currentContext = context
        self.policy = policy
        self.onError = onError
        self.onWarning = onWarning
        self.clock = clock
        self.idGenerator = idGenerator
    }

    /// The context sent with every event (without the tracker's own values).
    public var context: C {
        get {
            lock.lock()
            defer { lock.unlock() }
            return currentContext
        }
        set {
            lock.lock()
            currentContext = newValue
            lock.unlock()
        }
    }

    /// Validates, encodes and sends `event`; true when it reached the
    /// transport. Throws only under the `.throw` policy, and only
    /// TrackingError.invalid; every other problem goes to onError.
    @discardableResult
    public func track<E: TrackableEvent>(_ event: E) throws -> Bool {
        warnIfDeprecated(event)
        let eventId = idGenerator()
        let sdk = C.sdkIdentity
        let auto = AutoValues(
            eventId: eventId, clientTimestamp: clock(), modelVersion: sdk.modelVersion,
            sdkName: sdk.name, sdkVersion: sdk.version)
        let filled = context.withAuto(auto)
        var issues = event.validate()
        filled.validate(at: "context", into: &issues)
        if !issues.isEmpty {
            let problem = TrackingError.invalid(eventName: E.eventName, issues: issues)
            switch policy {
            case .throw: throw problem
            case .drop:
                onError(problem)
                return false
            case .send: onError(problem)
            }
        }
        let tracked = TrackedEvent(
            eventName: E.eventName, eventId: eventId,
            protobuf: Envelope.protobuf(context: filled, event: event),
            json: Envelope.json(context: filled, event: event))
        do {
            try transport.send(tracked)
        } catch {
            onError(.transport(eventName: E.eventName, eventId: eventId, underlying: error))
            return false
        }
        return true
    }

    /// Once per event name and deprecated part, like a log line.
    private func warnIfDeprecated<E: TrackableEvent>(_ event: E) {
        let notices = event.deprecations()
        if notices.isEmpty { return }
        lock.lock()
        let fresh = notices.filter { warned.insert([E.eventName, $0.key]).inserted }
        lock.unlock()
        fresh.forEach { onWarning($0.message) }
    }
}

/// The default onError / onWarning: one line on standard error. (C stdio:
/// FileHandle's write(_:) traps when the descriptor is closed.)
public func printTrackerMessage(_ message: String) {
    fputs(message + "\n", stderr)
}
