package codegen.runtime

import java.math.BigDecimal
import java.math.MathContext
import java.math.RoundingMode

/**
 * ECMAScript `Number.prototype.toString` for finite numbers. The JVM's
 * `Double.toString` (before JDK 19, and on Android) is neither shortest nor in
 * that layout, so the digits come from exact decimal arithmetic instead.
 */
public object EsNumbers {
    private val UP = Array(18) { MathContext(it, RoundingMode.UP) }
    private val DOWN = Array(18) { MathContext(it, RoundingMode.DOWN) }
    private val HALF_EVEN = Array(10) { MathContext(it, RoundingMode.HALF_EVEN) }
    private const val MAX_EXACT_DOUBLE = 1_000_000_000_000_000L // 15 digits
    private const val MAX_EXACT_FLOAT = 1_000_000L // 6 digits

    /**
     * The shortest digits that read back as [value]; among several candidates
     * of that length the nearest to the exact value, ties to even (what
     * ECMAScript and Python's repr choose). -0 is written as "0".
     */
    public fun double(value: Double): String {
        require(!value.isNaN() && !value.isInfinite()) { "not a finite number: $value" }
        if (value == 0.0) return "0"
        shortExact(value, MAX_EXACT_DOUBLE)?.let { return it }
        val magnitude = Math.abs(value)
        val exact = BigDecimal(magnitude)
        // Some p-digit decimal reads back as the value => so does a (p+1)-digit one: binary search.
        var low = 1
        var high = 17
        while (low < high) {
            val mid = (low + high) / 2
            if (shortestAt(exact, magnitude, mid) != null) high = mid else low = mid + 1
        }
        val chosen = shortestAt(exact, magnitude, low) ?: throw IllegalStateException("no digits for $value")
        return layout(value < 0, chosen)
    }

    /** The p-digit decimal that reads back as [magnitude] and is nearest to it, or null. */
    private fun shortestAt(exact: BigDecimal, magnitude: Double, precision: Int): BigDecimal? {
        val down = exact.round(DOWN[precision])
        val up = exact.round(UP[precision])
        val downOk = down.toDouble() == magnitude
        val upOk = up.toDouble() == magnitude
        return when {
            downOk && upOk -> nearer(exact, down, up, precision)
            downOk -> down
            upOk -> up
            else -> null
        }
    }

    /**
     * The float32 rule of the wire contract: the exact float value rounded to
     * p = 6..9 significant digits (ties to even), the first that narrows back to
     * the same float, read as a double and written in ECMAScript form. Starting
     * at 6 matters for subnormals: 1e-45f is written 1.4013e-45, as protobuf does.
     */
    public fun float(value: Float): String {
        require(!value.isNaN() && !value.isInfinite()) { "not a finite number: $value" }
        if (value == 0.0f) return "0"
        // At most 6 digits: rounding to 6 keeps the exact value, which double() writes as it is.
        shortExact(value.toDouble(), MAX_EXACT_FLOAT)?.let { return it }
        val exact = BigDecimal(value.toDouble())
        for (precision in 6..9) {
            val rounded = exact.round(HALF_EVEN[precision])
            if (rounded.toFloat() == value) return double(rounded.toDouble())
        }
        throw IllegalStateException("no round-trip digits for $value")
    }

    private fun nearer(exact: BigDecimal, down: BigDecimal, up: BigDecimal, precision: Int): BigDecimal {
        val order = exact.subtract(down).compareTo(up.subtract(exact))
        return when {
            order < 0 -> down
            order > 0 -> up
            else -> exact.round(MathContext(precision, RoundingMode.HALF_EVEN))
        }
    }

    /**
     * The fast path: a [value] whose exact binary value is a decimal of at most
     * 15 significant digits (below [limit], a power of ten) is written as those
     * digits. They are the shortest that read back: two decimals of 15 digits or
     * fewer never round to the same double. Null for every other value.
     */
    private fun shortExact(value: Double, limit: Long): String? {
        val bits = value.toRawBits()
        val biased = ((bits ushr 52) and 0x7ff).toInt()
        if (biased == 0) return null // subnormal: far more digits
        var mantissa = (bits and 0xfffffffffffffL) or (1L shl 52)
        var exponent = biased - 1075 // value = ±mantissa × 2^exponent
        val shift = java.lang.Long.numberOfTrailingZeros(mantissa)
        mantissa = mantissa ushr shift
        exponent += shift
        var digits = mantissa
        if (exponent >= 0) { // an integer
            if (exponent > 52 || digits > (limit - 1) ushr exponent) return null
            digits = digits shl exponent
            var zeros = 0
            while (digits % 10 == 0L) {
                digits /= 10
                zeros++
            }
            return layout(value < 0, digits.toString(), -zeros)
        }
        // mantissa / 2^-exponent = mantissa × 5^-exponent / 10^-exponent; mantissa is odd, so no trailing zeros.
        for (i in 0 until -exponent) {
            if (digits > (limit - 1) / 5) return null
            digits *= 5
        }
        return layout(value < 0, digits.toString(), -exponent)
    }

    /** Digits d1..dk with value 0.d1..dk × 10^n, laid out as ECMAScript does. */
    private fun layout(negative: Boolean, number: BigDecimal): String {
        val stripped = number.stripTrailingZeros()
        return layout(negative, stripped.unscaledValue().toString(), stripped.scale())
    }

    /** [digits] (no trailing zeros) × 10^-[scale]. */
    private fun layout(negative: Boolean, digits: String, scale: Int): String {
        val k = digits.length
        val n = k - scale
        val out = StringBuilder(k + 8)
        if (negative) out.append('-')
        when {
            n in k..21 -> {
                out.append(digits)
                for (i in 0 until n - k) out.append('0')
            }
            n in 1..21 -> out.append(digits, 0, n).append('.').append(digits, n, k)
            n in -5..0 -> {
                out.append("0.")
                for (i in 0 until -n) out.append('0')
                out.append(digits)
            }
            else -> {
                val e = n - 1
                out.append(digits[0])
                if (k > 1) out.append('.').append(digits, 1, k)
                out.append('e').append(if (e >= 0) '+' else '-').append(Math.abs(e))
            }
        }
        return out.toString()
    }
}
