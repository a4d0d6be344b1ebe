import NIOCore
import RingsideCore
import RingsideWire

/// Finds out where real proxies route keys, for comparing with ringside's ring models.
public enum RingProbe {
    static let limits = WireLimits(connectTimeout: .seconds(2), requestTimeout: .seconds(20), maxReplyBytes: 64 << 20)

    /// Stores every key through nutcracker, then asks each backend which keys it holds.
    /// Returns the backend name holding each key; a key found on several backends or none maps to `nil`.
    public static func routeThroughNutcracker(
        listenPort: Int, keys: [String], backends: [(name: String, host: String, port: Int)]
    ) async throws -> [String: String?] {
        let proxy = try await WireConnection.connect(to: "127.0.0.1", port: listenPort, limits: limits).get()
        var stored: [[UInt8]] = []
        // Modest pipelines: nutcracker's server timeout (400 ms in the test config) covers a whole burst.
        for start in stride(from: 0, to: keys.count, by: 250) {
            let sets = keys[start..<min(start + 250, keys.count)].map { "set \($0) 0 0 1\r\nx\r\n" }.joined()
            stored += try await proxy.exchange(ByteBuffer(string: sets), replies: min(250, keys.count - start), framing: MemcachedFraming.singleLine).get()
        }
        try? await proxy.close().get()
        guard stored.allSatisfy({ $0 == Array("STORED\r\n".utf8) }) else {
            throw WireError.serverError("nutcracker did not store every key: \(String(decoding: stored.first { $0 != Array("STORED\r\n".utf8) } ?? [], as: UTF8.self))")
        }
        var holders: [String: [String]] = [:]
        for backend in backends {
            let connection = try await WireConnection.connect(to: backend.host, port: backend.port, limits: limits).get()
            let batches = stride(from: 0, to: keys.count, by: 100).map { keys[$0..<min($0 + 100, keys.count)] }
            let request = batches.map { "get " + $0.joined(separator: " ") + "\r\n" }.joined()
            let replies = try await connection.exchange(ByteBuffer(string: request), replies: batches.count, framing: MemcachedFraming.listing).get()
            try? await connection.close().get()
            for reply in replies {
                for line in String(decoding: reply, as: UTF8.self).split(separator: "\r\n") where line.hasPrefix("VALUE ") {
                    holders[String(line.split(separator: " ")[1]), default: []].append(backend.name)
                }
            }
        }
        return Dictionary(uniqueKeysWithValues: keys.map { key in (key, holders[key].flatMap { $0.count == 1 ? $0[0] : nil }) })
    }

    /// Sends one pipelined HTTP request per key with header `header: key`; the balancer (HAProxy, nginx) balances
    /// each request, and the echoing server's body names it. Returns the server name per key, in order.
    public static func routeThroughHTTP(port: Int, header: String, keys: [String]) async throws -> [String] {
        let connection = try await WireConnection.connect(to: "127.0.0.1", port: port, limits: limits).get()
        defer { Task { try? await connection.close().get() } }
        var served: [String] = []
        for start in stride(from: 0, to: keys.count, by: 200) {
            let batch = keys[start..<min(start + 200, keys.count)]
            let request = batch.map { "GET / HTTP/1.1\r\nHost: ring\r\n\(header): \($0)\r\n\r\n" }.joined()
            let replies = try await connection.exchange(ByteBuffer(string: request), replies: batch.count, framing: httpResponse).get()
            for reply in replies {
                let text = String(decoding: reply, as: UTF8.self)
                guard text.hasPrefix("HTTP/1.1 200"), let body = text.range(of: "\r\n\r\n") else {
                    throw WireError.serverError("the balancer answered: \(text.prefix(120))")
                }
                served.append(String(text[body.upperBound...]))
            }
        }
        return served
    }

    /// One HTTP/1.1 response with a Content-Length body; the head is searched once, from where the last scan stopped.
    static let httpResponse = ReplyFraming.scanned { bytes, resumeAt in
        var end = max(0, resumeAt - 3)
        while end + 4 <= bytes.count, !(bytes[end] == 13 && bytes[end + 1] == 10 && bytes[end + 2] == 13 && bytes[end + 3] == 10) { end += 1 }
        guard end + 4 <= bytes.count else { return .incomplete(resumeAt: bytes.count) }
        let head = String(decoding: bytes[..<end], as: UTF8.self).lowercased()
        guard let field = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
              let length = Int(field.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
        else { return .invalid("an HTTP response without Content-Length") }
        let total = end + 4 + length
        return bytes.count >= total ? .complete(length: total) : .incomplete(resumeAt: end)
    }
}
