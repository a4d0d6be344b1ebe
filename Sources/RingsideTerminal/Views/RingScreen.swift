import RingsideCore
import RingsideEngine

/// One ring in full: the hash space as a band of owner letters, each node's points, exact share, ideal share,
/// deviation and observed load (hot spots flagged), and the plan preview of staged changes beside the ring.
enum RingScreen {
    static func columns(width: Int, planned: Bool) -> [Column] {
        var columns = [
            Column(title: "", width: 1), Column(title: "NODE", width: 16), Column(title: "HASHED AS", width: 16, minimumScreenWidth: 100),
            Column(title: "W", width: 4, rightAligned: true), Column(title: "POINTS", width: 6, rightAligned: true),
            Column(title: "SHARE", width: 6, rightAligned: true), Column(title: "IDEAL", width: 6, rightAligned: true),
            Column(title: "DEV", width: 7, rightAligned: true), Column(title: "-40%  +40%", width: 9, minimumScreenWidth: 110),
            Column(title: "LOAD", width: 6, rightAligned: true), Column(title: "", width: 4),
        ]
        if planned { columns.append(Column(title: "PLAN", width: 6, rightAligned: true)) }
        columns.append(Column(title: "STATE", width: 12))
        return columns.filter { $0.minimumScreenWidth <= width }
    }

    static func draw(_ canvas: inout Canvas, _ snapshot: FleetSnapshot, state: ConsoleState, context: RenderContext, rows: Range<Int>) {
        var y = rows.lowerBound
        guard !context.rings.isEmpty else {
            canvas.put(" RINGS", x: 0, y: y, slot: .title)
            canvas.put(" no rings: declare rings: in the fleet file, or give a twemproxy balancer its nutcracker_config", x: 0, y: y + 1, slot: .dim)
            return
        }
        let index = wrappedIndex(state.ringIndex, count: context.rings.count)
        let tracked = context.rings[index]
        var title = " RINGS \(index + 1)/\(context.rings.count)  \(tracked.declaration.name)"
        if let ring = tracked.ring { title += "  \(ring.scheme.summary)" }
        canvas.put(title, x: 0, y: y, slot: .title)
        y += 1
        guard let ring = tracked.ring else {
            canvas.put(" \(tracked.problem ?? "not available")", x: 0, y: y, slot: .warn)
            return
        }
        let plan = state.staged.isEmpty ? nil : context.ringPlan
        let names = (try? plan?.get())?.nodeNames ?? ring.nodes.map(\.name)
        let letterIndex = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        drawBand(&canvas, label: " now  ", ring: ring, letterIndex: letterIndex, y: y)
        y += 1
        switch plan {
        case let .success(plan)?:
            drawBand(&canvas, label: " plan ", ring: plan.after, letterIndex: letterIndex, y: y)
            let untouched = plan.untouchedFraction > 0 ? " · \(Format.percent(plan.untouchedFraction)) between untouched nodes" : ""
            canvas.put(
                " staged: \(plan.changes.map(\.description).joined(separator: ", ")) → moves \(Format.percent(plan.movedFraction))"
                    + (plan.exact ? " exactly" : " (expected)") + untouched + "  (A applies · c clears)", x: 0, y: y + 1, slot: .warn)
            y += 2
        case let .failure(error)?:
            canvas.put(" staged: \(state.staged.map(\.description).joined(separator: ", ")): \(error.description)", x: 0, y: y, slot: .critical)
            y += 1
        case nil:
            canvas.put(" ] [ other ring · + - weight · d drain · x remove: stage a change to preview what moves", x: 0, y: y, slot: .dim)
            y += 1
        }
        drawTable(&canvas, tracked: tracked, ring: ring, plan: try? plan?.get(), state: state, context: context, rows: y..<rows.upperBound, hotSpotFactor: snapshot.fleet.thresholds.hotSpotFactor)
    }

    static func wrappedIndex(_ index: Int, count: Int) -> Int { ((index % count) + count) % count }

    private static func drawBand(_ canvas: inout Canvas, label: String, ring: HashRing, letterIndex: [String: Int], y: Int) {
        var x = canvas.put(label, x: 0, y: y, slot: .dim)
        for owner in RingBand.owners(ring.partition, cells: canvas.width - x - 1) {
            guard let owner, let index = letterIndex[ring.nodes[owner].name] else {
                x += canvas.put(" ", x: x, y: y, slot: .barEmpty)
                continue
            }
            x += canvas.put(String(RingBand.letter(index)), x: x, y: y, slot: RingBand.slot(index))
        }
    }

    private static func drawTable(
        _ canvas: inout Canvas, tracked: TrackedRing, ring: HashRing, plan: RingPlan?, state: ConsoleState, context: RenderContext,
        rows: Range<Int>, hotSpotFactor: Double
    ) {
        guard rows.count > 1 else { return }
        let ownership = ring.ownership
        let loads = RingLoad.compare(ownership, loads: tracked.loads, hotSpotFactor: hotSpotFactor)
        let after = plan.map { Dictionary($0.after.ownership.nodes.map { ($0.name, $0.share) }, uniquingKeysWith: { first, _ in first }) }
        let columns = columns(width: canvas.width, planned: plan != nil)
        canvas.drawRow(columns.map { TableCell(text: $0.title, slot: .tableHeader) }, columns: columns, y: rows.lowerBound, glyphs: context.glyphs)
        canvas.paint(.tableHeader, y: rows.lowerBound)
        let visible = rows.count - 2
        let selection = min(state.selection, max(0, ring.nodes.count - 1))
        let offset = max(0, min(selection - visible / 2, ring.nodes.count - visible))
        for (row, index) in ring.nodes.indices.dropFirst(offset).prefix(visible).enumerated() {
            let node = ring.nodes[index], share = ownership.nodes[index]
            let deviation = share.deviation
            let deviationSlot: Slot = deviation.map { abs($0) > 0.25 ? .critical : abs($0) > 0.10 ? .warn : .body } ?? .dim
            let reason = ring.definition.members[index].outOfServiceReason
            var cells = [
                TableCell(text: String(RingBand.letter(index)), slot: RingBand.slot(index)), TableCell(text: node.name),
                TableCell(text: node.hashedAs, slot: .dim), TableCell(text: "\(node.weight)"), TableCell(text: "\(node.points)"),
                TableCell(text: Format.percent(share.share)), TableCell(text: Format.percent(share.ideal), slot: .dim),
                TableCell(text: deviation.map { ($0 > 0 ? "+" : "") + Format.percent($0) } ?? Format.none, slot: deviationSlot),
                TableCell(text: deviation.map { deviationBar($0, glyphs: context.glyphs) } ?? "", slot: deviationSlot == .body ? .bar : deviationSlot),
                TableCell(text: Format.percent(loads[index].loadShare)),
                TableCell(text: loads[index].isHotSpot ? "HOT" : "", slot: .critical),
            ]
            if let after { cells.append(TableCell(text: after[node.name].map(Format.percent) ?? "gone", slot: .warn)) }
            cells.append(TableCell(text: node.inService ? "in ring" : "out: \(reason ?? "not in service")", slot: node.inService ? .ok : .warn))
            if canvas.width < 110 { cells.remove(at: 8) }
            if canvas.width < 100 { cells.remove(at: 2) }
            let y = rows.lowerBound + 1 + row
            canvas.drawRow(cells, columns: columns, y: y, glyphs: context.glyphs)
            if index == selection { canvas.paint(.cursor, x: 2, y: y, width: canvas.width - 2) }
        }
        let footerY = rows.upperBound - 1
        if let plan, !plan.flows.isEmpty {
            let flows = plan.flows.prefix(4).map { "\($0.from)→\($0.to) \(Format.percent($0.fraction))" }.joined(separator: "  ")
            canvas.put(" flows: \(flows)", x: 0, y: footerY, slot: .dim)
        } else {
            let warnings = RingWarnings.of(ring, ownership)
            let summary = " points \(ring.nodes.reduce(0) { $0 + $1.points }) · max/mean \(String(format: "%.2f", ownership.maxOverMean)) · CV \(Format.percent(ownership.coefficientOfVariation)) · load in \(tracked.loadUnit), HOT above ×\(hotSpotFactorText(hotSpotFactor)) its ring share"
            canvas.put(warnings.first.map { " warning: \($0)" } ?? summary, x: 0, y: footerY, slot: warnings.isEmpty ? .dim : .warn)
        }
    }

    /// Nine cells centred on zero, one per 10 points of deviation: under-owning fills leftwards, over-owning rightwards.
    static func deviationBar(_ deviation: Double, glyphs: Glyphs) -> String {
        let steps = min(4, Int((abs(deviation) * 10).rounded()))
        let cells = (0..<9).map { cell -> Character in
            if cell == 4 { return glyphs.vertical }
            let filled = deviation < 0 ? (cell < 4 && cell >= 4 - steps) : (cell > 4 && cell <= 4 + steps)
            return filled ? glyphs.barFull : glyphs.barEmpty
        }
        return String(cells)
    }

    private static func hotSpotFactorText(_ factor: Double) -> String {
        factor == factor.rounded() ? "\(Int(factor))" : String(format: "%.1f", factor)
    }
}

/// Applies a staging key to the console state, given the ring on screen.
public enum RingStaging {
    public static func apply(_ action: ConsoleAction, to state: inout ConsoleState, rings: [TrackedRing]) {
        guard !rings.isEmpty, let ring = rings[RingScreen.wrappedIndex(state.ringIndex, count: rings.count)].ring, !ring.nodes.isEmpty else { return }
        let node = ring.nodes[min(state.selection, ring.nodes.count - 1)]
        func toggle(_ change: RingChange) {
            if let existing = state.staged.firstIndex(of: change) { state.staged.remove(at: existing) } else { state.staged.append(change) }
        }
        switch action {
        case .stageDrain: toggle(.drain(node: node.name))
        case .stageRemove: toggle(.remove(node: node.name))
        case .stageWeightUp, .stageWeightDown:
            let step = action == .stageWeightUp ? 1 : -1
            if let existing = state.staged.firstIndex(where: { if case .setWeight(node.name, _) = $0 { true } else { false } }),
               case let .setWeight(_, weight) = state.staged[existing] {
                let next = max(0, weight + step)
                if next == node.weight { state.staged.remove(at: existing) } else { state.staged[existing] = .setWeight(node: node.name, weight: next) }
            } else if node.weight + step >= 0 {
                state.staged.append(.setWeight(node: node.name, weight: node.weight + step))
            }
        case .clearStaged: state.staged = []
        default: break
        }
    }
}
