package codegen.runtime

/**
 * A small JSON reader for what delivery reads back: the collector's answers
 * and the lines of the queue journal. Objects become maps, arrays lists,
 * numbers Long (integers) or Double; a malformed document throws
 * [IllegalArgumentException].
 */
internal class JsonReader private constructor(private val text: String) {
    private var at = 0

    companion object {
        fun parse(text: String): Any? {
            val reader = JsonReader(text)
            val value = reader.value(0)
            reader.space()
            if (reader.at != text.length) reader.fail("trailing text")
            return value
        }

        /** The document as an object, or null when it is not JSON or not an object. */
        fun parseObject(text: String): Map<*, *>? = try {
            parse(text) as? Map<*, *>
        } catch (e: IllegalArgumentException) {
            null
        }

        private const val MAX_DEPTH = 64
    }

    private fun fail(what: String): Nothing = throw IllegalArgumentException("invalid JSON at $at: $what")

    private fun space() {
        while (at < text.length && (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' || text[at] == '\r')) at++
    }

    private fun value(depth: Int): Any? {
        if (depth > MAX_DEPTH) fail("nested too deeply")
        space()
        if (at >= text.length) fail("unexpected end")
        return when (val c = text[at]) {
            '{' -> obj(depth)
            '[' -> array(depth)
            '"' -> string()
            't' -> word("true", true)
            'f' -> word("false", false)
            'n' -> word("null", null)
            else -> if (c == '-' || c in '0'..'9') number() else fail("unexpected '$c'")
        }
    }

    private fun obj(depth: Int): Map<String, Any?> {
        val out = LinkedHashMap<String, Any?>()
        at++
        space()
        if (peek('}')) return out
        while (true) {
            space()
            if (at >= text.length || text[at] != '"') fail("a member name expected")
            val key = string()
            space()
            expect(':')
            out[key] = value(depth + 1)
            space()
            if (peek('}')) return out
            expect(',')
        }
    }

    private fun array(depth: Int): List<Any?> {
        val out = ArrayList<Any?>()
        at++
        space()
        if (peek(']')) return out
        while (true) {
            out.add(value(depth + 1))
            space()
            if (peek(']')) return out
            expect(',')
        }
    }

    private fun peek(c: Char): Boolean {
        if (at < text.length && text[at] == c) {
            at++
            return true
        }
        return false
    }

    private fun expect(c: Char) {
        if (!peek(c)) fail("'$c' expected")
    }

    private fun word(word: String, value: Any?): Any? {
        if (!text.startsWith(word, at)) fail("unexpected literal")
        at += word.length
        return value
    }

    private fun number(): Any {
        val start = at
        if (text[at] == '-') at++
        while (at < text.length && text[at] in "0123456789.eE+-") at++
        val token = text.substring(start, at)
        if (token.none { it == '.' || it == 'e' || it == 'E' }) token.toLongOrNull()?.let { return it }
        return token.toDoubleOrNull()?.takeIf { it.isFinite() && token.last().isDigit() } ?: fail("bad number '$token'")
    }

    private fun string(): String {
        at++
        val out = StringBuilder()
        while (true) {
            if (at >= text.length) fail("unterminated string")
            val c = text[at++]
            when {
                c == '"' -> return out.toString()
                c == '\\' -> {
                    if (at >= text.length) fail("unterminated escape")
                    when (val e = text[at++]) {
                        '"', '\\', '/' -> out.append(e)
                        'b' -> out.append('\b')
                        'f' -> out.append('\u000c')
                        'n' -> out.append('\n')
                        'r' -> out.append('\r')
                        't' -> out.append('\t')
                        'u' -> {
                            if (at + 4 > text.length) fail("short \\u escape")
                            val hex = text.substring(at, at + 4)
                            if (!hex.all { Character.digit(it, 16) >= 0 }) fail("bad \\u escape")
                            out.append(hex.toInt(16).toChar())
                            at += 4
                        }
                        else -> fail("bad escape")
                    }
                }
                c < ' ' -> fail("control character in a string")
                else -> out.append(c)
            }
        }
    }
}
