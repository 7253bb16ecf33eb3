// Runtime: the Tracker validates events and the context, fills in the
// tracker's own context values, encodes the envelope and hands it to a
// Transport (a FormatTransport gets its one wire format only). It never
// traps and only throws under the `.throw` policy.

import Foundation

/// An event of the model.
public protocol TrackableEvent: ProtoMessage {
    /// The wire name, e.g. "page_view".
    static var eventName: String { get }
    /// The event's field number in the envelope.
    static var eventNumber: Int { get }
    /// The purposes it always needs: its own and its required values'.
    static var purposes: Set<String> { get }
}

extension TrackableEvent {
    /// None (events that need purposes say so).
    public static var purposes: Set<String> { [] }

    /// The warnings for the deprecated things this event uses (the event, set
    /// properties and enum values, inside objects too), each distinct one once
    /// (texts: docs/sdk-api.md).
    public func deprecationWarnings() -> [String] {
        var warnings: [String] = []
        deprecationWarnings(at: Self.eventName + ".", into: &warnings)
        var seen = Set<String>()
        return warnings.filter { seen.insert($0).inserted }
    }
}

/// Values the tracker fills in for every event (`auto` context properties).
public struct AutoValues: Sendable, Equatable {
    public var eventId: String
    public var clientTimestamp: Timestamp
    public var modelVersion: String
    public var sdkName: String
    public var sdkVersion: String
    /// The purposes granted when the event was tracked, in the model's order (the consent stamp).
    public var consent: [String]

    public init(
        eventId: String, clientTimestamp: Timestamp, modelVersion: String, sdkName: String, sdkVersion: String,
        consent: [String] = []
    ) {
        self.eventId = eventId
        self.clientTimestamp = clientTimestamp
        self.modelVersion = modelVersion
        self.sdkName = sdkName
        self.sdkVersion = sdkVersion
        self.consent = consent
    }
}

/// Who made the events: the context's sdk_name, sdk_version and model_version.
/// The generated SDK's own is `SdkInfo.current`.
public struct SdkInfo: Sendable, Equatable {
    public let name: String
    public let version: String
    public let modelVersion: String

    public init(name: String, version: String, modelVersion: String) {
        self.name = name
        self.version = version
        self.modelVersion = modelVersion
    }
}

/// The generated context type, as the tracker sees it.
public protocol ContextMessage: ProtoMessage {
    /// A copy with the `auto` properties set from `values`.
    func withAuto(_ values: AutoValues) -> Self
    /// The purposes every event needs because of the context's required values.
    static var purposes: Set<String> { get }
}

extension ContextMessage {
    public static var purposes: Set<String> { [] }
}

/// What the tracker does with an event that breaks a constraint.
public enum Policy: Sendable {
    /// Throw a ValidationError from `track`; nothing is sent (the default).
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
    /// The purposes it needs (its own, and those of the values it carries), in name order.
    public let purposes: [String]

    public init(eventName: String, eventId: String, protobuf: [UInt8], json: String, purposes: [String] = []) {
        self.eventName = eventName
        self.eventId = eventId
        self.protobuf = protobuf
        self.json = json
        self.purposes = purposes
    }
}

/// Delivers envelopes (HTTP, a queue, a file...). Errors it throws are
/// reported to the tracker's onError, never to the caller of `track`.
/// `purge` is called when the user withdraws purposes: it forgets every event
/// not yet sent that needs one of them (docs/delivery.md, "Consent").
public protocol Transport: AnyObject {
    func send(_ event: TrackedEvent) throws
    @discardableResult
    func purge(_ purposes: Set<String>) -> Int
}

extension Transport {
    /// Nothing held: nothing to purge.
    @discardableResult
    public func purge(_ purposes: Set<String>) -> Int { 0 }
}

/// Keeps every envelope in `events`; for tests and debugging.
public final class InMemoryTransport: Transport, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [TrackedEvent] = []

    public init() {}

    public var events: [TrackedEvent] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }

    public func send(_ event: TrackedEvent) {
        lock.lock()
        stored.append(event)
        lock.unlock()
    }

    public func clear() {
        lock.lock()
        stored.removeAll()
        lock.unlock()
    }

    /// Forgets the events that need one of `purposes` (withdrawn); how many.
    @discardableResult
    public func purge(_ purposes: Set<String>) -> Int {
        lock.lock()
        defer { lock.unlock() }
        let before = stored.count
        stored.removeAll { !purposes.isDisjoint(with: $0.purposes) }
        return before - stored.count
    }
}

/// Every error the tracker throws or reports to onError (texts: docs/sdk-api.md).
/// Swift strings are always valid Unicode, so encoding never fails here and
/// there is no EncodingError.
public protocol SdkError: Error, CustomStringConvertible {
    var message: String { get }
}

extension SdkError {
    public var description: String { message }
}

/// The event or the context broke constraints (context paths start with
/// "context."): `invalid event <eventName>: <issue>; <issue>`.
public struct ValidationError: SdkError {
    public let eventName: String
    public let issues: [ValidationIssue]

    public init(eventName: String, issues: [ValidationIssue]) {
        self.eventName = eventName
        self.issues = issues
    }

    public var message: String {
        "invalid event \(eventName): " + issues.map(\.description).joined(separator: "; ")
    }
}

/// The event needs purposes the user has not granted, so it was dropped
/// before encoding: `no consent for event <eventName>: <purpose>, ...`.
/// Reported to onError, never thrown.
public struct ConsentError: SdkError {
    public let eventName: String
    /// The purposes it needs that are not granted, in name order.
    public let missing: [String]

    public init(eventName: String, missing: [String]) {
        self.eventName = eventName
        self.missing = missing
    }

    public var message: String {
        "no consent for event \(eventName): " + missing.joined(separator: ", ")
    }
}

/// The transport threw: `cannot send event <eventName>: <cause>` (the cause
/// as Swift describes it).
public struct TransportError: SdkError {
    public let eventName: String
    public let cause: any Error

    public init(eventName: String, cause: any Error) {
        self.eventName = eventName
        self.cause = cause
    }

    public var message: String {
        "cannot send event \(eventName): \(cause)"
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

public final class Tracker<C: ContextMessage>: @unchecked Sendable {
    // Mutable state (context, warned texts) is guarded by `lock`.
    private let lock = NSLock()
    public let transport: Transport
    private var currentContext: C
    private var warned: Set<String> = []
    private var granted: Set<String> = defaultGrantedPurposes
    private var dropped = 0
    public let policy: Policy
    private let onError: (any SdkError) -> Void
    private let onWarning: (String) -> Void
    private let clock: () -> Timestamp
    private let idGenerator: () -> String
    /// The transport when it takes one wire format: only that one is encoded.
    private let formatTransport: FormatTransport?

    /// - Parameters:
    ///   - onError: validation problems (`.drop`, `.send`) and transport failures; default: stderr.
    ///   - onWarning: each deprecation warning once; default: stderr.
    ///   - clock, idGenerator: injectable for tests; default now() and a random lower-case UUID v4.
    public init(
        transport: Transport,
        context: C,
        policy: Policy = .throw,
        onError: @escaping (any SdkError) -> Void = { printTrackerMessage("tracking error: \($0)") },
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
        formatTransport = transport as? FormatTransport
        formatTransport?.bind(sdk: SdkInfo.current, report: onError)
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

    /// The names of the granted purposes (the typed `consent` is generated beside `Purpose`).
    var grantedPurposes: Set<String> {
        lock.lock()
        defer { lock.unlock() }
        return granted
    }

    /// Events dropped because a purpose they need was not granted.
    public var consentDropped: Int {
        lock.lock()
        defer { lock.unlock() }
        return dropped
    }

    /// Sets the granted purposes (by name); withdrawn ones are purged from the transport.
    func grant(_ purposes: Set<String>) {
        lock.lock()
        let withdrawn = granted.subtracting(purposes)
        granted = purposes
        lock.unlock()
        if !withdrawn.isEmpty { transport.purge(withdrawn) }
    }

    /// Checks consent, validates, encodes and sends `event`; true when it
    /// reached the transport. Throws only under the `.throw` policy, and only
    /// a ValidationError; every other problem goes to onError. An event that
    /// needs a purpose not granted is dropped first (a ConsentError); optional
    /// values whose purposes are not granted are removed before anything else.
    @discardableResult
    public func track<E: TrackableEvent>(_ original: E) throws -> Bool {
        let granted = grantedPurposes
        let needed = E.purposes.union(C.purposes)
        let missing = needed.subtracting(granted).sorted()
        if !missing.isEmpty {
            lock.lock()
            dropped += 1
            lock.unlock()
            onError(ConsentError(eventName: E.eventName, missing: missing))
            return false
        }
        let use = ConsentUse(granted: granted, used: needed)
        let event = original.redacted(use)
        warnIfDeprecated(event)
        let eventId = idGenerator()
        let sdk = SdkInfo.current
        let auto = AutoValues(
            eventId: eventId, clientTimestamp: clock(), modelVersion: sdk.modelVersion,
            sdkName: sdk.name, sdkVersion: sdk.version, consent: purposeNames.filter(granted.contains))
        let filled = context.redacted(use).withAuto(auto)
        var issues = event.validate()
        filled.validate(at: "context", into: &issues)
        if !issues.isEmpty {
            let problem = ValidationError(eventName: E.eventName, issues: issues)
            switch policy {
            case .throw: throw problem
            case .drop:
                onError(problem)
                return false
            case .send: onError(problem)
            }
        }
        if let sink = formatTransport {
            let body = sink.wireFormat == .protobuf
                ? Envelope.protobuf(context: filled, event: event)
                : Array(Envelope.json(context: filled, event: event).utf8)
            do {
                try sink.enqueue(eventName: E.eventName, eventId: eventId, body: body, purposes: use.used.sorted())
            } catch {
                onError(TransportError(eventName: E.eventName, cause: error))
                return false
            }
            return true
        }
        let tracked = TrackedEvent(
            eventName: E.eventName, eventId: eventId,
            protobuf: Envelope.protobuf(context: filled, event: event),
            json: Envelope.json(context: filled, event: event),
            purposes: use.used.sorted())
        do {
            try transport.send(tracked)
        } catch {
            onError(TransportError(eventName: E.eventName, cause: error))
            return false
        }
        return true
    }

    /// Each distinct warning once per tracker, like a log line.
    private func warnIfDeprecated<E: TrackableEvent>(_ event: E) {
        let warnings = event.deprecationWarnings()
        if warnings.isEmpty { return }
        lock.lock()
        let fresh = warnings.filter { warned.insert($0).inserted }
        lock.unlock()
        fresh.forEach { onWarning($0) }
    }
}

/// The default onError / onWarning: one line on standard error. (C stdio:
/// FileHandle's write(_:) traps when the descriptor is closed.)
public func printTrackerMessage(_ message: String) {
    fputs(message + "\n", stderr)
}
