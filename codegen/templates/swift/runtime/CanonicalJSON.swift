// Runtime: canonical JSON (RFC 8785 / JCS) with ProtoJSON value rules.
//
// Swift compares String values by canonical equivalence ("A\u{30A}" ==
// "\u{C5}"), so every ordering and comparison here works on code units,
// never on String's own `<` or `==`.

import Foundation

/// A JSON value. Objects keep their members as given; the writer sorts them.
public indirect enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// A double per ProtoJSON: non-finite values become the strings "NaN",
    /// "Infinity", "-Infinity".
    public static func double(_ value: Double) -> JSONValue {
        value.isFinite ? .number(value) : .string(CanonicalJSON.nonFinite(value))
    }

    /// A float: the value as the reference prints it (see shortestFloat32).
    public static func float(_ value: Float) -> JSONValue {
        value.isFinite
            ? .number(CanonicalJSON.shortestFloat32(value)) : .string(CanonicalJSON.nonFinite(Double(value)))
    }

    /// The RFC 8785 serialization: sorted keys, no whitespace, ES numbers.
    public func canonicalString() -> String {
        var out: [UInt8] = []
        CanonicalJSON.write(self, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

public struct JSONMember: Sendable {
    public var key: String
    public var value: JSONValue

    public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}

/// Builds the JSON object of a message, one call per property (mirrors
/// ProtoWriter): required values, lists and maps are always present,
/// optional values only when set.
public struct JSONObjectWriter {
    public private(set) var members: [JSONMember] = []

    public init() {}

    public var value: JSONValue { .object(members) }

    public mutating func scalar<T>(_ key: String, _ value: T, _ codec: Codec<T>) {
        members.append(JSONMember(key, codec.json(value)))
    }

    public mutating func optional<T>(_ key: String, _ value: T?, _ codec: Codec<T>) {
        if let value { members.append(JSONMember(key, codec.json(value))) }
    }

    public mutating func repeated<T>(_ key: String, _ values: [T], _ codec: Codec<T>) {
        members.append(JSONMember(key, .array(values.map(codec.json))))
    }

    public mutating func map<T>(_ key: String, _ entries: [MapKey: T], _ codec: Codec<T>) {
        members.append(JSONMember(key, .object(entries.keys.sorted().map { JSONMember($0.string, codec.json(entries[$0]!)) })))
    }
}

/// Orders that do not depend on Unicode normalization.
public enum CanonicalOrder {
    /// UTF-16 code unit order (RFC 8785 §3.2.3 object members).
    public static func utf16Precedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf16.lexicographicallyPrecedes(rhs.utf16)
    }
}

public enum CanonicalJSON {
    static func write(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null:
            out.append(contentsOf: Array("null".utf8))
        case .bool(let flag):
            out.append(contentsOf: Array((flag ? "true" : "false").utf8))
        case .number(let number):
            out.append(contentsOf: Array(esString(number).utf8))
        case .string(let text):
            writeString(text, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            let sorted = members.sorted { CanonicalOrder.utf16Precedes($0.key, $1.key) }
            for (index, member) in sorted.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                writeString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                write(member.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Escapes only `"`, `\` and U+0000...U+001F; everything else raw UTF-8.
    static func writeString(_ text: String, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for unit in text.utf8 {
            switch unit {
            case 0x22: out.append(contentsOf: [0x5c, 0x22])
            case 0x5c: out.append(contentsOf: [0x5c, 0x5c])
            case 0x08: out.append(contentsOf: [0x5c, UInt8(ascii: "b")])
            case 0x09: out.append(contentsOf: [0x5c, UInt8(ascii: "t")])
            case 0x0a: out.append(contentsOf: [0x5c, UInt8(ascii: "n")])
            case 0x0c: out.append(contentsOf: [0x5c, UInt8(ascii: "f")])
            case 0x0d: out.append(contentsOf: [0x5c, UInt8(ascii: "r")])
            case 0x00..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(unit >> 4)])
                out.append(hex[Int(unit & 15)])
            default: out.append(unit)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static func nonFinite(_ value: Double) -> String {
        value.isNaN ? "NaN" : (value < 0 ? "-Infinity" : "Infinity")
    }

    /// ECMAScript Number.prototype.toString for a finite double (-0 gives
    /// "0"). Swift's `description` has the shortest round-trip digits, closest
    /// to the value; only their layout differs from ECMAScript's.
    public static func esString(_ value: Double) -> String {
        if value.isNaN || value.isInfinite { return nonFinite(value) }
        if value == 0 { return "0" }
        let (digits, n) = decimalDigits(value.magnitude.description)
        let k = digits.count
        var out = value < 0 ? "-" : ""
        if k <= n && n <= 21 {
            out += digits + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            out += String(digits.prefix(n)) + "." + String(digits.dropFirst(n))
        } else if -6 < n && n <= 0 {
            out += "0." + String(repeating: "0", count: -n) + digits
        } else {
            let exponent = n - 1
            out += String(digits.prefix(1))
            if k > 1 { out += "." + String(digits.dropFirst()) }
            out += "e" + (exponent < 0 ? "-" : "+") + String(exponent.magnitude)
        }
        return out
    }

    /// Splits a positive decimal like "1.25e-07" or "100.0" into significant
    /// digits (no leading or trailing zeros) and n with value = 0.DIGITS × 10^n.
    static func decimalDigits(_ text: String) -> (String, Int) {
        let parts = text.lowercased().split(separator: "e", maxSplits: 1)
        let exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts[0].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integer = String(mantissa[0])
        let fraction = mantissa.count > 1 ? String(mantissa[1]) : ""
        var digits = Substring(integer + fraction)
        var n = integer.count + exponent
        while digits.first == "0" {
            digits = digits.dropFirst()
            n -= 1
        }
        while digits.last == "0" { digits = digits.dropLast() }
        return (String(digits), n)
    }

    /// The float rule of the reference (the official protobuf library's
    /// ToShortestFloat): for p = 6...9 significant digits, the exact value
    /// rounded half-even (C's printf is exact), read as a double, first one
    /// that narrows back to `value`.
    public static func shortestFloat32(_ value: Float) -> Double {
        let wide = Double(value)
        if value == 0 { return wide }
        for precision in 5..<9 {
            let text = String(format: "%.\(precision)e", wide)
            if let candidate = Double(text), Float(candidate) == value {
                return candidate
            }
        }
        return wide
    }
}
