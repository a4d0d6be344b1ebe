import NIOCore
import NIOPosix

/// Binds the demo's servers below Linux's ephemeral port range (32768+). A port from `bind(0)` is an ephemeral
/// one, and while a killed node is down any outgoing connection (ringside reconnecting, for one) may take it as its
/// source port, so the node could not come back where it was. Below the range, nothing takes it.
enum ListeningPort {
    static func bind(_ bootstrap: ServerBootstrap, port requested: Int = 0) async throws -> any Channel {
        if requested != 0 { return try await bootstrap.bind(host: "127.0.0.1", port: requested).get() }
        var lastError: (any Error)?
        for _ in 0..<100 {
            do {
                return try await bootstrap.bind(host: "127.0.0.1", port: Int.random(in: 20_000...32_767)).get()
            } catch {
                lastError = error
            }
        }
        throw lastError!
    }
}
