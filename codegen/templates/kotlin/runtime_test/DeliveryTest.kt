package codegen.runtime

import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.util.Collections
import java.util.concurrent.TimeUnit
import kotlin.time.Duration
import kotlin.time.Duration.Companion.days
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * HttpTransport against a loopback HTTP server that answers as each test
 * scripts it: defaults, batching, headers and gzip, the answers (2xx with
 * rejections, 400, 413, 5xx with Retry-After), retries, the persistent
 * bounded queue. Timers are shortened through DeliveryOptions, as users can.
 */
class DeliveryTest {
    @TempDir
    lateinit var queue: File
    private val collector = TestCollector()
    private val errors: MutableList<SdkError> = Collections.synchronizedList(ArrayList())
    private val offline = "http://127.0.0.1:9" // nobody listens on the discard port

    @AfterEach
    fun stop() = collector.close()

    private fun fast(queue: File, format: WireFormat = WireFormat.JSON) = TestCollector.fast(queue, format)

    private fun envelope(id: String) = TestCollector.envelope(id)

    private fun id(n: Int) = TestCollector.id(n)

    private fun transport(options: DeliveryOptions, url: String = collector.url) = HttpTransport(url, options) { errors.add(it) }

    private fun HttpTransport.track(count: Int, from: Int = 0) = repeat(count) { enqueue("e", id(from + it), envelope(id(from + it))) }

    private fun drops(): Map<DropReason, List<String>> = synchronized(errors) {
        errors.map { it as DeliveryError }.groupBy({ it.reason }, { it.events }).mapValues { (_, lists) -> lists.flatten().map { it.eventId } }
    }

    private fun waitUntil(what: String, condition: () -> Boolean) {
        val deadline = System.nanoTime() + 10_000_000_000L
        while (!condition()) {
            check(System.nanoTime() < deadline) { "timed out waiting until $what" }
            Thread.sleep(5)
        }
    }

    @Test
    fun defaultsArePinned() {
        val pinned = DeliveryOptions(
            wireFormat = WireFormat.PROTOBUF, batchMaxEvents = 100, batchMaxBytes = 512_000, flushInterval = 10.seconds,
            requestTimeout = 10.seconds, backoffBase = 1.seconds, backoffMax = 60.seconds, retryAfterMax = 300.seconds,
            maxAttempts = 10, maxRetryAge = 86_400.seconds, queueMaxEvents = 10_000, queueMaxBytes = 5_242_880L,
            queueMaxAge = 604_800.seconds, gzipMinBytes = 1024, exitTimeout = 5.seconds, persist = true, queueDir = null,
            headers = emptyMap(),
        )
        assertEquals(pinned, DeliveryOptions())
        assertEquals(18, DeliveryOptions::class.java.declaredFields.count { !java.lang.reflect.Modifier.isStatic(it.modifiers) })
        assertEquals(7.days, DeliveryOptions().queueMaxAge)
    }

    @Test
    fun badOptionsAndUrlsAreClearErrors() {
        assertEquals("batchMaxEvents must be positive, not 0", assertThrows(IllegalArgumentException::class.java) { DeliveryOptions(batchMaxEvents = 0) }.message)
        assertEquals("flushInterval must be positive, not 0s", assertThrows(IllegalArgumentException::class.java) { DeliveryOptions(flushInterval = Duration.ZERO) }.message)
        assertEquals("wireFormat must be 'protobuf' or 'json', not 'xml'", assertThrows(IllegalArgumentException::class.java) { WireFormat.of("xml") }.message)
        for (url in listOf("ftp://127.0.0.1", "http://", "127.0.0.1:80", "http://127.0.0.1/path?query", "http://user@127.0.0.1")) {
            val failure = assertThrows(IllegalArgumentException::class.java) { HttpTransport(url, fast(queue)) }
            assertTrue(failure.message!!.startsWith("the collector URL must be http(s)://host[:port][/path]"), failure.message)
        }
        val noFolder = assertThrows(IllegalArgumentException::class.java) { HttpTransport(collector.url) }
        assertTrue(noFolder.message!!.contains("queueDir is required"), noFolder.message)
        assertEquals("http://127.0.0.1:8080/base/v1/batch", Poster.endpointOf("http://127.0.0.1:8080/base/").toString())
    }

    @Test
    fun batchesInOrderWithHeadersAndGzip() {
        val sink = transport(fast(queue).copy(batchMaxEvents = 40, flushInterval = 60.seconds, headers = mapOf("Authorization" to "Bearer t")))
        sink.bind(SdkInfo("probe_sdk", "1.2.3", "1.2.3")) {}
        sink.track(100)
        assertTrue(sink.flush(10.seconds))
        sink.close(5.seconds)
        assertEquals((0 until 100).map { id(it) }, collector.eventIds())
        assertEquals(listOf(40, 40, 20), collector.requests.map { it.eventIds().size })
        val first = collector.requests[0]
        assertEquals("application/json", first.headers["content-type"])
        assertEquals("gzip", first.headers["content-encoding"])
        assertTrue(first.sentBytes < first.batch.size)
        assertEquals("probe_sdk/1.2.3 (jvm)", first.headers["user-agent"])
        assertEquals("Bearer t", first.headers["authorization"])
        assertEquals("application/json", first.headers["accept"])
        val sentAt = (JsonReader.parse(String(first.batch, Charsets.UTF_8)) as Map<*, *>)["sent_at"] as String
        assertTrue(sentAt.endsWith("Z"), sentAt)
        val counters = sink.counters()
        assertEquals(listOf(100L, 100L, 0L, 3L), listOf(counters.tracked, counters.sent, counters.queued.toLong(), counters.requests))
        assertEquals(emptyList<SdkError>(), errors)
    }

    @Test
    fun protobufBodiesAreBatchRecordsAndSmallOnesStayUncompressed() {
        val sink = transport(fast(queue, WireFormat.PROTOBUF))
        sink.enqueue("e", "p-1", byteArrayOf(0x0a, 0x00))
        assertTrue(sink.flush(10.seconds))
        sink.close(5.seconds)
        val request = collector.requests.single()
        assertEquals("application/x-protobuf", request.headers["content-type"])
        assertNull(request.headers["content-encoding"])
        assertEquals("0a020a00", Bytes(request.batch.copyOf(4)).toHex()) // events = 1, then sent_at = 2
        assertEquals(0x12, request.batch[4].toInt())
    }

    @Test
    fun retryAfterIsHonouredThenDelivered() {
        var first = true
        collector.answer = { if (first) Reply(503, "{\"error\":\"sink_unavailable\"}", mapOf("Retry-After" to "0.3")).also { first = false } else TestCollector.ACCEPTED }
        val sink = transport(fast(queue))
        sink.track(1)
        val started = System.nanoTime()
        assertTrue(sink.flush(10.seconds))
        assertTrue(System.nanoTime() - started >= 250_000_000L, "Retry-After was honoured")
        sink.close(5.seconds)
        assertEquals(collector.requests[0].eventIds(), collector.requests[1].eventIds())
        val counters = sink.counters()
        assertEquals(listOf(1L, 1L, 2L), listOf(counters.sent, counters.retried, counters.requests))
        assertEquals(emptyList<SdkError>(), errors)
    }

    @Test
    fun a400IsSentOnceAndReported() {
        collector.answer = { Reply(400, "{\"error\":\"bad_request\",\"message\":\"not a batch\"}") }
        val sink = transport(fast(queue))
        sink.track(2)
        assertTrue(sink.flush(10.seconds))
        Thread.sleep(200) // nothing is retried
        sink.close(5.seconds)
        assertEquals(1, collector.requests.size)
        assertEquals(mapOf(DropReason.CLIENT_ERROR to listOf(id(0), id(1))), drops())
        val error = errors[0] as DeliveryError
        assertEquals(400, error.status)
        assertEquals("dropped 2 event(s): client_error (HTTP 400): not a batch", error.message)
        assertEquals(2L, sink.counters().dropped[DropReason.CLIENT_ERROR])
    }

    @Test
    fun a413SplitsInHalvesAndDropsASingleEvent() {
        collector.answer = { request ->
            val ids = request.eventIds()
            if (ids.size > 2 || id(4) in ids) Reply(413, "{\"error\":\"too_large\"}") else TestCollector.ACCEPTED
        }
        val sink = transport(fast(queue))
        sink.track(5)
        assertTrue(sink.flush(10.seconds))
        sink.close(5.seconds)
        assertEquals(listOf(5, 3, 2, 1, 2, 1, 1), collector.requests.map { it.eventIds().size })
        assertEquals(mapOf(DropReason.TOO_LARGE to listOf(id(4))), drops())
        assertEquals(4L, sink.counters().sent)
    }

    @Test
    fun rejectedEventsAreReportedNotResent() {
        collector.answer = { Reply(200, "{\"accepted\":1,\"duplicates\":0,\"rejected\":[{\"index\":1,\"event_id\":\"x\",\"reasons\":[\"x: y (z)\"]}]}") }
        val sink = transport(fast(queue))
        sink.track(2)
        assertTrue(sink.flush(10.seconds))
        sink.close(5.seconds)
        assertEquals(1, collector.requests.size)
        val error = errors.single() as DeliveryError
        assertEquals(DropReason.REJECTED, error.reason)
        assertEquals(listOf(DroppedEvent(id(1), "e", listOf("x: y (z)"))), error.events)
        assertEquals(1L, sink.counters().sent)
        assertEquals(1L, sink.counters().dropped[DropReason.REJECTED])
    }

    @Test
    fun retriesEndAfterMaxAttempts() {
        collector.answer = { Reply(500, "{\"error\":\"internal\"}") }
        val sink = transport(fast(queue).copy(maxAttempts = 3))
        sink.track(1)
        assertTrue(sink.flush(10.seconds))
        sink.close(5.seconds)
        assertEquals(3, collector.requests.size)
        assertEquals(mapOf(DropReason.RETRIES_EXHAUSTED to listOf(id(0))), drops())
        assertEquals(2L, sink.counters().retried)
        assertTrue(errors[0].message!!.endsWith("last attempt: HTTP 500 internal"), errors[0].message)
    }

    @Test
    fun theQueueSurvivesARestart() {
        val down = transport(fast(queue).copy(backoffBase = 5.seconds, backoffMax = 5.seconds), offline)
        down.track(3)
        assertFalse(down.flush(500.milliseconds))
        assertFalse(down.close(100.milliseconds))
        assertEquals(3, down.counters().queued)
        val up = transport(fast(queue))
        assertTrue(up.flush(10.seconds))
        up.close(5.seconds)
        assertEquals(listOf(id(0), id(1), id(2)), collector.eventIds())
        assertEquals(3L, up.counters().sent)
    }

    @Test
    fun aFullQueueDropsTheOldest() {
        val down = transport(fast(queue).copy(queueMaxEvents = 5, flushInterval = 60.seconds, backoffBase = 5.seconds, backoffMax = 5.seconds), offline)
        down.track(8)
        waitUntil("the buffer is persisted") { down.counters().buffered == 0 }
        down.close(100.milliseconds)
        assertEquals(mapOf(DropReason.QUEUE_FULL to listOf(id(0), id(1), id(2))), drops())
        assertEquals(5, down.counters().queued)
        assertEquals(3L, down.counters().dropped[DropReason.QUEUE_FULL])
    }

    @Test
    fun anOrphanedSlotIsAdopted() {
        val options = fast(queue).copy(backoffBase = 5.seconds, backoffMax = 5.seconds)
        val first = transport(options, offline)
        assertTrue(first.flush(5.seconds)) // its queue is open: it holds slot 0
        val second = transport(options, offline)
        second.track(2)
        second.close(300.milliseconds) // its slot (queue-1) keeps the two events
        first.close(300.milliseconds)
        assertEquals(listOf("queue-0.jsonl", "queue-1.jsonl"), queue.list()!!.filter { it.endsWith(".jsonl") }.sorted())
        val up = transport(fast(queue))
        assertTrue(up.flush(10.seconds))
        up.close(5.seconds)
        assertEquals(listOf(id(0), id(1)), collector.eventIds())
        assertEquals(Journal.HEADER, File(queue, "queue-1.jsonl").readText())
    }

    @Test
    fun memoryOnlyDeliversAndWritesNoFile() {
        val sink = transport(fast(queue).copy(persist = false, flushInterval = 60.seconds))
        sink.track(3)
        assertTrue(sink.flush(10.seconds))
        assertTrue(sink.close(5.seconds))
        assertEquals(3, collector.eventIds().size)
        assertEquals(emptyList<String>(), queue.list()!!.toList())
    }

    @Test
    fun theJvmsExitFlushesWhatIsQueued() {
        val javaBin = File(System.getProperty("java.home"), "bin/java").path
        val command = listOf(javaBin, "-cp", System.getProperty("java.class.path"), ExitProgram::class.java.name, collector.url, queue.path)
        val process = ProcessBuilder(command).redirectErrorStream(true).start()
        val output = process.inputStream.bufferedReader().readText()
        assertTrue(process.waitFor(60, TimeUnit.SECONDS))
        assertEquals(0, process.exitValue(), output)
        assertEquals(listOf("exit-1"), collector.eventIds())
    }

    @Test
    fun retryAfterParsesSecondsAndHttpDates() {
        assertEquals(120.0, Poster.parseRetryAfter(" 120 "))
        assertEquals(0.25, Poster.parseRetryAfter("0.25"))
        assertEquals(0.0, Poster.parseRetryAfter("-3"))
        val now = 1_445_412_480_000L // Wed, 21 Oct 2015 07:28:00 GMT
        assertEquals(60.0, Poster.parseRetryAfter("Wed, 21 Oct 2015 07:29:00 GMT", now))
        assertEquals(60.0, Poster.parseRetryAfter("Wednesday, 21-Oct-15 07:29:00 GMT", now))
        assertEquals(60.0, Poster.parseRetryAfter("Wed Oct 21 07:29:00 2015", now))
        assertNull(Poster.parseRetryAfter("soon"))
        assertNull(Poster.parseRetryAfter(null))
    }

    @Test
    fun answersAreClassifiedAsTheDesignSays() {
        val outcomes = listOf(200, 202, 413, 400, 401, 404, 408, 429, 500, 503, 302, 101).associateWith { Poster.classify(it, ByteArray(0), null).outcome }
        assertEquals(
            mapOf(200 to Outcome.DELIVERED, 202 to Outcome.DELIVERED, 413 to Outcome.SPLIT, 400 to Outcome.DROP, 401 to Outcome.DROP,
                404 to Outcome.DROP, 408 to Outcome.RETRY, 429 to Outcome.RETRY, 500 to Outcome.RETRY, 503 to Outcome.RETRY,
                302 to Outcome.RETRY, 101 to Outcome.RETRY),
            outcomes,
        )
        assertEquals(emptyList<Rejection>(), Poster.classify(200, "not json".toByteArray(), null).rejected) // every event counts as sent
        assertEquals(2.5, Poster.classify(429, "{}".toByteArray(), "2.5").retryAfter)
    }
}

/** A program that hands over one event and ends: the shutdown hook must flush it. */
object ExitProgram {
    @JvmStatic
    fun main(args: Array<String>) {
        val sink = HttpTransport(args[0], DeliveryOptions(wireFormat = WireFormat.JSON, flushInterval = 60.seconds, queueDir = File(args[1])))
        sink.enqueue("e", "exit-1", TestCollector.envelope("exit-1"))
    }
}
