import RingsideCore

/// The plain-text forms of `ringside ring show` and `ringside ring plan`.
public enum RingText {
    public static func render(_ report: RingReport) -> String {
        let withKeys = report.nodes.contains { $0.keys != nil }
        let withLoad = report.loadUnit != nil
        var table = TextTable(
            ["NODE", "HASHED AS", "WEIGHT", "POINTS", "SHARE", "IDEAL", "DEVIATION"] + (withKeys ? ["KEYS", "KEY SHARE"] : [])
                + (withLoad ? ["LOAD (\(report.loadUnit!))", ""] : []) + [""])
        let totalKeys = report.nodes.compactMap(\.keys).reduce(0, +)
        for node in report.nodes {
            var row = [
                node.name, node.hashedAs, "\(node.weight)", "\(node.points)", Format.percent(node.share), Format.percent(node.ideal),
                node.deviation.map(signedPercent) ?? Format.none,
            ]
            if withKeys {
                row += [node.keys.map(String.init) ?? Format.none, Format.percent(node.keys.flatMap { totalKeys > 0 ? Double($0) / Double(totalKeys) : nil })]
            }
            if withLoad { row += [Format.percent(node.loadShare), node.hotSpot == true ? "HOT" : ""] }
            table.add(row + [node.inService ? "" : "out: \(node.outOfServiceReason ?? "not in service")"])
        }
        var lines = ["ring \(report.ring): \(report.description)"]
        if let source = report.source { lines.append("from \(source)") }
        lines.append(table.rendered())
        lines.append(
            "points \(report.nodes.reduce(0) { $0 + $1.points }) · max/mean \(twoDecimals(report.maxOverMean)) · CV \(Format.percent(report.coefficientOfVariation)) · "
                + (report.exact ? "exact shares of the 2^\(report.hashBits) hash space" : "expected shares (jump hash has no finite arcs)"))
        lines += report.warnings.map { "warning: \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func render(_ report: RingPlanReport) -> String {
        var lines = ["plan for ring \(report.ring): \(report.changes.joined(separator: ", "))"]
        lines.append(
            "moves \(Format.percent(report.movedFraction)) of the key space in \(report.movedRanges) hash ranges"
                + (report.exact ? " (exact)" : " (expected)")
                + (report.untouchedFraction > 0 ? "; \(Format.percent(report.untouchedFraction)) between nodes the change did not touch" : ""))
        var nodes = TextTable(["NODE", "WEIGHT", "POINTS", "SHARE", "", "NEW SHARE", "CHANGE"])
        for node in report.nodes {
            let weight = node.weightBefore == node.weightAfter ? "\(node.weightAfter ?? 0)" : "\(node.weightBefore.map(String.init) ?? "—")→\(node.weightAfter.map(String.init) ?? "—")"
            let points = node.pointsBefore == node.pointsAfter ? "\(node.pointsAfter ?? 0)" : "\(node.pointsBefore.map(String.init) ?? "—")→\(node.pointsAfter.map(String.init) ?? "—")"
            nodes.add([node.name, weight, points, Format.percent(node.shareBefore), "→", Format.percent(node.shareAfter), signedPercent(node.shareAfter - node.shareBefore)])
        }
        lines.append(nodes.rendered())
        if !report.flows.isEmpty {
            var flows = TextTable(["FROM", "", "TO", "SHARE OF KEYS", ""])
            for flow in report.flows.prefix(20) {
                flows.add([flow.from, "→", flow.to, Format.percent(flow.fraction), flow.betweenUntouchedNodes ? "untouched nodes" : ""])
            }
            lines.append(flows.rendered())
            if report.flows.count > 20 { lines.append("… \(report.flows.count - 20) smaller flows (see --json)") }
        }
        lines += report.notes.map { "note: \($0)" }
        lines += report.warnings.map { "warning: \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }

    static func signedPercent(_ fraction: Double) -> String {
        (fraction > 0 ? "+" : "") + Format.percent(fraction)
    }

    static func twoDecimals(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }
}
