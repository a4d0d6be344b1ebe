import RingsideTestSupport
import Testing

/// Runs each test of a suite holding the heavy-test gate: the tmux tests time what an operator sees, which a
/// daemon-heavy test running beside them on two cores would distort.
struct HeavyTestTrait: SuiteTrait, TestTrait, TestScoping {
    var isRecursive: Bool { true }

    @concurrent func provideScope(for test: Test, testCase: Test.Case?, performing function: @concurrent @Sendable () async throws -> Void) async throws {
        // The suite itself only groups; each test case takes the gate in turn.
        guard testCase != nil else { return try await function() }
        try await heavyTest { try await function() }
    }
}

extension Trait where Self == HeavyTestTrait {
    static var heavy: Self { HeavyTestTrait() }
}
