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

    /**
     * The shortest digits that read back as [value]; among several candidates
     * of that length the nearest to the exact value, ties to even (what
     * ECMAScript and Python's repr choose). -0 is written as "0".
     */
    public fun double(value: Double): String {
        require(!value.isNaN() && !value.isInfinite()) { "not a finite number: $value" }
        if (value == 0.0) return "0"
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

    /** Digits d1..dk with value 0.d1..dk × 10^n, laid out as ECMAScript does. */
    private fun layout(negative: Boolean, number: BigDecimal): String {
        val stripped = number.stripTrailingZeros()
        val digits = stripped.unscaledValue().toString()
        val k = digits.length
        val n = k - stripped.scale()
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
