// Runtime: the Protobuf encoder shared by every generated type. Generated
// code makes one call per property; a Codec says how one value of a model
// type is written (Protobuf payload, canonical JSON, implicit-presence zero).

/// A value that encodes as a Protobuf message and a JSON object, and checks
/// the model's constraints. Every event, object, the context and Timestamp.
public protocol ProtoMessage {
    /// Appends this message's fields (not a length prefix) to `writer`.
    func writeFields(to writer: inout ProtoWriter)
    /// This message as a canonical-JSON value.
    func toJsonValue() -> JSONValue
    /// Appends every broken constraint; `path` is the location of this value
    /// ("" at the top).
    func validate(at path: String, into errors: inout [ValidationIssue])
    /// Appends the deprecation warnings of what this value uses; `path`
    /// (ending in ".") is its place below the event, e.g. "article_read.player.".
    func deprecationWarnings(at path: String, into warnings: inout [String])
    /// A copy without the optional values whose purposes `consent` does not
    /// grant, inside objects too (docs/event-model.md, "Purposes").
    func redacted(_ consent: ConsentUse) -> Self
}

extension ProtoMessage {
    /// The Protobuf encoding of this message alone.
    public func toProtobuf() -> [UInt8] {
        var writer = ProtoWriter()
        writeFields(to: &writer)
        return writer.bytes
    }

    /// The canonical JSON (RFC 8785) of this message alone.
    public func toJson() -> String {
        toJsonValue().canonicalString()
    }

    /// Every broken constraint; empty when the value is valid.
    public func validate() -> [ValidationIssue] {
        var errors: [ValidationIssue] = []
        validate(at: "", into: &errors)
        return errors
    }

    /// Nothing deprecated in it (generated types that can hold something
    /// deprecated implement this).
    public func deprecationWarnings(at path: String, into warnings: inout [String]) {}

    /// Nothing to remove (generated types that can lose values implement this).
    public func redacted(_ consent: ConsentUse) -> Self { self }
}

/// The consent one event is tracked under: which values may stay, and the
/// purposes of those kept (`used`, which starts as those the event needs).
public final class ConsentUse {
    public let granted: Set<String>
    public private(set) var used: Set<String>

    public init(granted: Set<String>, used: Set<String> = []) {
        self.granted = granted
        self.used = used
    }

    /// Whether a value that needs `purposes` may stay; if so, they count as used.
    public func allows(_ purposes: Set<String>) -> Bool {
        guard purposes.isSubset(of: granted) else { return false }
        used.formUnion(purposes)
        return true
    }
}

/// An enum of the model: a case per model value, the raw value being the
/// model value name. `number` is the Protobuf number, `jsonName` the
/// Protobuf identifier that canonical JSON uses.
public protocol ProtoEnum: RawRepresentable, Sendable where RawValue == String {
    var number: Int32 { get }
    var jsonName: String { get }
    /// The predicate of the value's deprecation warning ("is deprecated since
    /// 1.0.0: reason"), or nil.
    var deprecated: String? { get }
}

extension ProtoEnum {
    public var deprecated: String? { nil }

    /// The warning for this value held at `path` (a property path), if it is deprecated.
    public func deprecationWarnings(at path: String, into warnings: inout [String]) {
        if let predicate = deprecated {
            warnings.append(path + " value " + JSONValue.string(rawValue).canonicalString() + " " + predicate)
        }
    }
}

public enum WireType: UInt64, Sendable {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case fixed32 = 5
}

/// How values of one model type are encoded.
public struct Codec<T> {
    let wireType: WireType
    /// Numbers, bools and enums: repeated fields use one packed record.
    let packable: Bool
    /// The value an implicit-presence field leaves out (bitwise for floats).
    let isDefault: (T) -> Bool
    /// Writes the value without its tag (length prefix included for LEN).
    let payload: (T, inout ProtoWriter) -> Void
    let json: (T) -> JSONValue
}

/// Appends Protobuf records to a byte array, in the order the calls come
/// (generated code calls in field-number order).
public struct ProtoWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {
        bytes.reserveCapacity(128)
    }

    // MARK: Fields

    /// A field with implicit presence: left out when it holds the default.
    /// Messages (objects, timestamps) have no default and are always written.
    public mutating func scalar<T>(_ field: Int, _ value: T, _ codec: Codec<T>) {
        if codec.isDefault(value) { return }
        tag(field, codec.wireType)
        codec.payload(value, &self)
    }

    /// A field with explicit presence: written whenever set, even when zero.
    public mutating func optional<T>(_ field: Int, _ value: T?, _ codec: Codec<T>) {
        guard let value else { return }
        tag(field, codec.wireType)
        codec.payload(value, &self)
    }

    /// A list: one packed record for numbers, bools and enums (none when
    /// empty), otherwise one record per element.
    public mutating func repeated<T>(_ field: Int, _ values: [T], _ codec: Codec<T>) {
        if values.isEmpty { return }
        if codec.packable {
            tag(field, .lengthDelimited)
            nested { writer in
                for value in values { codec.payload(value, &writer) }
            }
        } else {
            for value in values {
                tag(field, codec.wireType)
                codec.payload(value, &self)
            }
        }
    }

    /// A map: one entry message per key in code point order, key and value
    /// both always written.
    public mutating func map<T>(_ field: Int, _ entries: [MapKey: T], _ codec: Codec<T>) {
        for key in entries.keys.sorted() {
            tag(field, .lengthDelimited)
            nested { entry in
                entry.tag(1, .lengthDelimited)
                entry.string(key.string)
                entry.tag(2, codec.wireType)
                codec.payload(entries[key]!, &entry)
            }
        }
    }

    // MARK: Primitives

    public mutating func tag(_ field: Int, _ wireType: WireType) {
        varint(UInt64(truncatingIfNeeded: field) << 3 | wireType.rawValue)
    }

    public mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    public mutating func fixed32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
        }
    }

    public mutating func fixed64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    public mutating func lengthDelimited(_ payload: [UInt8]) {
        varint(UInt64(payload.count))
        bytes.append(contentsOf: payload)
    }

    /// Length-prefixed UTF-8, straight from the string's storage.
    public mutating func string(_ value: String) {
        let utf8 = value.utf8
        varint(UInt64(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// A length-delimited value that `body` writes in place: one byte is
    /// kept for the length, and the value moves up when its length needs
    /// more (no writer and no copy per nested message or packed list).
    public mutating func nested(_ body: (inout ProtoWriter) -> Void) {
        let start = bytes.count
        bytes.append(0)
        body(&self)
        let length = bytes.count - start - 1
        if length < 0x80 {
            bytes[start] = UInt8(length)
            return
        }
        var prefix: [UInt8] = []
        var rest = UInt64(length)
        while rest >= 0x80 {
            prefix.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        prefix.append(UInt8(rest))
        bytes.replaceSubrange(start..<start + 1, with: prefix)
    }
}

// MARK: Codecs per model type

extension Codec where T == Int32 {
    public static var int32: Codec<Int32> {
        Codec(wireType: .varint, packable: true, isDefault: { $0 == 0 },
              payload: { $1.varint(UInt64(bitPattern: Int64($0))) },
              json: { .number(Double($0)) })
    }
}

extension Codec where T == Int64 {
    public static var int64: Codec<Int64> {
        Codec(wireType: .varint, packable: true, isDefault: { $0 == 0 },
              payload: { $1.varint(UInt64(bitPattern: $0)) },
              json: { .string(String($0)) })
    }
}

extension Codec where T == UInt32 {
    public static var uint32: Codec<UInt32> {
        Codec(wireType: .varint, packable: true, isDefault: { $0 == 0 },
              payload: { $1.varint(UInt64($0)) },
              json: { .number(Double($0)) })
    }
}

extension Codec where T == UInt64 {
    public static var uint64: Codec<UInt64> {
        Codec(wireType: .varint, packable: true, isDefault: { $0 == 0 },
              payload: { $1.varint($0) },
              json: { .string(String($0)) })
    }
}

extension Codec where T == Bool {
    public static var bool: Codec<Bool> {
        Codec(wireType: .varint, packable: true, isDefault: { !$0 },
              payload: { $1.varint($0 ? 1 : 0) },
              json: { .bool($0) })
    }
}

extension Codec where T == Float {
    public static var float: Codec<Float> {
        Codec(wireType: .fixed32, packable: true, isDefault: { $0.bitPattern == 0 },
              payload: { $1.fixed32($0.isNaN ? 0x7fc0_0000 : $0.bitPattern) },
              json: { JSONValue.float($0) })
    }
}

extension Codec where T == Double {
    public static var double: Codec<Double> {
        Codec(wireType: .fixed64, packable: true, isDefault: { $0.bitPattern == 0 },
              payload: { $1.fixed64($0.isNaN ? 0x7ff8_0000_0000_0000 : $0.bitPattern) },
              json: { JSONValue.double($0) })
    }
}

extension Codec where T == String {
    public static var string: Codec<String> {
        Codec(wireType: .lengthDelimited, packable: false, isDefault: { $0.isEmpty },
              payload: { $1.string($0) },
              json: { .string($0) })
    }
}

extension Codec where T == [UInt8] {
    public static var bytes: Codec<[UInt8]> {
        Codec(wireType: .lengthDelimited, packable: false, isDefault: { $0.isEmpty },
              payload: { $1.lengthDelimited($0) },
              json: { .string(Base64.encode($0)) })
    }
}

extension Codec where T: ProtoEnum {
    public static var enumeration: Codec<T> {
        Codec(wireType: .varint, packable: true, isDefault: { $0.number == 0 },
              payload: { $1.varint(UInt64(bitPattern: Int64($0.number))) },
              json: { .string($0.jsonName) })
    }
}

extension Codec where T: ProtoMessage {
    /// Objects and timestamps: a nested message, written whenever set.
    public static var message: Codec<T> {
        Codec(wireType: .lengthDelimited, packable: false, isDefault: { _ in false },
              payload: { value, writer in writer.nested { value.writeFields(to: &$0) } },
              json: { $0.toJsonValue() })
    }
}

/// Standard base64 with padding (RFC 4648 §4), as ProtoJSON writes bytes.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func encode(_ data: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((data.count + 2) / 3 * 4)
        var index = 0
        while index < data.count {
            let b0 = UInt32(data[index])
            let b1 = index + 1 < data.count ? UInt32(data[index + 1]) : 0
            let b2 = index + 2 < data.count ? UInt32(data[index + 2]) : 0
            let triple = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(triple >> 18 & 63)])
            out.append(alphabet[Int(triple >> 12 & 63)])
            out.append(index + 1 < data.count ? alphabet[Int(triple >> 6 & 63)] : UInt8(ascii: "="))
            out.append(index + 2 < data.count ? alphabet[Int(triple & 63)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
