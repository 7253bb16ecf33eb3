// Runtime: constraint checks that generated `validate` methods call.
//
// Swift strings are always valid Unicode, so the unpaired-surrogate check of
// the wire contract can never fail here and has no code.

import Foundation

/// One broken constraint: where (`tags[2]`, `labels["x"]`,
/// `player.position`), which constraint kind (`minimum`, `maximum`,
/// `min_length`, `max_length`, `pattern`, `min_items`, `max_items`,
/// `range` for a Timestamp out of range) and a readable message.
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

    public static func minimum<T: Comparable>(
        _ value: T, _ bound: T, at path: @autoclosure () -> String, into errors: inout [ValidationIssue]
    ) {
        // Written as "not >=" so that NaN is reported too.
        if !(value >= bound) {
            errors.append(ValidationIssue(path: path(), constraint: "minimum", message: "\(value) is less than \(bound)"))
        }
    }

    public static func maximum<T: Comparable>(
        _ value: T, _ bound: T, at path: @autoclosure () -> String, into errors: inout [ValidationIssue]
    ) {
        if !(value <= bound) {
            errors.append(ValidationIssue(path: path(), constraint: "maximum", message: "\(value) is greater than \(bound)"))
        }
    }

    /// Floating-point bounds admit finite numbers only: NaN and the
    /// infinities fail every bound. (More specific than the Comparable
    /// overloads, so Float and Double values come here.) A Float arrives
    /// narrowed by its type, and generated code narrows its bounds alike.
    public static func minimum<T: BinaryFloatingPoint>(
        _ value: T, _ bound: T, at path: @autoclosure () -> String, into errors: inout [ValidationIssue]
    ) {
        if !value.isFinite {
            errors.append(ValidationIssue(
                path: path(), constraint: "minimum", message: "\(value) is not a finite number (the minimum is \(bound))"))
        } else if !(value >= bound) {
            errors.append(ValidationIssue(path: path(), constraint: "minimum", message: "\(value) is less than \(bound)"))
        }
    }

    public static func maximum<T: BinaryFloatingPoint>(
        _ value: T, _ bound: T, at path: @autoclosure () -> String, into errors: inout [ValidationIssue]
    ) {
        if !value.isFinite {
            errors.append(ValidationIssue(
                path: path(), constraint: "maximum", message: "\(value) is not a finite number (the maximum is \(bound))"))
        } else if !(value <= bound) {
            errors.append(ValidationIssue(path: path(), constraint: "maximum", message: "\(value) is greater than \(bound)"))
        }
    }

    /// Lengths count Unicode code points.
    public static func minLength(
        _ value: String, _ bound: Int, at path: @autoclosure () -> String, into errors: inout [ValidationIssue]
    ) {
        let length = value.unicodeScalars.count
        if length < bound {
            errors.append(ValidationIssue(
                path: path(), constraint: "min_length", message: "length \(length) is less than \(bound)"))
        }
    }

    public static func maxLength(
        _ value: String, _ bound: Int, at path: @autoclosure () -> String, into errors: inout [ValidationIssue]
    ) {
        let length = value.unicodeScalars.count
        if length > bound {
            errors.append(ValidationIssue(
                path: path(), constraint: "max_length", message: "length \(length) is greater than \(bound)"))
        }
    }

    public static func pattern(
        _ value: String, _ pattern: Pattern, at path: @autoclosure () -> String, into errors: inout [ValidationIssue]
    ) {
        if !pattern.matches(value) {
            errors.append(ValidationIssue(
                path: path(), constraint: "pattern", message: "does not match the pattern \(pattern.source)"))
        }
    }

    public static func minItems(
        _ count: Int, _ bound: Int, at path: @autoclosure () -> String, into errors: inout [ValidationIssue]
    ) {
        if count < bound {
            errors.append(ValidationIssue(
                path: path(), constraint: "min_items", message: "\(count) items, fewer than \(bound)"))
        }
    }

    public static func maxItems(
        _ count: Int, _ bound: Int, at path: @autoclosure () -> String, into errors: inout [ValidationIssue]
    ) {
        if count > bound {
            errors.append(ValidationIssue(
                path: path(), constraint: "max_items", message: "\(count) items, more than \(bound)"))
        }
    }
}
