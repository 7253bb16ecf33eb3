package codegen.runtime

import java.io.IOException
import java.util.Random
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicLong
import java.util.concurrent.locks.LockSupport
import java.util.concurrent.locks.ReentrantLock
import kotlin.concurrent.withLock
import kotlin.time.Duration

/**
 * Delivers tracked events to a collector (docs/delivery.md): batched,
 * gzip-compressed, retried with backoff, kept in a persistent bounded queue
 * (a journal file in [DeliveryOptions.queueDir]), every drop reported.
 * [url] is the collector's base URL; requests go to `<url>/v1/batch`.
 *
 * `track()` only appends the envelope to a lock-free buffer: no I/O on the
 * caller's thread. Two daemon threads do the rest: the persister writes the
 * buffer to the queue and enforces its caps; the sender posts one batch at a
 * time from the head of the queue (a request blocks its thread, so the
 * persister never waits behind one). [flush] sends what was handed over,
 * [close] flushes and stops (also run at JVM shutdown, for at most
 * [DeliveryOptions.exitTimeout]); [counters] tell what happened. Every
 * dropped event goes to [onError], else to the tracker's.
 */
public class HttpTransport @JvmOverloads constructor(
    url: String,
    public val options: DeliveryOptions = DeliveryOptions(),
    private val onError: ((SdkError) -> Unit)? = null,
) : FormatTransport {
    override val wireFormat: WireFormat = options.wireFormat
    private val poster = Poster(url, millis(options.requestTimeout), options.headers, options.gzipMinBytes)

    @Volatile
    private var bound: ((SdkError) -> Unit)? = null
    private val buffer = ConcurrentLinkedQueue<Any>() // Pending, FlushRequest and PurgeRequest, in order
    private val buffered = AtomicInteger()
    private val bufferMax = maxOf(BUFFER_MIN, options.queueMaxEvents)
    private val overflow = ConcurrentLinkedQueue<Pending>()
    private val tracked = AtomicLong()
    private val lock = ReentrantLock()
    private val changed = lock.newCondition()
    private val ready = CountDownLatch(1)

    @Volatile
    private var closed = false

    @Volatile
    private var stopping = false

    @Volatile
    private var store: EventQueue? = null

    // Below: guarded by lock.
    private var flushes = ArrayList<FlushRequest>()
    private var purges = 0 // purges handed over, not yet applied: no batch starts meanwhile
    private val splits = ArrayDeque<List<Long>>()
    private var inFlight: Set<Long> = emptySet()
    private var failures = 0
    private var backingOff = false
    private var backoffUntil = 0L
    private var nextExpiry = System.nanoTime()
    private val random = Random()
    private var sent = 0L
    private var retried = 0L
    private var requests = 0L
    private val dropped = LongArray(DropReason.entries.size)

    private val persister = Thread({ persistLoop() }, "delivery-persist")
    private val sender = Thread({ sendLoop() }, "delivery-send")
    private val exitHook = Thread({ close(options.exitTimeout) }, "delivery-exit")

    init {
        require(!options.persist || options.queueDir != null) {
            "DeliveryOptions.queueDir is required while persist is true (a folder the app owns; Android: context.noBackupFilesDir)"
        }
        for (thread in listOf(persister, sender)) {
            thread.isDaemon = true // a stuck network never keeps the process alive
            thread.start()
        }
        try {
            Runtime.getRuntime().addShutdownHook(exitHook)
        } catch (e: IllegalStateException) { // the JVM is shutting down already
        }
    }

    // --- the tracker's side (no I/O) -----------------------------------------

    override fun bind(sdk: SdkInfo, report: (SdkError) -> Unit) {
        bound = report
        if (options.headers.keys.none { it.equals("User-Agent", ignoreCase = true) }) {
            poster.userAgent = "${sdk.name}/${sdk.version} ($PLATFORM)"
        }
    }

    /** Takes one envelope in [wireFormat] (kept as it is: do not change [body] afterwards); returns at once. */
    override fun enqueue(eventName: String, eventId: String, body: ByteArray, purposes: List<String>) {
        if (closed) throw SdkError("the transport is closed")
        val purposes = purposes.ifEmpty { null } // none given: unknown, purged on any withdrawal
        tracked.incrementAndGet()
        if (buffered.get() >= bufferMax) { // the queue takes nothing (a stuck disk): drop the newest
            overflow.add(Pending(eventId, eventName, wireFormat, body, purposes))
            LockSupport.unpark(persister)
            return
        }
        buffer.add(Pending(eventId, eventName, wireFormat, body, purposes))
        if (buffered.getAndIncrement() == 0) LockSupport.unpark(persister)
    }

    /**
     * The user withdrew [purposes] (the tracker calls this): every event handed
     * over that needs one of them, and is not in a request already on its way,
     * leaves the queue and its journal before the next request (dropped as
     * [DropReason.CONSENT_WITHDRAWN], reported). Events an earlier run queued
     * without their purposes count as needing every purpose. The persister
     * applies it in order with the events handed over before; until then no
     * request starts. Returns 0: the count comes with the drop report.
     */
    override fun purge(purposes: Set<String>): Int {
        if (purposes.isEmpty()) return 0
        lock.withLock { purges++ }
        buffer.add(PurgeRequest(purposes.toSet()))
        LockSupport.unpark(persister)
        return 0
    }

    // --- the app's controls ----------------------------------------------------

    /**
     * Waits until every event handed over before this call was sent or
     * dropped (true), or [timeout] passed (false; null: no limit). Backoff
     * waits and `Retry-After` are honoured, never cut short.
     */
    public fun flush(timeout: Duration? = null): Boolean {
        if (stopping) return counters().queued == 0
        val request = FlushRequest()
        buffer.add(request)
        LockSupport.unpark(persister)
        if (timeout == null) {
            request.done.await()
            return true
        }
        return request.done.await(timeout.inWholeNanoseconds, TimeUnit.NANOSECONDS)
    }

    /**
     * Flushes for at most [timeout], then stops (waiting for a request in
     * flight, at most [DeliveryOptions.requestTimeout]); what is left stays
     * in the queue for the next start. True when nothing was left. Tracking
     * afterwards is reported as a transport error.
     */
    public fun close(timeout: Duration? = null): Boolean {
        if (closed) return counters().queued == 0
        closed = true
        val done = flush(timeout)
        lock.withLock {
            stopping = true
            changed.signalAll()
        }
        LockSupport.unpark(persister)
        val deadline = System.nanoTime() + options.requestTimeout.inWholeNanoseconds + 1_000_000_000L
        for (thread in listOf(persister, sender)) {
            if (thread === Thread.currentThread()) continue
            thread.join(maxOf(1L, (deadline - System.nanoTime()) / 1_000_000L))
        }
        if (!persister.isAlive && !sender.isAlive) {
            poster.close()
            store?.close()
        }
        if (Thread.currentThread() !== exitHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(exitHook)
            } catch (e: IllegalStateException) { // shutting down: the hook runs or ran
            }
        }
        return done
    }

    /** A snapshot of what this transport did so far. */
    public fun counters(): DeliveryCounters = lock.withLock {
        DeliveryCounters(
            tracked = tracked.get(),
            buffered = buffered.get(),
            queued = store?.count ?: 0,
            inFlight = inFlight.size,
            sent = sent,
            retried = retried,
            requests = requests,
            dropped = DropReason.entries.associateWith { dropped[it.ordinal] },
        )
    }

    // --- reporting -------------------------------------------------------------

    private fun report(error: SdkError) {
        val handler = onError ?: bound
        try {
            if (handler == null) System.err.println("[delivery] ${error.message}") else handler(error)
        } catch (e: Exception) { // a failing handler must not stop delivery
            System.err.println("[delivery] onError failed: $e")
        }
    }

    private fun drop(reason: DropReason, events: List<DroppedEvent>, detail: String, status: Int? = null) {
        if (events.isEmpty()) return
        lock.withLock { dropped[reason.ordinal] += events.size.toLong() }
        report(DeliveryError(reason, events, detail, status))
    }

    private fun dropRecords(reason: DropReason, records: List<QueueRecord>, detail: String, status: Int? = null) =
        drop(reason, records.map { DroppedEvent(it.eventId, it.eventName) }, detail, status)

    // --- the persister thread --------------------------------------------------

    private fun persistLoop() {
        val opened = openStore()
        store = opened
        ready.countDown()
        lock.withLock { changed.signalAll() }
        while (true) {
            try {
                persistBuffer(opened)
            } catch (e: Exception) { // never let the thread die silently
                report(SdkError("delivery failed: $e", e))
            }
            if (buffer.isEmpty() && overflow.isEmpty()) {
                if (stopping) return
                LockSupport.parkNanos(this, PARK_NANOS)
            }
        }
    }

    private fun openStore(): EventQueue {
        val folder = options.queueDir
        if (!options.persist || folder == null) return EventQueue.inMemory()
        return try {
            EventQueue.open(folder)
        } catch (e: QueueError) {
            report(SdkError("${e.message}; events are kept in memory only"))
            EventQueue.inMemory()
        }
    }

    private fun persistBuffer(store: EventQueue) {
        var entries = ArrayList<Pending>()
        val reached = ArrayList<FlushRequest>()
        while (true) {
            val item = buffer.poll() ?: break
            if (item is FlushRequest) {
                storeEntries(store, entries)
                entries = ArrayList()
                item.target = store.lastSeq()
                reached.add(item)
            } else if (item is PurgeRequest) {
                storeEntries(store, entries)
                entries = ArrayList()
                purgeStore(store, item.purposes)
            } else {
                entries.add(item as Pending)
            }
        }
        storeEntries(store, entries)
        val refused = ArrayList<DroppedEvent>()
        while (true) refused.add(overflow.poll()?.let { DroppedEvent(it.eventId, it.eventName) } ?: break)
        drop(DropReason.QUEUE_FULL, refused, "the buffer was full")
        val victims = lock.withLock {
            store.overCaps(options.queueMaxEvents, options.queueMaxBytes, inFlight).also { found ->
                if (found.isNotEmpty()) store.delete(found.map { it.seq })
            }
        }
        dropRecords(DropReason.QUEUE_FULL, victims, "the queue was full: the oldest went first")
        lock.withLock {
            flushes.addAll(reached)
            checkFlushes(store)
            changed.signalAll()
        }
    }

    private fun purgeStore(store: EventQueue, purposes: Set<String>) {
        val victims = lock.withLock {
            store.needing(purposes, inFlight).also { found -> if (found.isNotEmpty()) store.delete(found.map { it.seq }) }
        }
        dropRecords(DropReason.CONSENT_WITHDRAWN, victims, "consent withdrawn: " + purposes.sorted().joinToString(", "))
        lock.withLock {
            purges--
            checkFlushes(store)
            changed.signalAll()
        }
    }

    private fun storeEntries(store: EventQueue, entries: List<Pending>) {
        if (entries.isEmpty()) return
        try {
            store.insert(entries, System.currentTimeMillis())
        } catch (e: IOException) { // a broken disk must not break the app
            drop(DropReason.STORAGE_ERROR, entries.map { DroppedEvent(it.eventId, it.eventName) }, e.toString())
        } finally {
            buffered.addAndGet(-entries.size)
        }
    }

    // --- the sender thread -------------------------------------------------------

    private fun sendLoop() {
        ready.await()
        val store = store ?: return
        while (true) {
            val rows = try {
                nextBatch(store) ?: return
            } catch (e: IOException) { // the queue file refused a change: try again later
                report(SdkError("delivery failed: $e", e))
                lock.withLock { backOff(options.backoffMax.inWholeNanoseconds) }
                continue
            }
            try {
                attempt(store, rows)
            } catch (e: Exception) { // never let the thread die silently
                report(SdkError("delivery failed: $e", e))
                lock.withLock { backOff(options.backoffMax.inWholeNanoseconds) }
            } finally {
                lock.withLock {
                    inFlight = emptySet()
                    checkFlushes(store)
                }
            }
        }
    }

    /** Waits until a batch is due and no backoff runs; null once stopping. */
    private fun nextBatch(store: EventQueue): List<QueueRecord>? {
        while (true) {
            var expired: List<QueueRecord> = emptyList()
            lock.withLock {
                while (expired.isEmpty()) {
                    if (stopping) return null
                    val now = System.nanoTime()
                    if (backingOff && backoffUntil - now > 0) {
                        changed.awaitNanos(backoffUntil - now)
                        continue
                    }
                    if (now - nextExpiry >= 0) { // at most once a second
                        nextExpiry = now + 1_000_000_000L
                        val cutoff = System.currentTimeMillis() - options.queueMaxAge.inWholeMilliseconds
                        expired = store.olderThan(cutoff)
                        if (expired.isNotEmpty()) store.delete(expired.map { it.seq })
                        continue
                    }
                    val wait = if (purges > 0) -1L else dueIn(store)
                    if (wait == 0L) {
                        val rows = takeBatch(store)
                        if (rows.isNotEmpty()) {
                            inFlight = rows.mapTo(HashSet()) { it.seq }
                            return rows
                        }
                    } else if (wait < 0) {
                        changed.await()
                    } else {
                        changed.awaitNanos(wait)
                    }
                }
            }
            dropRecords(DropReason.EXPIRED, expired, "older than queueMaxAge")
        }
    }

    /** Under the lock: 0 when a batch is due now, else nanoseconds to wait (-1: until woken). */
    private fun dueIn(store: EventQueue): Long {
        val oldest = store.oldest() ?: return -1
        if (splits.isNotEmpty() || store.count >= options.batchMaxEvents || store.bytes >= options.batchMaxBytes) return 0
        if (flushes.any { (it.target ?: -1) >= oldest.seq }) return 0
        val ageNanos = (System.currentTimeMillis() - oldest.queuedAtMs) * 1_000_000L
        val interval = options.flushInterval.inWholeNanoseconds
        return if (ageNanos >= interval) 0 else minOf(interval - ageNanos, 1_000_000_000L)
    }

    /** Under the lock: the next batch, from the split halves first, else from the head. */
    private fun takeBatch(store: EventQueue): List<QueueRecord> {
        var rows: List<QueueRecord>
        while (true) {
            val split = splits.firstOrNull()
            if (split == null) {
                rows = store.head(options.batchMaxEvents)
                break
            }
            rows = store.rows(split)
            if (rows.isNotEmpty()) break
            splits.removeFirst() // its events were dropped meanwhile
        }
        val batch = ArrayList<QueueRecord>()
        var size = BatchEncoder.OVERHEAD
        for (row in rows) {
            if (batch.isNotEmpty() && row.format != batch[0].format) break
            size += BatchEncoder.recordSize(row.body.size, row.format)
            if (batch.isNotEmpty() && size > options.batchMaxBytes) break
            batch.add(row)
        }
        return batch
    }

    private fun attempt(store: EventQueue, rows: List<QueueRecord>) {
        val format = rows[0].format
        val body = BatchEncoder.encode(rows.map { it.body }, Timestamp.now(), format) // sent_at of this attempt
        val answer = poster.post(body, format)
        val seqs = rows.map { it.seq }
        lock.withLock {
            requests++
            if (splits.firstOrNull() == seqs && answer.outcome != Outcome.RETRY) splits.removeFirst()
        }
        when (answer.outcome) {
            Outcome.DELIVERED -> delivered(store, rows, answer)
            Outcome.SPLIT -> split(store, rows, answer)
            Outcome.DROP -> {
                store.delete(seqs)
                lock.withLock { resetBackoff() }
                dropRecords(DropReason.CLIENT_ERROR, rows, answer.detail, answer.status)
            }
            Outcome.RETRY -> retry(store, rows, answer)
        }
    }

    private fun delivered(store: EventQueue, rows: List<QueueRecord>, answer: Answer) {
        store.delete(rows.map { it.seq })
        val rejected = answer.rejected.filter { it.index < rows.size }.associateBy { it.index }
        lock.withLock {
            resetBackoff()
            sent += rows.size - rejected.size
        }
        val events = rejected.keys.sorted().map { DroppedEvent(rows[it].eventId, rows[it].eventName, rejected.getValue(it).reasons) }
        drop(DropReason.REJECTED, events, "the collector rejected them", answer.status)
    }

    private fun split(store: EventQueue, rows: List<QueueRecord>, answer: Answer) {
        if (rows.size == 1) {
            store.delete(rows.map { it.seq })
            dropRecords(DropReason.TOO_LARGE, rows, answer.detail, answer.status)
            return
        }
        val half = (rows.size + 1) / 2
        lock.withLock {
            splits.addFirst(rows.subList(half, rows.size).map { it.seq })
            splits.addFirst(rows.subList(0, half).map { it.seq })
        }
    }

    private fun retry(store: EventQueue, rows: List<QueueRecord>, answer: Answer) {
        lock.withLock {
            failures++
            val waitSeconds = answer.retryAfter?.let { minOf(it, seconds(options.retryAfterMax)) }
                ?: (random.nextDouble() * minOf(seconds(options.backoffMax), seconds(options.backoffBase) * Math.pow(2.0, minOf(failures - 1, 32).toDouble())))
            backOff((waitSeconds * 1e9).toLong())
        }
        val nowMs = System.currentTimeMillis()
        val updated = store.failed(rows.map { it.seq }, nowMs)
        val maxAgeMs = options.maxRetryAge.inWholeMilliseconds
        val exhausted = updated.filter { it.attempts >= options.maxAttempts || nowMs - (it.firstAttemptMs ?: nowMs) >= maxAgeMs }
        if (exhausted.isNotEmpty()) store.delete(exhausted.map { it.seq })
        lock.withLock { retried += (updated.size - exhausted.size).toLong() }
        val last = if (answer.status != null) "HTTP ${answer.status}" else "no answer"
        dropRecords(DropReason.RETRIES_EXHAUSTED, exhausted, "last attempt: $last ${answer.detail}".trimEnd())
    }

    /** Under the lock. */
    private fun backOff(nanos: Long) {
        backingOff = true
        backoffUntil = System.nanoTime() + nanos
    }

    /** Under the lock: any 2xx or permanent answer. */
    private fun resetBackoff() {
        failures = 0
        backingOff = false
    }

    /** Under the lock: releases every flush whose events are all gone. */
    private fun checkFlushes(store: EventQueue) {
        if (flushes.isEmpty()) return
        val oldest = store.oldest()?.seq
        val waiting = ArrayList<FlushRequest>()
        for (flush in flushes) {
            val target = flush.target
            if (target != null && (oldest == null || oldest > target)) flush.done.countDown() else waiting.add(flush)
        }
        flushes = waiting
    }

    /** A withdrawal of purposes, applied by the persister in hand-over order. */
    private class PurgeRequest(val purposes: Set<String>)

    /** A flush() waiting for every event handed over before it. */
    private class FlushRequest {
        /** The queue's last seq when the persister reached it. */
        @Volatile
        var target: Long? = null
        val done = CountDownLatch(1)
    }

    private companion object {
        /** Events the buffer holds at least before the newest are dropped (only when the queue takes nothing). */
        const val BUFFER_MIN = 10_000
        const val PARK_NANOS = 1_000_000_000L
        val PLATFORM: String = if (System.getProperty("java.vm.name").orEmpty().contains("Dalvik")) "android" else "jvm"

        fun millis(duration: Duration): Int = duration.inWholeMilliseconds.coerceIn(1L, Int.MAX_VALUE.toLong()).toInt()

        fun seconds(duration: Duration): Double = duration.inWholeNanoseconds / 1e9
    }
}
