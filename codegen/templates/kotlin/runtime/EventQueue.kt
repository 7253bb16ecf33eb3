package codegen.runtime

import java.io.File
import java.io.IOException

/** An envelope handed over by the tracker, not yet in the queue. */
internal class Pending(
    val eventId: String,
    val eventName: String,
    val format: WireFormat,
    val body: ByteArray,
    val purposes: List<String>? = null,
)

/**
 * The bounded queue of one transport: its events in memory, in tracking
 * order, mirrored to the journal of a slot of the queue folder when it
 * persists (docs/delivery.md, "The queue"). Every change is written to the
 * journal before memory changes, so a failed write leaves both as they were.
 * Thread-safe: one lock, never held while calling out.
 */
internal class EventQueue private constructor(private val journal: Journal?, private val slot: SlotLock?) {
    private val records = LinkedHashMap<Long, QueueRecord>()
    private var nextSeq = 1L

    /** Events in the queue, in flight included. */
    @Volatile
    var count: Int = 0
        private set

    /** Their envelopes' bytes. */
    var bytes: Long = 0
        private set

    @Synchronized
    fun insert(entries: List<Pending>, nowMs: Long) {
        if (entries.isEmpty()) return
        val added = ArrayList<QueueRecord>(entries.size)
        for (entry in entries) {
            added.add(QueueRecord(nextSeq + added.size, entry.eventId, entry.eventName, entry.format, entry.body, nowMs,
                                  purposes = entry.purposes))
        }
        put(added, withAttempts = false)
    }

    private fun put(added: List<QueueRecord>, withAttempts: Boolean) {
        if (journal != null) {
            val text = StringBuilder(added.size * 256)
            for (record in added) Journal.addLine(text, record, withAttempts)
            journal.append(text.toString(), added.size)
        }
        for (record in added) {
            records[record.seq] = record
            bytes += record.body.size
        }
        nextSeq = maxOf(nextSeq, (added.lastOrNull()?.seq ?: 0L) + 1)
        count = records.size
    }

    /** The highest seq given so far: every event queued before now has one at most this high. */
    @Synchronized
    fun lastSeq(): Long = nextSeq - 1

    @Synchronized
    fun delete(seqs: Collection<Long>) {
        val present = seqs.filter { it in records }
        if (present.isEmpty()) return
        journal?.append(Journal.seqsLine(StringBuilder(), "del", present).toString(), 1)
        for (seq in present) bytes -= records.remove(seq)!!.body.size
        count = records.size
        compactIfWorthIt()
    }

    /** Counts one more failed attempt for each of [seqs] (their first at [nowMs]); their records after it. */
    @Synchronized
    fun failed(seqs: List<Long>, nowMs: Long): List<QueueRecord> {
        val present = seqs.mapNotNull { records[it] }
        if (present.isEmpty()) return present
        journal?.append(Journal.seqsLine(StringBuilder(), "try", present.map { it.seq }, nowMs).toString(), 1)
        for (record in present) {
            record.attempts++
            if (record.firstAttemptMs == null) record.firstAttemptMs = nowMs
        }
        return present
    }

    @Synchronized
    fun head(limit: Int): List<QueueRecord> = records.values.asSequence().take(limit).toList()

    @Synchronized
    fun rows(seqs: List<Long>): List<QueueRecord> = seqs.mapNotNull { records[it] }

    @Synchronized
    fun oldest(): QueueRecord? = if (records.isEmpty()) null else records.values.iterator().next()

    /** The records (not in [keep]) that need one of [purposes], or whose purposes are unknown. */
    @Synchronized
    fun needing(purposes: Set<String>, keep: Set<Long>): List<QueueRecord> =
        records.values.filter { r -> r.seq !in keep && (r.purposes?.any { it in purposes } ?: true) }

    @Synchronized
    fun olderThan(cutoffMs: Long): List<QueueRecord> = records.values.filter { it.queuedAtMs < cutoffMs }

    /** The oldest records (not in [keep]) to drop so that at most [maxEvents] and [maxBytes] stay. */
    @Synchronized
    fun overCaps(maxEvents: Int, maxBytes: Long, keep: Set<Long>): List<QueueRecord> {
        var excessEvents = records.size - maxEvents
        var excessBytes = bytes - maxBytes
        val victims = ArrayList<QueueRecord>()
        for (record in records.values) {
            if (excessEvents <= 0 && excessBytes <= 0) break
            if (record.seq in keep) continue
            victims.add(record)
            excessEvents--
            excessBytes -= record.body.size
        }
        return victims
    }

    /** Compaction: when dead records outnumber live ones in a journal above 1 MiB. */
    private fun compactIfWorthIt() {
        val file = journal ?: return
        if (file.size > COMPACT_BYTES && file.lines - records.size > records.size) {
            try {
                file.rewrite(records.values)
            } catch (e: IOException) { // the journal as it was still holds everything
            }
        }
    }

    @Synchronized
    fun close() {
        journal?.close()
        slot?.release()
    }

    /** Moves the events of every slot nobody holds into this queue, oldest first, and empties those. */
    private fun adopt(folder: File, own: File) {
        val others = folder.listFiles { f -> SLOT_FILE.matches(f.name) && f != own }?.sortedBy { slotOf(it.name) } ?: return
        for (other in others) {
            val lock = SlotLock.tryTake(File(folder, "queue-${slotOf(other.name)}.lock")) ?: continue
            try {
                val contents = Journal.readOrphan(other) ?: continue // not a queue of ours: left alone
                if (contents.records.isEmpty()) continue
                var seq = nextSeq
                val moved = contents.records.values.map {
                    QueueRecord(seq++, it.eventId, it.eventName, it.format, it.body, it.queuedAtMs, it.attempts, it.firstAttemptMs,
                                it.purposes)
                }
                put(moved, withAttempts = true)
                Journal.empty(other)
            } catch (e: IOException) { // left for a later start
            } finally {
                lock.release()
            }
        }
    }

    companion object {
        const val MAX_SLOTS: Int = 64
        private const val COMPACT_BYTES = 1L shl 20
        private val SLOT_FILE = Regex("queue-(\\d{1,2})\\.jsonl")

        private fun slotOf(name: String): Int = SLOT_FILE.matchEntire(name)!!.groupValues[1].toInt()

        fun inMemory(): EventQueue = EventQueue(null, null)

        /**
         * The queue of the first free slot of [folder] (its lock held until
         * [close]), with the events its journal holds and those of every
         * orphaned slot. Throws [QueueError] when the folder cannot be used.
         */
        fun open(folder: File): EventQueue {
            if (!folder.isDirectory && !folder.mkdirs() && !folder.isDirectory) {
                throw QueueError("cannot create the queue folder $folder")
            }
            for (slot in 0 until MAX_SLOTS) {
                val lock = SlotLock.tryTake(File(folder, "queue-$slot.lock")) ?: continue
                val file = File(folder, "queue-$slot.jsonl")
                try {
                    val (journal, contents) = Journal.open(file)
                    val queue = EventQueue(journal, lock)
                    synchronized(queue) {
                        for (record in contents.records.values) {
                            queue.records[record.seq] = record
                            queue.bytes += record.body.size
                        }
                        queue.nextSeq = contents.maxSeq + 1
                        queue.count = queue.records.size
                        queue.adopt(folder, file)
                    }
                    return queue
                } catch (e: QueueError) {
                    lock.release()
                    throw e
                } catch (e: IOException) {
                    lock.release()
                    throw QueueError("cannot open the queue $file: $e")
                }
            }
            throw QueueError("all $MAX_SLOTS queue slots in $folder are in use")
        }
    }
}
