// The Kotlin row of bench/delivery.py: track() on the caller's thread with
// HttpTransport (Protobuf) and with InMemoryTransport (both encodings), and
// sustained delivery to the collector at <url>. benchEvent() and
// benchContext() come from BenchValues.kt, which bench/delivery.py writes.
//
//     DeliveryBenchKt <url> <queue folder> <timed calls> <sustained events>
//
// Prints one line: `result <p50 us> <p99 us> <generic p50> <generic p99>
// <tracked s> <acknowledged s> <requests>`.
package bench.delivery

import org.broadcaster.analytics.HttpTransport
import org.broadcaster.analytics.Purpose
import org.broadcaster.analytics.consent
import org.broadcaster.analytics.DeliveryOptions
import org.broadcaster.analytics.InMemoryTransport
import org.broadcaster.analytics.Tracker
import java.io.File
import kotlin.time.Duration.Companion.seconds

/** p50 and p99 in microseconds of [count] calls, after as many calls to warm the JIT up. */
private fun percentiles(count: Int, call: () -> Unit): Pair<Double, Double> {
    repeat(count) { call() }
    val samples = LongArray(count)
    for (i in 0 until count) {
        val started = System.nanoTime()
        call()
        samples[i] = System.nanoTime() - started
    }
    samples.sort()
    return samples[count / 2] / 1000.0 to samples[(count * 0.99).toInt()] / 1000.0
}

fun main(args: Array<String>) {
    val (url, folder) = args
    val calls = args[2].toInt()
    val sustained = args[3].toInt()
    val event = benchEvent()
    // Caps large enough for the timing loop (it outruns the collector); the other defaults are what users get.
    val transport = HttpTransport(url, DeliveryOptions(queueDir = File(folder), queueMaxEvents = 1_000_000, queueMaxBytes = 1_000_000_000L))
    val tracker = Tracker(transport, benchContext()).also { it.consent = Purpose.entries.toSet() } // the heartbeat needs analytics
    check(tracker.track(event))
    val fast = percentiles(calls) { tracker.track(event) }
    check(transport.flush(120.seconds)) { transport.counters() }
    val memory = InMemoryTransport()
    val generic = Tracker(memory, benchContext()).also { it.consent = Purpose.entries.toSet() }
    val both = percentiles(calls) {
        generic.track(event)
        if (memory.events.size >= 1000) memory.clear()
    }
    val before = transport.counters()
    val started = System.nanoTime()
    var done = 0
    while (done < sustained) {
        val chunk = minOf(1000, sustained - done)
        repeat(chunk) { tracker.track(event) }
        done += chunk
        while (transport.counters().let { it.queued + it.buffered } > 5_000) Thread.sleep(5) // a stream, not a burst
    }
    val tracked = (System.nanoTime() - started) / 1e9
    check(transport.flush(120.seconds)) { transport.counters() }
    val elapsed = (System.nanoTime() - started) / 1e9
    val after = transport.counters()
    check(after.sent - before.sent == sustained.toLong() && after.droppedTotal == 0L) { after }
    println("result ${fast.first} ${fast.second} ${both.first} ${both.second} $tracked $elapsed ${after.requests - before.requests}")
    transport.close(10.seconds)
}
