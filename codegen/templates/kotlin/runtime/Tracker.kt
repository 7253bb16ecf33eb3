package codegen.runtime

import java.util.UUID
import java.util.concurrent.atomic.AtomicInteger

/** What [Tracker.track] does with an event that breaks the model's constraints. */
public enum class Policy {
    /** Throw [ValidationError] into the caller and send nothing. */
    THROW,

    /** Report the issues to `onError` and send nothing. */
    DROP,

    /** Report the issues to `onError` and send the event anyway. */
    SEND,
}

/** One encoded envelope (context and event) as handed to a [Transport]; [eventId] is the context's event_id. */
public class TrackedEvent(
    public val eventName: String,
    public val eventId: String,
    /** The envelope's Protobuf bytes. */
    public val protobuf: ByteArray,
    /** The envelope's canonical JSON. */
    public val json: String,
    /** The purposes it needs (its own, and those of the values it carries), in name order. */
    public val purposes: List<String> = emptyList(),
) {
    override fun toString(): String = "TrackedEvent(eventName=$eventName, eventId=$eventId, json=$json)"
}

/**
 * Delivers encoded envelopes; failures it throws are reported to the tracker's `onError`, never to the app.
 * [purge] is called when the user withdraws purposes: forget every event not yet sent that needs one of them.
 */
public fun interface Transport {
    public fun send(event: TrackedEvent)

    /** Forgets the events not yet sent that need one of [purposes] (withdrawn); how many. */
    public fun purge(purposes: Set<String>): Int = 0
}

/** Keeps every envelope in memory, for tests and debugging. Thread-safe. */
public class InMemoryTransport : Transport {
    private val items = ArrayList<TrackedEvent>()

    public val events: List<TrackedEvent> get() = synchronized(items) { items.toList() }

    override fun send(event: TrackedEvent) {
        synchronized(items) { items.add(event) }
    }

    public fun clear() {
        synchronized(items) { items.clear() }
    }

    override fun purge(purposes: Set<String>): Int = synchronized(items) {
        val before = items.size
        items.removeAll { event -> event.purposes.any { it in purposes } }
        before - items.size
    }
}

/** Who made the events: the context's sdk_name, sdk_version and model_version. */
public data class SdkInfo(val name: String, val version: String, val modelVersion: String)

/** Base of every error this SDK throws or reports to `onError` (texts: docs/sdk-api.md). */
public open class SdkError(message: String, cause: Throwable? = null) : RuntimeException(message, cause)

/** An event or context that breaks the model's constraints: `invalid event <eventName>: <issue>; <issue>`. */
public class ValidationError(
    public val eventName: String,
    public val issues: List<ValidationIssue>,
) : SdkError("invalid event $eventName: " + issues.joinToString("; "))

/** A value that has no wire form (an unpaired surrogate, a timestamp out of range). */
public class EncodingError(message: String) : SdkError(message)

/**
 * The event needs purposes the user has not granted, so it was dropped before encoding:
 * `no consent for event <eventName>: <purpose>, ...`. Reported to `onError`, never thrown.
 */
public class ConsentError(
    public val eventName: String,
    public val missing: List<String>,
) : SdkError("no consent for event $eventName: " + missing.joinToString(", "))

/** The transport failed to take an envelope: `cannot send event <eventName>: <cause>`. */
public class TransportError(public val eventName: String, cause: Throwable) :
    SdkError("cannot send event $eventName: ${cause.javaClass.simpleName}: ${cause.message}", cause)

/**
 * Validates events, wraps them in the envelope with the [context] and the
 * values the tracker fills in (event id, client timestamp, model and SDK
 * version), and hands the encoded envelope to the [transport].
 *
 * [track] never throws into the host app, except [ValidationError] under
 * [Policy.THROW] (the default, as in every SDK of this model: invalid events
 * are programming errors to catch in development). [onError] receives
 * everything reported; [onWarning] each deprecation warning once. [clock] and
 * [idGenerator] replace the system clock and random UUIDs (tests).
 */
public class Tracker @JvmOverloads constructor(
    public val transport: Transport,
    context: TrackingContext,
    public val policy: Policy = Policy.THROW,
    private val onError: (SdkError) -> Unit = { System.err.println("[${SDK_INFO.name}] ${it.message}") },
    private val onWarning: (String) -> Unit = { System.err.println("[${SDK_INFO.name}] warning: $it") },
    private val clock: () -> Timestamp = { Timestamp.now() },
    private val idGenerator: () -> String = { UUID.randomUUID().toString() },
) {
    /** The context sent with every event; replace it when, for example, the user signs in. */
    @Volatile
    public var context: TrackingContext = context

    private val warned = HashSet<String>()

    /** The names of the granted purposes (the typed `consent` property is generated beside [Purpose]'s enum). */
    @Volatile
    internal var granted: Set<String> = DEFAULT_GRANTED
        private set

    private val dropped = AtomicInteger()

    /** Events dropped because a purpose they need was not granted. */
    public val consentDropped: Int get() = dropped.get()

    /** Sets the granted purposes (by name); withdrawn ones are purged from the [transport]. */
    internal fun grant(purposes: Set<String>) {
        val withdrawn = granted - purposes
        granted = purposes
        if (withdrawn.isEmpty()) return
        try {
            transport.purge(withdrawn)
        } catch (e: Exception) {
            report(SdkError("cannot purge events of withdrawn purposes: $e", e))
        }
    }

    init {
        (transport as? FormatTransport)?.bind(SDK_INFO) { report(it) } // delivery reports its drops through onError
    }

    /**
     * Tracks [event]: true when the transport took it. Under [Policy.THROW]
     * an invalid event or context throws [ValidationError]. An event that
     * needs a purpose not granted is dropped first (reported as a
     * [ConsentError]); optional values whose purposes are not granted are
     * removed before anything else.
     */
    public fun track(original: EventMessage): Boolean {
        val granted = this.granted
        val needed = LinkedHashSet<String>(original.purposes)
        needed.addAll(context.purposes)
        if (!granted.containsAll(needed)) {
            val missing = needed.filter { it !in granted }.sorted()
            dropped.incrementAndGet()
            report(ConsentError(original.eventName, missing))
            return false
        }
        val event: EventMessage
        val current: TrackingContext
        val auto: AutoValues
        val issues: List<ValidationIssue>
        try {
            event = original.redact(granted, needed)
            current = context.redact(granted, needed)
            warnDeprecated(event)
            auto = autoValues(granted)
            issues = validate(event, current, auto)
        } catch (e: Exception) {
            report(SdkError("cannot validate event ${original.eventName}: $e", e))
            return false
        }
        if (issues.isNotEmpty()) {
            val failure = ValidationError(event.eventName, issues)
            when (policy) {
                Policy.THROW -> throw failure
                Policy.DROP -> {
                    report(failure)
                    return false
                }
                Policy.SEND -> report(failure)
            }
        }
        // A transport with a wire format gets that encoding only: the other encoder never runs.
        val format = (transport as? FormatTransport)?.wireFormat
        val purposes = needed.sorted()
        val encoded: Any = try {
            when (format) {
                WireFormat.PROTOBUF -> encodeProtobuf(event, current, auto)
                WireFormat.JSON -> encodeJson(event, current, auto).toByteArray(Charsets.UTF_8)
                null -> encode(event, current, auto, purposes)
            }
        } catch (e: EncodingError) {
            report(EncodingError("cannot encode event ${event.eventName}: ${e.message}"))
            return false
        } catch (e: Exception) {
            report(EncodingError("cannot encode event ${event.eventName}: $e"))
            return false
        }
        return try {
            if (encoded is ByteArray) (transport as FormatTransport).enqueue(event.eventName, auto.eventId, encoded, purposes)
            else transport.send(encoded as TrackedEvent)
            true
        } catch (e: Exception) {
            report(TransportError(event.eventName, e))
            false
        }
    }

    /** The issues of [event], then those of [context] (its paths start with `context.`). */
    internal fun validate(event: EventMessage, context: TrackingContext = this.context, auto: AutoValues = autoValues()): List<ValidationIssue> {
        val v = Validator()
        event.validateInto(v)
        v.field(CONTEXT_KEY) { context.validateInto(v, auto) }
        return v.issues
    }

    /** The envelope of [event] as the transport gets it, without validating or sending. */
    internal fun encode(
        event: EventMessage,
        context: TrackingContext = this.context,
        auto: AutoValues = autoValues(),
        purposes: List<String> = emptyList(),
    ): TrackedEvent =
        TrackedEvent(event.eventName, auto.eventId, encodeProtobuf(event, context, auto), encodeJson(event, context, auto), purposes)

    private fun encodeProtobuf(event: EventMessage, context: TrackingContext, auto: AutoValues): ByteArray {
        val proto = ProtoWriter()
        proto.nested(1) { context.writeProto(this, auto) }
        proto.message(event.eventNumber, event)
        return proto.toByteArray()
    }

    private fun encodeJson(event: EventMessage, context: TrackingContext, auto: AutoValues): String {
        val json = JsonWriter().beginObject()
        // Members sorted by UTF-16 code units, as everywhere in canonical JSON.
        if (CONTEXT_KEY < event.eventName) {
            context.writeJson(json.name(CONTEXT_KEY), auto)
            json.name(event.eventName).message(event)
        } else {
            json.name(event.eventName).message(event)
            context.writeJson(json.name(CONTEXT_KEY), auto)
        }
        json.endObject()
        return json.toString()
    }

    /** Fresh values for the context properties the tracker fills in. */
    internal fun autoValues(granted: Set<String> = this.granted): AutoValues = AutoValues(
        eventId = idGenerator(),
        clientTimestamp = clock(),
        modelVersion = SDK_INFO.modelVersion,
        sdkName = SDK_INFO.name,
        sdkVersion = SDK_INFO.version,
        consent = consentStamp(granted),
    )

    // The consent stamp of the last granted set, made again only when the set is replaced.
    @Volatile
    private var stamp: Pair<Set<String>, List<String>>? = null

    private fun consentStamp(granted: Set<String>): List<String> {
        val last = stamp
        if (last != null && last.first === granted) return last.second
        return PURPOSE_NAMES.filter { it in granted }.also { stamp = granted to it }
    }

    /** Each distinct deprecation warning once per tracker, like a log line. */
    private fun warnDeprecated(event: EventMessage) {
        for (message in event.deprecationWarnings()) {
            val first = synchronized(warned) { warned.add(message) }
            if (!first) continue
            try {
                onWarning(message)
            } catch (e: Exception) {
                System.err.println("[${SDK_INFO.name}] onWarning failed: $e")
            }
        }
    }

    private fun report(error: SdkError) {
        try {
            onError(error)
        } catch (e: Exception) {
            System.err.println("[${SDK_INFO.name}] onError failed: $e")
        }
    }

    private companion object {
        const val CONTEXT_KEY = "context"
    }
}
