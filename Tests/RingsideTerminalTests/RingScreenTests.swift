import RingsideCore
import RingsideEngine
import Testing
@testable import RingsideTerminal

@Suite struct RingScreenTests {
    static func tracked() throws -> [TrackedRing] {
        let members = [
            RingMember(name: "app-1", address: "10.0.0.1:80", weight: 1, id: 1),
            RingMember(name: "app-2", address: "10.0.0.2:80", weight: 2, id: 2),
            RingMember(name: "app-3", address: "10.0.0.3:80", weight: 1, id: 3, inService: false, outOfServiceReason: "DRAIN"),
            RingMember(name: "app-4", address: "10.0.0.4:80", weight: 1, id: 4),
        ]
        let declaration = RingDeclaration(
            name: "edge/be_app", source: .haproxyBackend(address: HostPort(host: "10.0.0.9", port: 9999), backend: "be_app", hashType: .default))
        let ring = try HashRing(RingDefinition(name: "edge/be_app", scheme: .haproxyConsistent(.default), members: members))
        // app-4 owns about a quarter of the ring but takes far more of the requests: a hot spot.
        let loads: [Double?] = [10, 20, 0, 70]
        return [
            TrackedRing(declaration: declaration, ring: ring, problem: nil, loads: loads, loadUnit: "sess/s"),
            TrackedRing(declaration: RingDeclaration(name: "waiting", source: declaration.source), ring: nil, problem: "waiting for the first poll", loads: [], loadUnit: ""),
        ]
    }

    @Test func ringScreenGolden() throws {
        var state = ConsoleState()
        state.screen = .rings
        let frame = ConsoleView.render(
            FleetFixture.snapshot, state: state, context: RenderContext(glyphs: .unicode, clock: "12:00:00", rings: try Self.tracked()), width: 100, height: 24)
        try assertSnapshot(frame, named: "rings-100x24")
        #expect(frame.text.contains("HOT"))
        #expect(frame.text.contains("out: DRAIN"))
    }

    @Test func stagedDrainShowsThePlanBesideTheRing() throws {
        let rings = try Self.tracked()
        var state = ConsoleState()
        state.screen = .rings
        state.selection = 1
        #expect(state.handle(.character("d"), rows: rowNames(4), pageSize: 10) == .stage(.stageDrain))
        RingStaging.apply(.stageDrain, to: &state, rings: rings)
        #expect(state.staged == [.drain(node: "app-2")])
        let plan = Result { () throws(RingError) in try RingPlan(rings[0].ring!, changes: state.staged) }
        let frame = ConsoleView.render(
            FleetFixture.snapshot, state: state, context: RenderContext(glyphs: .unicode, clock: "12:00:00", rings: rings, ringPlan: plan),
            width: 100, height: 24)
        try assertSnapshot(frame, named: "rings-plan-100x24")
        #expect(frame.text.contains("staged: drain app-2 → moves"))
        #expect(frame.text.contains("app-2→"))
        // Pressing d again unstages; + and - stage a weight and come back to no change.
        RingStaging.apply(.stageDrain, to: &state, rings: rings)
        RingStaging.apply(.stageWeightUp, to: &state, rings: rings)
        #expect(state.staged == [.setWeight(node: "app-2", weight: 3)])
        RingStaging.apply(.stageWeightDown, to: &state, rings: rings)
        #expect(state.staged.isEmpty)
    }

    @Test func aRingThatCannotBeBuiltSaysWhy() throws {
        var state = ConsoleState()
        state.screen = .rings
        _ = state.handle(.character("]"), rows: rowNames(4), pageSize: 10)
        let frame = ConsoleView.render(
            FleetFixture.snapshot, state: state, context: RenderContext(glyphs: .unicode, clock: "12:00:00", rings: try Self.tracked()), width: 80, height: 24)
        #expect(frame.text.contains("RINGS 2/2  waiting"))
        #expect(frame.text.contains("waiting for the first poll"))
    }

    @Test func wideScreensDrawADeviationBar() throws {
        var state = ConsoleState()
        state.screen = .rings
        let frame = ConsoleView.render(
            FleetFixture.snapshot, state: state, context: RenderContext(glyphs: .unicode, clock: "12:00:00", rings: try Self.tracked()), width: 140, height: 24)
        let row = try #require(frame.text.split(separator: "\n").first { $0.contains("app-1") })
        #expect(row.contains("░░░░│███░"), "app-1 owns 27.6% more than its weight asks: \(row)")
        #expect(RingScreen.deviationBar(-0.127, glyphs: .plain) == "...#|....")
    }

    @Test func bandCellsShowTheMajorityOwner() {
        // Owner 0 holds [0, 2^31 + 2^29), owner 1 the rest: with four cells, cell 2 is mostly owner 0's.
        let partition = RingPartition.arcs(bits: 32, ends: [(1 << 31) + (1 << 29) - 1, (1 << 32) - 1], owners: [0, 1])
        #expect(RingBand.owners(partition, cells: 4) == [0, 0, 0, 1])
        #expect(RingBand.owners(.slots([0, 1, 1, 2]), cells: 2) == [0, 1])
    }
}
