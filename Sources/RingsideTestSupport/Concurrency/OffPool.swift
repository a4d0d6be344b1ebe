import Foundation

/// Runs blocking or CPU-heavy work (starting a batch of daemons, a million-key golden check) on a thread of its
/// own. Every test shares a cooperative pool of two threads here; work that holds one for seconds starves the
/// timing-sensitive tests running beside it.
public func offCooperativePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
