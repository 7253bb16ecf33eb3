package codegen.runtime

/** An enum of the model: each value knows its Protobuf number, its name in the model and its JSON name. */
public interface ProtoEnum {
    /** The value's number on the wire (never 0: 0 is the implicit "unspecified" value). */
    public val number: Int

    /** The value's name as written in the model. */
    public val wireName: String

    /** The value's Protobuf identifier, which is also its ProtoJSON name. */
    public val jsonName: String

    /** The predicate of the value's deprecation warning ("is deprecated since 1.0.0: reason"), or null. */
    public val deprecated: String? get() = null
}

/**
 * A message of the model (an event or an object). The SDK calls these members;
 * they are public only because Kotlin interfaces cannot hide them.
 */
public interface Message {
    /** Adds this message's constraint violations to [v], below v's current path. */
    public fun validateInto(v: Validator)

    /** Writes this message's fields (not a length prefix) to [w]. */
    public fun writeProto(w: ProtoWriter)

    /** Writes this message as one JSON object to [w]. */
    public fun writeJson(w: JsonWriter)

    /**
     * Adds the deprecation warnings of what this message uses to [out]: [path]
     * (ending in ".") is its place below the event, e.g. "article_read.player.".
     */
    public fun deprecationWarnings(path: String, out: MutableCollection<String>) {}

    /**
     * A copy without the optional values whose purposes are not all in
     * [granted], inside objects too (this message when nothing goes); the
     * purposes of the values kept are added to [used].
     */
    public fun redact(granted: Set<String>, used: MutableSet<String>): Message = this
}

/** An event of the model: what [Tracker.track] accepts. */
public interface EventMessage : Message {
    /** The event's name in the model, which is also its field name in the envelope. */
    public val eventName: String

    /** The event's field number in the envelope. */
    public val eventNumber: Int

    /** The purposes this event always needs: its own and its required values' (docs/event-model.md). */
    public val purposes: Set<String> get() = emptySet()

    override fun redact(granted: Set<String>, used: MutableSet<String>): EventMessage = this

    /**
     * The warnings for the deprecated things this event uses (the event, set
     * properties and enum values, inside objects too), each distinct one once.
     */
    public fun deprecationWarnings(): List<String> = LinkedHashSet<String>().also { deprecationWarnings("$eventName.", it) }.toList()

    /** Every constraint violation of this event; empty when it is valid. */
    public fun validate(): List<ValidationIssue> {
        val v = Validator()
        validateInto(v)
        return v.issues
    }

    /** The Protobuf bytes of this event's message alone. Throws [EncodingError] for unencodable values. */
    public fun toProtobuf(): ByteArray {
        val w = ProtoWriter()
        writeProto(w)
        return w.toByteArray()
    }

    /** The canonical JSON of this event's message alone. Throws [EncodingError] for unencodable values. */
    public fun toJson(): String {
        val w = JsonWriter()
        writeJson(w)
        return w.toString()
    }
}

/** The values the tracker fills in for every event (context properties marked `auto` in the model). */
public class AutoValues(
    public val eventId: String,
    public val clientTimestamp: Timestamp,
    public val modelVersion: String,
    public val sdkName: String,
    public val sdkVersion: String,
    /** The purposes granted when the event was tracked, in the model's order (the consent stamp). */
    public val consent: List<String> = emptyList(),
)

/** What generated messages call to decide, value by value, what the consent allows. */
public object Consent {
    /** Whether a value that needs [purposes] may stay; if so, they are added to [used]. */
    public fun allows(granted: Set<String>, purposes: Set<String>, used: MutableSet<String>): Boolean {
        if (!granted.containsAll(purposes)) return false
        used.addAll(purposes)
        return true
    }
}

/** What generated messages call to report deprecated enum values and the messages they hold. */
public object Deprecations {
    /** A deprecated enum [value] held at [path] (a property path, no trailing "."). */
    public fun value(path: String, value: ProtoEnum?, out: MutableCollection<String>) {
        val predicate = value?.deprecated ?: return
        out.add(path + " value " + StringBuilder().also { JsonWriter.appendQuoted(it, value.wireName) } + " " + predicate)
    }

    public fun values(path: String, values: Collection<ProtoEnum>?, out: MutableCollection<String>) {
        values?.forEach { value(path, it, out) }
    }

    /** Map values in key code point order, like every other walk of a map. */
    public fun values(path: String, values: Map<String, ProtoEnum>?, out: MutableCollection<String>) {
        values?.entries?.sortedWith { a, b -> ProtoWriter.CODE_POINT_ORDER.compare(a.key, b.key) }?.forEach { value(path, it.value, out) }
    }

    /** What a message held at [path] uses. */
    public fun message(path: String, value: Message?, out: MutableCollection<String>) {
        value?.deprecationWarnings("$path.", out)
    }

    public fun messages(path: String, values: Collection<Message>?, out: MutableCollection<String>) {
        values?.forEach { message(path, it, out) }
    }

    public fun messages(path: String, values: Map<String, Message>?, out: MutableCollection<String>) {
        values?.entries?.sortedWith { a, b -> ProtoWriter.CODE_POINT_ORDER.compare(a.key, b.key) }?.forEach { message(path, it.value, out) }
    }
}
