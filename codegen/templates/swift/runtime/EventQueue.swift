// Runtime: the queue's events in memory, oldest first (the journal holds
// the same on disk). Batches leave from the head, so removal there is cheap.

import Foundation

struct EventQueue {
    private var events: [QueuedEvent] = []
    private var head = 0
    private(set) var bytes = 0

    var count: Int { events.count - head }
    var first: QueuedEvent? { head < events.count ? events[head] : nil }
    var last: QueuedEvent? { head < events.count ? events[events.count - 1] : nil }
    var all: [QueuedEvent] { Array(events[head...]) }

    mutating func append(_ added: [QueuedEvent]) {
        events += added
        bytes += added.reduce(0) { $0 + $1.body.count }
    }

    /// The oldest `limit` events.
    func head(_ limit: Int) -> [QueuedEvent] {
        Array(events[head..<min(events.count, head + limit)])
    }

    /// The events of `seqs` still queued, in queue order.
    func events(_ seqs: [Int]) -> [QueuedEvent] {
        let wanted = Set(seqs)
        return events[head...].filter { wanted.contains($0.seq) }
    }

    /// Removes `seqs`; returns the events removed.
    @discardableResult
    mutating func remove(_ seqs: [Int]) -> [QueuedEvent] {
        let gone = Set(seqs)
        var removed: [QueuedEvent] = []
        while head < events.count, gone.contains(events[head].seq) {
            removed.append(events[head])
            head += 1
        }
        if removed.count < gone.count {
            var kept: [QueuedEvent] = []
            for event in events[head...] {
                if gone.contains(event.seq) {
                    removed.append(event)
                } else {
                    kept.append(event)
                }
            }
            events = kept
            head = 0
        } else if head > 1024 && head * 2 > events.count {
            events.removeFirst(head)
            head = 0
        }
        bytes -= removed.reduce(0) { $0 + $1.body.count }
        return removed
    }

    /// Counts a failed attempt for `seqs`; their events after it.
    mutating func tried(_ seqs: [Int], atMs: Int64) -> [QueuedEvent] {
        let wanted = Set(seqs)
        var updated: [QueuedEvent] = []
        for index in head..<events.count where wanted.contains(events[index].seq) {
            events[index].attempts += 1
            if events[index].firstAttemptMs == nil { events[index].firstAttemptMs = atMs }
            updated.append(events[index])
        }
        return updated
    }

    /// The oldest events, none of `keep`, to drop so that at most
    /// `maxEvents` events and `maxBytes` bytes remain.
    func overCaps(maxEvents: Int, maxBytes: Int, keep: Set<Int>) -> [QueuedEvent] {
        var excessEvents = count - maxEvents
        var excessBytes = bytes - maxBytes
        var victims: [QueuedEvent] = []
        for event in events[head...] {
            if excessEvents <= 0 && excessBytes <= 0 { break }
            if keep.contains(event.seq) { continue }
            victims.append(event)
            excessEvents -= 1
            excessBytes -= event.body.count
        }
        return victims
    }

    /// Events queued before `cutoffMs` (Unix ms).
    func older(thanMs cutoffMs: Int64) -> [QueuedEvent] {
        var out: [QueuedEvent] = []
        for event in events[head...] where event.queuedAtMs < cutoffMs { out.append(event) }
        return out
    }
}
