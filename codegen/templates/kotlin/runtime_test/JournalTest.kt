package codegen.runtime

import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.util.Collections
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** The queue's journal file as docs/delivery.md describes it: its lines, torn writes, other versions, compaction. */
class JournalTest {
    @TempDir
    lateinit var queue: File
    private val collector = TestCollector()
    private val errors: MutableList<SdkError> = Collections.synchronizedList(ArrayList())
    private val journal: File get() = File(queue, "queue-0.jsonl")

    @AfterEach
    fun stop() = collector.close()

    private fun fast(queue: File, format: WireFormat = WireFormat.JSON) = TestCollector.fast(queue, format)

    private fun envelope(id: String) = TestCollector.envelope(id)

    private fun id(n: Int) = TestCollector.id(n)

    private fun transport(options: DeliveryOptions, url: String = collector.url) = HttpTransport(url, options) { errors.add(it) }

    private fun add(seq: Int, id: String, extra: String = ""): String =
        "{\"op\":\"add\",\"seq\":$seq,\"id\":\"$id\",\"name\":\"e\",\"fmt\":\"json\",\"body\":\"${Bytes(envelope(id)).toBase64()}\",\"queued_at_ms\":${System.currentTimeMillis()}$extra}\n"

    @Test
    fun theLinesAreThoseOfTheDesign() {
        collector.answer = { Reply(500, "{\"error\":\"internal\"}") }
        val sink = transport(fast(queue).copy(maxAttempts = 1))
        sink.enqueue("page_view", "a\"b", envelope("x"))
        assertTrue(sink.flush(10.seconds))
        sink.close(5.seconds)
        val lines = journal.readText().split("\n")
        assertEquals(Journal.HEADER.trimEnd(), lines[0])
        val added = Regex("\\{\"op\":\"add\",\"seq\":1,\"id\":\"a\\\\\"b\",\"name\":\"page_view\",\"fmt\":\"json\",\"body\":\"([^\"]+)\",\"queued_at_ms\":\\d{13}\\}")
        val body = added.matchEntire(lines[1])?.groupValues?.get(1)
        assertEquals(String(envelope("x"), Charsets.UTF_8), String(Base64Text.decode(body!!), Charsets.UTF_8))
        assertTrue(Regex("\\{\"op\":\"try\",\"seqs\":\\[1\\],\"at_ms\":\\d{13}\\}").matches(lines[2]), lines[2])
        assertEquals("{\"op\":\"del\",\"seqs\":[1]}", lines[3])
        assertEquals(listOf(""), lines.drop(4))
    }

    @Test
    fun aWithdrawalPurgesTheEventsThatNeedItFromTheQueueAndTheJournal() {
        val sink = transport(fast(queue).copy(flushInterval = 60.seconds))
        sink.enqueue("e", id(0), envelope(id(0)), listOf("analytics", "necessary"))
        sink.enqueue("e", id(1), envelope(id(1)), listOf("necessary"))
        sink.enqueue("e", id(2), envelope(id(2))) // purposes unknown (an older SDK): purged on any withdrawal
        sink.purge(setOf("analytics"))
        assertTrue(sink.flush(10.seconds))
        sink.close(5.seconds)
        assertEquals(listOf(id(1)), collector.eventIds())
        val drops = errors.filterIsInstance<DeliveryError>()
        assertEquals(listOf(DropReason.CONSENT_WITHDRAWN), drops.map { it.reason })
        assertEquals(listOf(id(0), id(2)), drops.single().events.map { it.eventId })
        assertEquals(2L, sink.counters().dropped.getValue(DropReason.CONSENT_WITHDRAWN))
        val lines = journal.readText().split("\n")
        assertTrue(lines[1].endsWith(",\"purposes\":[\"analytics\",\"necessary\"]}"), lines[1])
        assertTrue(lines.any { it == "{\"op\":\"del\",\"seqs\":[1,3]}" }, lines.joinToString("\n"))
    }

    @Test
    fun aTornLastLineIsCutAndTheRecordsApply() {
        val text = Journal.HEADER + add(1, id(0)) + add(2, id(1), ",\"attempts\":2,\"first_attempt_ms\":1") +
            add(3, id(2)) + "{\"op\":\"del\",\"seqs\":[1]}\n" + "{\"op\":\"try\",\"seqs\":[3],\"at_ms\":5}\n"
        journal.writeText(text + "{\"op\":\"add\",\"seq\":4,\"id\":\"torn")
        val sink = transport(fast(queue))
        assertTrue(sink.flush(10.seconds))
        sink.close(5.seconds)
        assertEquals(listOf(id(1), id(2)), collector.eventIds())
        assertTrue(journal.readText().startsWith(text))
        assertTrue(journal.readText().lines().none { it.contains("torn") })
        assertEquals(emptyList<SdkError>(), errors)
    }

    @Test
    fun aNewerVersionIsLeftAloneAndEventsStayInMemory() {
        val newer = "{\"format\":\"codegen-queue\",\"version\":2}\n" + add(1, id(0))
        journal.writeText(newer)
        val sink = transport(fast(queue))
        sink.enqueue("e", id(9), envelope(id(9)))
        assertTrue(sink.flush(10.seconds))
        sink.close(5.seconds)
        assertEquals(listOf(id(9)), collector.eventIds())
        assertEquals(newer, journal.readText())
        val error = errors.single()
        assertTrue(error.message!!.contains("written by a newer SDK (queue format 2, this SDK reads up to 1); events are kept in memory only"), error.message)
    }

    @Test
    fun compactionRewritesAJournalOfMostlyDeadRecords() {
        val sink = transport(fast(queue).copy(batchMaxEvents = 500, flushInterval = 60.seconds))
        val body = ByteArray(1000) { 'a'.code.toByte() }
        repeat(1_100) { sink.enqueue("e", id(it), body) }
        assertTrue(sink.flush(20.seconds))
        assertTrue(sink.close(5.seconds))
        assertEquals(1_100L, sink.counters().sent)
        val size = journal.length()
        assertTrue(size < 1_000_000, "the journal was compacted: $size bytes")
        assertTrue(journal.readText().startsWith(Journal.HEADER))
        assertEquals(listOf<String>(), queue.list()!!.filter { it.endsWith(".tmp") })
    }

    @Test
    fun twoTransportsOfOneProcessTakeTwoSlots() {
        val options = fast(queue).copy(backoffBase = 5.seconds, backoffMax = 5.seconds)
        val first = transport(options, "http://127.0.0.1:9")
        assertTrue(first.flush(5.seconds)) // its queue is open: it holds slot 0
        val second = transport(options, "http://127.0.0.1:9")
        first.enqueue("e", id(0), envelope(id(0)))
        second.enqueue("e", id(1), envelope(id(1)))
        first.close(200.milliseconds)
        second.close(200.milliseconds)
        assertTrue(File(queue, "queue-0.jsonl").readText().contains(id(0)))
        assertTrue(File(queue, "queue-1.jsonl").readText().contains(id(1)))
    }
}
