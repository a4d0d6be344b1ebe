import NIOCore

extension EventLoopFuture where Value: Sendable {
    /// Awaits the future without leaving the caller's executor.
    ///
    /// NIO's `get()` is a nonisolated async function compiled without SE-0461, so every call hops to the global
    /// pool and back: two thread switches per request. Called from an actor that runs on the future's own event
    /// loop, this resumes on that loop directly.
    public func value() async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            whenComplete { continuation.resume(with: $0) }
        }
    }
}
