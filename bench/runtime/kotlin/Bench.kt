// The Kotlin SDK (bundled model) against protobuf-java with protoc's Java
// classes of `codegen export proto`, on video_heartbeat with its context.
// Compiled into one module with the SDK's sources (bench/runtime.py writes
// the pom), so the tracker's own envelope steps are in reach. Prints one
// JSON line per measurement.
package org.broadcaster.analytics

import java.lang.management.ManagementFactory
import broadcaster.analytics.v1.Envelope as PbEnvelope
import broadcaster.analytics.v1.Context as PbContext
import broadcaster.analytics.v1.VideoHeartbeat as PbHeartbeat
import broadcaster.analytics.v1.PlaybackPosition as PbPosition

private const val EVENT_ID = "00000000-0000-4000-8000-000000000001"
private const val SECONDS = 1_700_000_000L
private const val NANOS = 250_000_000
// The purposes granted (the heartbeat needs analytics), stamped into the context's consent in the model's order.
private val GRANTED = listOf("analytics", "necessary")
private val BUFFER = listOf(12.5f, 12.0f, 11.5f, 11.0f, 10.5f)
private val threads = ManagementFactory.getThreadMXBean()
private var sink = 0

/** Operations per second of this thread's CPU time: a warm-up, then the best of three runs. */
private fun perSecond(seconds: Double = 0.6, operation: () -> Any): Double {
    fun cpu() = threads.currentThreadCpuTime / 1e9
    var batch = 1
    var started = cpu()
    while (cpu() - started < seconds) { // JIT warm-up
        repeat(batch) { sink = sink xor operation().hashCode() }
        batch *= 2
    }
    batch = maxOf(1, batch / 16)
    var best = 0.0
    repeat(3) {
        var done = 0L
        started = cpu()
        var elapsed: Double
        while (true) {
            elapsed = cpu() - started
            if (elapsed >= seconds) break
            repeat(batch) { sink = sink xor operation().hashCode() }
            done += batch
        }
        best = maxOf(best, done / elapsed)
    }
    return best
}

private fun ourEvent() = VideoHeartbeat(
    playbackId = "0123456789abcdef0123456789abcdef",
    position = PlaybackPosition(offsetMs = 120_000uL, durationMs = 3_600_000uL, fraction = 0.25),
    bitrateKbps = 4500u, droppedFrames = 2uL, bufferHealthS = BUFFER,
)

private fun officialEvent(): PbHeartbeat = PbHeartbeat.newBuilder()
    .setPlaybackId("0123456789abcdef0123456789abcdef")
    .setPosition(PbPosition.newBuilder().setOffsetMs(120_000L).setDurationMs(3_600_000L).setFraction(0.25))
    .setHeartbeatIntervalS(30).setBitrateKbps(4500).setDroppedFrames(2L).addAllBufferHealthS(BUFFER)
    .build()

private fun officialEnvelope(): PbEnvelope = PbEnvelope.newBuilder()
    .setContext(PbContext.newBuilder()
        .setEventId(EVENT_ID)
        .setClientTimestamp(com.google.protobuf.Timestamp.newBuilder().setSeconds(SECONDS).setNanos(NANOS))
        .setModelVersion(SDK_INFO.modelVersion).setSdkName(SDK_INFO.name).setSdkVersion(SDK_INFO.version)
        .setProduct(broadcaster.analytics.v1.Product.PRODUCT_NEWS)
        .setPlatform(broadcaster.analytics.v1.Platform.PLATFORM_WEB)
        .setAppName("News web").setAppVersion("4.12.1").setSessionId("s-42")
        .addAllConsent(GRANTED)
        .setLocale("en-GB"))
    .setVideoHeartbeat(officialEvent())
    .build()

private fun json(op: String, ours: Double, official: Map<String, Double>): String =
    "{\"sdk\": \"kotlin\", \"op\": \"$op\", \"ours\": $ours, \"official\": {" +
        official.entries.joinToString(", ") { "\"${it.key}\": ${it.value}" } + "}}"

fun main() {
    val context = TrackingContext(
        product = Product.NEWS, platform = Platform.WEB, appName = "News web", appVersion = "4.12.1",
        sessionId = "s-42", locale = "en-GB",
    )
    val consent = setOf(Purpose.ANALYTICS, Purpose.NECESSARY)
    val clock = Timestamp(SECONDS, NANOS)
    val transport = InMemoryTransport()
    val tracker = Tracker(transport, context, clock = { clock }, idGenerator = { EVENT_ID }).also { it.consent = consent }
    fun auto() = AutoValues(EVENT_ID, clock, SDK_INFO.modelVersion, SDK_INFO.name, SDK_INFO.version, GRANTED)

    fun ourProto(): ByteArray {
        val event = ourEvent()
        check(event.validate().isEmpty())
        return event.toProtobuf()
    }

    fun ourEnvelope(): ByteArray {
        val event = ourEvent()
        val values = auto()
        check(tracker.validate(event, context, values).isEmpty())
        val w = ProtoWriter()
        w.nested(1) { context.writeProto(this, values) }
        w.message(event.eventNumber, event)
        return w.toByteArray()
    }

    fun track(): Boolean {
        val sent = tracker.track(ourEvent())
        if (transport.events.size > 1000) transport.clear()
        return sent
    }

    // A one-format transport, as HttpTransport is to the tracker: Protobuf envelopes only.
    var lastSent = ByteArray(0)
    val protobufOnly = Tracker(object : FormatTransport {
        override val wireFormat = WireFormat.PROTOBUF
        override fun enqueue(eventName: String, eventId: String, body: ByteArray, purposes: List<String>) { lastSent = body }
    }, context, clock = { clock }, idGenerator = { EVENT_ID }).also { it.consent = consent }

    fun trackProtobuf(): Boolean = protobufOnly.track(ourEvent()).also { check(it) { "not tracked" } }

    // The same message on both sides, byte for byte.
    check(ourProto().contentEquals(officialEvent().toByteArray())) { "the events differ" }
    check(ourEnvelope().contentEquals(officialEnvelope().toByteArray())) { "the envelopes differ" }
    trackProtobuf()
    check(lastSent.contentEquals(officialEnvelope().toByteArray())) { "track() sent another envelope" }
    val official = "protobuf-java ${com.google.protobuf.RuntimeVersion.MAJOR}.${com.google.protobuf.RuntimeVersion.MINOR}.${com.google.protobuf.RuntimeVersion.PATCH}"
    println(json("event protobuf: build + validate + encode", perSecond { ourProto() },
                 mapOf(official to perSecond { officialEvent().toByteArray() })))
    println(json("envelope protobuf: build + validate + encode", perSecond { ourEnvelope() },
                 mapOf(official to perSecond { officialEnvelope().toByteArray() })))
    println(json("envelope protobuf: Tracker.track(), one-format transport", perSecond { trackProtobuf() },
                 mapOf(official to perSecond { officialEnvelope().toByteArray() })))
    println(json("envelope, both formats: track() to InMemoryTransport", perSecond { track() }, emptyMap()))
    println(json("event JSON: build + encode", perSecond { ourEvent().toJson() }, emptyMap()))
    if (sink == 42) println()
}
