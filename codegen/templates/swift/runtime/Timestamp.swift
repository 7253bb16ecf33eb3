// Runtime: a portable point in time with the same range and precision as
// google.protobuf.Timestamp, independent of Foundation's Date.

import Foundation

/// A point in time: whole `seconds` since 1970-01-01T00:00:00Z plus `nanos`
/// (0 ..< 1_000_000_000). Valid from 0001-01-01T00:00:00Z to
/// 9999-12-31T23:59:59.999999999Z; `validate` reports values outside.
public struct Timestamp: Sendable, Hashable, Comparable {
    public var seconds: Int64
    public var nanos: Int32

    static let minSeconds: Int64 = -62_135_596_800  // 0001-01-01T00:00:00Z
    static let maxSeconds: Int64 = 253_402_300_799  // 9999-12-31T23:59:59Z

    public init(seconds: Int64, nanos: Int32 = 0) {
        self.seconds = seconds
        self.nanos = nanos
    }

    /// The nearest timestamp to `date` (to the nanosecond); dates beyond the
    /// Int64 range are clamped instead of trapping.
    public init(date: Date) {
        let interval = date.timeIntervalSince1970
        guard interval.isFinite else {
            self.init(seconds: interval < 0 ? Int64.min : (interval > 0 ? Int64.max : 0), nanos: 0)
            return
        }
        let whole = interval.rounded(.down)
        guard whole > -9.2e18, whole < 9.2e18 else {
            self.init(seconds: whole < 0 ? Int64.min : Int64.max, nanos: 0)
            return
        }
        var seconds = Int64(whole)
        var nanos = Int64(((interval - whole) * 1e9).rounded())
        if nanos >= 1_000_000_000 {
            seconds += 1
            nanos -= 1_000_000_000
        }
        self.init(seconds: seconds, nanos: Int32(max(0, nanos)))
    }

    /// Milliseconds since the Unix epoch (negative before 1970).
    public init(epochMillis: Int64) {
        var seconds = epochMillis / 1000
        var millis = epochMillis % 1000
        if millis < 0 {
            seconds -= 1
            millis += 1000
        }
        self.init(seconds: seconds, nanos: Int32(millis) * 1_000_000)
    }

    /// The current time.
    /// Nanoseconds since the Unix epoch.
    public init(epochNanos: Int64) {
        let seconds = Timestamp.floorDiv(epochNanos, 1_000_000_000)
        self.init(seconds: seconds, nanos: Int32(epochNanos - seconds * 1_000_000_000))
    }

    public static func now() -> Timestamp {
        Timestamp(date: Date())
    }

    /// This timestamp as a Foundation date (microsecond precision at best).
    public func toDate() -> Date {
        Date(timeIntervalSince1970: Double(seconds) + Double(nanos) / 1e9)
    }

    /// Milliseconds since the Unix epoch, rounded down; saturates at the Int64 range.
    public func toEpochMillis() -> Int64 {
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return seconds < 0 ? Int64.min : Int64.max }
        let (sum, overflow2) = product.addingReportingOverflow(Int64(nanos) / 1_000_000)
        return overflow2 ? (product < 0 ? Int64.min : Int64.max) : sum
    }

    /// Whether the value lies in the range google.protobuf.Timestamp allows.
    public var isValid: Bool {
        nanos >= 0 && nanos < 1_000_000_000 && seconds >= Timestamp.minSeconds
            && seconds <= Timestamp.maxSeconds
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.seconds, lhs.nanos) < (rhs.seconds, rhs.nanos)
    }

    /// RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits (the fewest that
    /// are exact). Total: out-of-range values are formatted without trapping,
    /// but only valid ones (see `isValid`) are meaningful.
    public func toRfc3339() -> String {
        let days = Timestamp.floorDiv(seconds, 86_400)
        let secondOfDay = (seconds % 86_400 + 86_400) % 86_400
        let (year, month, day) = Timestamp.civil(fromDays: days)
        var text = Timestamp.pad(year, 4) + "-" + Timestamp.pad(month, 2) + "-" + Timestamp.pad(day, 2)
        text += "T" + Timestamp.pad(secondOfDay / 3600, 2) + ":" + Timestamp.pad(secondOfDay / 60 % 60, 2)
        text += ":" + Timestamp.pad(secondOfDay % 60, 2)
        let fraction = Int64(max(0, min(nanos, 999_999_999)))
        if fraction != 0 {
            if fraction % 1_000_000 == 0 {
                text += "." + Timestamp.pad(fraction / 1_000_000, 3)
            } else if fraction % 1000 == 0 {
                text += "." + Timestamp.pad(fraction / 1000, 6)
            } else {
                text += "." + Timestamp.pad(fraction, 9)
            }
        }
        return text + "Z"
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let sign = value < 0 ? "-" : ""
        return sign + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's
    /// algorithm); wrapping arithmetic keeps absurd inputs from trapping.
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days &+ 719_468
        let era = (z >= 0 ? z : z &- 146_096) / 146_097
        let doe = z &- era &* 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe &+ era &* 400 &+ (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}

extension Timestamp: ProtoMessage {
    public func writeFields(to writer: inout ProtoWriter) {
        writer.scalar(1, seconds, .int64)
        writer.scalar(2, nanos, .int32)
    }

    public func toJsonValue() -> JSONValue {
        .string(toRfc3339())
    }

    public func validate(at path: String, into errors: inout [ValidationIssue]) {
        if !isValid {
            errors.append(ValidationIssue(
                path: path, constraint: "range",
                message: "seconds \(seconds), nanos \(nanos) is outside the timestamp range"))
        }
    }
}
