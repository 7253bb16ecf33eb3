// Runtime: HttpTransport, the built-in delivery to the collector
// (docs/delivery.md). The caller's thread only appends the encoded envelope
// to a buffer; one serial DispatchQueue moves it into the queue file, forms
// batches from the head, posts one request at a time (URLSession) and acts
// on the answer. Events leave the queue only after a 2xx, or when dropped
// (each drop reported to onError).

import Foundation

/// Tracking after close(): reported by the tracker as a TransportError.
public struct TransportClosedError: SdkError {
    public var message: String { "the transport is closed" }
}

public final class HttpTransport: FormatTransport, @unchecked Sendable {
    /// The in-memory buffer holds at least this many events before the
    /// newest are dropped (only when the queue file takes nothing).
    static let bufferMin = 10_000

    public let options: DeliveryOptions
    /// The collector's base URL; requests go to `<url>/v1/batch`.
    public let url: String
    public var wireFormat: WireFormat { options.wireFormat }

    // The caller's side, guarded by `lock`.
    private let lock = NSLock()
    private var buffer: [Pending] = []
    private var buffered = 0  // events in `buffer` and being persisted
    private var tracked = 0
    private var overflow: [DroppedEvent] = []
    private var persistScheduled = false
    private var closed = false
    private var halted = false  // close() has stopped the delivery queue
    private var bound: ((any SdkError) -> Void)?

    // The delivery side: touched on `work` only.
    private let work: DispatchQueue
    private static let onWork = DispatchSpecificKey<ObjectIdentifier>()
    private let onError: ((any SdkError) -> Void)?
    private let poster: Poster
    private var journal = QueueJournal()
    private var queue = EventQueue()
    private var flushes: [FlushRequest] = []
    private var splits: [[Int]] = []
    private var inFlight: [Int] = []
    private var requestActive = false
    private var failures = 0
    private var backoffUntil = 0.0
    private var nextExpiry = 0.0
    private var wakeAt: Double?
    private var stopping = false
    private var stopped: DispatchSemaphore?
    private var counts = DeliveryCounters()
    private var random = SystemRandomNumberGenerator()
    private var observers: [NSObjectProtocol] = []

    /// - Parameters:
    ///   - url: the collector's base URL, `http(s)://host[:port][/path]`.
    ///   - onError: every DeliveryError (one per drop) and queue problem,
    ///     called on the delivery queue (keep it short; never call flush or
    ///     close from it); default: the tracker's onError.
    /// - Throws: DeliveryConfigurationError for a bad URL or setting.
    public init(url: String, options: DeliveryOptions = DeliveryOptions(),
                onError: ((any SdkError) -> Void)? = nil) throws {
        try options.validate()
        guard let base = URLComponents(string: url), let scheme = base.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = base.host, !host.isEmpty,
              base.query == nil, base.fragment == nil,
              let endpoint = URL(string: url.hasSuffix("/") ? url + "v1/batch" : url + "/v1/batch") else {
            throw DeliveryConfigurationError(
                message: "the collector URL must be http(s)://host[:port][/path], not \(JSONValue.string(url).canonicalString())")
        }
        self.options = options
        self.url = url
        self.onError = onError
        let sdk = SdkInfo.current
        var headers = ["Accept": "application/json", "User-Agent": "\(sdk.name)/\(sdk.version) (\(HttpTransport.platform))"]
        for (name, value) in options.headers {
            headers = headers.filter { $0.key.lowercased() != name.lowercased() }
            headers[name] = value
        }
        poster = Poster(endpoint: endpoint, timeout: options.requestTimeout, gzipMinBytes: options.gzipMinBytes,
                        headers: headers)
        work = DispatchQueue(label: sdk.name + ".delivery", qos: .utility)
        work.setSpecific(key: HttpTransport.onWork, value: ObjectIdentifier(self))
        work.async { self.open() }
        observers = observeBackground()
    }

    deinit {
        // Without close(): nothing is pending on the queue any more (its
        // closures hold the transport), so the files and the session go.
        observers.forEach { NotificationCenter.default.removeObserver($0) }
        journal.close()
        poster.close()
    }

    // MARK: The tracker's side (no I/O)

    public func bind(sdk: SdkInfo, report: @escaping (any SdkError) -> Void) {
        lock.lock()
        bound = report
        lock.unlock()
    }

    /// Hands over one envelope in `wireFormat`; returns at once.
    public func enqueue(eventName: String, eventId: String, body: [UInt8], purposes: [String] = []) throws {
        lock.lock()
        if closed {
            lock.unlock()
            throw TransportClosedError()
        }
        tracked += 1
        if buffered >= max(options.queueMaxEvents, HttpTransport.bufferMin) {  // the disk is stuck
            overflow.append(DroppedEvent(eventId: eventId, eventName: eventName))
        } else {
            buffer.append(.event(Entry(eventId: eventId, eventName: eventName, body: body,
                                       purposes: purposes.isEmpty ? nil : purposes)))
            buffered += 1
        }
        let schedule = !persistScheduled
        persistScheduled = true
        lock.unlock()
        if schedule { work.async { self.persist() } }
    }

    /// The user withdrew `purposes` (the tracker calls this): every event
    /// handed over that needs one of them, and is not in a request already on
    /// its way, leaves the queue and its journal before the next request
    /// (dropped as `consent_withdrawn`, reported). Events an earlier run
    /// queued without their purposes count as needing every purpose. Applied
    /// on the delivery queue in hand-over order; returns 0 (the count comes
    /// with the drop report).
    @discardableResult
    public func purge(_ purposes: Set<String>) -> Int {
        if purposes.isEmpty { return 0 }
        lock.lock()
        buffer.append(.purge(purposes))
        let schedule = !persistScheduled
        persistScheduled = true
        lock.unlock()
        if schedule { work.async { self.persist() } }
        return 0
    }

    // MARK: The app's controls

    /// Waits until every event handed over before this call was sent or
    /// dropped (true), or `timeout` seconds passed (false). Backoff and
    /// Retry-After are honoured, never cut short.
    @discardableResult
    public func flush(timeout: TimeInterval? = nil) -> Bool {
        if isOnWork { return false }  // it would wait for itself
        let request = FlushRequest()
        lock.lock()
        if halted {
            lock.unlock()
            return counters().queued == 0
        }
        buffer.append(.flush(request))
        let schedule = !persistScheduled
        persistScheduled = true
        lock.unlock()
        if schedule { work.async { self.persist() } }
        let done = request.wait(timeout)
        if !done { work.async { self.flushes.removeAll { $0 === request } } }
        return done
    }

    /// Flushes for at most `timeout` seconds, then stops (waiting for a
    /// request in flight, at most `requestTimeout`); what is still queued
    /// stays in the queue file for the next start. True when nothing was left.
    @discardableResult
    public func close(timeout: TimeInterval? = nil) -> Bool {
        if isOnWork { return false }
        lock.lock()
        let already = closed
        closed = true
        lock.unlock()
        if already { return counters().queued == 0 }
        let done = flush(timeout: timeout)
        let stopped = DispatchSemaphore(value: 0)
        work.async {
            self.stopping = true
            if self.requestActive { self.stopped = stopped } else { stopped.signal() }
        }
        _ = stopped.wait(timeout: .now() + options.requestTimeout + 1)
        work.sync {
            journal.close()
            poster.close()
        }
        lock.lock()
        halted = true
        lock.unlock()
        observers.forEach { NotificationCenter.default.removeObserver($0) }
        observers = []
        return done
    }

    /// A snapshot of what happened so far.
    public func counters() -> DeliveryCounters {
        isOnWork ? snapshot() : work.sync { snapshot() }
    }

    private var isOnWork: Bool {
        DispatchQueue.getSpecific(key: HttpTransport.onWork) == ObjectIdentifier(self)
    }

    private func snapshot() -> DeliveryCounters {
        var out = counts
        lock.lock()
        out.tracked = tracked
        out.buffered = buffered
        lock.unlock()
        out.queued = queue.count
        out.inFlight = inFlight.count
        return out
    }

    // MARK: Reporting (on `work`)

    private func report(_ error: any SdkError) {
        lock.lock()
        let handler = onError ?? bound
        lock.unlock()
        if let handler { handler(error) } else { printTrackerMessage("delivery error: \(error)") }
    }

    private func drop(_ reason: DropReason, _ events: [QueuedEvent], status: Int? = nil, detail: String = "") {
        if events.isEmpty { return }
        counts.dropped[reason, default: 0] += events.count
        report(DeliveryError(reason: reason, events: events.map { DroppedEvent(eventId: $0.eventId, eventName: $0.eventName) },
                             status: status, detail: detail))
    }

    // MARK: Storage (on `work`)

    private func open() {
        if options.persist {
            let folder = options.queueDir ?? QueueLocation.defaultDirectory(url: url, sdkName: SdkInfo.current.name)
            do {
                journal = try QueueJournal(directory: folder)
            } catch {
                report(QueueStorageError(message: "\(error); events are kept in memory only"))
            }
        }
        queue.append(journal.loaded)
        pump()
    }

    private func persist() {
        lock.lock()
        let items = buffer
        buffer = []
        persistScheduled = false
        let dropped = overflow
        overflow = []
        lock.unlock()
        var entries: [Entry] = []
        for item in items {
            switch item {
            case .event(let entry):
                entries.append(entry)
            case .purge(let purposes):
                store(&entries)
                let victims = queue.all.filter { event in
                    !inFlight.contains(event.seq) && (event.purposes?.contains(where: purposes.contains) ?? true)
                }
                remove(victims.map(\.seq))
                drop(.consentWithdrawn, victims, detail: "consent withdrawn: " + purposes.sorted().joined(separator: ", "))
            case .flush(let request):
                store(&entries)
                request.target = queue.last?.seq ?? 0
                flushes.append(request)
            }
        }
        store(&entries)
        if !dropped.isEmpty {
            counts.dropped[.queueFull, default: 0] += dropped.count
            report(DeliveryError(reason: .queueFull, events: dropped, detail: "the buffer was full"))
        }
        let victims = queue.overCaps(maxEvents: options.queueMaxEvents, maxBytes: options.queueMaxBytes,
                                     keep: Set(inFlight))
        if !victims.isEmpty {
            remove(victims.map(\.seq))
            drop(.queueFull, victims, detail: "the queue was full: the oldest went first")
        }
        checkFlushes()
        pump()
    }

    private func store(_ entries: inout [Entry]) {
        if entries.isEmpty { return }
        let now = HttpTransport.nowMs()
        if let added = journal.add(entries, format: wireFormat, atMs: now) {
            queue.append(added)
        } else {
            let lost = entries.map { QueuedEvent(seq: 0, eventId: $0.eventId, eventName: $0.eventName, format: wireFormat,
                                                 body: [], queuedAtMs: now) }
            drop(.storageError, lost, detail: "the queue file refused the write")
        }
        lock.lock()
        buffered -= entries.count
        lock.unlock()
        entries = []
    }

    private func remove(_ seqs: [Int]) {
        queue.remove(seqs)
        journal.deleted(seqs) { queue.all }
    }

    // MARK: Sending (on `work`)

    /// Sends the next batch when the queue is due, else sleeps until it is.
    private func pump() {
        if stopping || requestActive { return }
        let now = Poster.monotonic()
        if now < backoffUntil {
            wake(at: backoffUntil)
            return
        }
        if now >= nextExpiry {
            nextExpiry = now + 1
            let expired = queue.older(thanMs: HttpTransport.nowMs() - Int64(options.queueMaxAge * 1000))
            if !expired.isEmpty {
                remove(expired.map(\.seq))
                drop(.expired, expired, detail: "older than queueMaxAge")
                checkFlushes()
            }
        }
        guard let oldest = queue.first else { return }
        let age = Double(HttpTransport.nowMs() - oldest.queuedAtMs) / 1000
        let due = !splits.isEmpty || queue.count >= options.batchMaxEvents || queue.bytes >= options.batchMaxBytes
            || flushes.contains { ($0.target ?? 0) >= oldest.seq } || age >= options.flushInterval
        if !due {
            wake(at: now + min(options.flushInterval - age, 1))
            return
        }
        let batch = takeBatch()
        if !batch.isEmpty { send(batch) }
    }

    private func wake(at moment: Double) {
        if let pending = wakeAt, pending <= moment { return }
        wakeAt = moment
        work.asyncAfter(deadline: .now() + max(0, moment - Poster.monotonic())) {
            if self.wakeAt == moment { self.wakeAt = nil }
            self.pump()
        }
    }

    private func takeBatch() -> [QueuedEvent] {
        var rows: [QueuedEvent] = []
        while let first = splits.first {
            rows = queue.events(first)
            if !rows.isEmpty { break }
            splits.removeFirst()  // its events were dropped meanwhile
        }
        if splits.isEmpty { rows = queue.head(options.batchMaxEvents) }
        var batch: [QueuedEvent] = []
        var size = Batch.overhead
        for row in rows {
            if let format = batch.first?.format, row.format != format { break }
            size += Batch.recordSize(row.body.count, format: row.format)
            if !batch.isEmpty && size > options.batchMaxBytes { break }
            batch.append(row)
        }
        return batch
    }

    private func send(_ batch: [QueuedEvent]) {
        requestActive = true
        inFlight = batch.map(\.seq)
        counts.requests += 1
        let format = batch[0].format
        let body = Batch.encode(batch.map(\.body), sentAt: Timestamp.now(), format: format)  // on every attempt
        poster.post(body, format: format) { answer in
            self.work.async { self.answered(batch, answer) }
        }
    }

    private func answered(_ batch: [QueuedEvent], _ answer: Answer) {
        requestActive = false
        inFlight = []
        let seqs = batch.map(\.seq)
        if splits.first == seqs && answer.outcome != .retry { splits.removeFirst() }
        switch answer.outcome {
        case .delivered:
            remove(seqs)
            failures = 0
            backoffUntil = 0
            let rejected = answer.rejected.filter { $0.index >= 0 && $0.index < batch.count }
            let indices = Set(rejected.map(\.index))
            counts.sent += batch.count - indices.count
            if !indices.isEmpty {
                counts.dropped[.rejected, default: 0] += indices.count
                let events = indices.sorted().map { index in
                    DroppedEvent(eventId: batch[index].eventId, eventName: batch[index].eventName,
                                 reasons: rejected.first { $0.index == index }?.reasons ?? [])
                }
                report(DeliveryError(reason: .rejected, events: events, status: answer.status,
                                     detail: "the collector rejected them"))
            }
        case .split where batch.count == 1:
            remove(seqs)
            drop(.tooLarge, batch, status: answer.status, detail: answer.detail)
        case .split:
            let half = (batch.count + 1) / 2
            splits.insert(Array(seqs[half...]), at: 0)
            splits.insert(Array(seqs[..<half]), at: 0)
        case .drop:
            remove(seqs)
            failures = 0
            backoffUntil = 0
            drop(.clientError, batch, status: answer.status, detail: answer.detail)
        case .retry:
            retry(seqs, answer)
        }
        checkFlushes()
        if stopping {
            stopped?.signal()
        } else {
            pump()
        }
    }

    private func retry(_ seqs: [Int], _ answer: Answer) {
        failures += 1
        let delay: TimeInterval
        if let after = answer.retryAfter {
            delay = min(after, options.retryAfterMax)
        } else {
            let ceiling = min(options.backoffMax, options.backoffBase * pow(2, Double(min(failures - 1, 32))))
            delay = Double.random(in: 0...ceiling, using: &random)
        }
        backoffUntil = Poster.monotonic() + delay
        let now = HttpTransport.nowMs()
        journal.tried(seqs, atMs: now)
        let updated = queue.tried(seqs, atMs: now)
        let maxAgeMs = Int64(options.maxRetryAge * 1000)
        let exhausted = updated.filter {
            $0.attempts >= options.maxAttempts || now - ($0.firstAttemptMs ?? now) >= maxAgeMs
        }
        if !exhausted.isEmpty {
            remove(exhausted.map(\.seq))
            let last = answer.status.map { "HTTP \($0)" } ?? "no answer"
            drop(.retriesExhausted, exhausted, detail: "last attempt: \(last) \(answer.detail)")
        }
        counts.retried += updated.count - exhausted.count
    }

    /// Releases every flush whose events have all left the queue.
    private func checkFlushes() {
        let oldest = queue.first?.seq ?? Int.max
        flushes.removeAll { request in
            guard let target = request.target, oldest > target else { return false }
            request.finish()
            return true
        }
    }

    static func nowMs() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    static var platform: String {
        #if os(iOS)
        return "swift; ios"
        #elseif os(macOS)
        return "swift; macos"
        #elseif os(tvOS)
        return "swift; tvos"
        #elseif os(watchOS)
        return "swift; watchos"
        #elseif os(Linux)
        return "swift; linux"
        #else
        return "swift"
        #endif
    }
}

/// What the caller hands to the delivery queue, in order.
private enum Pending {
    case event(Entry)
    case purge(Set<String>)
    case flush(FlushRequest)
}

/// A flush() waiting for every event queued before it (`target`: the last
/// seq then).
private final class FlushRequest: @unchecked Sendable {
    var target: Int?  // set on the delivery queue
    private let done = DispatchSemaphore(value: 0)

    func finish() {
        done.signal()
    }

    func wait(_ timeout: TimeInterval?) -> Bool {
        guard let timeout else {
            done.wait()
            return true
        }
        return done.wait(timeout: .now() + max(0, timeout)) == .success
    }
}
