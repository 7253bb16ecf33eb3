// Runtime: the request body of the collection protocol and the transports
// that take one wire format (docs/delivery.md, docs/wire-contract.md "The
// batch").

import Foundation

/// The format of request bodies: the tracker encodes only this one.
public enum WireFormat: String, Sendable, CaseIterable {
    case protobuf
    case json

    /// The request's Content-Type.
    public var contentType: String {
        self == .protobuf ? "application/x-protobuf" : "application/json"
    }
}

/// A transport that takes envelopes in one wire format (HttpTransport): the
/// tracker encodes only that format and hands the bytes to `enqueue` on the
/// caller's thread, which must return at once (no I/O).
public protocol FormatTransport: Transport {
    var wireFormat: WireFormat { get }
    /// One envelope: Protobuf bytes, or canonical JSON as UTF-8; `purposes`:
    /// those the event needs, in name order (`purge` forgets it when one is withdrawn).
    func enqueue(eventName: String, eventId: String, body: [UInt8], purposes: [String]) throws
    /// Called once by the tracker: its SDK and its error handler (the
    /// fallback for delivery errors).
    func bind(sdk: SdkInfo, report: @escaping (any SdkError) -> Void)
}

extension FormatTransport {
    public func bind(sdk: SdkInfo, report: @escaping (any SdkError) -> Void) {}

    /// An envelope with both encodings: its `wireFormat` one is enqueued.
    public func send(_ event: TrackedEvent) throws {
        let body = wireFormat == .protobuf ? event.protobuf : Array(event.json.utf8)
        try enqueue(eventName: event.eventName, eventId: event.eventId, body: body, purposes: event.purposes)
    }
}

/// The `Batch` message: the envelopes in tracking order, then `sent_at` (the
/// client's clock at this attempt). Byte-identical in every SDK.
public enum Batch {
    /// Bytes a batch adds around its records, at most (the JSON frame and a
    /// nanosecond `sent_at`, or the `sent_at` record).
    public static let overhead = 64

    /// The body of one request; `envelopes` are in `format` (Protobuf bytes,
    /// or canonical JSON as UTF-8).
    public static func encode(_ envelopes: [[UInt8]], sentAt: Timestamp, format: WireFormat) -> [UInt8] {
        switch format {
        case .protobuf:
            var writer = ProtoWriter()
            for envelope in envelopes {
                writer.tag(1, .lengthDelimited)
                writer.lengthDelimited(envelope)
            }
            writer.scalar(2, sentAt, .message)
            return writer.bytes
        case .json:
            var out = Array("{\"events\":[".utf8)
            out.reserveCapacity(envelopes.reduce(overhead) { $0 + $1.count + 1 })
            for (index, envelope) in envelopes.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: envelope)
            }
            out.append(contentsOf: Array("],\"sent_at\":\"".utf8))
            out.append(contentsOf: Array(sentAt.toRfc3339().utf8))
            out.append(contentsOf: Array("\"}".utf8))
            return out
        }
    }

    /// What one envelope of `size` bytes adds to a body: its record (tag,
    /// length and bytes) in Protobuf, the envelope and a comma in JSON.
    public static func recordSize(_ size: Int, format: WireFormat) -> Int {
        guard format == .protobuf else { return size + 1 }
        var length = 1
        var rest = size >> 7
        while rest > 0 {
            length += 1
            rest >>= 7
        }
        return 1 + length + size
    }
}
