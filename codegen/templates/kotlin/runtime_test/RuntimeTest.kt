package codegen.runtime

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The runtime's encoders against hand-checked bytes and text of the wire contract. */
class RuntimeTest {
    private fun proto(body: ProtoWriter.() -> Unit): String = Bytes(ProtoWriter().apply(body).toByteArray()).toHex()

    private fun json(body: JsonWriter.() -> Unit): String = JsonWriter().apply(body).toString()

    @Test
    fun varints() {
        assertEquals("08ffffffffffffffffff01", proto { int32(1, -1) })
        assertEquals("08ffffffffffffffffff01", proto { int64(1, -1L) })
        assertEquals("08ffffffffffffffffff01", proto { uint64(1, ULong.MAX_VALUE) })
        assertEquals("08ffffffff0f", proto { uint32(1, UInt.MAX_VALUE) })
        assertEquals("08ac02", proto { int32(1, 300) })
        assertEquals("f8ffffff0f01", proto { bool(536870911, true) })
    }

    @Test
    fun implicitAndExplicitPresence() {
        assertEquals("", proto { int32(1, 0); string(2, ""); bool(3, false); double(4, 0.0); bytes(5, Bytes.EMPTY) })
        assertEquals("08001200", proto { int32Opt(1, 0); stringOpt(2, "") })
        assertEquals("", proto { int32Opt(1, null); message(2, null); timestamp(3, null) })
        assertEquals("1a00", proto { timestamp(3, Timestamp(0, 0)) })
    }

    @Test
    fun floatingPointBits() {
        assertEquals("090000000000000080", proto { double(1, -0.0) })
        assertEquals("0d00000080", proto { float(1, -0.0f) })
        assertEquals("09000000000000f87f", proto { double(1, Double.NaN) })
        assertEquals("09000000000000f87f", proto { double(1, Double.fromBits(0x7ff0000000000001L)) })
        assertEquals("0d0000c07f", proto { float(1, Float.NaN) })
    }

    @Test
    fun repeatedAndMaps() {
        assertEquals("220b01ffffffffffffffffff01", proto { packedInt32(4, listOf(1, -1)) })
        assertEquals("", proto { packedInt32(4, emptyList()); packedDouble(5, null); repeatedString(6, emptyList()) })
        assertEquals("0a000a0161", proto { repeatedString(1, listOf("", "a")) })
        // Map entries in code point order (U+FFFF before U+1F600), key and value always written.
        val map = mapOf("\uD83D\uDE00" to 2, "\uFFFF" to 1, "a" to 0)
        assertEquals("2a050a016110002a070a03efbfbf10012a080a04f09f98801002", proto { map(5, map) { int32Opt(2, it) } })
        // JSON members in UTF-16 order instead.
        assertEquals("{\"a\":0,\"\uD83D\uDE00\":2,\"\uFFFF\":1}", json { map(map) { int32(it) } })
        assertEquals("{}", json { map(null as Map<String, Int>?) { int32(it) } })
        assertEquals("[]", json { array(null as List<Int>?) { int32(it) } })
    }

    @Test
    fun unpairedSurrogatesAreRefused() {
        assertThrows(EncodingError::class.java) { proto { string(1, "a\uD800") } }
        assertThrows(EncodingError::class.java) { json { string("\uDC00b") } }
        assertEquals("0a04f09f9880", proto { string(1, "\uD83D\uDE00") })
        val v = Validator()
        v.field("tags") { v.each(listOf("ok", "\uD800")) { e -> v.string(e, maxLength = 1) } }
        assertEquals(
            listOf(
                ValidationIssue("tags[0]", "max_length", "has 2 characters, more than 1"),
                ValidationIssue("tags[1]", "surrogate", "holds an unpaired UTF-16 surrogate"),
            ),
            v.issues,
        )
    }

    @Test
    fun validatorPathsAndBounds() {
        val v = Validator()
        v.field("labels") { v.eachEntry(mapOf("x\"y" to 5, "\uD800" to 0)) { e -> v.number(e, maximum = 4) } }
        v.field("player") { v.field("score") { v.number(Double.NaN, minimum = 0.0) } }
        v.field("name") { v.string("\uD83D\uDE00\uD83D\uDE00", minLength = 3, pattern = RegexPattern("[a-z]+")) }
        v.field("items") { v.items(3, minItems = 4, maxItems = 2) }
        assertEquals(
            listOf(
                "labels[\"x\\\"y\"] maximum", "labels surrogate", "player.score minimum", "name min_length",
                "name pattern", "items min_items", "items max_items",
            ),
            v.issues.map { "${it.path} ${it.constraint}" },
        )
    }

    @Test
    fun automatonPatternsStepByCodePoint() {
        // What codegen compiles "[a\u00e9\uD83D\uDE00]+" to (codegen/targets/kotlin/automata.py).
        val pattern = AutomatonPattern(
            "[a\u00e9\uD83D\uDE00]+",
            intArrayOf(0, 97, 98, 233, 234, 128512, 128513),
            "0202020" + "0303030" + "0303030",
            "23",
        )
        for (text in listOf("a", "\u00e9a", "\uD83D\uDE00", "a\uD83D\uDE00\u00e9")) assertTrue(pattern.matches(text), text)
        for (text in listOf("", "b", "a\u00ea", "\uD83D\uDE01", "\uD83D", "a\uDE00")) assertFalse(pattern.matches(text), text)
    }

    @Test
    fun jsonValues() {
        assertEquals("\"-9223372036854775808\"", json { int64(Long.MIN_VALUE) })
        assertEquals("\"18446744073709551615\"", json { uint64(ULong.MAX_VALUE) })
        assertEquals("4294967295", json { uint32(UInt.MAX_VALUE) })
        assertEquals("[\"NaN\",\"Infinity\",\"-Infinity\",0,0]", json {
            beginArray(); double(Double.NaN); double(Double.POSITIVE_INFINITY); float(Float.NEGATIVE_INFINITY)
            double(-0.0); float(-0.0f); endArray()
        })
        assertEquals("\"\\u0000\\u001f\\\"\\\\/\\b\\f\\n\\r\\t\u007f\u2028\u00e9\"", json {
            string("\u0000\u001f\"\\/\b\u000c\n\r\t\u007f\u2028\u00e9")
        })
        assertEquals("\"//4=\"", json { bytes(Bytes(byteArrayOf(-1, -2))) })
    }

    @Test
    fun doubles() {
        val cases = mapOf(
            1e21 to "1e+21", 1e-7 to "1e-7", 123456789012345680000.0 to "123456789012345680000",
            0.000001 to "0.000001", 5e-324 to "5e-324", -1.5 to "-1.5", 0.1 to "0.1", 100.0 to "100",
            1.7976931348623157e308 to "1.7976931348623157e+308", 9007199254740993.0 to "9007199254740992",
            0.30000000000000004 to "0.30000000000000004", 2.0.pow(-1074 + 52) to "2.2250738585072014e-308",
            // Exact binary values of at most 15 digits (the fast path), and the first ones past it.
            12.5 to "12.5", -0.25 to "-0.25", 999999999999999.0 to "999999999999999", 1e15 to "1000000000000000",
            2.0.pow(-20) to "9.5367431640625e-7", 123456789012.375 to "123456789012.375", 2.0.pow(53) to "9007199254740992",
        )
        for ((value, expected) in cases) assertEquals(expected, EsNumbers.double(value), expected)
    }

    @Test
    fun floats() {
        val cases = mapOf(
            0.1f to "0.1", 0.3f to "0.3", 16777217.0f to "16777216", Float.MAX_VALUE to "3.4028235e+38",
            Float.MIN_VALUE to "1.4013e-45", 1.17549435e-38f to "1.1754944e-38", 100f to "100", 1e21f to "1e+21",
            4.25f to "4.25", -2.5e-7f to "-2.5e-7",
            // At most 6 exact digits (the fast path); 2^-20 has 14, so the 6..9-digit rule applies.
            12.5f to "12.5", 65504f to "65504", 1234567f to "1234567", 2.0.pow(-20).toFloat() to "9.536743e-7",
        )
        for ((value, expected) in cases) assertEquals(expected, EsNumbers.float(value), expected)
    }

    @Test
    fun timestamps() {
        assertEquals("1970-01-01T00:00:00Z", Timestamp(0, 0).toRfc3339())
        assertEquals("0001-01-01T00:00:00Z", Timestamp(Timestamp.MIN_SECONDS, 0).toRfc3339())
        assertEquals("9999-12-31T23:59:59.999999999Z", Timestamp(Timestamp.MAX_SECONDS, 999_999_999).toRfc3339())
        assertEquals("2023-11-14T22:13:20.250Z", Timestamp(1_700_000_000, 250_000_000).toRfc3339())
        assertEquals("2000-02-29T00:00:00.000001Z", Timestamp(951_782_400, 1_000).toRfc3339())
        assertEquals("2000-02-29T00:00:00.000000001Z", Timestamp(951_782_400, 1).toRfc3339())
        assertEquals(Timestamp(-1, 999_000_000), Timestamp.fromEpochMillis(-1))
        assertEquals("1969-12-31T23:59:59.999Z", Timestamp.fromEpochMillis(-1).toRfc3339())
        assertEquals(-1L, Timestamp.fromEpochMillis(-1).toEpochMillis())
        assertEquals(Timestamp(-1, 999_999_999), Timestamp.fromEpochNanos(-1))
        assertEquals(Timestamp(1, 500_000_000), Timestamp.fromDate(java.util.Date(1500)))
        assertTrue(!Timestamp(Timestamp.MAX_SECONDS + 1, 0).isValid && !Timestamp(0, -1).isValid)
        assertThrows(EncodingError::class.java) { proto { timestamp(1, Timestamp(0, 1_000_000_000)) } }
        val now = Timestamp.now()
        assertTrue(now.isValid && now > Timestamp(1_600_000_000, 0))
    }

    @Test
    fun bytesAreImmutableValues() {
        val source = byteArrayOf(1, 2, 3)
        val bytes = Bytes(source)
        source[0] = 9
        bytes.toByteArray()[1] = 9
        assertEquals("010203", bytes.toHex())
        assertEquals(Bytes.fromHex("010203"), bytes)
        assertNotEquals(Bytes.fromHex("0102"), bytes)
        for ((hex, base64) in mapOf("" to "", "66" to "Zg==", "666f" to "Zm8=", "666f6f" to "Zm9v", "666f6f626172" to "Zm9vYmFy")) {
            assertEquals(base64, Bytes.fromHex(hex).toBase64())
        }
    }

    private fun Double.pow(n: Int): Double = Math.pow(this, n.toDouble())
}
