package codegen.runtime

import java.util.Date

/**
 * A point in time as Protobuf's `google.protobuf.Timestamp`: whole seconds
 * since 1970-01-01T00:00:00Z and 0..999,999,999 nanoseconds after them.
 * Uses no java.time (Android API 26), only epoch millis and [Date].
 */
public data class Timestamp @JvmOverloads constructor(val seconds: Long, val nanos: Int = 0) : Comparable<Timestamp> {

    /** Whether this is a timestamp the wire contract allows (years 1 to 9999, nanos in range). */
    public val isValid: Boolean
        get() = nanos in 0..MAX_NANOS && seconds in MIN_SECONDS..MAX_SECONDS

    /** Milliseconds since the epoch, rounded towards the past. */
    public fun toEpochMillis(): Long = seconds * 1000L + nanos / 1_000_000

    public fun toDate(): Date = Date(toEpochMillis())

    /** RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits, the fewest that are exact. */
    public fun toRfc3339(): String {
        if (!isValid) throw EncodingError("timestamp out of range: $seconds s, $nanos ns")
        val days = seconds.floorDiv(SECONDS_PER_DAY)
        val secondOfDay = seconds.mod(SECONDS_PER_DAY).toInt()
        // Civil date from days since the epoch (H. Hinnant's algorithm, proleptic Gregorian).
        val z = days + 719_468L
        val era = z.floorDiv(146_097L)
        val doe = z - era * 146_097L
        val yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        val doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        val mp = (5 * doy + 2) / 153
        val day = (doy - (153 * mp + 2) / 5 + 1).toInt()
        val month = (if (mp < 10) mp + 3 else mp - 9).toInt()
        val year = (yoe + era * 400 + (if (month <= 2) 1 else 0)).toInt()
        val out = StringBuilder(30)
        pad(out, year, 4).append('-')
        pad(out, month, 2).append('-')
        pad(out, day, 2).append('T')
        pad(out, secondOfDay / 3600, 2).append(':')
        pad(out, secondOfDay / 60 % 60, 2).append(':')
        pad(out, secondOfDay % 60, 2)
        when {
            nanos == 0 -> {}
            nanos % 1_000_000 == 0 -> pad(out.append('.'), nanos / 1_000_000, 3)
            nanos % 1_000 == 0 -> pad(out.append('.'), nanos / 1_000, 6)
            else -> pad(out.append('.'), nanos, 9)
        }
        return out.append('Z').toString()
    }

    override fun compareTo(other: Timestamp): Int =
        if (seconds != other.seconds) seconds.compareTo(other.seconds) else nanos.compareTo(other.nanos)

    override fun toString(): String = if (isValid) toRfc3339() else "Timestamp(seconds=$seconds, nanos=$nanos)"

    public companion object {
        /** 0001-01-01T00:00:00Z. */
        public const val MIN_SECONDS: Long = -62_135_596_800L

        /** 9999-12-31T23:59:59Z. */
        public const val MAX_SECONDS: Long = 253_402_300_799L
        private const val MAX_NANOS = 999_999_999
        private const val SECONDS_PER_DAY = 86_400L

        /** The current time from the system clock (millisecond precision). */
        @JvmStatic
        public fun now(): Timestamp = fromEpochMillis(System.currentTimeMillis())

        @JvmStatic
        public fun fromEpochMillis(millis: Long): Timestamp =
            Timestamp(millis.floorDiv(1000L), (millis.mod(1000L) * 1_000_000L).toInt())

        @JvmStatic
        public fun fromDate(date: Date): Timestamp = fromEpochMillis(date.time)

        public fun fromEpochNanos(nanos: Long): Timestamp =
            Timestamp(nanos.floorDiv(1_000_000_000L), nanos.mod(1_000_000_000L).toInt())

        private fun pad(out: StringBuilder, value: Int, width: Int): StringBuilder {
            val text = value.toString()
            for (i in text.length until width) out.append('0')
            return out.append(text)
        }
    }
}
