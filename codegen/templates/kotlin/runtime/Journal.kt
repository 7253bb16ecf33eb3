package codegen.runtime

import java.io.File
import java.io.IOException
import java.io.RandomAccessFile
import java.nio.ByteBuffer
import java.nio.channels.FileChannel
import java.nio.channels.FileLock
import java.nio.channels.OverlappingFileLockException

/** One event in the queue; [attempts] and [firstAttemptMs] change as attempts fail. */
internal class QueueRecord(
    val seq: Long,
    val eventId: String,
    val eventName: String,
    val format: WireFormat,
    val body: ByteArray,
    val queuedAtMs: Long,
    var attempts: Int = 0,
    var firstAttemptMs: Long? = null,
    /** The purposes it needs, in name order; null when an older SDK queued it (purged on any withdrawal). */
    val purposes: List<String>? = null,
)

/** The queue folder or file cannot be used. */
internal class QueueError(message: String) : Exception(message)

/**
 * The journal file of a queue slot, `queue-<n>.jsonl` (docs/delivery.md,
 * "The journal file"): a header line, then `add`, `try` and `del` records,
 * one JSON object a line, appended with one write per step.
 */
internal class Journal private constructor(private val file: File, private var channel: FileChannel, var size: Long) {
    /** Record lines in the file (every line after the header). */
    var lines: Int = 0

    /** Appends [text] (whole lines) in one write; on failure the file is cut back to where it was. */
    fun append(text: String, count: Int) {
        val bytes = ByteBuffer.wrap(text.toByteArray(Charsets.UTF_8))
        val before = size
        try {
            var at = before
            while (bytes.hasRemaining()) at += channel.write(bytes, at)
        } catch (e: IOException) {
            try {
                channel.truncate(before)
            } catch (ignored: IOException) {
            }
            throw e
        }
        size = before + bytes.limit()
        lines += count
    }

    /** Replaces the file with [header] and [records] (compaction): a temporary file, synced, renamed over it. */
    fun rewrite(records: Collection<QueueRecord>) {
        val temporary = File(file.path + ".tmp")
        val text = StringBuilder(HEADER)
        for (record in records) addLine(text, record, withAttempts = true)
        RandomAccessFile(temporary, "rw").use { out ->
            out.setLength(0)
            out.write(text.toString().toByteArray(Charsets.UTF_8))
            out.channel.force(true)
        }
        if (!temporary.renameTo(file)) throw IOException("cannot rename $temporary over $file")
        channel.close()
        channel = RandomAccessFile(file, "rw").channel
        size = channel.size()
        lines = records.size
    }

    fun close() {
        try {
            channel.close()
        } catch (ignored: IOException) {
        }
    }

    /** What a journal file held: its live events in order, the highest seq, its record lines. */
    class Contents(val records: LinkedHashMap<Long, QueueRecord>, val maxSeq: Long, val lines: Int)

    companion object {
        const val HEADER: String = "{\"format\":\"codegen-queue\",\"version\":1}\n"
        const val VERSION: Long = 1
        private const val FORMAT = "codegen-queue"
        private const val MAX_READ = 1L shl 30

        /** Opens (creating it when missing) the journal of [file] and reads it; a torn last line is cut off. */
        fun open(file: File): Pair<Journal, Contents> {
            val channel = RandomAccessFile(file, "rw").channel
            try {
                if (channel.size() > MAX_READ) throw QueueError("$file is too large to read (${channel.size()} bytes)")
                val data = ByteArray(channel.size().toInt())
                val buffer = ByteBuffer.wrap(data)
                while (buffer.hasRemaining() && channel.read(buffer, buffer.position().toLong()) >= 0) continue
                val (contents, keep) = read(file, data)
                if (keep == 0L) {
                    channel.truncate(0)
                    channel.write(ByteBuffer.wrap(HEADER.toByteArray(Charsets.UTF_8)), 0)
                } else if (keep < data.size) {
                    channel.truncate(keep)
                }
                val journal = Journal(file, channel, channel.size())
                journal.lines = contents.lines
                return journal to contents
            } catch (e: Throwable) {
                channel.close()
                throw e
            }
        }

        /** The contents of an orphaned journal, or null when it is not one this SDK reads. */
        fun readOrphan(file: File): Contents? = try {
            if (file.length() > MAX_READ) null else read(file, file.readBytes()).first
        } catch (e: QueueError) {
            null
        } catch (e: IOException) {
            null
        }

        /** Cuts an adopted journal back to its header. */
        fun empty(file: File) {
            RandomAccessFile(file, "rw").use { out ->
                out.setLength(0)
                out.write(HEADER.toByteArray(Charsets.UTF_8))
            }
        }

        /**
         * Applies the records of [data]; also the length to keep: 0 for a file
         * without a complete line (it is started again), less than the size
         * when the last line is torn (no `\n`, or not JSON). Another format
         * or a newer version throws [QueueError]: such a file is left alone.
         */
        private fun read(file: File, data: ByteArray): Pair<Contents, Long> {
            val records = LinkedHashMap<Long, QueueRecord>()
            var ends = ArrayList<Int>() // index after each '\n'
            for (i in data.indices) if (data[i] == '\n'.code.toByte()) ends.add(i + 1)
            if (ends.isEmpty()) return Contents(records, 0, 0) to 0L
            val header = JsonReader.parseObject(String(data, 0, ends[0], Charsets.UTF_8))
            if (header == null || header["format"] != FORMAT) throw QueueError("$file is not a queue of this SDK")
            val version = header["version"] as? Long
            if (version == null || version > VERSION || version < 1) {
                throw QueueError("$file was written by a newer SDK (queue format ${header["version"]}, this SDK reads up to $VERSION)")
            }
            val parsed = ArrayList<Map<*, *>?>()
            for (k in 1 until ends.size) parsed.add(JsonReader.parseObject(String(data, ends[k - 1], ends[k] - ends[k - 1], Charsets.UTF_8)))
            if (parsed.isNotEmpty() && parsed.last() == null) { // a torn write of the last line
                parsed.removeAt(parsed.size - 1)
                ends = ArrayList(ends.subList(0, ends.size - 1))
            }
            var maxSeq = 0L
            for (record in parsed) {
                if (record != null) maxSeq = maxOf(maxSeq, apply(record, records))
            }
            return Contents(records, maxSeq, parsed.size) to ends.last().toLong()
        }

        /** Applies one record; the highest seq it names (0 for none). */
        private fun apply(record: Map<*, *>, records: LinkedHashMap<Long, QueueRecord>): Long {
            when (record["op"]) {
                "add" -> {
                    val added = parseAdd(record) ?: return 0
                    records[added.seq] = added
                    return added.seq
                }
                "try" -> {
                    val at = record["at_ms"] as? Long ?: return 0
                    for (seq in seqs(record)) {
                        val found = records[seq] ?: continue
                        found.attempts++
                        if (found.firstAttemptMs == null) found.firstAttemptMs = at
                    }
                }
                "del" -> for (seq in seqs(record)) records.remove(seq)
            }
            return 0
        }

        private fun seqs(record: Map<*, *>): List<Long> = (record["seqs"] as? List<*>)?.filterIsInstance<Long>() ?: emptyList()

        private fun parseAdd(record: Map<*, *>): QueueRecord? {
            val seq = record["seq"] as? Long ?: return null
            val id = record["id"] as? String ?: return null
            val name = record["name"] as? String ?: return null
            val format = WireFormat.entries.firstOrNull { it.code == record["fmt"] } ?: return null
            val body = try {
                Base64Text.decode(record["body"] as? String ?: return null)
            } catch (e: IllegalArgumentException) {
                return null
            }
            val queuedAt = record["queued_at_ms"] as? Long ?: return null
            val attempts = (record["attempts"] as? Long ?: 0L).toInt()
            val purposes = (record["purposes"] as? List<*>)?.map { it.toString() }
            return QueueRecord(seq, id, name, format, body, queuedAt, attempts, record["first_attempt_ms"] as? Long, purposes)
        }

        fun addLine(out: StringBuilder, record: QueueRecord, withAttempts: Boolean): StringBuilder {
            out.append("{\"op\":\"add\",\"seq\":").append(record.seq).append(",\"id\":")
            JsonWriter.appendQuoted(out, record.eventId)
            out.append(",\"name\":")
            JsonWriter.appendQuoted(out, record.eventName)
            out.append(",\"fmt\":\"").append(record.format.code).append("\",\"body\":\"")
                .append(Base64Text.encode(record.body)).append("\",\"queued_at_ms\":").append(record.queuedAtMs)
            record.purposes?.let { purposes ->
                out.append(",\"purposes\":[")
                purposes.forEachIndexed { i, p -> if (i > 0) out.append(','); JsonWriter.appendQuoted(out, p) }
                out.append(']')
            }
            if (withAttempts && (record.attempts > 0 || record.firstAttemptMs != null)) {
                out.append(",\"attempts\":").append(record.attempts)
                record.firstAttemptMs?.let { out.append(",\"first_attempt_ms\":").append(it) }
            }
            return out.append("}\n")
        }

        fun seqsLine(out: StringBuilder, op: String, seqs: Collection<Long>, atMs: Long? = null): StringBuilder {
            out.append("{\"op\":\"").append(op).append("\",\"seqs\":[")
            seqs.forEachIndexed { i, seq -> if (i > 0) out.append(','); out.append(seq) }
            out.append(']')
            if (atMs != null) out.append(",\"at_ms\":").append(atMs)
            return out.append("}\n")
        }
    }
}

/**
 * An exclusive lock on a slot's `queue-<n>.lock`, held while the process
 * runs (`FileChannel.tryLock`). The JVM's locks belong to the process, and
 * closing any channel of a locked file may release them, so this process
 * never opens a lock file it already holds: it keeps their paths.
 */
internal class SlotLock private constructor(private val path: String, private val lock: FileLock) {
    fun release() {
        synchronized(HELD) { HELD.remove(path) }
        try {
            lock.channel().close()
        } catch (ignored: IOException) {
        }
    }

    companion object {
        private val HELD = HashSet<String>()

        /** The lock of [file], or null when this or another process holds it. */
        fun tryTake(file: File): SlotLock? {
            val path = file.canonicalPath
            synchronized(HELD) {
                if (path in HELD) return null
                val channel = try {
                    RandomAccessFile(file, "rw").channel
                } catch (e: IOException) {
                    return null
                }
                val lock = try {
                    channel.tryLock()
                } catch (e: IOException) {
                    null
                } catch (e: OverlappingFileLockException) {
                    null
                }
                if (lock == null) {
                    channel.close()
                    return null
                }
                HELD.add(path)
                return SlotLock(path, lock)
            }
        }
    }
}
