package codegen.runtime

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory

/**
 * The test plan (plan.json among the test resources): every sample, built
 * through the typed API, validates and encodes to exactly the reference's
 * Protobuf bytes and canonical JSON, with its deprecation warnings; every
 * invalid case reports its constraint at its path, in the catalogue's words.
 */
class PlanTest {
    private val events: List<PlanNode> by lazy {
        val stream = PlanTest::class.java.getResourceAsStream("plan.json") ?: error("plan.json is not among the test resources")
        val text = stream.use { it.readBytes().toString(Charsets.UTF_8) }
        PlanNode(JsonTestParser.parse(text), "plan.json").req("events").list { it }
    }

    private fun build(event: String, values: Any?, where: String): EventMessage =
        PlanBuilders.build(event, PlanNode(values, where)) ?: error("no builder for event $event")

    @Test
    fun everyEventHasSamples() {
        for (entry in events) assertTrue(entry.req("samples").list { it }.isNotEmpty(), entry.req("event").string())
    }

    @TestFactory
    fun samples(): List<DynamicTest> = events.flatMap { entry ->
        val event = entry.req("event").string()
        entry.req("samples").list { it.list { part -> part } }.map { sample ->
            val variant = sample[0].string()
            DynamicTest.dynamicTest("$event $variant") {
                val built = build(event, sample[1].value, "$event $variant")
                assertEquals(emptyList<ValidationIssue>(), built.validate())
                assertEquals(sample[2].string(), Bytes(built.toProtobuf()).toHex())
                assertEquals(sample[3].string(), built.toJson())
                val warnings = if (sample.size > 4) sample[4].list { it.string() } else emptyList()
                assertEquals(warnings, built.deprecationWarnings())
            }
        }
    }

    @TestFactory
    fun invalid(): List<DynamicTest> = events.flatMap { entry ->
        val event = entry.req("event").string()
        val minimal = entry.req("samples").list { it.list { part -> part } }.first { it[0].string() == "minimal" }[1]
        entry.req("invalid").list { it.list { part -> part } }.map { case ->
            val path = case[0].string()
            val constraint = case[1].string()
            val where = "$event $path $constraint"
            DynamicTest.dynamicTest(where) {
                val values = LinkedHashMap(minimal.value as Map<*, *>)
                values.putAll(case[2].value as Map<*, *>)
                val built = build(event, values, where)
                val issues = built.validate()
                assertTrue(issues.any { it.path == path && it.constraint == constraint }, issues.toString())
                assertEquals("invalid event $event: ${case[3].string()}", ValidationError(event, issues).message)
            }
        }
    }
}
