// The Swift SDK (bundled model) on video_heartbeat with its context: absolute
// figures for Protobuf (swift-protobuf cannot be fetched here) and JSON beside
// Foundation's JSONEncoder on an equivalent Codable struct. bench/runtime.py
// adds this file as an executable target to a copy of the package and builds
// it in release mode. Prints one JSON line per measurement.
import BroadcasterAnalytics
import Foundation
#if canImport(Glibc)
import Glibc
#endif

let eventId = "00000000-0000-4000-8000-000000000001"
let clock = Timestamp(seconds: 1_700_000_000, nanos: 250_000_000)
let buffer: [Float] = [12.5, 12.0, 11.5, 11.0, 10.5]
var sink = 0

/// Seconds of this process's CPU time.
func cpu() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// Operations per CPU second: a warm-up, then the best of three runs.
func perSecond(_ seconds: Double = 0.6, _ operation: () -> Int) -> Double {
    var batch = 1
    var started = cpu()
    while cpu() - started < seconds / 3 {
        for _ in 0..<batch { sink &+= operation() }
        batch *= 2
    }
    batch = max(1, batch / 8)
    var best = 0.0
    for _ in 0..<3 {
        var done = 0
        started = cpu()
        var elapsed = 0.0
        while true {
            elapsed = cpu() - started
            if elapsed >= seconds { break }
            for _ in 0..<batch { sink &+= operation() }
            done += batch
        }
        best = max(best, Double(done) / elapsed)
    }
    return best
}

func ourEvent() -> VideoHeartbeat {
    VideoHeartbeat(
        playbackId: "0123456789abcdef0123456789abcdef",
        position: PlaybackPosition(offsetMs: 120_000, durationMs: 3_600_000, fraction: 0.25),
        bitrateKbps: 4500, droppedFrames: 2, bufferHealthS: buffer)
}

/// The event's canonical JSON as Codable sees it: the same keys and values.
struct CodablePosition: Codable {
    let offset_ms: String
    let duration_ms: String
    let fraction: Double
}

struct CodableHeartbeat: Codable {
    let playback_id: String
    let position: CodablePosition
    let heartbeat_interval_s: UInt32
    let bitrate_kbps: UInt32
    let dropped_frames: String
    let buffer_health_s: [Float]
}

let context = TrackingContext(
    product: .news, platform: .web, appName: "News web", appVersion: "4.12.1", sessionId: "s-42",
    locale: "en-GB")
let transport = InMemoryTransport()
let tracker = Tracker(transport: transport, context: context, clock: { clock }, idGenerator: { eventId })
tracker.consent = [.analytics]  // stamped into the context as ["analytics"]
let sdk = SdkInfo.current

func ourProto() -> Int {
    let event = ourEvent()
    precondition(event.validate().isEmpty)
    return event.toProtobuf().count
}

func ourEnvelope() -> Int {
    let event = ourEvent()
    let auto = AutoValues(eventId: eventId, clientTimestamp: clock, modelVersion: sdk.modelVersion,
                          sdkName: sdk.name, sdkVersion: sdk.version, consent: ["analytics"])
    let filled = context.withAuto(auto)
    var issues = event.validate()
    filled.validate(at: "context", into: &issues)
    precondition(issues.isEmpty)
    return Envelope.protobuf(context: filled, event: event).count
}

func track() -> Int {
    let sent = (try? tracker.track(ourEvent())) ?? false
    if transport.events.count > 1000 { transport.clear() }
    return sent ? 1 : 0
}

// A one-format transport, as HttpTransport is to the tracker: Protobuf envelopes only.
final class ProtobufSink: FormatTransport {
    let wireFormat = WireFormat.protobuf
    var last: [UInt8] = []
    func enqueue(eventName: String, eventId: String, body: [UInt8], purposes: [String]) throws { last = body }
}
let sink1 = ProtobufSink()
let protobufOnly = Tracker(transport: sink1, context: context, clock: { clock }, idGenerator: { eventId })
protobufOnly.consent = [.analytics]

func trackProtobuf() -> Int {
    let sent = (try? protobufOnly.track(ourEvent())) ?? false
    precondition(sent, "not tracked")
    return sink1.last.count
}

let encoder = JSONEncoder()
encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
func codableJson() -> Int {
    let event = CodableHeartbeat(
        playback_id: "0123456789abcdef0123456789abcdef",
        position: CodablePosition(offset_ms: "120000", duration_ms: "3600000", fraction: 0.25),
        heartbeat_interval_s: 30, bitrate_kbps: 4500, dropped_frames: "2", buffer_health_s: buffer)
    return (try? encoder.encode(event).count) ?? 0
}

func json(_ op: String, _ ours: Double, _ official: [(String, Double)]) -> String {
    let others = official.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ")
    return "{\"sdk\": \"swift\", \"op\": \"\(op)\", \"ours\": \(ours), \"official\": {\(others)}}"
}

print(json("event protobuf: build + validate + encode", perSecond { ourProto() }, []))
print(json("envelope protobuf: build + validate + encode", perSecond { ourEnvelope() }, []))
_ = trackProtobuf()
_ = track()
precondition(sink1.last == transport.events.last!.protobuf, "the one-format envelope differs")
print(json("envelope protobuf: Tracker.track(), one-format transport", perSecond { trackProtobuf() }, []))
print(json("envelope, both formats: track() to InMemoryTransport", perSecond { track() }, []))
print(json("event JSON: build + encode", perSecond { ourEvent().toJson().utf8.count },
           [("Foundation JSONEncoder (Codable)", perSecond { codableJson() })]))
if sink == 42 { print("") }
