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
 * current path grows and shrinks as [field], [each] and [eachEntry] descend.
 * Every check ignores null (an optional value that is not set).
 */
public class Validator {
    private val path = StringBuilder()
    private val found = ArrayList<ValidationIssue>()

    /** The violations found so far. */
    public val issues: List<ValidationIssue> get() = found.toList()

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
    internal fun enterField(name: String): Int {
        val mark = path.length
        if (mark > 0) path.append('.')
        path.append(name)
        return mark
    }

    @PublishedApi
    internal fun enterIndex(index: Int): Int {
        val mark = path.length
        path.append('[').append(index).append(']')
        return mark
    }

    @PublishedApi
    internal fun enterKey(key: String): Int {
        val mark = path.length
        path.append('[')
        JsonWriter.appendQuoted(path, key)
        path.append(']')
        return mark
    }

    @PublishedApi
    internal fun leave(mark: Int) {
        path.setLength(mark)
    }

    /** Records a violation at the current path. */
    public fun fail(constraint: String, message: String) {
        found.add(ValidationIssue(path.toString(), constraint, message))
    }

    public fun message(value: Message?) {
        value?.validateInto(this)
    }

    /**
     * A string: first the surrogate check (an unpaired UTF-16 surrogate has no
     * UTF-8 form; nothing else is checked then), then length in code points
     * and a [pattern] that must match the whole string.
     */
    public fun string(value: String?, minLength: Int? = null, maxLength: Int? = null, pattern: Regex? = null) {
        if (value == null) return
        if (Utf8.unpairedSurrogateAt(value) >= 0) {
            fail("surrogate", "holds an unpaired UTF-16 surrogate")
            return
        }
        val length = value.codePointCount(0, value.length)
        if (minLength != null && length < minLength) {
            fail("min_length", "has $length characters, fewer than $minLength")
        }
        if (maxLength != null && length > maxLength) {
            fail("max_length", "has $length characters, more than $maxLength")
        }
        if (pattern != null && !pattern.matches(value)) {
            fail("pattern", "does not match " + StringBuilder().also { JsonWriter.appendQuoted(it, pattern.pattern) })
        }
    }

    public fun timestamp(value: Timestamp?) {
        if (value != null && !value.isValid) {
            fail("range", "seconds ${value.seconds}, nanos ${value.nanos} is outside the timestamp range")
        }
    }

    // A bound admits finite numbers only: NaN and the infinities fail every
    // bound. Integers appear in decimal, the other numbers as in canonical JSON.
    public fun number(value: Int?, minimum: Int? = null, maximum: Int? = null) {
        if (value == null) return
        if (minimum != null && !(value >= minimum)) below("$value", "$minimum")
        if (maximum != null && !(value <= maximum)) above("$value", "$maximum")
    }

    public fun number(value: Long?, minimum: Long? = null, maximum: Long? = null) {
        if (value == null) return
        if (minimum != null && !(value >= minimum)) below("$value", "$minimum")
        if (maximum != null && !(value <= maximum)) above("$value", "$maximum")
    }

    public fun number(value: UInt?, minimum: UInt? = null, maximum: UInt? = null) {
        if (value == null) return
        if (minimum != null && !(value >= minimum)) below("$value", "$minimum")
        if (maximum != null && !(value <= maximum)) above("$value", "$maximum")
    }

    public fun number(value: ULong?, minimum: ULong? = null, maximum: ULong? = null) {
        if (value == null) return
        if (minimum != null && !(value >= minimum)) below("$value", "$minimum")
        if (maximum != null && !(value <= maximum)) above("$value", "$maximum")
    }

    /** A float goes on the wire as itself: it is checked against bounds narrowed to float32 alike. */
    public fun number(value: Float?, minimum: Double? = null, maximum: Double? = null) {
        if (value == null) return
        val min = minimum?.toFloat()
        val max = maximum?.toFloat()
        val finite = value.isFinite()
        if (min != null && !(finite && value >= min)) below(floatText(value), floatText(min), finite)
        if (max != null && !(finite && value <= max)) above(floatText(value), floatText(max), finite)
    }

    public fun number(value: Double?, minimum: Double? = null, maximum: Double? = null) {
        if (value == null) return
        val finite = value.isFinite()
        if (minimum != null && !(finite && value >= minimum)) below(doubleText(value), doubleText(minimum), finite)
        if (maximum != null && !(finite && value <= maximum)) above(doubleText(value), doubleText(maximum), finite)
    }

    /** Item counts of a list or map. */
    public fun items(size: Int?, minItems: Int? = null, maxItems: Int? = null) {
        if (size == null) return
        if (minItems != null && size < minItems) fail("min_items", "has $size items, fewer than $minItems")
        if (maxItems != null && size > maxItems) fail("max_items", "has $size items, more than $maxItems")
    }

    private fun below(value: String, bound: String, finite: Boolean = true) =
        fail("minimum", if (finite) "$value is below the minimum $bound" else notFinite(value, "minimum", bound))

    private fun above(value: String, bound: String, finite: Boolean = true) =
        fail("maximum", if (finite) "$value is above the maximum $bound" else notFinite(value, "maximum", bound))

    private fun notFinite(value: String, kind: String, bound: String) = "$value is not a finite number (the $kind is $bound)"

    private companion object {
        fun doubleText(value: Double): String = when {
            value.isNaN() -> "NaN"
            value.isInfinite() -> if (value > 0) "Infinity" else "-Infinity"
            else -> EsNumbers.double(value)
        }

        fun floatText(value: Float): String =
            if (value.isNaN() || value.isInfinite()) doubleText(value.toDouble()) else EsNumbers.float(value)
    }
}
