package codegen.runtime

/**
 * One constraint violation: where ([path], e.g. `tags[2]`, `labels["x"]`,
 * `player.position`), which [constraint] (`minimum`, `maximum`, `min_length`,
 * `max_length`, `pattern`, `min_items`, `max_items`, and the SDK's own
 * `surrogate` (an unpaired UTF-16 surrogate) and `range` (a timestamp out of
 * range)) and a readable [message] (the texts of docs/sdk-api.md).
 */
public data class ValidationIssue(val path: String, val constraint: String, val message: String) {
    override fun toString(): String = "$path: $message ($constraint)"
}

/**
 * Collects constraint violations while generated code walks a message. The
 * current path grows and shrinks as [field], [each] and [eachEntry] descend;
 * it is kept as a stack of segments and spelled out only when a violation is
 * recorded, so a valid message costs no text. Every check ignores null (an
 * optional value that is not set); a bound left at its default is no bound.
 */
public class Validator {
    // Segment i is a field name (kinds[i] == FIELD), a list index (indices[i]) or a map key (names[i]).
    private var names = arrayOfNulls<String>(INITIAL_DEPTH)
    private var indices = IntArray(INITIAL_DEPTH)
    private var kinds = ByteArray(INITIAL_DEPTH)
    private var depth = 0
    private var found: ArrayList<ValidationIssue>? = null

    /** The violations found so far. */
    public val issues: List<ValidationIssue> get() = found?.toList() ?: emptyList()

    public inline fun field(name: String, check: () -> Unit) {
        val mark = enterField(name)
        try {
            check()
        } finally {
            leave(mark)
        }
    }

    public inline fun <T> each(list: List<T>?, check: (T) -> Unit) {
        if (list == null) return
        for (index in list.indices) {
            val mark = enterIndex(index)
            try {
                check(list[index])
            } finally {
                leave(mark)
            }
        }
    }

    /**
     * Checks every entry of [map], keys in code point order (the order of
     * every SDK's issues); a key with an unpaired surrogate is reported at
     * the map's path.
     */
    public inline fun <V> eachEntry(map: Map<String, V>?, check: (V) -> Unit) {
        if (map == null) return
        for (entry in map.entries.sortedWith { a, b -> ProtoWriter.CODE_POINT_ORDER.compare(a.key, b.key) }) {
            if (!checkKey(entry.key)) continue
            val mark = enterKey(entry.key)
            try {
                check(entry.value)
            } finally {
                leave(mark)
            }
        }
    }

    /** False (and an issue at the map's path) for a key with an unpaired surrogate. */
    @PublishedApi
    internal fun checkKey(key: String): Boolean {
        if (Utf8.unpairedSurrogateAt(key) < 0) return true
        fail("surrogate", "has a key with an unpaired UTF-16 surrogate")
        return false
    }

    @PublishedApi
    internal fun enterField(name: String): Int = push(FIELD, name, 0)

    @PublishedApi
    internal fun enterIndex(index: Int): Int = push(INDEX, null, index)

    @PublishedApi
    internal fun enterKey(key: String): Int = push(KEY, key, 0)

    @PublishedApi
    internal fun leave(mark: Int) {
        depth = mark
    }

    private fun push(kind: Byte, name: String?, index: Int): Int {
        val mark = depth
        if (mark == kinds.size) {
            names = names.copyOf(mark * 2)
            indices = indices.copyOf(mark * 2)
            kinds = kinds.copyOf(mark * 2)
        }
        kinds[mark] = kind
        names[mark] = name
        indices[mark] = index
        depth = mark + 1
        return mark
    }

    /** The current path: fields joined by ".", then `[index]` and `["key"]`. */
    private fun path(): String {
        val out = StringBuilder()
        for (i in 0 until depth) {
            when (kinds[i]) {
                FIELD -> {
                    if (out.isNotEmpty()) out.append('.')
                    out.append(names[i])
                }
                INDEX -> out.append('[').append(indices[i]).append(']')
                else -> {
                    out.append('[')
                    JsonWriter.appendQuoted(out, names[i]!!)
                    out.append(']')
                }
            }
        }
        return out.toString()
    }

    /** Records a violation at the current path. */
    public fun fail(constraint: String, message: String) {
        (found ?: ArrayList<ValidationIssue>().also { found = it }).add(ValidationIssue(path(), constraint, message))
    }

    public fun message(value: Message?) {
        value?.validateInto(this)
    }

    /**
     * A string: first the surrogate check (an unpaired UTF-16 surrogate has no
     * UTF-8 form; nothing else is checked then), then length in code points
     * and a [pattern] that must match the whole string.
     */
    public fun string(value: String?, minLength: Int = 0, maxLength: Int = Int.MAX_VALUE, pattern: TextPattern? = null) {
        if (value == null) return
        if (Utf8.unpairedSurrogateAt(value) >= 0) {
            fail("surrogate", "holds an unpaired UTF-16 surrogate")
            return
        }
        // The code point count lies between half the UTF-16 length (rounded up) and the length: count only when that range leaves a doubt.
        if ((value.length + 1) / 2 < minLength || value.length > maxLength) {
            val length = value.codePointCount(0, value.length)
            if (length < minLength) {
                fail("min_length", "has $length characters, fewer than $minLength")
            }
            if (length > maxLength) {
                fail("max_length", "has $length characters, more than $maxLength")
            }
        }
        if (pattern != null && !pattern.matches(value)) {
            fail("pattern", "does not match " + StringBuilder().also { JsonWriter.appendQuoted(it, pattern.source) })
        }
    }

    public fun timestamp(value: Timestamp?) {
        if (value != null && !value.isValid) {
            fail("range", "seconds ${value.seconds}, nanos ${value.nanos} is outside the timestamp range")
        }
    }

    // A bound admits finite numbers only: NaN and the infinities fail every
    // bound. Integers appear in decimal, the other numbers as in canonical JSON.
    // An integer bound left at its default is the type's own limit, which no
    // value breaks; a floating-point bound left at NaN is no bound.
    public fun number(value: Int?, minimum: Int = Int.MIN_VALUE, maximum: Int = Int.MAX_VALUE) {
        if (value == null) return
        if (value < minimum) below("$value", "$minimum")
        if (value > maximum) above("$value", "$maximum")
    }

    public fun number(value: Long?, minimum: Long = Long.MIN_VALUE, maximum: Long = Long.MAX_VALUE) {
        if (value == null) return
        if (value < minimum) below("$value", "$minimum")
        if (value > maximum) above("$value", "$maximum")
    }

    public fun number(value: UInt?, minimum: UInt = UInt.MIN_VALUE, maximum: UInt = UInt.MAX_VALUE) {
        if (value == null) return
        if (value < minimum) below("$value", "$minimum")
        if (value > maximum) above("$value", "$maximum")
    }

    public fun number(value: ULong?, minimum: ULong = ULong.MIN_VALUE, maximum: ULong = ULong.MAX_VALUE) {
        if (value == null) return
        if (value < minimum) below("$value", "$minimum")
        if (value > maximum) above("$value", "$maximum")
    }

    /** A float goes on the wire as itself: it is checked against bounds narrowed to float32 alike. */
    public fun number(value: Float?, minimum: Double = Double.NaN, maximum: Double = Double.NaN) {
        if (value == null) return
        val finite = value.isFinite()
        if (!minimum.isNaN()) {
            val min = minimum.toFloat()
            if (!(finite && value >= min)) below(floatText(value), floatText(min), finite)
        }
        if (!maximum.isNaN()) {
            val max = maximum.toFloat()
            if (!(finite && value <= max)) above(floatText(value), floatText(max), finite)
        }
    }

    public fun number(value: Double?, minimum: Double = Double.NaN, maximum: Double = Double.NaN) {
        if (value == null) return
        val finite = value.isFinite()
        if (!minimum.isNaN() && !(finite && value >= minimum)) below(doubleText(value), doubleText(minimum), finite)
        if (!maximum.isNaN() && !(finite && value <= maximum)) above(doubleText(value), doubleText(maximum), finite)
    }

    /** Item counts of a list or map. */
    public fun items(size: Int?, minItems: Int = 0, maxItems: Int = Int.MAX_VALUE) {
        if (size == null) return
        if (size < minItems) fail("min_items", "has $size items, fewer than $minItems")
        if (size > maxItems) fail("max_items", "has $size items, more than $maxItems")
    }

    private fun below(value: String, bound: String, finite: Boolean = true) =
        fail("minimum", if (finite) "$value is below the minimum $bound" else notFinite(value, "minimum", bound))

    private fun above(value: String, bound: String, finite: Boolean = true) =
        fail("maximum", if (finite) "$value is above the maximum $bound" else notFinite(value, "maximum", bound))

    private fun notFinite(value: String, kind: String, bound: String) = "$value is not a finite number (the $kind is $bound)"

    private companion object {
        const val INITIAL_DEPTH = 8
        const val FIELD: Byte = 0
        const val INDEX: Byte = 1
        const val KEY: Byte = 2

        fun doubleText(value: Double): String = when {
            value.isNaN() -> "NaN"
            value.isInfinite() -> if (value > 0) "Infinity" else "-Infinity"
            else -> EsNumbers.double(value)
        }

        fun floatText(value: Float): String =
            if (value.isNaN() || value.isInfinite()) doubleText(value.toDouble()) else EsNumbers.float(value)
    }
}
