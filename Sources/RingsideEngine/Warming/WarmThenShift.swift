import RingsideCore

/// `ringside rebalance RING CHANGE --warm`, in four steps: the exact plan; a warm of every node that gains keys,
/// from the nodes that lose them; the ring change through the action runner (its preview, gate and audit); and
/// the re-read that verifies it. Each step is its own call, so the caller confirms each one, and stopping between
/// them leaves the ring as it was (copies already made stay on their new owners, where they do no harm: no client
/// asks a node for keys it does not own yet).
public struct WarmThenShift: Sendable {
    public let warming: WarmRunner

    public init(warming: WarmRunner) {
        self.warming = warming
    }

    /// Step 1: the ring change, planned and previewed as an action; with `warm`, one warm preview per gaining node.
    public struct Plan: Sendable {
        public var ring: RingActionPlan
        /// In the order of the ring's nodes; empty without warming, or when the change moves no keys.
        public var warms: [WarmPreview]
    }

    public func plan(ring: String, change: RingChange, warm settings: WarmSettings?) async throws(ActionError) -> Plan {
        let planned = try await warming.actions.planRingChange(ring: ring, change: change)
        guard let settings else { return Plan(ring: planned, warms: []) }
        let gaining = planned.exact.after.nodes.map(\.name).filter { name in planned.exact.flows.contains { $0.to == name } }
        var warms: [WarmPreview] = []
        for node in gaining {
            warms.append(try await warming.preview(WarmRequest(target: node, keys: .ring(planned.exact)), settings: settings))
        }
        return Plan(ring: planned, warms: warms)
    }

    /// Step 2: the warms one after another (a cancel stops the one running and skips the rest), each audited.
    public func warm(
        _ plan: Plan, control: WarmControl = WarmControl(), progress: @Sendable (WarmProgress) -> Void = { _ in }
    ) async -> [WarmReport] {
        var reports: [WarmReport] = []
        for preview in plan.warms {
            let report = await warming.execute(preview, control: control, progress: progress)
            reports.append(report)
            if report.outcome != .complete { break }
        }
        return reports
    }

    /// Why the shift must wait, if it must: a warm that did not complete, or less coverage than asked for.
    public static func holdBack(_ reports: [WarmReport], planned: Int, minimumCoverage: Double?) -> String? {
        if let unfinished = reports.first(where: { $0.outcome != .complete }) {
            return "the warm of \(unfinished.target) ended \(unfinished.outcome.rawValue)\(unfinished.error.map { ": \($0)" } ?? "")"
        }
        if reports.count < planned { return "\(planned - reports.count) of \(planned) warms did not run" }
        let coverage = WarmCoverage(reports)
        if let minimumCoverage, coverage.fraction < minimumCoverage {
            // Never "95.0% below 95.0%": the coverage gets the digits that tell it from the minimum.
            return "the new owners hold \(Format.percent(coverage.fraction, against: minimumCoverage)) of the \(coverage.moving) moving keys, "
                + "below --min-coverage \(Format.percent(minimumCoverage))"
        }
        return nil
    }

    /// Steps 3 and 4: the ring change as any action (the gate refuses it where it is sent, read-only), verified
    /// by re-reading the balancers.
    public func shift(_ plan: Plan) async -> ActionReport {
        await warming.actions.execute(plan.ring.preview)
    }
}
