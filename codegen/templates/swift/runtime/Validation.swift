// Runtime: constraint checks that generated `validate` methods call.
//
// Swift strings are always valid Unicode, so the unpaired-surrogate check of
// the wire contract can never fail here and has no code.

import Foundation

/// One broken constraint: where (`tags[2]`, `labels["x"]`,
/// `player.position`), which constraint kind (`minimum`, `maximum`,
/// `min_length`, `max_length`, `pattern`, `min_items`, `max_items`,
/// `range` for a Timestamp out of range) and a readable message (the texts
/// of docs/sdk-api.md, the same in every SDK of the model).
public struct ValidationIssue: Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let constraint: String
    public let message: String

    public init(path: String, constraint: String, message: String) {
        self.path = path
        self.constraint = constraint
        self.message = message
    }

    public var description: String { "\(path): \(message) (\(constraint))" }
}

/// A model pattern, compiled once; it must match the whole string.
public final class Pattern: @unchecked Sendable {
    // NSRegularExpression is immutable and documented as thread-safe.
    public let source: String
    private let regex: NSRegularExpression?

    public init(_ source: String) {
        self.source = source
        self.regex = try? NSRegularExpression(pattern: "\\A(?:" + source + ")\\z", options: [])
    }

    public func matches(_ text: String) -> Bool {
        guard let regex else { return false }
        let range = NSRange(text.startIndex..<text.endIndex, in: text)
        return regex.firstMatch(in: text, options: [.anchored], range: range) != nil
    }
}

/// The checks, each appending a ValidationIssue when broken. Paths are
/// built lazily: valid values cost no string work.
public enum Check {
    public static func join(_ path: String, _ name: String) -> String {
        path.isEmpty ? name : path + "." + name
    }

    public static func index(_ path: String, _ index: Int) -> String {
        path + "[" + String(index) + "]"
    }

    public static func key(_ path: String, _ key: String) -> String {
        path + "[" + JSONValue.string(key).canonicalString() + "]"
    }

    /// Map entries in code point order, so errors come in a stable order.
    public static func entries<T>(_ map: [MapKey: T]) -> [(key: String, value: T)] {
        map.keys.sorted().map { ($0.string, map[$0]!) }
    }

    // Bounds are inclusive and admit finite numbers only: NaN and the
    // infinities fail every bound. One overload per type: integers appear in
    // decimal, the other numbers as in canonical JSON; a Float is checked as it
    // goes on the wire, against its bound narrowed to float32 alike.
    public static func minimum(_ value: Int32, _ bound: Int32, at path: @autoclosure () -> String, into errors: inout [ValidationIssue]) {
        if !(value >= bound) { below(String(value), String(bound), path(), &errors) }
    }

    public static func minimum(_ value: Int64, _ bound: Int64, at path: @autoclosure () -> String, into errors: inout [ValidationIssue]) {
        if !(value >= bound) { below(String(value), String(bound), path(), &errors) }
    }

    public static func minimum(_ value: UInt32, _ bound: UInt32, at path: @autoclosure () -> String, into errors: inout [ValidationIssue]) {
        if !(value >= bound) { below(String(value), String(bound), path(), &errors) }
    }

    public static func minimum(_ value: UInt64, _ bound: UInt64, at path: @autoclosure () -> String, into errors: inout [ValidationIssue]) {
        if !(value >= bound) { below(String(value), String(bound), path(), &errors) }
    }

    public static func minimum(_ value: Float, _ bound: Double, at path: @autoclosure () -> String, into errors: inout [ValidationIssue]) {
        let narrowed = Float(bound)
        if !(value.isFinite && value >= narrowed) {
            below(floatText(value), floatText(narrowed), path(), &errors, finite: value.isFinite)
        }
    }

    public static func minimum(_ value: Double, _ bound: Double, at path: @autoclosure () -> String, into errors: inout [ValidationIssue]) {
        if !(value.isFinite && value >= bound) {
            below(doubleText(value), doubleText(bound), path(), &errors, finite: value.isFinite)
        }
    }

    public static func maximum(_ value: Int32, _ bound: Int32, at path: @autoclosure () -> String, into errors: inout [ValidationIssue]) {
        if !(value <= bound) { above(String(value), String(bound), path(), &errors) }
    }

    public static func maximum(_ value: Int64, _ bound: Int64, at path: @autoclosure () -> String, into errors: inout [ValidationIssue]) {
        if !(value <= bound) { above(String(value), String(bound), path(), &errors) }
    }

    public static func maximum(_ value: UInt32, _ bound: UInt32, at path: @autoclosure () -> String, into errors: inout [ValidationIssue]) {
        if !(value <= bound) { above(String(value), String(bound), path(), &errors) }
    }

    public static func maximum(_ value: UInt64, _ bound: UInt64, at path: @autoclosure () -> String, into errors: inout [ValidationIssue]) {
        if !(value <= bound) { above(String(value), String(bound), path(), &errors) }
    }

    public static func maximum(_ value: Float, _ bound: Double, at path: @autoclosure () -> String, into errors: inout [ValidationIssue]) {
        let narrowed = Float(bound)
        if !(value.isFinite && value <= narrowed) {
            above(floatText(value), floatText(narrowed), path(), &errors, finite: value.isFinite)
        }
    }

    public static func maximum(_ value: Double, _ bound: Double, at path: @autoclosure () -> String, into errors: inout [ValidationIssue]) {
        if !(value.isFinite && value <= bound) {
            above(doubleText(value), doubleText(bound), path(), &errors, finite: value.isFinite)
        }
    }

    static func below(_ value: String, _ bound: String, _ path: String, _ errors: inout [ValidationIssue],
                      finite: Bool = true) {
        let message = finite ? value + " is below the minimum " + bound : notFinite(value, "minimum", bound)
        errors.append(ValidationIssue(path: path, constraint: "minimum", message: message))
    }

    static func above(_ value: String, _ bound: String, _ path: String, _ errors: inout [ValidationIssue],
                      finite: Bool = true) {
        let message = finite ? value + " is above the maximum " + bound : notFinite(value, "maximum", bound)
        errors.append(ValidationIssue(path: path, constraint: "maximum", message: message))
    }

    static func notFinite(_ value: String, _ kind: String, _ bound: String) -> String {
        value + " is not a finite number (the " + kind + " is " + bound + ")"
    }

    static func doubleText(_ value: Double) -> String {
        CanonicalJSON.esString(value)
    }

    /// A float as canonical JSON writes it: narrowed, then the float rule's digits.
    static func floatText(_ value: Float) -> String {
        value.isFinite ? CanonicalJSON.esString(CanonicalJSON.shortestFloat32(value)) : CanonicalJSON.esString(Double(value))
    }

    /// Lengths count Unicode code points.
    public static func minLength(
        _ value: String, _ bound: Int, at path: @autoclosure () -> String, into errors: inout [ValidationIssue]
    ) {
        let length = value.unicodeScalars.count
        if length < bound {
            errors.append(ValidationIssue(
                path: path(), constraint: "min_length", message: "has \(length) characters, fewer than \(bound)"))
        }
    }

    public static func maxLength(
        _ value: String, _ bound: Int, at path: @autoclosure () -> String, into errors: inout [ValidationIssue]
    ) {
        let length = value.unicodeScalars.count
        if length > bound {
            errors.append(ValidationIssue(
                path: path(), constraint: "max_length", message: "has \(length) characters, more than \(bound)"))
        }
    }

    public static func pattern(
        _ value: String, _ pattern: Pattern, at path: @autoclosure () -> String, into errors: inout [ValidationIssue]
    ) {
        if !pattern.matches(value) {
            errors.append(ValidationIssue(
                path: path(), constraint: "pattern",
                message: "does not match " + JSONValue.string(pattern.source).canonicalString()))
        }
    }

    public static func minItems(
        _ count: Int, _ bound: Int, at path: @autoclosure () -> String, into errors: inout [ValidationIssue]
    ) {
        if count < bound {
            errors.append(ValidationIssue(
                path: path(), constraint: "min_items", message: "has \(count) items, fewer than \(bound)"))
        }
    }

    public static func maxItems(
        _ count: Int, _ bound: Int, at path: @autoclosure () -> String, into errors: inout [ValidationIssue]
    ) {
        if count > bound {
            errors.append(ValidationIssue(
                path: path(), constraint: "max_items", message: "has \(count) items, more than \(bound)"))
        }
    }
}
