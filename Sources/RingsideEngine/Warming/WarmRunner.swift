import Foundation
import RingsideCore
import RingsideWire

/// What to warm: a fleet cache node, and where its keys come from.
public struct WarmRequest: Sendable {
    public enum Keys: Sendable {
        /// The keys `plan` moves onto the target, from the nodes that own them before the change.
        case ring(RingPlan)
        /// Every key of a node (replacing it).
        case clone(from: String)
        /// These keys, read from a node (a hot-key list).
        case list([[UInt8]], from: String)
    }

    public var target: String
    public var keys: Keys

    public init(target: String, keys: Keys) {
        self.target = target
        self.keys = keys
    }

    public var kind: WarmKind {
        switch keys {
        case .ring: .ring
        case .clone: .clone
        case .list: .keys
        }
    }
}

/// A warm planned and read, nothing written: what the confirmation shows.
public struct WarmPreview: Sendable {
    public struct Node: Sendable, Equatable {
        public var name: String
        public var kind: EndpointKind
        public var address: HostPort
        /// Items it holds now (`nil`: it could not be read; the problem is in `problem`).
        public var items: UInt64?
        public var problem: String?

        public init(name: String, kind: EndpointKind, address: HostPort, items: UInt64? = nil, problem: String? = nil) {
            self.name = name
            self.kind = kind
            self.address = address
            self.items = items
            self.problem = problem
        }
    }

    public var request: WarmRequest
    public var target: Node
    public var sources: [Node]
    public var settings: WarmSettings
    public var selection: MovedKeySelection?
    /// Keys the sources are expected to give: all they hold (clone), the moved share (ring), the list's length.
    public var expectedKeys: Int?
    public var readOnlyBecause: String?

    public init(
        request: WarmRequest, target: Node, sources: [Node], settings: WarmSettings, selection: MovedKeySelection? = nil, expectedKeys: Int?,
        readOnlyBecause: String? = nil
    ) {
        self.request = request
        self.target = target
        self.sources = sources
        self.settings = settings
        self.selection = selection
        self.expectedKeys = expectedKeys
        self.readOnlyBecause = readOnlyBecause
    }

    /// `warm cache-b from cache-a (clone)`: how the audit log and the confirmation name it.
    public var summary: String {
        let from = sources.map(\.name).joined(separator: ", ")
        return switch request.keys {
        case let .ring(plan): "warm \(target.name) from \(from) (ring \(plan.before.name))"
        case .clone: "warm \(target.name) from \(from) (clone)"
        case let .list(keys, _): "warm \(target.name) from \(from) (\(keys.count) listed keys)"
        }
    }
}

/// Plans, runs and audits warms of the fleet's cache nodes. The write gate is asked where `RESTORE` and `ms` are
/// sent (the wire layer); the job also refuses up front, so a read-only warm reads nothing.
public struct WarmRunner: Sendable {
    /// The action runner whose fleet, gate, audit log and operator this runner shares: a warm is audited as an
    /// action of the same person, under the same read-only switch.
    public let actions: ActionRunner
    public var limits: WireLimits
    public var secrets = EndpointSourceFactory()

    public init(actions: ActionRunner) {
        self.actions = actions
        // Bulk replies (a batch of values) take longer than a poll; a hung server still ends the job.
        self.limits = WireLimits(
            connectTimeout: actions.fleet.polling.timeout, requestTimeout: max(.seconds(5), actions.fleet.polling.timeout))
    }

    public var fleet: Fleet { actions.fleet }
    public var gate: WriteGate { actions.gate }

    /// The fleet cache node `name`; the error lists the ones there are.
    public func cacheNode(_ name: String) throws(ActionError) -> Endpoint {
        if let node = fleet.cacheNodes.first(where: { $0.name == name }) { return node }
        let names = fleet.cacheNodes.map(\.name)
        throw ActionError("no cache node named '\(name)' in the fleet (there are: \(names.isEmpty ? "none" : names.joined(separator: ", ")))")
    }

    /// The fleet cache node behind a ring member: the one of that name, else the one at its address.
    public func cacheNode(forMember name: String, of ring: HashRing) throws(ActionError) -> Endpoint {
        if let node = fleet.cacheNodes.first(where: { $0.name == name }) { return node }
        let address = ring.definition.members.first { $0.name == name }?.address
        if let address, let node = fleet.cacheNodes.first(where: { $0.address.description == address }) { return node }
        throw ActionError("ring member '\(name)'\(address.map { " (\($0))" } ?? "") is not a cache node of the fleet file: add it, so ringside knows its protocol and password")
    }

    /// What a ring-aware warm of `target` copies by: `changes` on ring `name`; with none, the ring without the
    /// target against the ring as it is (the keys a node that came back cold owns). The ring is read now.
    public func ringPlan(_ name: String, target: String, changes: [RingChange]) async throws(ActionError) -> RingPlan {
        do {
            let rings = try RingCatalog.rings(in: fleet)
            guard let declaration = rings.first(where: { $0.name == name }) else {
                throw ActionError("no ring '\(name)' (rings: \(rings.isEmpty ? "none" : rings.map(\.name).joined(separator: ", ")))")
            }
            let ring = try HashRing(try await RingCatalog.definition(of: declaration, limits: limits))
            if !changes.isEmpty { return try RingPlan(ring, changes: changes) }
            let (without, _) = try ring.definition.applying([RingChange.drain(node: target)], current: ring)
            return try RingPlan(before: HashRing(without), after: ring)
        } catch let error as ActionError {
            throw error
        } catch let error as RingError {
            throw ActionError(error.description)
        } catch {
            throw ActionError("ring '\(name)' cannot be read: \(error)")
        }
    }

    /// Resolves the nodes and reads their item counts. Nothing is written.
    public func preview(_ request: WarmRequest, settings: WarmSettings) async throws(ActionError) -> WarmPreview {
        let target: Endpoint
        var selection: MovedKeySelection?
        var sources: [Endpoint]
        switch request.keys {
        case let .ring(plan):
            do { selection = try MovedKeySelection(plan: plan, target: request.target) } catch { throw ActionError(error.description) }
            target = try cacheNode(forMember: request.target, of: plan.after)
            sources = try selection!.sources.map { name throws(ActionError) in try cacheNode(forMember: name, of: plan.before) }
            if sources.isEmpty { throw ActionError("the change moves no keys onto '\(request.target)': nothing to warm") }
        case let .clone(from), let .list(_, from):
            target = try cacheNode(request.target)
            sources = [try cacheNode(from)]
        }
        for source in sources where source.kind != target.kind {
            throw ActionError("'\(source.name)' is \(source.kind.rawValue) and '\(target.name)' is \(target.kind.rawValue): a warm copies between nodes of one protocol")
        }
        if sources.contains(where: { $0.name == target.name }) { throw ActionError("'\(target.name)' cannot be warmed from itself") }
        async let targetNode = node(target)
        var sourceNodes: [WarmPreview.Node] = []
        for source in sources { sourceNodes.append(await node(source)) }
        let held = sourceNodes.compactMap(\.items).reduce(0, +)
        let expected: Int? = switch request.keys {
        case .ring: sourceNodes.contains { $0.items == nil } ? nil : Int((Double(held) * (selection?.movedShareOfSources ?? 1)).rounded())
        case .clone: sourceNodes.contains { $0.items == nil } ? nil : Int(held)
        case let .list(keys, _): keys.count
        }
        return WarmPreview(
            request: request, target: await targetNode, sources: sourceNodes, settings: settings, selection: selection, expectedKeys: expected,
            readOnlyBecause: gate.readOnlyBecause)
    }

    private func node(_ endpoint: Endpoint) async -> WarmPreview.Node {
        var node = WarmPreview.Node(name: endpoint.name, kind: endpoint.kind, address: endpoint.address)
        do {
            let sample: CacheSample
            if endpoint.kind == .redis {
                let client = RedisClient(host: endpoint.address.host, port: endpoint.address.port, limits: limits, auth: try auth(endpoint))
                defer { _ = client.close() }
                sample = try await client.poll().get()
            } else {
                let client = MemcachedClient(host: endpoint.address.host, port: endpoint.address.port, limits: limits)
                defer { _ = client.close() }
                sample = try await client.poll().get()
            }
            node.items = sample.gauges.items
        } catch {
            node.problem = "\(error)"
        }
        return node
    }

    private func auth(_ endpoint: Endpoint) throws -> RedisClient.Auth? {
        try endpoint.credentials.map { RedisClient.Auth(username: $0.username, password: try secrets.secret($0.password)) }
    }

    private func connect(_ node: WarmPreview.Node) async throws -> any WarmNode {
        let endpoint = try cacheNode(node.name)
        return switch node.kind {
        case .redis: try await RedisWarmNode.connect(host: node.address.host, port: node.address.port, limits: limits, auth: try auth(endpoint))
        default: try await MemcachedWarmNode.connect(host: node.address.host, port: node.address.port, limits: limits)
        }
    }

    /// Runs the warm and writes its audit line (one per warm; a dry run writes none, as it sends nothing).
    public func execute(
        _ preview: WarmPreview, control: WarmControl = WarmControl(), progress: @Sendable (WarmProgress) -> Void = { _ in }
    ) async -> WarmReport {
        let started = Date(), id = UUID().uuidString
        let audited = !preview.settings.dryRun
        let planned = MemberOutcome(
            endpoint: preview.target.name, address: preview.target.address.description,
            sent: [SentCommand(command: writeCommand(preview), reply: nil, failure: nil, sentAt: started)],
            before: nil, expected: nil, after: nil, result: .interrupted, detail: "planned: \(preview.expectedKeys.map { "about \($0) keys" } ?? "keys")")
        if audited {
            do {
                try actions.audit.begin(record(preview, id: id, at: started, outcome: planned, result: .interrupted, duration: nil))
            } catch {
                return failedReport(preview, "not started: the audit log cannot be written (\(error))")
            }
        }
        let report = await run(preview, control: control, progress: progress)
        if audited {
            var outcome = planned
            outcome.result = Self.result(of: report)
            outcome.detail = WarmText.summaryLine(report)
            outcome.sent[0].reply = report.error == nil ? "stored \(report.counts.copied), already present \(report.counts.alreadyPresent)" : nil
            outcome.sent[0].failure = report.error
            try? actions.audit.finish(record(preview, id: id, at: started, outcome: outcome, result: outcome.result, duration: report.durationSeconds))
        }
        return report
    }

    private func run(_ preview: WarmPreview, control: WarmControl, progress: @Sendable (WarmProgress) -> Void) async -> WarmReport {
        if !preview.settings.dryRun, let refusal = gate.readOnlyBecause {
            return failedReport(preview, ReadOnlyRefusal(change: preview.summary, because: refusal).description, outcome: .refused)
        }
        var opened: [any WarmNode] = []
        let report: WarmReport
        do {
            let target = try await connect(preview.target)
            opened.append(target)
            var sources: [WarmSource] = []
            for node in preview.sources {
                let connection = try await connect(node)
                opened.append(connection)
                sources.append(WarmSource(name: node.name, node: connection, keys: keys(for: node.name, preview)))
            }
            let job = WarmJob(
                kind: preview.request.kind, ring: preview.selection?.plan.before.name, targetName: preview.target.name, target: target,
                sources: sources, settings: preview.settings, gate: gate, expectedKeys: preview.expectedKeys)
            report = await job.run(control: control, progress: progress)
        } catch {
            report = failedReport(preview, "\(error)")
        }
        for node in opened { await node.close() }
        return report
    }

    private func keys(for source: String, _ preview: WarmPreview) -> WarmKeys {
        switch preview.request.keys {
        case .ring:
            let selection = preview.selection!
            return .listed(filter: { selection.selects($0, foundOn: source) })
        case .clone: return .listed(filter: nil)
        case let .list(keys, _): return .given(keys)
        }
    }

    private func failedReport(_ preview: WarmPreview, _ error: String, outcome: WarmOutcome = .failed) -> WarmReport {
        WarmReport(
            kind: preview.request.kind, target: preview.target.name, sources: preview.sources.map(\.name), ring: preview.selection?.plan.before.name,
            dryRun: preview.settings.dryRun, outcome: outcome, error: error, counts: WarmCounts(), durationSeconds: 0, problems: [], verification: nil)
    }

    private func writeCommand(_ preview: WarmPreview) -> String {
        let verb = preview.target.kind == .redis ? "RESTORE (no REPLACE)" : "ms … ME (add)"
        return "\(verb) from \(preview.sources.map(\.name).joined(separator: ", "))"
    }

    private func record(_ preview: WarmPreview, id: String, at time: Date, outcome: MemberOutcome, result: ActionResult, duration: Double?) -> AuditRecord {
        var record = AuditRecord(
            id: id, time: time, operator: actions.operatorIdentity, host: actions.host, version: actions.version, action: preview.summary, target: preview.target.name,
            endpoints: [outcome], result: result, durationMs: duration.map { $0 * 1000 }, warnings: [])
        record.readsFrom = preview.sources.map(\.name)
        return record
    }

    /// The audit log's word for a warm: applied when it completed with nothing failed.
    static func result(of report: WarmReport) -> ActionResult {
        switch report.outcome {
        case .refused: .refused
        case .complete: report.counts.failed == 0 ? .applied : .partial
        case .cancelled, .failed: report.counts.copied > 0 ? .partial : .notApplied
        }
    }
}

extension MovedKeySelection {
    /// The share of the sources' keys that moves to the target: the moved fraction over the sources' share.
    var movedShareOfSources: Double {
        let sourceNames = Set(sources)
        let held = plan.before.ownership.nodes.filter { sourceNames.contains($0.name) }.reduce(0) { $0 + $1.share }
        return held > 0 ? min(1, movedFraction / held) : 1
    }
}
