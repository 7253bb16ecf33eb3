// Runtime: one request of the collection protocol (`POST <url>/v1/batch`
// with URLSession) and what its answer means for the events in it
// (docs/delivery.md, "The request" and "Answers").

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What an answer means for its batch.
enum Outcome: Equatable {
    /// 2xx: the events are stored (or rejected one by one).
    case delivered
    /// 413: send the batch again in halves.
    case split
    /// Another 4xx: never sent again.
    case drop
    /// 408, 429, 5xx, any other status, no answer.
    case retry
}

struct Rejection: Equatable {
    let index: Int
    let reasons: [String]
}

struct Answer {
    let outcome: Outcome
    /// nil: no answer (network error, timeout).
    let status: Int?
    /// The error's description, or the collector's message.
    let detail: String
    /// Seconds, from Retry-After.
    var retryAfter: TimeInterval?
    var rejected: [Rejection] = []

    static func classify(status: Int, body: [UInt8], retryAfter: String?) -> Answer {
        let document = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        let detail = document.map(message) ?? String(decoding: body.prefix(200), as: UTF8.self)
        switch status {
        case 200..<300:
            return Answer(outcome: .delivered, status: status, detail: detail, rejected: rejections(document))
        case 413:
            return Answer(outcome: .split, status: status, detail: detail)
        case 400..<500 where status != 408 && status != 429:
            return Answer(outcome: .drop, status: status, detail: detail)
        default:
            return Answer(outcome: .retry, status: status, detail: detail,
                          retryAfter: retryAfter.flatMap { RetryAfter.seconds($0) })
        }
    }

    private static func message(_ document: [String: Any]) -> String {
        if let text = document["message"] as? String, !text.isEmpty { return text }
        return document["error"] as? String ?? ""
    }

    private static func rejections(_ document: [String: Any]?) -> [Rejection] {
        guard let items = document?["rejected"] as? [Any] else { return [] }
        return items.compactMap { item in
            guard let entry = item as? [String: Any], let index = QueueJournal.integer(entry["index"]),
                  let position = Int(exactly: index) else { return nil }
            let reasons = (entry["reasons"] as? [Any] ?? []).compactMap { $0 as? String }
            return Rejection(index: position, reasons: reasons)
        }
    }
}

/// `Retry-After` (RFC 9110): delay-seconds (fractions accepted) or an HTTP-date.
enum RetryAfter {
    static func seconds(_ value: String, now: Date = Date()) -> TimeInterval? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let delay = Double(text) {
            return delay.isNaN ? nil : max(0, delay)
        }
        let formats = ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"]
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in formats {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) {
                return max(0, date.timeIntervalSince(now))
            }
        }
        return nil
    }
}

/// Posts batches to one collector, one at a time. URLSession keeps the
/// connection alive; after 4 s idle (servers close idle connections, uvicorn
/// after 5 s) or any failure a fresh session opens a new one.
final class Poster: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    static let idleReopen: TimeInterval = 4
    let endpoint: URL
    /// Fixed headers; set up before the first request, then only read.
    var headers: [String: String]
    private let timeout: TimeInterval
    private let gzipMinBytes: Int
    private var session: URLSession?
    private var lastUsed = 0.0

    init(endpoint: URL, timeout: TimeInterval, gzipMinBytes: Int, headers: [String: String]) {
        self.endpoint = endpoint
        self.timeout = Poster.effectiveTimeout(timeout)
        self.gzipMinBytes = gzipMinBytes
        self.headers = headers
    }

    /// Sends `body`; `done` gets the answer on URLSession's queue. One
    /// request at a time, from the delivery queue (`lastUsed` is written by
    /// the answer's callback before `done` hands over to that queue).
    func post(_ body: [UInt8], format: WireFormat, done: @escaping (Answer) -> Void) {
        var request = URLRequest(url: endpoint, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.setValue(format.contentType, forHTTPHeaderField: "Content-Type")
        var payload = body
        if body.count > gzipMinBytes, let compressed = Gzip.compress(body) {
            payload = compressed
            request.setValue("gzip", forHTTPHeaderField: "Content-Encoding")
        }
        request.httpBody = Data(payload)
        if Poster.monotonic() - lastUsed >= Poster.idleReopen { reopen() }
        let session = self.session ?? makeSession()
        self.session = session
        session.dataTask(with: request) { [weak self] data, response, error in
            guard let http = response as? HTTPURLResponse, error == nil else {
                self?.failed()
                let detail = error.map { Poster.describe($0) } ?? "no HTTP answer"
                done(Answer(outcome: .retry, status: nil, detail: detail))
                return
            }
            self?.lastUsed = Poster.monotonic()
            let retryAfter = http.allHeaderFields.first { ($0.key as? String)?.lowercased() == "retry-after" }
            done(Answer.classify(status: http.statusCode, body: [UInt8](data ?? Data()),
                                 retryAfter: retryAfter?.value as? String))
        }.resume()
    }

    /// No more requests: the session lets go of its connection.
    func close() {
        session?.finishTasksAndInvalidate()
        session = nil
    }

    private func failed() {
        lastUsed = 0  // the next request opens a fresh connection
    }

    private func reopen() {
        session?.finishTasksAndInvalidate()
        session = nil
    }

    private func makeSession() -> URLSession {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.httpMaximumConnectionsPerHost = 1
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        return URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
    }

    /// Redirects are not followed: a 3xx is retried like any other status.
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    /// URLSession's timeout. FoundationNetworking (Linux) counts whole
    /// seconds, rounding down (0.5 would time out at once): rounded up there.
    static func effectiveTimeout(_ timeout: TimeInterval) -> TimeInterval {
        #if canImport(FoundationNetworking)
        return max(1, timeout.rounded(.up))
        #else
        return timeout
        #endif
    }

    static func describe(_ error: Error) -> String {
        let code = (error as? URLError)?.code
        if code == .timedOut { return "timed out" }
        return "\(type(of: error)): \(error.localizedDescription)"
    }

    static func monotonic() -> TimeInterval {
        TimeInterval(DispatchTime.now().uptimeNanoseconds) / 1e9
    }
}

/// gzip (RFC 1952) around Foundation's raw DEFLATE, where Foundation offers
/// it (Apple platforms); on Linux Foundation has no compression and bodies
/// go uncompressed.
enum Gzip {
    static var available: Bool {
        #if canImport(Darwin)
        if #available(macOS 10.15, iOS 13.0, tvOS 13.0, watchOS 6.0, *) { return true }
        #endif
        return false
    }

    static func compress(_ data: [UInt8]) -> [UInt8]? {
        #if canImport(Darwin)
        if #available(macOS 10.15, iOS 13.0, tvOS 13.0, watchOS 6.0, *) {
            // NSData's .zlib is raw DEFLATE (RFC 1951), without zlib's header.
            guard let deflated = try? (Data(data) as NSData).compressed(using: .zlib) else { return nil }
            return frame(deflated: [UInt8](deflated as Data), original: data)
        }
        #endif
        return nil
    }

    /// The gzip member: header (no name, mtime 0), the DEFLATE stream, the
    /// CRC-32 and the length of the original, little-endian.
    static func frame(deflated: [UInt8], original: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff]
        out += deflated
        let crc = crc32(original)
        let length = UInt32(truncatingIfNeeded: original.count)
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: crc >> UInt32(shift))) }
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: length >> UInt32(shift))) }
        return out
    }

    private static let table: [UInt32] = (0..<256).map { index -> UInt32 in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 != 0 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
