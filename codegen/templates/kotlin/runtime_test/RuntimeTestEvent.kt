package codegen.runtime

/**
 * A hand-made event for the tracker tests: invalid, deprecated or
 * unencodable on demand; [refuse] names the encoder that must not run.
 */
class RuntimeTestEvent(
    private val invalid: Boolean = false,
    private val deprecated: Boolean = false,
    private val text: String = "probe",
    private val refuse: WireFormat? = null,
) : EventMessage {
    override val eventName: String get() = NAME
    override val eventNumber: Int get() = 9999

    override fun validateInto(v: Validator) {
        if (invalid) v.field("probe") { v.fail("minimum", "always broken") }
        v.field("text") { v.string(text) }
    }

    override fun writeProto(w: ProtoWriter) {
        if (refuse == WireFormat.PROTOBUF) throw AssertionError("the Protobuf encoder ran")
        w.string(1, text)
    }

    override fun writeJson(w: JsonWriter) {
        if (refuse == WireFormat.JSON) throw AssertionError("the JSON encoder ran")
        w.beginObject()
        w.name("text").string(text)
        w.endObject()
    }

    override fun deprecationWarnings(path: String, out: MutableCollection<String>) {
        if (deprecated) out.add("event $NAME is deprecated since 1.0.0: probe")
    }

    companion object {
        const val NAME: String = "runtime_test"
    }
}
