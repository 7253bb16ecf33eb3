// Runtime: the persistent queue's file, a journal of JSON lines
// (docs/delivery.md, "The journal file"). A process takes the first free
// slot `queue-<n>.jsonl` of the queue folder and holds an exclusive flock on
// `queue-<n>.lock` while it runs; slots nobody holds are adopted on start.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One event in the queue.
/// An envelope handed over, not yet in the journal.
struct Entry {
    let eventId: String
    let eventName: String
    let body: [UInt8]
    let purposes: [String]?
}

struct QueuedEvent {
    let seq: Int
    let eventId: String
    let eventName: String
    let format: WireFormat
    let body: [UInt8]
    let queuedAtMs: Int64
    var attempts = 0
    var firstAttemptMs: Int64?
    /// The purposes it needs, in name order; nil when an older SDK queued it (purged on any withdrawal).
    var purposes: [String]?
}

/// The journal of one slot. Not thread-safe: the transport calls it from
/// its delivery queue only. Without a folder it keeps nothing (memory only).
final class QueueJournal {
    static let maxSlots = 64
    static let compactAbove = 1 << 20
    static let header = Array("{\"format\":\"codegen-queue\",\"version\":1}\n".utf8)
    static let version = 1

    /// The journal's path; nil when nothing is written.
    let path: String?
    /// The events found on opening (this slot's, then adopted ones), oldest first.
    private(set) var loaded: [QueuedEvent] = []
    private var fd: Int32 = -1
    private var lockFd: Int32 = -1
    private var nextSeq = 1
    private var size = 0  // bytes in the file
    private var records = 0  // lines after the header
    private var live = 0  // events added and not deleted

    /// Memory only.
    init() {
        path = nil
    }

    /// Takes a slot in `directory` and adopts the slots nobody holds.
    init(directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw QueueStorageError(message: "cannot create the queue folder \(directory): \(error)")
        }
        var slot = -1
        for candidate in 0..<QueueJournal.maxSlots {
            let held = lockSlot(directory, candidate)
            if held >= 0 {
                lockFd = held
                slot = candidate
                break
            }
        }
        guard slot >= 0 else {
            throw QueueStorageError(message: "all \(QueueJournal.maxSlots) queue slots in \(directory) are in use")
        }
        let own = "\(directory)/queue-\(slot).jsonl"
        path = own
        var seen = Seen()
        var validLength = 0
        switch QueueJournal.read(own) {
        case .foreign(let why):
            _ = systemClose(lockFd)
            throw QueueStorageError(message: "the queue \(own) is left alone: \(why)")
        case .absent:
            break
        case .journal(let events, let length, let found):
            loaded = events
            validLength = length
            seen = found
        }
        fd = open(own, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard fd >= 0, ftruncate(fd, off_t(validLength)) == 0 else {
            let why = String(cString: strerror(errno))
            if fd >= 0 { _ = systemClose(fd) }
            _ = systemClose(lockFd)
            throw QueueStorageError(message: "cannot open the queue \(own): \(why)")
        }
        size = validLength
        if validLength == 0 {
            _ = append(QueueJournal.header)
        }
        records = seen.records
        live = loaded.count
        nextSeq = seen.nextSeq
        adopt(directory, ownSlot: slot)
    }

    /// Stores new events (one write); nil when the file refused them.
    func add(_ entries: [Entry], format: WireFormat, atMs: Int64) -> [QueuedEvent]? {
        let events = entries.enumerated().map { offset, entry in
            QueuedEvent(seq: nextSeq + offset, eventId: entry.eventId, eventName: entry.eventName, format: format,
                        body: entry.body, queuedAtMs: atMs, purposes: entry.purposes)
        }
        return store(events) ? events : nil
    }

    /// One failed attempt for each of `seqs`.
    func tried(_ seqs: [Int], atMs: Int64) {
        if seqs.isEmpty { return }
        var line = Array("{\"op\":\"try\",\"seqs\":".utf8)
        QueueJournal.appendSeqs(seqs, to: &line)
        line += Array(",\"at_ms\":\(atMs)}\n".utf8)
        if append(line) { records += 1 }
    }

    /// `seqs` left the queue; `remaining` gives the live events when the
    /// file is worth compacting.
    func deleted(_ seqs: [Int], remaining: () -> [QueuedEvent]) {
        if seqs.isEmpty { return }
        var line = Array("{\"op\":\"del\",\"seqs\":".utf8)
        QueueJournal.appendSeqs(seqs, to: &line)
        line += Array("}\n".utf8)
        live -= seqs.count
        if append(line) { records += 1 }
        if size > QueueJournal.compactAbove && records - live > live {
            compact(remaining())
        }
    }

    func close() {
        if fd >= 0 {
            _ = systemClose(fd)
            fd = -1
        }
        if lockFd >= 0 {
            _ = systemClose(lockFd)
            lockFd = -1
        }
    }

    // MARK: Writing

    private func store(_ events: [QueuedEvent]) -> Bool {
        if events.isEmpty { return true }
        var lines: [UInt8] = []
        lines.reserveCapacity(events.reduce(0) { $0 + $1.body.count * 4 / 3 + 160 })
        for event in events { QueueJournal.appendAdd(event, to: &lines) }
        guard append(lines) else { return false }
        nextSeq += events.count
        records += events.count
        live += events.count
        return true
    }

    /// Appends whole lines; a failed write is cut off again, so that no torn
    /// line ever precedes later records. Memory only: nothing to do.
    private func append(_ bytes: [UInt8]) -> Bool {
        guard fd >= 0 else { return path == nil }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                systemWrite(fd, raw.baseAddress! + offset, bytes.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                _ = ftruncate(fd, off_t(size))
                return false
            }
            offset += written
        }
        size += bytes.count
        return true
    }

    /// Rewrites the journal as a header and one `add` per live event: into
    /// `<journal>.tmp`, synced, then renamed over the journal.
    private func compact(_ events: [QueuedEvent]) {
        guard let path, fd >= 0 else { return }
        let temporary = path + ".tmp"
        var bytes = QueueJournal.header
        for event in events { QueueJournal.appendAdd(event, to: &bytes) }
        let out = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard out >= 0 else { return }
        var offset = 0
        var ok = true
        while ok && offset < bytes.count {
            let written = bytes.withUnsafeBytes { systemWrite(out, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 && errno == EINTR { continue }
            ok = written >= 0
            offset += max(written, 0)
        }
        ok = ok && fsync(out) == 0
        _ = systemClose(out)
        guard ok, rename(temporary, path) == 0 else {
            _ = unlink(temporary)
            return
        }
        _ = systemClose(fd)
        fd = open(path, O_WRONLY | O_APPEND)
        size = bytes.count
        records = events.count
        live = events.count
    }

    private static func appendSeqs(_ seqs: [Int], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        out += Array(seqs.map(String.init).joined(separator: ",").utf8)
        out.append(UInt8(ascii: "]"))
    }

    static func appendAdd(_ event: QueuedEvent, to out: inout [UInt8]) {
        out += Array("{\"op\":\"add\",\"seq\":\(event.seq),\"id\":".utf8)
        CanonicalJSON.writeString(event.eventId, to: &out)
        out += Array(",\"name\":".utf8)
        CanonicalJSON.writeString(event.eventName, to: &out)
        out += Array(",\"fmt\":\"\(event.format.rawValue)\",\"body\":\"".utf8)
        out += Array(Base64.encode(event.body).utf8)
        out += Array("\",\"queued_at_ms\":\(event.queuedAtMs)".utf8)
        if event.attempts > 0 { out += Array(",\"attempts\":\(event.attempts)".utf8) }
        if let first = event.firstAttemptMs { out += Array(",\"first_attempt_ms\":\(first)".utf8) }
        if let purposes = event.purposes {
            out += Array(",\"purposes\":[".utf8)
            for (index, purpose) in purposes.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                CanonicalJSON.writeString(purpose, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        out += Array("}\n".utf8)
    }

    // MARK: Adopting

    /// Moves the events of every slot that no running process holds into
    /// this journal, oldest first, then removes the orphan's journal.
    private func adopt(_ directory: String, ownSlot: Int) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let slots = names.compactMap { name -> Int? in
            guard name.hasPrefix("queue-"), name.hasSuffix(".jsonl") else { return nil }
            return Int(name.dropFirst(6).dropLast(6))
        }.filter { $0 != ownSlot }.sorted()
        for slot in slots {
            let held = lockSlot(directory, slot)
            guard held >= 0 else { continue }  // a running process owns it
            defer { _ = systemClose(held) }
            let orphan = "\(directory)/queue-\(slot).jsonl"
            guard case .journal(let events, _, _) = QueueJournal.read(orphan) else { continue }
            let moved = events.enumerated().map { offset, event in
                QueuedEvent(seq: nextSeq + offset, eventId: event.eventId, eventName: event.eventName,
                            format: event.format, body: event.body, queuedAtMs: event.queuedAtMs,
                            attempts: event.attempts, firstAttemptMs: event.firstAttemptMs, purposes: event.purposes)
            }
            guard store(moved) else { continue }
            loaded += moved
            _ = unlink(orphan)
        }
    }

    // MARK: Reading

    struct Seen {
        var nextSeq = 1
        var records = 0
    }

    enum Contents {
        case absent
        /// The live events, the length of the complete lines, what was seen.
        case journal([QueuedEvent], Int, Seen)
        /// Another format or a newer version: left alone.
        case foreign(String)
    }

    /// Reads a journal; a torn last line (no `\n`, or not JSON) is left out
    /// of the valid length, so that the caller cuts it off.
    static func read(_ path: String) -> Contents {
        guard let data = FileManager.default.contents(atPath: path) else { return .absent }
        let bytes = [UInt8](data)
        var lines: [(start: Int, end: Int)] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            lines.append((start, index))
            start = index + 1
        }
        guard let first = lines.first else { return .journal([], 0, Seen()) }
        guard let header = object(bytes[first.start..<first.end]),
              header["format"] as? String == "codegen-queue", let version = integer(header["version"]) else {
            return .foreign("it is not a codegen-queue journal")
        }
        if version > Int64(QueueJournal.version) {
            return .foreign("written by a newer SDK (queue format \(version), this SDK reads up to \(QueueJournal.version))")
        }
        var events: [Int: QueuedEvent] = [:]
        var seen = Seen()
        var validLength = first.end + 1
        for (number, line) in lines.enumerated().dropFirst() {
            guard let record = object(bytes[line.start..<line.end]) else {
                if number == lines.count - 1 { break }  // torn: cut off
                validLength = line.end + 1
                continue  // damaged in the middle: skipped
            }
            validLength = line.end + 1
            seen.records += 1
            apply(record, to: &events, seen: &seen)
        }
        return .journal(events.values.sorted { $0.seq < $1.seq }, validLength, seen)
    }

    private static func apply(_ record: [String: Any], to events: inout [Int: QueuedEvent], seen: inout Seen) {
        let seqs = (record["seqs"] as? [Any] ?? []).compactMap { integer($0) }.map { Int($0) }
        switch record["op"] as? String {
        case "add":
            guard let seq = integer(record["seq"]), let id = record["id"] as? String,
                  let name = record["name"] as? String,
                  let format = (record["fmt"] as? String).flatMap(WireFormat.init(rawValue:)),
                  let text = record["body"] as? String, let body = Data(base64Encoded: text),
                  let queuedAt = integer(record["queued_at_ms"]) else { return }
            events[Int(seq)] = QueuedEvent(
                seq: Int(seq), eventId: id, eventName: name, format: format, body: [UInt8](body),
                queuedAtMs: queuedAt, attempts: Int(integer(record["attempts"]) ?? 0),
                firstAttemptMs: integer(record["first_attempt_ms"]),
                purposes: (record["purposes"] as? [Any])?.compactMap { $0 as? String })
            seen.nextSeq = max(seen.nextSeq, Int(seq) + 1)
        case "try":
            let at = integer(record["at_ms"]) ?? 0
            for seq in seqs where events[seq] != nil {
                events[seq]!.attempts += 1
                if events[seq]!.firstAttemptMs == nil { events[seq]!.firstAttemptMs = at }
            }
        case "del":
            for seq in seqs { events[seq] = nil }
        default:
            return
        }
    }

    private static func object(_ line: ArraySlice<UInt8>) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any]
    }

    /// An integer of a JSONSerialization document: not a bool (which would
    /// cast to 0 or 1; its NSNumber's type is "c"), not a fraction.
    static func integer(_ value: Any?) -> Int64? {
        guard let number = value as? NSNumber, String(cString: number.objCType) != "c" else { return nil }
        return value as? Int64
    }
}

/// An open descriptor holding an exclusive lock on `queue-<slot>.lock`, or
/// -1 when another open file holds it (locks belong to open files, so two
/// transports of one process never share a slot either).
private func lockSlot(_ directory: String, _ slot: Int) -> Int32 {
    let fd = open("\(directory)/queue-\(slot).lock", O_RDWR | O_CREAT, 0o600)
    guard fd >= 0 else { return -1 }
    if flock(fd, LOCK_EX | LOCK_NB) != 0 {
        _ = systemClose(fd)
        return -1
    }
    return fd
}

private func systemWrite(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, pointer, count)
    #else
    return Darwin.write(fd, pointer, count)
    #endif
}

private func systemClose(_ fd: Int32) -> Int32 {
    #if canImport(Glibc)
    return Glibc.close(fd)
    #else
    return Darwin.close(fd)
    #endif
}
