import NIOCore

/// Called once with the outcome of an operation, on the event loop of the connection it ran on.
///
/// The poll path is built from these rather than from one `EventLoopFuture` per layer: each future costs an
/// allocation and a generic-metadata lookup on creation and on release, which with a thousand endpoints polled
/// every second was a measurable part of ringside's CPU. Every operation also has a future form for callers
/// that await.
public typealias Completion<Value> = @Sendable (Result<Value, any Error>) -> Void

extension EventLoop {
    /// The future form of a callback-style operation.
    func future<Value: Sendable>(of operation: (@escaping Completion<Value>) -> Void) -> EventLoopFuture<Value> {
        let promise = makePromise(of: Value.self)
        operation { promise.completeWith($0) }
        return promise.futureResult
    }
}
