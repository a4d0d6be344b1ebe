/// Lets one heavy test run at a time across the whole test process (every test target runs in one process):
/// the million-key golden check, the suites that start dozens of daemons. Beside one of them, the
/// timing-sensitive tests (a hung endpoint must not delay others, the demo must draw within seconds) still hold
/// on two cores; beside three, they do not.
public actor HeavyTestGate {
    public static let shared = HeavyTestGate()

    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}

/// Runs `body` while holding the heavy-test gate.
public func heavyTest<T>(_ body: () async throws -> T) async throws -> T {
    await HeavyTestGate.shared.acquire()
    do {
        let result = try await body()
        await HeavyTestGate.shared.release()
        return result
    } catch {
        await HeavyTestGate.shared.release()
        throw error
    }
}
