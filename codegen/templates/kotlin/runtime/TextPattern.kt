package codegen.runtime

/** A pattern of the model, which a valid string matches as a whole; [source] is the pattern as the model writes it. */
public abstract class TextPattern(public val source: String) {
    public abstract fun matches(text: String): Boolean
}

/** A pattern matched by java.util.regex (those codegen could not compile to an [AutomatonPattern]). */
public class RegexPattern(source: String) : TextPattern(source) {
    private val regex = Regex(source)

    override fun matches(text: String): Boolean = regex.matches(text)
}

/**
 * A pattern compiled by codegen to a deterministic automaton over code
 * points: one table step per character and no allocation, where
 * java.util.regex makes a Matcher and backtracks. Class k holds the code
 * points from [starts] `[k]` to `starts[k + 1] - 1`. [table] holds a
 * character per state and class, at `s * classes + k`: the state after
 * class k in state s, as its number plus '1' ('0': no match can follow);
 * state 0 starts, and the states in [accepting] (same spelling) end a match.
 */
public class AutomatonPattern(
    source: String,
    private val starts: IntArray,
    table: String,
    accepting: String,
) : TextPattern(source) {
    private val classes = starts.size

    // Each state replaced by the offset of its row, so a step is one add and one load.
    private val rows = IntArray(table.length) { (table[it] - '1').let { s -> if (s < 0) -1 else s * classes } }
    private val final = BooleanArray(table.length).also { for (c in accepting) it[(c - '1') * classes] = true }
    private val asciiClass = IntArray(ASCII) { classOf(it) }

    override fun matches(text: String): Boolean {
        var row = 0
        var i = 0
        val n = text.length
        while (i < n) {
            val c = text[i].code
            val cls = if (c < ASCII) {
                i++
                asciiClass[c]
            } else {
                val point = text.codePointAt(i) // validated text holds surrogates only in pairs
                i += Character.charCount(point)
                classOf(point)
            }
            row = rows[row + cls]
            if (row < 0) return false
        }
        return final[row]
    }

    /** The last class starting at or below [point] (starts[0] is 0). */
    private fun classOf(point: Int): Int {
        var lo = 0
        var hi = classes - 1
        while (lo < hi) {
            val mid = (lo + hi + 1) ushr 1
            if (starts[mid] <= point) lo = mid else hi = mid - 1
        }
        return lo
    }

    private companion object {
        const val ASCII = 128
    }
}
