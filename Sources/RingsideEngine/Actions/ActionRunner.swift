import Foundation
import NIOCore
import RingsideCore
import RingsideWire

/// Previews, executes and verifies operator actions on HAProxy servers, on every balancer of the target, and
/// audits each. The console and the command line share it; the gate is asked in the wire client, where bytes
/// are written, not here.
public struct ActionRunner: Sendable {
    public let fleet: Fleet
    public let gate: WriteGate
    public let audit: AuditLog
    public let operatorIdentity: AuditOperator
    public let host: String
    public let version: String
    /// How long verification re-reads the servers before it calls a change not applied.
    public var verifyTimeout: Duration = .seconds(5)
    public var verifyEvery: Duration = .milliseconds(200)
    let group: any EventLoopGroup

    public init(
        fleet: Fleet, gate: WriteGate, audit: AuditLog, operatorIdentity: AuditOperator, host: String, version: String,
        group: any EventLoopGroup
    ) {
        self.fleet = fleet
        self.gate = gate
        self.audit = audit
        self.operatorIdentity = operatorIdentity
        self.host = host
        self.version = version
        self.group = group
    }

    var limits: WireLimits { WireLimits(connectTimeout: fleet.polling.timeout, requestTimeout: fleet.polling.timeout) }

    /// The balancers the action lands on; the error lists what exists.
    public func members(of target: ServerTarget) throws(ActionError) -> [Endpoint] {
        let members = fleet.haproxyMembers(of: target.scope)
        guard !members.isEmpty else {
            let balancers = fleet.endpoints.filter { $0.kind == .haproxy }
            let names = Set(balancers.map(\.name)).union(balancers.compactMap(\.group)).sorted()
            throw ActionError("no HAProxy balancer or group named '\(target.scope)' in the fleet (there are: \(names.isEmpty ? "none" : names.joined(separator: ", ")))")
        }
        return members
    }

    /// Reads every member fresh and plans the action. Nothing is sent.
    public func preview(_ action: OperatorAction) async throws(ActionError) -> ActionPreview {
        let members = try members(of: action.target)
        let readings = await withTaskGroup(of: (Int, MemberReading).self) { tasks in
            for (index, member) in members.enumerated() { tasks.addTask { (index, await read(member)) } }
            var readings: [(Int, MemberReading)] = []
            for await reading in tasks { readings.append(reading) }
            return readings.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return ActionPlanner.preview(action, readings: readings, consistentBackends: consistentBackends)
    }

    /// Backends known to hash consistently: those a ring of the fleet file declares, on every member of the group
    /// of the balancer it names.
    var consistentBackends: Set<String> {
        var backends: Set<String> = []
        for ring in fleet.rings {
            guard case let .haproxyBackend(address, backend, _) = ring.source,
                  let balancer = fleet.endpoints.first(where: { $0.name == ring.balancer || ($0.kind == .haproxy && $0.address == address) })
            else { continue }
            for member in balancer.group.map(fleet.haproxyMembers(of:)) ?? [balancer] { backends.insert("\(member.name)/\(backend)") }
        }
        return backends
    }

    private func client(for member: Endpoint) -> HAProxyClient {
        HAProxyClient(host: member.address.host, port: member.address.port, limits: limits, on: group.next())
    }

    private func read(_ member: Endpoint) async -> MemberReading {
        let client = client(for: member)
        defer { _ = client.close() }
        let level = try? await client.read(["show cli level"]).get().first?.get()
        let snapshot: Result<HAProxySnapshot, ActionError>
        do {
            snapshot = .success(try await client.poll().get())
        } catch {
            snapshot = .failure(ActionError("\(error)"))
        }
        return MemberReading(
            endpoint: member.name, address: member.address.description, snapshot: snapshot,
            cliLevel: level.flatMap { ["admin", "operator", "user"].contains($0) ? $0 : nil })
    }

    /// Records that the operator said no: nothing was sent.
    public func cancel(_ preview: ActionPreview) -> (ActionReport, auditProblem: String?) {
        let report = ActionReport(
            action: preview.action, members: preview.members.map { outcome(of: $0, result: .cancelled, detail: "cancelled at the confirmation") },
            result: .cancelled, startedAt: Date(), duration: .zero)
        return (report, record(report, id: UUID().uuidString, warnings: preview.allWarnings))
    }

    /// Sends the preview's commands, verifies every member by re-reading it, and audits the action (recorded as
    /// under way before the first command, its line written after). When the audit log cannot be written, nothing is
    /// sent: an action that cannot be proved afterwards is not taken.
    public func execute(_ preview: ActionPreview) async -> ActionReport {
        if let edit = preview.fleetFileEdit {
            let planned = MemberOutcome(
                endpoint: "fleet file", address: edit.path, sent: [], before: nil, expected: nil, after: nil, result: .notApplied,
                detail: "planned: \(edit.path):\(edit.lineNumber) → '\(edit.newLine.trimmingLeadingSpaces)'")
            return await audited(preview, planned: [planned]) { [await applyFleetFileEdit(edit)] }
        }
        if let change = preview.configChange {
            let planned = MemberOutcome(
                endpoint: change.balancer, address: change.statsAddress, sent: [], before: nil, expected: nil, after: nil, result: .notApplied,
                detail: "planned: \(change.edit.path):\(change.edit.lineNumber) '\(change.edit.oldLine.trimmingLeadingSpaces)' → "
                    + "'\(change.edit.newLine.trimmingLeadingSpaces)', then \(change.applyCommand)")
            return await audited(preview, planned: [planned]) { [await applyConfigChange(change)] }
        }
        let planned = preview.members.map { outcome(of: $0, result: .notApplied, detail: "planned: \($0.commands.map(\.line).joined(separator: "; "))") }
        return await audited(preview, planned: planned) {
            await withTaskGroup(of: (Int, MemberOutcome).self) { tasks in
                for (index, plan) in preview.members.enumerated() { tasks.addTask { (index, await execute(plan)) } }
                var outcomes: [(Int, MemberOutcome)] = []
                for await outcome in tasks { outcomes.append(outcome) }
                return outcomes.sorted { $0.0 < $1.0 }.map(\.1)
            }
        }
    }

    /// Records the action as under way, runs `body`, writes its line; nothing runs without the first.
    private func audited(_ preview: ActionPreview, planned: [MemberOutcome], body: () async -> [MemberOutcome]) async -> ActionReport {
        let started = ContinuousClock.now, startedAt = Date(), id = UUID().uuidString
        do {
            try audit.begin(AuditRecord(
                id: id, time: startedAt, operator: operatorIdentity, host: host, version: version, action: preview.action,
                endpoints: planned, result: .interrupted, durationMs: nil, warnings: preview.allWarnings))
        } catch {
            let members = planned.map { member in
                var member = member
                member.detail = "\(error); nothing was sent"
                return member
            }
            return ActionReport(action: preview.action, members: members, result: .notApplied, startedAt: startedAt, duration: .zero)
        }
        let members = await body()
        let report = ActionReport(
            action: preview.action, members: members, result: ActionReport.combine(members.map(\.result)), startedAt: startedAt,
            duration: ContinuousClock.now - started)
        var finished = report
        if let problem = record(report, id: id, warnings: preview.allWarnings, finishing: true) {
            finished.members = finished.members.map { member in
                var member = member
                member.detail += " (\(problem))"
                return member
            }
        }
        return finished
    }

    /// Writes the action's line (`finishing`: of one recorded as under way); returns why it could not be written, if so.
    private func record(_ report: ActionReport, id: String, warnings: [String], finishing: Bool = false) -> String? {
        let record = AuditRecord(
            id: id, time: report.startedAt, operator: operatorIdentity, host: host, version: version, action: report.action,
            endpoints: report.members, result: report.result, durationMs: report.duration.secondsDouble * 1000, warnings: warnings)
        do {
            try finishing ? audit.finish(record) : audit.append(record)
            return nil
        } catch {
            return "\(error)"
        }
    }

    private func outcome(of plan: MemberPlan, result: ActionResult, detail: String, sent: [SentCommand] = [], after: ServerActionState? = nil) -> MemberOutcome {
        MemberOutcome(
            endpoint: plan.endpoint, address: plan.address, sent: sent, before: plan.before, expected: plan.expected, after: after,
            result: result, detail: detail)
    }

    private func execute(_ plan: MemberPlan) async -> MemberOutcome {
        if let problem = plan.problem { return outcome(of: plan, result: .notApplied, detail: "\(problem); nothing was sent") }
        if plan.alreadyInEffect {
            return outcome(of: plan, result: .alreadyInEffect, detail: "already \(plan.before?.summary ?? "as asked"); nothing was sent", after: plan.before)
        }
        guard let member = fleet.endpoints.first(where: { $0.name == plan.endpoint }) else {
            return outcome(of: plan, result: .notApplied, detail: "not in the fleet")
        }
        let client = client(for: member)
        defer { _ = client.close() }
        let sentAt = Date()
        var sent: [SentCommand]
        do {
            let replies = try await client.apply(plan.commands, gate: gate).get()
            sent = zip(plan.commands, replies).map { command, reply in
                switch reply {
                case let .success(text): SentCommand(command: command.line, reply: text, failure: nil, sentAt: sentAt)
                case let .failure(.serverError(text)): SentCommand(command: command.line, reply: text, failure: nil, sentAt: sentAt)
                case let .failure(error): SentCommand(command: command.line, reply: nil, failure: "\(error)", sentAt: sentAt)
                }
            }
        } catch let WireError.readOnly(refusal) {
            return outcome(of: plan, result: .refused, detail: refusal.description, after: plan.before)
        } catch {
            sent = plan.commands.map { SentCommand(command: $0.line, reply: nil, failure: "\(error)", sentAt: sentAt) }
        }
        // A refused command changes nothing: one read shows what the server is now.
        let after = await verify(plan, client: client, patient: sent.allSatisfy(\.accepted))
        if let refused = sent.first(where: { !$0.accepted }) {
            let words = refused.reply.map { "HAProxy answered '\($0)'" } ?? "no answer: \(refused.failure ?? "?")"
            return outcome(of: plan, result: .notApplied, detail: "\(refused.command): \(words)", sent: sent, after: after)
        }
        guard let after, let expected = plan.expected, after.satisfies(expected) else {
            let reads = after.map { "reads back as \($0.summary)" } ?? "could not be read back"
            return outcome(
                of: plan, result: .notApplied,
                detail: "accepted, but \(reads) after \(DurationText.format(verifyTimeout)), expected \(plan.expected?.summary ?? "?")", sent: sent, after: after)
        }
        return outcome(of: plan, result: .applied, detail: "now \(after.summary)", sent: sent, after: after)
    }

    /// Re-reads the server until it is as expected or the deadline passes; returns the last state read.
    private func verify(_ plan: MemberPlan, client: HAProxyClient, patient: Bool) async -> ServerActionState? {
        let deadline = ContinuousClock.now + (patient ? verifyTimeout : .zero)
        var last: ServerActionState?
        while true {
            if let snapshot = try? await client.poll().get(),
               let server = snapshot.backends.first(where: { $0.name == plan.commandsTarget.backend })?.servers.first(where: { $0.name == plan.commandsTarget.server }) {
                last = ServerActionState(server)
            }
            if let last, let expected = plan.expected, last.satisfies(expected) { return last }
            guard ContinuousClock.now < deadline else { return last }
            try? await Task.sleep(for: verifyEvery)
        }
    }
}

extension MemberPlan {
    /// The backend and server the commands address.
    var commandsTarget: (backend: String, server: String) {
        switch commands.first {
        case let .setState(backend, server, _)?, let .setWeight(backend, server, _)?, let .shutdownSessions(backend, server)?: (backend, server)
        case nil: ("", "")
        }
    }
}
