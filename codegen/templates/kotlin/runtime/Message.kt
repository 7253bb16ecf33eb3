package codegen.runtime

/** An enum of the model: each value knows its Protobuf number, its name in the model and its JSON name. */
public interface ProtoEnum {
    /** The value's number on the wire (never 0: 0 is the implicit "unspecified" value). */
    public val number: Int

    /** The value's name as written in the model. */
    public val wireName: String

    /** The value's Protobuf identifier, which is also its ProtoJSON name. */
    public val jsonName: String
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
}

/** An event of the model: what [Tracker.track] accepts. */
public interface EventMessage : Message {
    /** The event's name in the model, which is also its field name in the envelope. */
    public val eventName: String

    /** The event's field number in the envelope. */
    public val eventNumber: Int

    /** Warnings for deprecated things this event uses: the event itself and properties that are set. */
    public fun deprecations(): List<String>

    /** Every constraint violation of this event; empty when it is valid. */
    public fun validate(): List<ValidationIssue> {
        val v = Validator()
        validateInto(v)
        return v.issues
    }

    /** The Protobuf bytes of this event's message alone. Throws [EncodingException] for unencodable values. */
    public fun toProtobuf(): ByteArray {
        val w = ProtoWriter()
        writeProto(w)
        return w.toByteArray()
    }

    /** The canonical JSON of this event's message alone. Throws [EncodingException] for unencodable values. */
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
)
