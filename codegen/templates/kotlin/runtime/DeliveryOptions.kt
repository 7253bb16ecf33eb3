package codegen.runtime

import java.io.File
import kotlin.time.Duration
import kotlin.time.Duration.Companion.days
import kotlin.time.Duration.Companion.seconds

/** The format of the request bodies, and so the one encoding the tracker runs. */
public enum class WireFormat(public val code: String, public val contentType: String) {
    PROTOBUF("protobuf", "application/x-protobuf"),
    JSON("json", "application/json");

    public companion object {
        /** The format named [code] ("protobuf" or "json"); anything else is a clear error. */
        public fun of(code: String): WireFormat = entries.firstOrNull { it.code == code }
            ?: throw IllegalArgumentException("wireFormat must be 'protobuf' or 'json', not '$code'")
    }
}

/**
 * A transport that takes envelopes in one [wireFormat] (as [HttpTransport]
 * does): the tracker encodes only that format and calls [enqueue]; the
 * other encoder never runs. Any other [Transport] gets both encodings.
 */
public interface FormatTransport : Transport {
    public val wireFormat: WireFormat

    /**
     * Takes one envelope in [wireFormat] on the caller's thread; may throw, the tracker reports it.
     * [purposes]: those the event needs, in name order; [purge] forgets it when one is withdrawn.
     */
    public fun enqueue(eventName: String, eventId: String, body: ByteArray, purposes: List<String> = emptyList())

    /** Called once by the tracker: its identity (the `User-Agent`) and its error handler (the fallback `onError`). */
    public fun bind(sdk: SdkInfo, report: (SdkError) -> Unit) {}

    override fun send(event: TrackedEvent): Unit =
        enqueue(event.eventName, event.eventId, if (wireFormat == WireFormat.PROTOBUF) event.protobuf else event.json.toByteArray(Charsets.UTF_8),
            event.purposes)
}

/**
 * How an [HttpTransport] batches, retries and keeps events; the defaults are
 * those of docs/delivery.md (a unit test pins them). Durations are
 * [kotlin.time.Duration]s, sizes bytes. [queueDir] is required while
 * [persist] is true (Android: `context.noBackupFilesDir`); the transport
 * checks it. A non-positive number is a clear error.
 */
public data class DeliveryOptions(
    /** The request body's format. */
    val wireFormat: WireFormat = WireFormat.PROTOBUF,
    /** Events per request, at most. */
    val batchMaxEvents: Int = 100,
    /** Body bytes per request before compression, at most (one event always goes). */
    val batchMaxBytes: Int = 512_000,
    /** An event waits at most this long before its batch is due. */
    val flushInterval: Duration = 10.seconds,
    /** Connecting, and each read of the answer; then the attempt failed. */
    val requestTimeout: Duration = 10.seconds,
    /** The first retry waits up to this long (full jitter), doubling per consecutive failure. */
    val backoffBase: Duration = 1.seconds,
    /** The backoff's cap. */
    val backoffMax: Duration = 60.seconds,
    /** A `Retry-After` answer is honoured up to this long. */
    val retryAfterMax: Duration = 300.seconds,
    /** Failed attempts after which an event is dropped (retries_exhausted). */
    val maxAttempts: Int = 10,
    /** Time since an event's first failed attempt after which it is dropped (retries_exhausted). */
    val maxRetryAge: Duration = 1.days,
    /** Events kept in the queue; beyond, the oldest are dropped (queue_full). */
    val queueMaxEvents: Int = 10_000,
    /** Envelope bytes kept in the queue; beyond, the oldest are dropped (queue_full). */
    val queueMaxBytes: Long = 5_242_880L,
    /** An event older than this in the queue is dropped (expired). */
    val queueMaxAge: Duration = 7.days,
    /** Bodies larger than this are sent with `Content-Encoding: gzip`. */
    val gzipMinBytes: Int = 1024,
    /** At JVM shutdown (a shutdown hook), flush for at most this long; the rest stays queued. */
    val exitTimeout: Duration = 5.seconds,
    /** Keep the queue in a file in [queueDir], so events survive a crash or a restart (false: memory only). */
    val persist: Boolean = true,
    /** The queue's folder, which the app gives (required while [persist] is true). */
    val queueDir: File? = null,
    /** Extra request headers (e.g. `Authorization`). */
    val headers: Map<String, String> = emptyMap(),
) {
    init {
        positive("batchMaxEvents", batchMaxEvents.toLong())
        positive("batchMaxBytes", batchMaxBytes.toLong())
        positive("maxAttempts", maxAttempts.toLong())
        positive("queueMaxEvents", queueMaxEvents.toLong())
        positive("queueMaxBytes", queueMaxBytes)
        positive("gzipMinBytes", gzipMinBytes.toLong())
        for ((name, value) in listOf(
            "flushInterval" to flushInterval, "requestTimeout" to requestTimeout, "backoffBase" to backoffBase,
            "backoffMax" to backoffMax, "retryAfterMax" to retryAfterMax, "maxRetryAge" to maxRetryAge,
            "queueMaxAge" to queueMaxAge, "exitTimeout" to exitTimeout,
        )) {
            require(value.isPositive()) { "$name must be positive, not $value" }
        }
    }

    private fun positive(name: String, value: Long) = require(value > 0) { "$name must be positive, not $value" }
}

/** Why events left the queue without being stored by the collector; [code] is the name every SDK uses. */
public enum class DropReason {
    /** The collector refused the event in a 2xx answer (with its reasons). */
    REJECTED,

    /** A 4xx answer other than 408, 413 and 429 (with the status and the collector's message). */
    CLIENT_ERROR,

    /** 413 for a batch of this one event. */
    TOO_LARGE,

    /** [DeliveryOptions.maxAttempts] failed attempts, or [DeliveryOptions.maxRetryAge] since the first. */
    RETRIES_EXHAUSTED,

    /** Older than [DeliveryOptions.queueMaxAge] in the queue. */
    EXPIRED,

    /** The oldest, when the queue's caps were exceeded (or the buffer in front of it was full). */
    QUEUE_FULL,

    /** The queue file could not take it. */
    STORAGE_ERROR,

    /** It needs a purpose the user withdrew (docs/delivery.md, "Consent"). */
    CONSENT_WITHDRAWN;

    public val code: String get() = name.lowercase()
}

/** One event of a [DeliveryError]; [reasons] are the collector's, for a rejected event. */
public data class DroppedEvent(val eventId: String, val eventName: String, val reasons: List<String> = emptyList())

/**
 * Events were dropped: one error per drop occurrence, listing every event
 * dropped in it, with the HTTP [status] when an answer caused it and the
 * [detail] (the collector's message, or what failed).
 */
public class DeliveryError(
    public val reason: DropReason,
    public val events: List<DroppedEvent>,
    public val detail: String = "",
    public val status: Int? = null,
) : SdkError(describe(reason, events.size, detail, status)) {
    private companion object {
        fun describe(reason: DropReason, count: Int, detail: String, status: Int?): String {
            val answer = if (status != null) " (HTTP $status)" else ""
            val text = "dropped $count event(s): ${reason.code}$answer"
            return if (detail.isEmpty()) text else "$text: $detail"
        }
    }
}

/** A snapshot of what an [HttpTransport] did (docs/delivery.md, "Observability"). */
public data class DeliveryCounters(
    /** Events handed to the transport by this process. */
    val tracked: Long = 0,
    /** Handed over, not yet in the queue. */
    val buffered: Int = 0,
    /** In the queue, including [inFlight] and events of earlier runs. */
    val queued: Int = 0,
    /** In the request being sent now. */
    val inFlight: Int = 0,
    /** Acknowledged by a 2xx (stored, or known duplicates). */
    val sent: Long = 0,
    /** Times an event was put back after a failed attempt. */
    val retried: Long = 0,
    /** Requests attempted. */
    val requests: Long = 0,
    /** Dropped events by reason (every reason present). */
    val dropped: Map<DropReason, Long> = DropReason.entries.associateWith { 0L },
) {
    val droppedTotal: Long get() = dropped.values.sum()
}
