package codegen.runtime

import java.util.UUID

/** What [Tracker.track] does with an event that breaks the model's constraints. */
public enum class Policy {
    /** Throw [EventValidationException] into the caller and send nothing. */
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
) {
    override fun toString(): String = "TrackedEvent(eventName=$eventName, eventId=$eventId, json=$json)"
}

/** Delivers encoded envelopes; failures it throws are reported to the tracker's `onError`, never to the app. */
public fun interface Transport {
    public fun send(event: TrackedEvent)
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
}

/** Base of everything the tracker reports to `onError`. */
public open class TrackingException(message: String, cause: Throwable? = null) : RuntimeException(message, cause)

/** An event or context that breaks the model's constraints. */
public class EventValidationException(
    public val eventName: String,
    public val issues: List<ValidationIssue>,
) : TrackingException("invalid event $eventName: " + issues.joinToString("; "))

/** A value that has no wire form (an unpaired surrogate, a timestamp out of range). */
public class EncodingException(message: String) : TrackingException(message)

/** The transport failed to take an envelope. */
public class TransportException(public val eventName: String, cause: Throwable) :
    TrackingException("transport failed for event $eventName: $cause", cause)

/**
 * Validates events, wraps them in the envelope with the [context] and the
 * values the tracker fills in (event id, client timestamp, model and SDK
 * version), and hands the encoded envelope to the [transport].
 *
 * [track] never throws into the host app, except [EventValidationException]
 * under [Policy.THROW] (the default, as in every SDK of this model: invalid
 * events are programming errors to catch in development). [onError] receives
 * everything reported; [onWarning] each deprecation once. [clock] and
 * [idGenerator] replace the system clock and random UUIDs (tests).
 */
public class Tracker @JvmOverloads constructor(
    private val transport: Transport,
    context: TrackingContext,
    private val policy: Policy = Policy.THROW,
    private val onError: (TrackingException) -> Unit = { System.err.println("[${SdkInfo.SDK_NAME}] ${it.message}") },
    private val onWarning: (String) -> Unit = { System.err.println("[${SdkInfo.SDK_NAME}] warning: $it") },
    private val clock: () -> Timestamp = { Timestamp.now() },
    private val idGenerator: () -> String = { UUID.randomUUID().toString() },
) {
    /** The context sent with every event; replace it when, for example, the user signs in. */
    @Volatile
    public var context: TrackingContext = context

    private val warned = HashSet<String>()

    /**
     * Tracks [event]: true when the transport took it. Under [Policy.THROW]
     * an invalid event or context throws [EventValidationException].
     */
    public fun track(event: EventMessage): Boolean {
        val current = context
        val auto: AutoValues
        val issues: List<ValidationIssue>
        try {
            warnDeprecated(event)
            auto = autoValues()
            issues = validate(event, current, auto)
        } catch (e: Exception) {
            report(TrackingException("cannot validate ${event.eventName}: $e", e))
            return false
        }
        if (issues.isNotEmpty()) {
            val failure = EventValidationException(event.eventName, issues)
            when (policy) {
                Policy.THROW -> throw failure
                Policy.DROP -> {
                    report(failure)
                    return false
                }
                Policy.SEND -> report(failure)
            }
        }
        val encoded = try {
            encode(event, current, auto)
        } catch (e: TrackingException) {
            report(e)
            return false
        } catch (e: Exception) {
            report(EncodingException("cannot encode ${event.eventName}: $e"))
            return false
        }
        return try {
            transport.send(encoded)
            true
        } catch (e: Exception) {
            report(TransportException(event.eventName, e))
            false
        }
    }

    /** The issues of [event] and of [context] (its paths start with `context.`). */
    public fun validate(event: EventMessage, context: TrackingContext = this.context, auto: AutoValues = autoValues()): List<ValidationIssue> {
        val v = Validator()
        v.field(CONTEXT_KEY) { context.validateInto(v, auto) }
        event.validateInto(v)
        return v.issues
    }

    /** The envelope of [event] as the transport gets it, without validating or sending. */
    public fun encode(event: EventMessage, context: TrackingContext = this.context, auto: AutoValues = autoValues()): TrackedEvent {
        val proto = ProtoWriter()
        proto.nested(1) { context.writeProto(this, auto) }
        proto.message(event.eventNumber, event)
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
        return TrackedEvent(event.eventName, auto.eventId, proto.toByteArray(), json.toString())
    }

    /** Fresh values for the context properties the tracker fills in. */
    public fun autoValues(): AutoValues = AutoValues(
        eventId = idGenerator(),
        clientTimestamp = clock(),
        modelVersion = SdkInfo.MODEL_VERSION,
        sdkName = SdkInfo.SDK_NAME,
        sdkVersion = SdkInfo.SDK_VERSION,
    )

    /** Each deprecation message once per tracker (so once per event name and property). */
    private fun warnDeprecated(event: EventMessage) {
        for (message in event.deprecations()) {
            val first = synchronized(warned) { warned.add(message) }
            if (!first) continue
            try {
                onWarning(message)
            } catch (e: Exception) {
                System.err.println("[${SdkInfo.SDK_NAME}] onWarning failed: $e")
            }
        }
    }

    private fun report(error: TrackingException) {
        try {
            onError(error)
        } catch (e: Exception) {
            System.err.println("[${SdkInfo.SDK_NAME}] onError failed: $e")
        }
    }

    private companion object {
        const val CONTEXT_KEY = "context"
    }
}
