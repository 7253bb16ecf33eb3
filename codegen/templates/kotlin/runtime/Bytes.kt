package codegen.runtime

/**
 * An immutable sequence of bytes, the type of `bytes` properties. It copies
 * on the way in and out, so an event never changes after it is built, and it
 * compares by content.
 */
public class Bytes(bytes: ByteArray) {
    private val data: ByteArray = bytes.copyOf()

    public val size: Int get() = data.size

    public operator fun get(index: Int): Byte = data[index]

    public fun toByteArray(): ByteArray = data.copyOf()

    /** Standard base64 with padding (RFC 4648 §4); written by hand because java.util.Base64 needs Android API 26. */
    public fun toBase64(): String = Base64Text.encode(data)

    /** Lower-case hexadecimal. */
    public fun toHex(): String {
        val out = StringBuilder(data.size * 2)
        for (b in data) {
            val n = b.toInt() and 0xff
            out.append(HEX[n ushr 4]).append(HEX[n and 15])
        }
        return out.toString()
    }

    internal fun unsafeArray(): ByteArray = data

    override fun equals(other: Any?): Boolean = other is Bytes && data.contentEquals(other.data)

    override fun hashCode(): Int = data.contentHashCode()

    override fun toString(): String = "Bytes(${toHex()})"

    public companion object {
        private const val HEX = "0123456789abcdef"

        @JvmField
        public val EMPTY: Bytes = Bytes(ByteArray(0))

        /** Bytes from hexadecimal text (either case, even length). */
        @JvmStatic
        public fun fromHex(hex: String): Bytes {
            require(hex.length % 2 == 0) { "hex text must have an even length" }
            val out = ByteArray(hex.length / 2)
            for (i in out.indices) {
                val hi = Character.digit(hex[2 * i], 16)
                val lo = Character.digit(hex[2 * i + 1], 16)
                require(hi >= 0 && lo >= 0) { "not a hex digit at ${2 * i}" }
                out[i] = ((hi shl 4) or lo).toByte()
            }
            return Bytes(out)
        }
    }
}

/** Standard base64 with padding (RFC 4648 §4), both ways: java.util.Base64 needs Android API 26. */
internal object Base64Text {
    private const val ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    private val VALUES = IntArray(128) { -1 }.also { table -> ALPHABET.forEachIndexed { i, c -> table[c.code] = i } }

    fun encode(data: ByteArray): String {
        val out = StringBuilder((data.size + 2) / 3 * 4)
        var i = 0
        while (i + 3 <= data.size) {
            val n = (byteAt(data, i) shl 16) or (byteAt(data, i + 1) shl 8) or byteAt(data, i + 2)
            out.append(ALPHABET[n ushr 18]).append(ALPHABET[(n ushr 12) and 63])
                .append(ALPHABET[(n ushr 6) and 63]).append(ALPHABET[n and 63])
            i += 3
        }
        when (data.size - i) {
            1 -> {
                val n = byteAt(data, i) shl 16
                out.append(ALPHABET[n ushr 18]).append(ALPHABET[(n ushr 12) and 63]).append("==")
            }
            2 -> {
                val n = (byteAt(data, i) shl 16) or (byteAt(data, i + 1) shl 8)
                out.append(ALPHABET[n ushr 18]).append(ALPHABET[(n ushr 12) and 63])
                    .append(ALPHABET[(n ushr 6) and 63]).append('=')
            }
        }
        return out.toString()
    }

    /** The bytes of padded base64 [text]; anything else throws [IllegalArgumentException]. */
    fun decode(text: String): ByteArray {
        require(text.length % 4 == 0) { "base64 text must have a length divisible by 4" }
        val padding = if (text.endsWith("==")) 2 else if (text.endsWith("=")) 1 else 0
        val out = ByteArray(text.length / 4 * 3 - padding)
        var o = 0
        var i = 0
        while (i < text.length) {
            var n = 0
            for (k in 0 until 4) {
                val c = text[i + k]
                val v = if (c == '=' && i + 4 == text.length && k >= 4 - padding) 0
                else if (c.code < 128 && VALUES[c.code] >= 0) VALUES[c.code]
                else throw IllegalArgumentException("not base64 at ${i + k}")
                n = (n shl 6) or v
            }
            for (k in 0 until 3) if (o < out.size) out[o++] = (n ushr (16 - 8 * k)).toByte()
            i += 4
        }
        return out
    }

    private fun byteAt(data: ByteArray, i: Int): Int = data[i].toInt() and 0xff
}
