// The delivery test program of the Swift SDK, as an app would use it. It
// follows the protocol of tests/delivery/programs/python_sdk.py:
//
//     program --url URL --queue-dir DIR --phase track|resume [--count N]
//             [--options JSON] [--invalid-at I] [--flush-timeout S]
//             [--consent P,P,...|all] [--withdraw P,P,...]
//
// and prints `tracked <N>`, `consent <dropped>`, `drop <reason> <status or -> <ids>` and
// `done <counters as JSON>`. `--phase bench` times track() on this thread
// and the sustained rate to the collector (bench/delivery.py) and prints
// `bench <JSON>`. The events come from the generated Workload module
// (tests/delivery/swift_program.py): the workload's valid cases, the first
// invalid case of the test plan, the benchmark's heartbeat.

import BroadcasterAnalytics
import Foundation
import Workload

func say(_ line: String) {
    fputs(line + "\n", stdout)
    fflush(stdout)
}

func report(_ error: any SdkError) {
    if let drop = error as? DeliveryError {
        let ids = drop.events.map(\.eventId).joined(separator: ",")
        say("drop \(drop.reason.rawValue) \(drop.status.map(String.init) ?? "-") \(ids)")
    } else if !(error is ValidationError) {  // the invalid event is sent on purpose
        say("error \(type(of: error)) \(error.message.split(whereSeparator: \.isNewline).joined(separator: " "))")
    }
}

func arguments() -> [String: String] {
    var out: [String: String] = [:]
    var rest = CommandLine.arguments.dropFirst()[...]
    while let name = rest.popFirst(), name.hasPrefix("--"), let value = rest.popFirst() {
        out[String(name.dropFirst(2))] = value
    }
    return out
}

/// DeliveryOptions from the protocol's JSON (Python's option names).
func deliveryOptions(_ json: String, queueDir: String) throws -> DeliveryOptions {
    var options = DeliveryOptions(queueDir: queueDir)
    let values = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
    for (name, value) in values {
        let number = (value as? NSNumber)?.doubleValue ?? 0
        switch name {
        case "wire_format": options.wireFormat = WireFormat(rawValue: value as? String ?? "") ?? .protobuf
        case "batch_max_events": options.batchMaxEvents = Int(number)
        case "batch_max_bytes": options.batchMaxBytes = Int(number)
        case "flush_interval": options.flushInterval = number
        case "request_timeout": options.requestTimeout = number
        case "backoff_base": options.backoffBase = number
        case "backoff_max": options.backoffMax = number
        case "retry_after_max": options.retryAfterMax = number
        case "max_attempts": options.maxAttempts = Int(number)
        case "queue_max_events": options.queueMaxEvents = Int(number)
        case "queue_max_bytes": options.queueMaxBytes = Int(number)
        default: throw DeliveryConfigurationError(message: "unknown option \(name)")
        }
    }
    return options
}

func countersJSON(_ counters: DeliveryCounters) -> String {
    let dropped = DropReason.allCases.map { "\"\($0.rawValue)\":\(counters.dropped[$0] ?? 0)" }
    return "{\"tracked\":\(counters.tracked),\"queued\":\(counters.queued),\"sent\":\(counters.sent),"
        + "\"retried\":\(counters.retried),\"requests\":\(counters.requests),\"dropped\":{"
        + dropped.joined(separator: ",") + "}}"
}

func eventId(_ number: Int) -> String {
    let digits = String(number)
    return "00000000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits
}

func waitUntilQueued(_ transport: HttpTransport) {
    while transport.counters().buffered > 0 { usleep(5_000) }
}

/// The purposes of a --consent or --withdraw list ("all": every purpose of the model).
func purposes(_ names: String) throws -> Set<Purpose> {
    if names == "all" { return Set(Purpose.allCases) }
    return Set(try names.split(separator: ",").map { name in
        guard let purpose = Purpose(rawValue: String(name)) else {
            throw DeliveryConfigurationError(message: "not a purpose: \(name)")
        }
        return purpose
    })
}

func run(_ args: [String: String]) throws -> Int32 {
    guard let url = args["url"], let queueDir = args["queue-dir"], let phase = args["phase"] else {
        fputs("usage: DeliveryProgram --url URL --queue-dir DIR --phase track|resume|bench ...\n", stderr)
        return 2
    }
    let count = Int(args["count"] ?? "0") ?? 0
    if phase == "bench" {
        return try bench(url: url, queueDir: queueDir, count: count, sustained: Int(args["sustained"] ?? "0") ?? 0)
    }
    let options = try deliveryOptions(args["options"] ?? "{}", queueDir: queueDir)
    let transport = try HttpTransport(url: url, options: options)
    if phase == "track" {
        let events = workloadEvents()
        let invalidAt = Int(args["invalid-at"] ?? "-1") ?? -1
        var current = 0  // the id of the event being tracked (one the tracker drops takes none)
        let tracker = Tracker(transport: transport, context: workloadContext(), policy: .send, onError: report,
                              clock: { clientTimestamp }, idGenerator: { eventId(current) })
        let granted = try purposes(args["consent"] ?? "all")
        tracker.consent = granted
        for index in 0..<count {
            current = index
            _ = try (index == invalidAt ? invalidEvent : events[index % events.count])(tracker)
        }
        waitUntilQueued(transport)
        say("tracked \(count)")
        say("consent \(tracker.consentDropped)")
        let withdrawn = try purposes(args["withdraw"] ?? "")
        if !withdrawn.isEmpty { tracker.consent = granted.subtracting(withdrawn) }
    } else {
        _ = Tracker(transport: transport, context: workloadContext(), onError: report)
    }
    transport.flush(timeout: Double(args["flush-timeout"] ?? "60") ?? 60)
    say("done " + countersJSON(transport.counters()))
    transport.close(timeout: 5)
    return 0
}

/// p50 and p99 microseconds of `call` over `count` calls (after a warm-up).
func percentiles(_ count: Int, _ call: () throws -> Void) rethrows -> (Double, Double) {
    for _ in 0..<min(2_000, count) { try call() }
    var samples: [UInt64] = []
    samples.reserveCapacity(count)
    for _ in 0..<count {
        let started = DispatchTime.now().uptimeNanoseconds
        try call()
        samples.append(DispatchTime.now().uptimeNanoseconds - started)
    }
    samples.sort()
    return (Double(samples[count / 2]) / 1000, Double(samples[Int(Double(count) * 0.99)]) / 1000)
}

func bench(url: String, queueDir: String, count: Int, sustained: Int) throws -> Int32 {
    // Caps large enough for the timing loop (it outruns the collector); the
    // other defaults are what users get.
    let transport = try HttpTransport(url: url, options: DeliveryOptions(
        queueMaxEvents: 1_000_000, queueMaxBytes: 1_000_000_000, queueDir: queueDir))
    let tracker = Tracker(transport: transport, context: benchContext(), onError: report)
    tracker.consent = Set(Purpose.allCases)  // the heartbeat needs analytics
    let fast = try percentiles(count) { _ = try heartbeat(tracker) }
    guard transport.flush(timeout: 120) else { throw DeliveryConfigurationError(message: "flush timed out") }
    let memory = Tracker(transport: InMemoryTransport(), context: benchContext())
    memory.consent = Set(Purpose.allCases)
    let generic = try percentiles(count) { _ = try heartbeat(memory) }
    let before = transport.counters()
    let started = DispatchTime.now().uptimeNanoseconds
    var tracked = 0
    while tracked < sustained {
        for _ in 0..<min(1_000, sustained - tracked) { _ = try heartbeat(tracker) }
        tracked += min(1_000, sustained - tracked)
        while true {  // a stream, not a burst
            let now = transport.counters()
            if now.queued + now.buffered <= 5_000 { break }
            usleep(5_000)
        }
    }
    guard transport.flush(timeout: 120) else { throw DeliveryConfigurationError(message: "flush timed out") }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    let after = transport.counters()
    transport.close(timeout: 10)
    say("bench {\"track_p50\":\(fast.0),\"track_p99\":\(fast.1),\"generic_p50\":\(generic.0),"
        + "\"generic_p99\":\(generic.1),\"sustained\":\(sustained),\"sent\":\(after.sent - before.sent),"
        + "\"dropped\":\(after.droppedTotal),\"seconds\":\(seconds),\"requests\":\(after.requests - before.requests)}")
    return 0
}

do {
    exit(try run(arguments()))
} catch {
    fputs("DeliveryProgram: \(error)\n", stderr)
    exit(1)
}
