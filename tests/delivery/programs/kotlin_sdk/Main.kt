// The delivery test program of the Kotlin SDK (generated/kotlin), as an app
// would use it; the protocol is that of programs/python_sdk.py:
//
//     program --url URL --queue-dir DIR --phase track|resume [--count N]
//             [--options JSON] [--invalid-at I] [--flush-timeout S]
//             [--consent P,P,...|all] [--withdraw P,P,...]
//
// Output lines: `tracked <N>`, `consent <dropped>`, `drop <reason> <status or -> <ids>`,
// `error <type> <message>`, `done <counters as JSON>`. The events come from
// Workload*.kt, which kotlin_program.py writes from the conformance cases.
package delivery.program

import org.broadcaster.analytics.DeliveryCounters
import org.broadcaster.analytics.DeliveryError
import org.broadcaster.analytics.DeliveryOptions
import org.broadcaster.analytics.DropReason
import org.broadcaster.analytics.HttpTransport
import org.broadcaster.analytics.Policy
import org.broadcaster.analytics.Purpose
import org.broadcaster.analytics.consent
import org.broadcaster.analytics.SdkError
import org.broadcaster.analytics.Timestamp
import org.broadcaster.analytics.Tracker
import org.broadcaster.analytics.ValidationError
import org.broadcaster.analytics.WireFormat
import java.io.File
import java.io.PrintStream
import kotlin.system.exitProcess
import kotlin.time.Duration.Companion.seconds

private val out = PrintStream(java.io.FileOutputStream(java.io.FileDescriptor.out), true, "UTF-8")

private fun say(line: String) = synchronized(out) {
    out.print(line + "\n")
    out.flush()
}

private fun report(error: SdkError) {
    when (error) {
        is DeliveryError -> say("drop ${error.reason.code} ${error.status ?: "-"} ${error.events.joinToString(",") { it.eventId }}")
        is ValidationError -> {} // the invalid event is sent on purpose
        else -> say("error ${error.javaClass.simpleName} ${error.message.orEmpty().split(Regex("\\s+")).joinToString(" ")}")
    }
}

/** The options JSON of the tests (snake_case keys, seconds), as DeliveryOptions. */
private fun options(text: String, folder: File): DeliveryOptions {
    var options = DeliveryOptions(queueDir = folder)
    for (match in Regex("\"(\\w+)\"\\s*:\\s*(\"[^\"]*\"|[^,}\\s]+)").findAll(text)) {
        val (key, raw) = match.destructured
        val number = raw.toDoubleOrNull()
        fun count() = number?.toInt() ?: throw IllegalArgumentException("$key: not a number: $raw")
        fun time() = (number ?: throw IllegalArgumentException("$key: not a number: $raw")).seconds
        options = when (key) {
            "wire_format" -> options.copy(wireFormat = WireFormat.of(raw.trim('"')))
            "batch_max_events" -> options.copy(batchMaxEvents = count())
            "batch_max_bytes" -> options.copy(batchMaxBytes = count())
            "flush_interval" -> options.copy(flushInterval = time())
            "request_timeout" -> options.copy(requestTimeout = time())
            "backoff_base" -> options.copy(backoffBase = time())
            "backoff_max" -> options.copy(backoffMax = time())
            "retry_after_max" -> options.copy(retryAfterMax = time())
            "max_attempts" -> options.copy(maxAttempts = count())
            "max_retry_age" -> options.copy(maxRetryAge = time())
            "queue_max_events" -> options.copy(queueMaxEvents = count())
            "queue_max_bytes" -> options.copy(queueMaxBytes = count().toLong())
            "queue_max_age" -> options.copy(queueMaxAge = time())
            "gzip_min_bytes" -> options.copy(gzipMinBytes = count())
            "exit_timeout" -> options.copy(exitTimeout = time())
            else -> throw IllegalArgumentException("unknown option $key")
        }
    }
    return options
}

private fun json(counters: DeliveryCounters): String {
    val dropped = DropReason.entries.joinToString(",") { "\"${it.code}\":${counters.dropped[it]}" }
    return "{\"tracked\":${counters.tracked},\"queued\":${counters.queued},\"sent\":${counters.sent}," +
        "\"retried\":${counters.retried},\"requests\":${counters.requests},\"dropped\":{$dropped}}"
}

/** The purposes of a --consent or --withdraw list ("all": every purpose of the model). */
private fun purposes(names: String): Set<Purpose> =
    if (names == "all") Purpose.entries.toSet()
    else names.split(",").filter { it.isNotEmpty() }.map { name -> Purpose.entries.single { it.wireName == name } }.toSet()

fun main(args: Array<String>) {
    val given = args.toList().chunked(2).associate { (name, value) -> name.removePrefix("--") to value }
    val count = given["count"]?.toInt() ?: 0
    val invalidAt = given["invalid-at"]?.toInt() ?: -1
    val transport = HttpTransport(given.getValue("url"), options(given["options"] ?: "{}", File(given.getValue("queue-dir"))))
    if (given["phase"] == "track") {
        var current = 0 // the id of the event being tracked (one the tracker drops takes none)
        val tracker = Tracker(transport, workloadContext(), Policy.SEND, ::report, {}, { Timestamp(CLIENT_SECONDS, CLIENT_NANOS) },
            { "00000000-0000-4000-8000-" + current.toString().padStart(12, '0') })
        val granted = purposes(given["consent"] ?: "all")
        tracker.consent = granted
        for (i in 0 until count) {
            current = i
            tracker.track(if (i == invalidAt) invalidEvent() else WORKLOAD[i % WORKLOAD.size]())
        }
        while (transport.counters().buffered > 0) Thread.sleep(5)
        say("tracked $count")
        say("consent ${tracker.consentDropped}")
        val withdrawn = purposes(given["withdraw"] ?: "")
        if (withdrawn.isNotEmpty()) tracker.consent = granted - withdrawn
    } else if (given["phase"] == "resume") {
        Tracker(transport, workloadContext(), Policy.THROW, ::report)
    } else {
        System.err.println("--phase must be track or resume")
        exitProcess(2)
    }
    transport.flush((given["flush-timeout"]?.toDouble() ?: 60.0).seconds)
    say("done " + json(transport.counters()))
    transport.close(5.seconds)
}
