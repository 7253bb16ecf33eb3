// Runtime: the key type of every map property.

/// A map key that is its exact Unicode scalars. Swift's String compares
/// canonically equivalent text as equal ("\u{E9}" == "e\u{301}"), so a
/// `[String: V]` would merge two keys that the wire (and every other SDK)
/// keeps apart. String literals work as keys: `["e\u{301}": 1]`.
public struct MapKey: Hashable, Sendable, Comparable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let string: String

    public init(_ string: String) {
        self.string = string
    }

    public init(stringLiteral value: String) {
        self.string = value
    }

    public static func == (lhs: MapKey, rhs: MapKey) -> Bool {
        lhs.string.utf8.elementsEqual(rhs.string.utf8)
    }

    public func hash(into hasher: inout Hasher) {
        for byte in string.utf8 { hasher.combine(byte) }
    }

    /// Code point order (UTF-8 byte order is the same), as Protobuf maps
    /// are written.
    public static func < (lhs: MapKey, rhs: MapKey) -> Bool {
        lhs.string.utf8.lexicographicallyPrecedes(rhs.string.utf8)
    }

    public var description: String { string }
}

extension Dictionary where Key == MapKey {
    /// A map property's value from a String-keyed dictionary.
    public init(_ strings: [String: Value]) {
        self.init(uniqueKeysWithValues: strings.map { (MapKey($0.key), $0.value) })
    }
}
