package codegen.runtime

import java.io.ByteArrayOutputStream
import java.io.IOException
import java.io.InputStream
import java.net.HttpURLConnection
import java.net.SocketTimeoutException
import java.net.URI
import java.net.URISyntaxException
import java.net.URL
import java.text.ParseException
import java.text.SimpleDateFormat
import java.util.Locale
import java.util.TimeZone
import java.util.zip.GZIPOutputStream

/** What an answer means for the events of its batch (docs/delivery.md, "Answers"). */
internal enum class Outcome {
    /** 2xx: the events are stored (or rejected one by one). */
    DELIVERED,

    /** 413: send the batch again in halves. */
    SPLIT,

    /** Another 4xx: never sent again. */
    DROP,

    /** 408, 429, 5xx, any other status, a network error or a timeout. */
    RETRY,
}

internal class Rejection(val index: Int, val reasons: List<String>)

internal class Answer(
    val outcome: Outcome,
    /** Null: no answer (network error, timeout). */
    val status: Int?,
    /** The error's message, or the collector's. */
    val detail: String,
    /** Seconds, from `Retry-After`. */
    val retryAfter: Double? = null,
    val rejected: List<Rejection> = emptyList(),
)

/**
 * Posts batches to one collector (`POST <url>/v1/batch`) with
 * [HttpURLConnection]; the JVM keeps connections alive between requests, and
 * one idle for [IDLE_REOPEN_NANOS] or longer is closed first (servers close
 * idle connections, uvicorn after 5 s, and a request on a closed one fails
 * for nothing). Bodies are streamed with a fixed length, so the JVM never
 * resends a request by itself.
 */
internal class Poster(url: String, private val timeoutMillis: Int, headers: Map<String, String>, private val gzipMinBytes: Int) {
    private val endpoint: URL = endpointOf(url)
    private val extraHeaders = LinkedHashMap(headers)

    @Volatile
    var userAgent: String = "codegen-sdk"
    private var last: HttpURLConnection? = null
    private var lastUsed = 0L

    fun post(body: ByteArray, format: WireFormat): Answer {
        var payload = body
        val gzip = body.size > gzipMinBytes
        if (gzip) payload = gzip(body)
        val now = System.nanoTime()
        if (now - lastUsed >= IDLE_REOPEN_NANOS) last?.disconnect()
        last = null
        var connection: HttpURLConnection? = null
        try {
            connection = endpoint.openConnection() as HttpURLConnection
            connection.requestMethod = "POST"
            connection.doOutput = true
            connection.useCaches = false
            connection.instanceFollowRedirects = false
            connection.connectTimeout = timeoutMillis
            connection.readTimeout = timeoutMillis
            connection.setRequestProperty("Content-Type", format.contentType)
            connection.setRequestProperty("Accept", "application/json")
            connection.setRequestProperty("User-Agent", userAgent)
            if (gzip) connection.setRequestProperty("Content-Encoding", "gzip")
            for ((name, value) in extraHeaders) connection.setRequestProperty(name, value)
            connection.setFixedLengthStreamingMode(payload.size)
            connection.outputStream.use { it.write(payload) }
            val status = connection.responseCode
            val stream = if (status >= 400) connection.errorStream else connection.inputStream
            val answer = stream?.let { readLimited(it) } ?: ByteArray(0)
            val retryAfter = connection.getHeaderField("Retry-After")
            lastUsed = System.nanoTime()
            last = connection
            return classify(status, answer, retryAfter)
        } catch (e: IOException) {
            connection?.disconnect()
            val kind = if (e is SocketTimeoutException) "timed out" else e.javaClass.simpleName
            return Answer(Outcome.RETRY, null, if (e.message != null) "$kind: ${e.message}" else kind)
        } catch (e: RuntimeException) { // e.g. a malformed answer the JVM's client refuses
            connection?.disconnect()
            return Answer(Outcome.RETRY, null, "${e.javaClass.simpleName}: ${e.message}")
        }
    }

    fun close() {
        last?.disconnect()
        last = null
    }

    companion object {
        const val BATCH_PATH: String = "/v1/batch"
        const val IDLE_REOPEN_NANOS: Long = 4_000_000_000L
        private const val MAX_ANSWER = 1 shl 20

        /** `<url>/v1/batch`; a URL that is not `http(s)://host[:port][/path]` is a clear error. */
        fun endpointOf(url: String): URL {
            val problem = IllegalArgumentException("the collector URL must be http(s)://host[:port][/path], not '$url'")
            val uri = try {
                URI(url)
            } catch (e: URISyntaxException) {
                throw problem
            }
            if ((uri.scheme != "http" && uri.scheme != "https") || uri.host.isNullOrEmpty() || uri.rawUserInfo != null ||
                uri.rawQuery != null || uri.rawFragment != null) throw problem
            val path = (uri.rawPath ?: "").trimEnd('/') + BATCH_PATH
            val port = if (uri.port >= 0) ":${uri.port}" else ""
            return URL("${uri.scheme}://${uri.host}$port$path")
        }

        fun gzip(body: ByteArray): ByteArray {
            val out = ByteArrayOutputStream(body.size / 4 + 64)
            GZIPOutputStream(out).use { it.write(body) } // level 6 (the default), mtime 0
            return out.toByteArray()
        }

        fun classify(status: Int, body: ByteArray, retryAfter: String?): Answer {
            val document = JsonReader.parseObject(String(body, Charsets.UTF_8))
            val detail = message(document, body)
            return when {
                status in 200..299 -> Answer(Outcome.DELIVERED, status, detail, null, rejections(document))
                status == 413 -> Answer(Outcome.SPLIT, status, detail)
                status in 400..499 && status != 408 && status != 429 -> Answer(Outcome.DROP, status, detail)
                else -> Answer(Outcome.RETRY, status, detail, parseRetryAfter(retryAfter))
            }
        }

        /** Seconds to wait: delay-seconds (fractions accepted) or an HTTP-date (RFC 9110); null when unreadable. */
        fun parseRetryAfter(value: String?, nowMillis: Long = System.currentTimeMillis()): Double? {
            val text = value?.trim() ?: return null
            if (text.isEmpty()) return null
            val seconds = text.toDoubleOrNull() ?: httpDate(text)?.let { (it - nowMillis) / 1000.0 } ?: return null
            if (seconds.isNaN()) return null
            return maxOf(0.0, seconds)
        }

        private fun httpDate(text: String): Long? {
            for (pattern in DATE_PATTERNS) {
                val format = SimpleDateFormat(pattern, Locale.US)
                format.timeZone = TimeZone.getTimeZone("GMT")
                format.isLenient = false
                try {
                    return format.parse(text)?.time
                } catch (e: ParseException) {
                    continue
                }
            }
            return null
        }

        // IMF-fixdate, then the obsolete RFC 850 and asctime forms recipients must accept.
        private val DATE_PATTERNS = listOf("EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy")

        private fun message(document: Map<*, *>?, body: ByteArray): String {
            if (document == null) return String(body, 0, minOf(body.size, 200), Charsets.UTF_8)
            val text = document["message"] as? String
            if (!text.isNullOrEmpty()) return text
            return document["error"] as? String ?: ""
        }

        private fun rejections(document: Map<*, *>?): List<Rejection> {
            val rejected = document?.get("rejected") as? List<*> ?: return emptyList()
            return rejected.mapNotNull { item ->
                val entry = item as? Map<*, *> ?: return@mapNotNull null
                val index = entry["index"] as? Long ?: return@mapNotNull null
                if (index !in 0..Int.MAX_VALUE.toLong()) return@mapNotNull null
                Rejection(index.toInt(), (entry["reasons"] as? List<*>)?.filterIsInstance<String>() ?: emptyList())
            }
        }

        private fun readLimited(stream: InputStream): ByteArray = stream.use {
            val out = ByteArrayOutputStream()
            val chunk = ByteArray(8192)
            while (true) {
                val n = it.read(chunk)
                if (n < 0) break
                if (out.size() < MAX_ANSWER) out.write(chunk, 0, minOf(n, MAX_ANSWER - out.size()))
            }
            out.toByteArray()
        }
    }
}
