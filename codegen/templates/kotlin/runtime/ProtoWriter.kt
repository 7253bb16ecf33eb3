package codegen.runtime

/**
 * Protobuf wire-format writer for the generated messages (docs/wire-contract.md).
 * Plain names (`int32`, `string`, ...) are implicit-presence fields: zero
 * values are skipped. `...Opt` names are explicit presence: written whenever
 * the value is not null, zero included. Lists and maps are null-safe: null
 * writes nothing, like an empty collection.
 */
public class ProtoWriter {
    private var buf = ByteArray(INITIAL_CAPACITY)
    private var size = 0

    public fun toByteArray(): ByteArray = buf.copyOf(size)

    // --- implicit presence -------------------------------------------------

    public fun int32(field: Int, value: Int) { if (value != 0) int32Opt(field, value) }
    public fun int64(field: Int, value: Long) { if (value != 0L) int64Opt(field, value) }
    public fun uint32(field: Int, value: UInt) { if (value != 0u) uint32Opt(field, value) }
    public fun uint64(field: Int, value: ULong) { if (value != 0uL) uint64Opt(field, value) }
    public fun bool(field: Int, value: Boolean) { if (value) boolOpt(field, true) }

    /** Bitwise zero check: -0.0f is written. */
    public fun float(field: Int, value: Float) { if (value.toRawBits() != 0) floatOpt(field, value) }
    public fun double(field: Int, value: Double) { if (value.toRawBits() != 0L) doubleOpt(field, value) }
    public fun string(field: Int, value: String) { if (value.isNotEmpty()) stringOpt(field, value) }
    public fun bytes(field: Int, value: Bytes) { if (value.size > 0) bytesOpt(field, value) }

    // --- explicit presence -------------------------------------------------

    public fun int32Opt(field: Int, value: Int?) {
        if (value == null) return
        tag(field, VARINT)
        if (value >= 0) varint32(value) else varint(value.toLong())
    }

    public fun int64Opt(field: Int, value: Long?) {
        if (value == null) return
        tag(field, VARINT)
        varint(value)
    }

    public fun uint32Opt(field: Int, value: UInt?) {
        if (value == null) return
        tag(field, VARINT)
        varint32(value.toInt())
    }

    public fun uint64Opt(field: Int, value: ULong?) {
        if (value == null) return
        tag(field, VARINT)
        varint(value.toLong())
    }

    public fun boolOpt(field: Int, value: Boolean?) {
        if (value == null) return
        tag(field, VARINT)
        byte(if (value) 1 else 0)
    }

    public fun floatOpt(field: Int, value: Float?) {
        if (value == null) return
        tag(field, FIXED32)
        fixed32(floatBits(value))
    }

    public fun doubleOpt(field: Int, value: Double?) {
        if (value == null) return
        tag(field, FIXED64)
        fixed64(doubleBits(value))
    }

    public fun stringOpt(field: Int, value: String?) {
        if (value == null) return
        tag(field, LEN)
        val start = beginLength()
        ensure(value.length * 3)
        size = Utf8.write(value, buf, size)
        endLength(start)
    }

    public fun bytesOpt(field: Int, value: Bytes?) {
        if (value == null) return
        tag(field, LEN)
        varint32(value.size)
        raw(value.unsafeArray())
    }

    /** Enum values are never 0, so they are written whenever set. */
    public fun enumValue(field: Int, value: ProtoEnum?) {
        if (value == null) return
        tag(field, VARINT)
        varint32(value.number)
    }

    /** A nested message, written whenever set, even when it has no fields. */
    public fun message(field: Int, value: Message?) {
        if (value != null) nested(field) { value.writeProto(this) }
    }

    public fun timestamp(field: Int, value: Timestamp?) {
        if (value == null) return
        if (!value.isValid) throw EncodingError("timestamp out of range: $value")
        nested(field) {
            int64(1, value.seconds)
            int32(2, value.nanos)
        }
    }

    /**
     * A length-delimited field whose content [body] writes, in place: one
     * byte is kept for the length and the content moves up when the length
     * needs more (no writer and no copy per nested message).
     */
    public inline fun nested(field: Int, body: ProtoWriter.() -> Unit) {
        lengthTag(field)
        val start = beginLength()
        body()
        endLength(start)
    }

    @PublishedApi
    internal fun lengthTag(field: Int): Unit = tag(field, LEN)

    @PublishedApi
    internal fun beginLength(): Int {
        ensure(1)
        return size++
    }

    @PublishedApi
    internal fun endLength(start: Int) {
        val length = size - start - 1
        if (length < 0x80) {
            buf[start] = length.toByte()
            return
        }
        var extra = 1
        while (length ushr (7 * (extra + 1)) != 0) extra++
        ensure(extra)
        System.arraycopy(buf, start + 1, buf, start + 1 + extra, length)
        size += extra
        var v = length
        var at = start
        while (v ushr 7 != 0) {
            buf[at++] = ((v and 0x7f) or 0x80).toByte()
            v = v ushr 7
        }
        buf[at] = v.toByte()
    }

    // --- repeated ----------------------------------------------------------

    public fun packedInt32(field: Int, values: List<Int>?) = packed(field, values) { varint(it.toLong()) }
    public fun packedInt64(field: Int, values: List<Long>?) = packed(field, values) { varint(it) }
    public fun packedUint32(field: Int, values: List<UInt>?) = packed(field, values) { varint32(it.toInt()) }
    public fun packedUint64(field: Int, values: List<ULong>?) = packed(field, values) { varint(it.toLong()) }
    public fun packedBool(field: Int, values: List<Boolean>?) = packedFixed(field, values, 1) { byte(if (it) 1 else 0) }
    public fun packedFloat(field: Int, values: List<Float>?) = packedFixed(field, values, 4) { fixed32(floatBits(it)) }
    public fun packedDouble(field: Int, values: List<Double>?) = packedFixed(field, values, 8) { fixed64(doubleBits(it)) }
    public fun packedEnum(field: Int, values: List<ProtoEnum>?) = packed(field, values) { varint32(it.number) }

    public fun repeatedString(field: Int, values: List<String>?) { values?.forEach { stringOpt(field, it) } }
    public fun repeatedBytes(field: Int, values: List<Bytes>?) { values?.forEach { bytesOpt(field, it) } }
    public fun repeatedMessage(field: Int, values: List<Message>?) { values?.forEach { message(field, it) } }
    public fun repeatedTimestamp(field: Int, values: List<Timestamp>?) { values?.forEach { timestamp(field, it) } }

    /** One record with every value, none for an empty list. */
    private inline fun <T> packed(field: Int, values: List<T>?, element: ProtoWriter.(T) -> Unit) {
        if (values.isNullOrEmpty()) return
        tag(field, LEN)
        val start = beginLength()
        forEachFast(values, element)
        endLength(start)
    }

    /** A packed record of fixed-width values: its length is known before the values are written. */
    private inline fun <T> packedFixed(field: Int, values: List<T>?, width: Int, element: ProtoWriter.(T) -> Unit) {
        if (values.isNullOrEmpty()) return
        tag(field, LEN)
        varint32(values.size * width)
        ensure(values.size * width)
        forEachFast(values, element)
    }

    /** By index where that is cheap (no iterator), else by iterator. */
    private inline fun <T> forEachFast(values: List<T>, element: ProtoWriter.(T) -> Unit) {
        if (values is RandomAccess) {
            for (i in values.indices) element(values[i])
        } else {
            for (value in values) element(value)
        }
    }

    /**
     * A map: one entry message per key, sorted by code point; the key is
     * field 1 and [value] writes field 2 (always, even when zero or empty).
     */
    public inline fun <V> map(field: Int, entries: Map<String, V>?, value: ProtoWriter.(V) -> Unit) {
        if (entries == null) return
        for (entry in sortedEntries(entries)) {
            nested(field) {
                stringOpt(1, entry.key)
                value(entry.value)
            }
        }
    }

    @PublishedApi
    internal fun <V> sortedEntries(entries: Map<String, V>): List<Map.Entry<String, V>> =
        entries.entries.sortedWith { a, b -> CODE_POINT_ORDER.compare(a.key, b.key) }

    // --- primitives --------------------------------------------------------

    // Field numbers are at most 2^29 - 1, so a tag is a non-negative Int.
    private fun tag(field: Int, wireType: Int) = varint32((field shl 3) or wireType)

    /** Unsigned LEB128 of a non-negative Int (tags, lengths, enum numbers) or of a UInt's bits. */
    private fun varint32(value: Int) {
        ensure(5)
        if (value and 0x7f.inv() == 0) {
            buf[size++] = value.toByte()
            return
        }
        var v = value
        while (v and 0x7f.inv() != 0) {
            buf[size++] = ((v and 0x7f) or 0x80).toByte()
            v = v ushr 7
        }
        buf[size++] = v.toByte()
    }

    /** Unsigned LEB128 of the 64-bit two's complement: negative numbers take 10 bytes. */
    private fun varint(value: Long) {
        ensure(10)
        if (value and 0x7fL.inv() == 0L) {
            buf[size++] = value.toByte()
            return
        }
        var v = value
        while (v and 0x7fL.inv() != 0L) {
            buf[size++] = ((v and 0x7f) or 0x80).toByte()
            v = v ushr 7
        }
        buf[size++] = v.toByte()
    }

    private fun byte(value: Int) {
        ensure(1)
        buf[size++] = value.toByte()
    }

    private fun fixed32(bits: Int) {
        ensure(4)
        val b = buf
        val at = size
        b[at] = bits.toByte()
        b[at + 1] = (bits ushr 8).toByte()
        b[at + 2] = (bits ushr 16).toByte()
        b[at + 3] = (bits ushr 24).toByte()
        size = at + 4
    }

    private fun fixed64(bits: Long) {
        fixed32(bits.toInt())
        fixed32((bits ushr 32).toInt())
    }

    private fun raw(bytes: ByteArray) {
        ensure(bytes.size)
        System.arraycopy(bytes, 0, buf, size, bytes.size)
        size += bytes.size
    }

    private fun ensure(extra: Int) {
        if (size + extra > buf.size) buf = buf.copyOf(maxOf(buf.size * 2, size + extra))
    }

    public companion object {
        private const val VARINT = 0
        private const val FIXED64 = 1
        private const val LEN = 2
        private const val FIXED32 = 5

        // Room for a typical envelope, so it is written without growing.
        private const val INITIAL_CAPACITY = 256

        /** NaN is canonicalized to the quiet NaN. */
        private fun floatBits(value: Float): Int = if (value.isNaN()) 0x7fc00000 else value.toRawBits()
        private fun doubleBits(value: Double): Long = if (value.isNaN()) 0x7ff8000000000000L else value.toRawBits()

        /** Unicode code point order, which differs from UTF-16 order above U+E000. */
        public val CODE_POINT_ORDER: Comparator<String> = Comparator { a, b ->
            var i = 0
            var j = 0
            var result = 0
            while (result == 0 && i < a.length && j < b.length) {
                val ca = a.codePointAt(i)
                val cb = b.codePointAt(j)
                result = ca.compareTo(cb)
                i += Character.charCount(ca)
                j += Character.charCount(cb)
            }
            if (result != 0) result else (a.length - i).compareTo(b.length - j)
        }
    }
}

/** UTF-8 that refuses unpaired surrogates instead of replacing them. */
internal object Utf8 {
    /** The index of the first unpaired surrogate in [text], or -1. */
    fun unpairedSurrogateAt(text: String): Int {
        var i = 0
        while (i < text.length) {
            val c = text[i]
            if (c.isHighSurrogate() && i + 1 < text.length && text[i + 1].isLowSurrogate()) {
                i += 2
                continue
            }
            if (c.isSurrogate()) return i
            i++
        }
        return -1
    }

    /** Writes the UTF-8 of [text] into [out] from [at] (3 bytes of room a char); the end. */
    fun write(text: String, out: ByteArray, at: Int): Int {
        var n = at
        var i = 0
        val length = text.length
        while (i < length) { // the ASCII run most strings are, one compare a char
            val c = text[i]
            if (c.code >= 0x80) break
            out[n++] = c.code.toByte()
            i++
        }
        while (i < text.length) {
            val c = text[i].code
            when {
                c < 0x80 -> out[n++] = c.toByte()
                c < 0x800 -> {
                    out[n++] = (0xc0 or (c shr 6)).toByte()
                    out[n++] = (0x80 or (c and 63)).toByte()
                }
                c < 0xd800 || c > 0xdfff -> {
                    out[n++] = (0xe0 or (c shr 12)).toByte()
                    out[n++] = (0x80 or ((c shr 6) and 63)).toByte()
                    out[n++] = (0x80 or (c and 63)).toByte()
                }
                else -> {
                    val next = if (i + 1 < text.length) text[i + 1].code else 0
                    if (c > 0xdbff || next < 0xdc00 || next > 0xdfff) {
                        throw EncodingError("string has an unpaired UTF-16 surrogate at index $i")
                    }
                    i++
                    val p = 0x10000 + ((c - 0xd800) shl 10) + (next - 0xdc00)
                    out[n++] = (0xf0 or (p shr 18)).toByte()
                    out[n++] = (0x80 or ((p shr 12) and 63)).toByte()
                    out[n++] = (0x80 or ((p shr 6) and 63)).toByte()
                    out[n++] = (0x80 or (p and 63)).toByte()
                }
            }
            i++
        }
        return n
    }
}
