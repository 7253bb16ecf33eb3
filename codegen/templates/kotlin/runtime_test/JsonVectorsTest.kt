package codegen.runtime

import java.io.File
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.Test

/**
 * The JSON writer against the shared vectors: RFC 8785 canonicalization cases
 * (jcs/) and ECMAScript number formatting (es-numbers/numbers.csv). The folder
 * comes from the CODEGEN_VECTORS environment variable (or the system property
 * codegen.vectors); without it these tests are skipped, and the project's own
 * test run fails on any skipped test.
 */
class JsonVectorsTest {
    private fun vectors(): File {
        val dir = System.getProperty("codegen.vectors") ?: System.getenv("CODEGEN_VECTORS")
        assumeTrue(dir != null, "set CODEGEN_VECTORS to the shared vectors folder")
        return File(dir!!)
    }

    @Test
    fun jcsCases() {
        val inputs = File(vectors(), "jcs/input").listFiles { f -> f.name.endsWith(".json") }!!.sortedBy { it.name }
        assertTrue(inputs.isNotEmpty(), "no jcs inputs")
        for (input in inputs) {
            val expected = File(vectors(), "jcs/output/" + input.name).readBytes()
            val actual = JsonTestParser.canonical(JsonTestParser.parse(input.readText(Charsets.UTF_8)))
            assertEquals(String(expected, Charsets.UTF_8), actual, input.name)
            assertTrue(expected.contentEquals(actual.toByteArray(Charsets.UTF_8)), input.name)
        }
    }

    @Test
    fun esNumbers() {
        val lines = File(vectors(), "es-numbers/numbers.csv").readLines().filter { it.isNotBlank() }
        assertTrue(lines.size >= 20_000, "expected 20,000 numbers, found ${lines.size}")
        val failures = ArrayList<String>()
        for (line in lines) {
            val (hex, expected) = line.split(',', limit = 2)
            val value = Double.fromBits(hex.toULong(16).toLong())
            val w = JsonWriter()
            w.double(value)
            if (w.toString() != expected) failures.add("$hex: expected $expected, got $w")
        }
        assertEquals(emptyList<String>(), failures.take(20), "${failures.size} of ${lines.size} differ")
    }
}
