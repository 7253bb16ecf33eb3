package codegen.runtime

/**
 * Canonical JSON writer: RFC 8785 (JCS) formatting of ProtoJSON values.
 * Generated code writes object members in sorted order; map keys are sorted
 * here by UTF-16 code units. No whitespace, strings escape only `"`, `\` and
 * control characters, numbers in ECMAScript form.
 */
public class JsonWriter {
    private val out = StringBuilder(INITIAL_CAPACITY)
    private var needComma = false

    override fun toString(): String = out.toString()

    public fun beginObject(): JsonWriter {
        beforeValue()
        out.append('{')
        needComma = false
        return this
    }

    public fun endObject(): JsonWriter {
        out.append('}')
        needComma = true
        return this
    }

    public fun beginArray(): JsonWriter {
        beforeValue()
        out.append('[')
        needComma = false
        return this
    }

    public fun endArray(): JsonWriter {
        out.append(']')
        needComma = true
        return this
    }

    /** An object member's name; the value follows. */
    public fun name(name: String): JsonWriter {
        if (needComma) out.append(',')
        appendQuoted(out, name, strict = true)
        out.append(':')
        needComma = false
        return this
    }

    public fun nullValue(): Unit = literal("null")
    public fun bool(value: Boolean): Unit = literal(if (value) "true" else "false")
    public fun int32(value: Int): Unit = literal(value.toString())
    public fun uint32(value: UInt): Unit = literal(value.toString())

    /** 64-bit integers are strings in ProtoJSON. */
    public fun int64(value: Long): Unit = string(value.toString())
    public fun uint64(value: ULong): Unit = string(value.toString())

    /** ECMAScript form; NaN and infinities as the strings ProtoJSON uses. */
    public fun double(value: Double) {
        if (value.isNaN() || value.isInfinite()) string(nonFinite(value)) else literal(EsNumbers.double(value))
    }

    /** The shortest decimal that narrows back to the same float32, in ECMAScript form. */
    public fun float(value: Float) {
        if (value.isNaN() || value.isInfinite()) string(nonFinite(value.toDouble())) else literal(EsNumbers.float(value))
    }

    public fun string(value: String) {
        beforeValue()
        appendQuoted(out, value, strict = true)
        needComma = true
    }

    public fun bytes(value: Bytes): Unit = string(value.toBase64())
    public fun enumValue(value: ProtoEnum): Unit = string(value.jsonName)
    public fun timestamp(value: Timestamp): Unit = string(value.toRfc3339())
    public fun message(value: Message) {
        value.writeJson(this)
    }

    /** A JSON array of [values]; null writes `[]` (repeated fields have no presence). */
    public inline fun <T> array(values: List<T>?, element: JsonWriter.(T) -> Unit) {
        beginArray()
        if (values != null) for (value in values) element(value)
        endArray()
    }

    /** A JSON object of [entries], keys sorted by UTF-16 code units; null writes `{}`. */
    public inline fun <V> map(entries: Map<String, V>?, value: JsonWriter.(V) -> Unit) {
        beginObject()
        if (entries != null) {
            for (entry in entries.entries.sortedWith { a, b -> a.key.compareTo(b.key) }) {
                name(entry.key)
                value(entry.value)
            }
        }
        endObject()
    }

    private fun literal(text: String) {
        beforeValue()
        out.append(text)
        needComma = true
    }

    private fun beforeValue() {
        if (needComma) out.append(',')
    }

    public companion object {
        private const val HEX = "0123456789abcdef"
        private const val INITIAL_CAPACITY = 512 // an envelope's JSON, written without growing

        private fun nonFinite(value: Double): String =
            if (value.isNaN()) "NaN" else if (value > 0) "Infinity" else "-Infinity"

        /**
         * Appends [text] as a JSON string. With [strict], an unpaired surrogate
         * throws [EncodingError] (it has no UTF-8 form); otherwise it is
         * written as a `\uXXXX` escape (for error paths).
         */
        internal fun appendQuoted(out: StringBuilder, text: String, strict: Boolean = false) {
            val bad = Utf8.unpairedSurrogateAt(text)
            if (bad >= 0 && strict) throw EncodingError("string has an unpaired UTF-16 surrogate at index $bad")
            out.append('"')
            var run = 0 // start of the run of characters written as they are, appended at once
            for (i in text.indices) {
                val c = text[i]
                if (c >= ' ' && c != '"' && c != '\\' && (bad < 0 || !c.isSurrogate())) continue
                if (run < i) out.append(text, run, i)
                run = i + 1
                when {
                    c == '"' -> out.append("\\\"")
                    c == '\\' -> out.append("\\\\")
                    c == '\b' -> out.append("\\b")
                    c == '\t' -> out.append("\\t")
                    c == '\n' -> out.append("\\n")
                    c == '\u000c' -> out.append("\\f")
                    c == '\r' -> out.append("\\r")
                    c < ' ' || (bad >= 0 && c.isSurrogate() && isUnpaired(text, i)) -> {
                        val n = c.code
                        out.append("\\u").append(HEX[n ushr 12]).append(HEX[(n ushr 8) and 15])
                            .append(HEX[(n ushr 4) and 15]).append(HEX[n and 15])
                    }
                    else -> out.append(c)
                }
            }
            if (run < text.length) out.append(text, run, text.length)
            out.append('"')
        }

        private fun isUnpaired(text: String, i: Int): Boolean =
            if (text[i].isHighSurrogate()) i + 1 >= text.length || !text[i + 1].isLowSurrogate()
            else i == 0 || !text[i - 1].isHighSurrogate()
    }
}
