package codegen.runtime

/**
 * The `Batch` request body (docs/wire-contract.md, "The batch"): the
 * envelopes in the order they were tracked, then `sent_at`, the client's
 * clock when the request is sent. Byte-identical in every SDK.
 */
public object BatchEncoder {
    /**
     * Bytes a batch adds around its envelopes, at most: the JSON frame and a
     * nanosecond `sent_at`, or the `sent_at` record (a batch is never fuller).
     */
    public const val OVERHEAD: Int = 64

    /**
     * The body of one request: [envelopes] are each event's envelope in
     * [format] (Protobuf bytes, or canonical JSON as UTF-8). Protobuf: each
     * envelope as a field-1 record, then `sent_at` (field 2, always
     * written). JSON: `{"events":[...],"sent_at":"<RFC 3339>"}`, the
     * envelopes as they are, so the body is canonical too.
     */
    public fun encode(envelopes: List<ByteArray>, sentAt: Timestamp, format: WireFormat): ByteArray {
        if (!sentAt.isValid) throw EncodingError("timestamp out of range: $sentAt")
        return when (format) {
            WireFormat.PROTOBUF -> {
                val w = ProtoWriter()
                for (envelope in envelopes) w.bytesOpt(1, Bytes(envelope))
                w.nested(2) {
                    int64(1, sentAt.seconds)
                    int32(2, sentAt.nanos)
                }
                w.toByteArray()
            }
            WireFormat.JSON -> {
                val head = "{\"events\":[".toByteArray(Charsets.US_ASCII)
                val tail = "],\"sent_at\":\"${sentAt.toRfc3339()}\"}".toByteArray(Charsets.US_ASCII)
                val size = head.size + tail.size + envelopes.sumOf { it.size } + maxOf(0, envelopes.size - 1)
                val out = java.io.ByteArrayOutputStream(size)
                out.write(head)
                envelopes.forEachIndexed { i, envelope ->
                    if (i > 0) out.write(','.code)
                    out.write(envelope)
                }
                out.write(tail)
                out.toByteArray()
            }
        }
    }

    /**
     * What one envelope of [size] bytes adds to a body: its record (tag,
     * length, bytes) in Protobuf, the envelope and a comma in JSON.
     */
    public fun recordSize(size: Int, format: WireFormat): Int {
        if (format == WireFormat.JSON) return size + 1
        var length = 1
        var rest = size ushr 7
        while (rest != 0) {
            length++
            rest = rest ushr 7
        }
        return 1 + length + size
    }
}
