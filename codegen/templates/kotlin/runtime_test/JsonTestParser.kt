package codegen.runtime

/**
 * A small JSON parser for the tests (RFC 8259; numbers as doubles, as RFC 8785
 * reads them) and the canonical writer for parsed values.
 */
class JsonTestParser private constructor(private val text: String) {
    private var i = 0

    private fun value(): Any? {
        skipSpace()
        val c = text[i]
        return when {
            c == '{' -> obj()
            c == '[' -> array()
            c == '"' -> string()
            text.startsWith("true", i) -> { i += 4; true }
            text.startsWith("false", i) -> { i += 5; false }
            text.startsWith("null", i) -> { i += 4; null }
            else -> number()
        }
    }

    private fun obj(): Map<String, Any?> {
        val out = LinkedHashMap<String, Any?>()
        i++
        skipSpace()
        if (text[i] == '}') { i++; return out }
        while (true) {
            skipSpace()
            val key = string()
            skipSpace()
            expect(':')
            out[key] = value()
            skipSpace()
            if (text[i] == ',') { i++; continue }
            expect('}')
            return out
        }
    }

    private fun array(): List<Any?> {
        val out = ArrayList<Any?>()
        i++
        skipSpace()
        if (text[i] == ']') { i++; return out }
        while (true) {
            out.add(value())
            skipSpace()
            if (text[i] == ',') { i++; continue }
            expect(']')
            return out
        }
    }

    private fun string(): String {
        expect('"')
        val out = StringBuilder()
        while (true) {
            val c = text[i++]
            when (c) {
                '"' -> return out.toString()
                '\\' -> {
                    when (val e = text[i++]) {
                        'b' -> out.append('\b')
                        'f' -> out.append('\u000c')
                        'n' -> out.append('\n')
                        'r' -> out.append('\r')
                        't' -> out.append('\t')
                        'u' -> { out.append(text.substring(i, i + 4).toInt(16).toChar()); i += 4 }
                        else -> out.append(e)
                    }
                }
                else -> out.append(c)
            }
        }
    }

    private fun number(): Double {
        val start = i
        while (i < text.length && text[i] in "+-0123456789.eE") i++
        return text.substring(start, i).toDouble()
    }

    private fun skipSpace() {
        while (i < text.length && text[i] in " \t\r\n") i++
    }

    private fun expect(c: Char) {
        check(text[i] == c) { "expected '$c' at $i" }
        i++
    }

    companion object {
        fun parse(text: String): Any? {
            val parser = JsonTestParser(text)
            val result = parser.value()
            parser.skipSpace()
            check(parser.i == text.length) { "trailing text at ${parser.i}" }
            return result
        }

        /** RFC 8785 form of a parsed value, written with the SDK's JsonWriter. */
        fun canonical(value: Any?): String {
            val w = JsonWriter()
            write(w, value)
            return w.toString()
        }

        private fun write(w: JsonWriter, value: Any?) {
            when (value) {
                null -> w.nullValue()
                is Boolean -> w.bool(value)
                is Double -> w.double(value)
                is String -> w.string(value)
                is List<*> -> {
                    w.beginArray()
                    for (item in value) write(w, item)
                    w.endArray()
                }
                is Map<*, *> -> {
                    w.beginObject()
                    for (key in value.keys.map { it as String }.sorted()) {
                        w.name(key)
                        write(w, value[key])
                    }
                    w.endObject()
                }
                else -> error("unexpected value $value")
            }
        }
    }
}
