package codegen.runtime

/**
 * One constraint violation: where ([path], e.g. `tags[2]`, `labels["x"]`,
 * `player.position`), which [constraint] (`minimum`, `maximum`, `min_length`,
 * `max_length`, `pattern`, `min_items`, `max_items`, and the SDK's own
 * `surrogate` (an unpaired UTF-16 surrogate) and `range` (a timestamp out of
 * range)) and a readable [message].
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

    /** Checks every entry of [map]; a key with an unpaired surrogate is reported at the map's path. */
    public inline fun <V> eachEntry(map: Map<String, V>?, check: (V) -> Unit) {
        if (map == null) return
        for (entry in map.entries) {
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
        fail("surrogate", "has a key with an unpaired surrogate")
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
        if (pattern != null && !pattern.matches(value)) fail("pattern", "does not match ${pattern.pattern}")
    }

    public fun timestamp(value: Timestamp?) {
        if (value != null && !value.isValid) fail("range", "$value is outside the Timestamp range")
    }

    // Bounds are written as "!(x >= min)" so that NaN fails a bound as well.
    public fun number(value: Int?, minimum: Int? = null, maximum: Int? = null) {
        if (value == null) return
        if (minimum != null && !(value >= minimum)) below(value, minimum)
        if (maximum != null && !(value <= maximum)) above(value, maximum)
    }

    public fun number(value: Long?, minimum: Long? = null, maximum: Long? = null) {
        if (value == null) return
        if (minimum != null && !(value >= minimum)) below(value, minimum)
        if (maximum != null && !(value <= maximum)) above(value, maximum)
    }

    public fun number(value: UInt?, minimum: UInt? = null, maximum: UInt? = null) {
        if (value == null) return
        if (minimum != null && !(value >= minimum)) below(value, minimum)
        if (maximum != null && !(value <= maximum)) above(value, maximum)
    }

    public fun number(value: ULong?, minimum: ULong? = null, maximum: ULong? = null) {
        if (value == null) return
        if (minimum != null && !(value >= minimum)) below(value, minimum)
        if (maximum != null && !(value <= maximum)) above(value, maximum)
    }

    /**
     * A float is compared as float32 (the value on the wire) against bounds
     * narrowed to float32 too. A bound admits finite numbers only: NaN and
     * the infinities fail every bound.
     */
    public fun number(value: Float?, minimum: Double? = null, maximum: Double? = null) {
        if (value == null) return
        val min = minimum?.toFloat()
        val max = maximum?.toFloat()
        if (min != null && !(value.isFinite() && value >= min)) below(value, min)
        if (max != null && !(value.isFinite() && value <= max)) above(value, max)
    }

    public fun number(value: Double?, minimum: Double? = null, maximum: Double? = null) {
        if (value == null) return
        if (minimum != null && !(value.isFinite() && value >= minimum)) below(value, minimum)
        if (maximum != null && !(value.isFinite() && value <= maximum)) above(value, maximum)
    }

    /** Item counts of a list or map. */
    public fun items(size: Int?, minItems: Int? = null, maxItems: Int? = null) {
        if (size == null) return
        if (minItems != null && size < minItems) fail("min_items", "has $size items, fewer than $minItems")
        if (maxItems != null && size > maxItems) fail("max_items", "has $size items, more than $maxItems")
    }

    private fun below(value: Any, bound: Any) = fail("minimum", describe(value, "below", "minimum", bound))
    private fun above(value: Any, bound: Any) = fail("maximum", describe(value, "above", "maximum", bound))

    private fun describe(value: Any, side: String, kind: String, bound: Any): String {
        val finite = when (value) {
            is Float -> value.isFinite()
            is Double -> value.isFinite()
            else -> true
        }
        return if (finite) "$value is $side the $kind $bound" else "$value is not a finite number (the $kind is $bound)"
    }
}
