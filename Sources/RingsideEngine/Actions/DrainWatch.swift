import Foundation
import RingsideCore
import RingsideWire

/// One member's sessions and queue while a drained server empties.
public struct DrainCount: Sendable, Equatable {
    public var endpoint: String
    /// `nil` when the member could not be read this time.
    public var sessions: Int?
    public var queued: Int?

    public init(endpoint: String, sessions: Int?, queued: Int?) {
        self.endpoint = endpoint
        self.sessions = sessions
        self.queued = queued
    }

    public var isEmpty: Bool { sessions == 0 && (queued ?? 0) == 0 }

    public var text: String {
        guard let sessions else { return "\(endpoint) unreadable" }
        return "\(endpoint) \(sessions) session\(sessions == 1 ? "" : "s"), \(queued ?? 0) queued"
    }
}

extension ActionRunner {
    /// drain → wait → maint, hatop has no such thing and runbooks script it: drain the server on every member,
    /// watch its current sessions and queue fall (reported through `progress` whenever they change), then put it in
    /// maintenance once both are zero everywhere, or when `timeout` passes (after ending the sessions first when
    /// `shutdownSessions`). Each step is an action of its own: previewed fresh, sent through the gate, verified and
    /// audited. Stops at the first step that is not applied.
    public func drainThenMaint(
        _ target: ServerTarget, timeout: Duration, shutdownSessions: Bool, every interval: Duration = .milliseconds(250),
        progress: @Sendable ([DrainCount]) -> Void
    ) async throws(ActionError) -> [ActionReport] {
        var reports = [await execute(try await preview(OperatorAction(target: target, verb: .state(.drain))))]
        guard reports[0].result.succeeded else { return reports }
        let emptied = await waitUntilEmpty(target, timeout: timeout, every: interval, progress: progress)
        if !emptied && shutdownSessions {
            let shutdown = await execute(try await preview(OperatorAction(target: target, verb: .shutdownSessions)))
            reports.append(shutdown)
            guard shutdown.result.succeeded else { return reports }
        }
        reports.append(await execute(try await preview(OperatorAction(target: target, verb: .state(.maint)))))
        return reports
    }

    /// Polls the server on every member until no sessions and no queue are left, or `timeout`; `true` if emptied.
    func waitUntilEmpty(_ target: ServerTarget, timeout: Duration, every interval: Duration, progress: @Sendable ([DrainCount]) -> Void) async -> Bool {
        // One connection per member for the whole wait, not one per look.
        let clients = ((try? members(of: target)) ?? []).map { member in
            (member.name, HAProxyClient(host: member.address.host, port: member.address.port, limits: limits, on: group.next()))
        }
        defer { for (_, client) in clients { _ = client.close() } }
        let deadline = ContinuousClock.now + timeout
        var last: [DrainCount] = []
        while true {
            var counts: [DrainCount] = []
            for (name, client) in clients {
                let server = try? await client.poll().get().backends.first { $0.name == target.backend }?.servers.first { $0.name == target.server }
                counts.append(DrainCount(endpoint: name, sessions: server?.currentSessions, queued: server?.queued))
            }
            if counts != last { progress(counts) }
            last = counts
            if counts.allSatisfy(\.isEmpty) { return true }
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: interval)
        }
    }
}
