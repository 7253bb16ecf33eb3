package codegen.runtime

import com.sun.net.httpserver.HttpServer
import java.io.File
import java.net.InetSocketAddress
import java.util.Collections
import java.util.zip.GZIPInputStream
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** One request as the test collector saw it: its headers (names in lower case) and its body, decompressed. */
class SeenRequest(val headers: Map<String, String>, val sentBytes: Int, val batch: ByteArray) {
    /** The event ids of a JSON batch, in order. */
    fun eventIds(): List<String> {
        val document = JsonReader.parse(String(batch, Charsets.UTF_8)) as Map<*, *>
        return (document["events"] as List<*>).map { ((it as Map<*, *>)["context"] as Map<*, *>)["event_id"] as String }
    }
}

/** What the test collector answers: status, headers, body. */
class Reply(val status: Int, val body: String, val headers: Map<String, String> = emptyMap())

/**
 * A loopback HTTP server (the JDK's own) that answers each `POST /v1/batch`
 * as the test scripts it and keeps every request: the collector side of
 * the delivery tests. Start with [start], stop with [close].
 */
class TestCollector : AutoCloseable {
    val requests: MutableList<SeenRequest> = Collections.synchronizedList(ArrayList())

    @Volatile
    var answer: (SeenRequest) -> Reply = { ACCEPTED }
    private val server: HttpServer = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
    val url: String get() = "http://127.0.0.1:${server.address.port}"

    init {
        server.createContext("/v1/batch") { exchange ->
            val raw = exchange.requestBody.readBytes()
            val headers = exchange.requestHeaders.entries.associate { it.key.lowercase() to it.value.joinToString(",") }
            val batch = if (headers["content-encoding"] == "gzip") GZIPInputStream(raw.inputStream()).readBytes() else raw
            val seen = SeenRequest(headers, raw.size, batch)
            requests.add(seen)
            val reply = answer(seen)
            val body = reply.body.toByteArray(Charsets.UTF_8)
            for ((name, value) in reply.headers) exchange.responseHeaders.add(name, value)
            exchange.responseHeaders.add("Content-Type", "application/json")
            exchange.sendResponseHeaders(reply.status, body.size.toLong())
            exchange.responseBody.use { it.write(body) }
        }
        server.start()
    }

    /** Every event id of every request, in the order they arrived. */
    fun eventIds(): List<String> = synchronized(requests) { requests.flatMap { it.eventIds() } }

    override fun close() = server.stop(0)

    companion object {
        val ACCEPTED = Reply(200, "{\"accepted\":0,\"duplicates\":0,\"rejected\":[]}")

        /** Timers shortened through the public options, as users can. */
        fun fast(queue: File, format: WireFormat = WireFormat.JSON): DeliveryOptions = DeliveryOptions(
            wireFormat = format, flushInterval = 50.milliseconds, requestTimeout = 2.seconds,
            backoffBase = 10.milliseconds, backoffMax = 20.milliseconds, queueDir = queue,
        )

        /** A JSON envelope holding nothing but its event id (the sender never looks inside). */
        fun envelope(id: String): ByteArray = "{\"context\":{\"event_id\":\"$id\"}}".toByteArray(Charsets.UTF_8)

        fun id(n: Int): String = "id-" + n.toString().padStart(4, '0')
    }
}
