import Foundation
import RingsideCore
import RingsideEngine

/// The overview: every cache node with its pool sums, then every balancer.
enum OverviewScreen {
    /// - Parameter pools: whether any node has a pool; without pools (ad-hoc targets, named by their address) the
    ///   POOL column gives its room to NODE.
    static func columns(width: Int, pools: Bool = true) -> [Column] {
        let wide = width >= 120
        let poolWidth = pools ? (wide ? 10 : 7) : 0
        return [
            Column(title: "NODE", width: (wide ? 20 : 12) + (pools ? 0 : (wide ? 11 : 8)), sortKey: .name, cutInTheMiddle: true),
            Column(title: "KIND", width: 5),
            Column(title: "POOL", width: poolWidth),
            Column(title: "HEALTH", width: 6, sortKey: .health),
            Column(title: "HIT%", width: 6, rightAligned: true, sortKey: .hitRatio),
            Column(title: "TREND", width: wide ? 16 : 6),
            Column(title: "OPS/S", width: 6, rightAligned: true, sortKey: .ops),
            Column(title: "EV/S", width: 5, rightAligned: true, sortKey: .evictions),
            Column(title: "MEM", width: wide ? 16 : 9, sortKey: .memory),
            Column(title: "LAT", width: 6, rightAligned: true, sortKey: .latency),
            Column(title: "ITEMS", width: 9, rightAligned: true, minimumScreenWidth: 120),
            Column(title: "CONNS", width: 6, rightAligned: true, minimumScreenWidth: 120),
        ].filter { $0.minimumScreenWidth <= width && $0.width > 0 }
    }

    static func draw(_ canvas: inout Canvas, _ snapshot: FleetSnapshot, state: ConsoleState, context: RenderContext, rows: Range<Int>) {
        let glyphs = context.glyphs
        let nodes = context.nodeRows ?? NodeRows.visible(snapshot, state: state)
        let pools = state.filter.isEmpty ? snapshot.poolTotals : []
        let balancerLines = BalancerLines.lines(snapshot, glyphs: glyphs)
        let columns = columns(width: canvas.width, pools: snapshot.endpoints.contains { $0.endpoint.kind.isCacheNode && $0.endpoint.pool != nil })

        // Rows: title + table header, node and pool rows, then the balancers (title + lines).
        let area = rows.count - 2 - (balancerLines.isEmpty ? 0 : 1)
        let nodeLines = nodes.count + pools.count
        let balancerBudget = min(balancerLines.count, max(area / 3, area - nodeLines))
        let nodeBudget = area - balancerBudget

        var y = rows.lowerBound
        var title = "CACHE NODES \(nodes.count)"
        if !state.filter.isEmpty || state.editingFilter { title += "  filter: \(state.filter)" }
        title += "  sorted by \(state.sort.rawValue) \(state.ascending ? glyphs.sortAscending : glyphs.sortDescending)"
        canvas.put(" " + title, x: 0, y: y, slot: .title)
        y += 1
        canvas.drawRow(
            columns.map { column in
                let marker = column.sortKey == state.sort ? String(state.ascending ? glyphs.sortAscending : glyphs.sortDescending) : ""
                return TableCell(text: column.title + marker, slot: .tableHeader)
            }, columns: columns, y: y, glyphs: glyphs)
        canvas.paint(.tableHeader, y: y)
        y += 1

        let selection = min(state.selection, max(0, nodes.count - 1))
        // A list cut short says so on its last row.
        let rowsForNodes = nodeLines > nodeBudget ? max(0, nodeBudget - 1) : nodeBudget
        let offset = max(0, min(selection - rowsForNodes + 1, nodeLines - rowsForNodes))
        for (index, node) in nodes.enumerated().dropFirst(offset).prefix(rowsForNodes) {
            let state = snapshot.endpoints[node]
            if let note = Self.failureNote(state, at: snapshot.takenAt) {
                // A failing node: why, and when the next attempt comes, across the metric columns (its last numbers
                // are in its detail).
                let identity = columns.prefix { $0.sortKey != .hitRatio }
                let cells = nodeCells(state, columns: Array(identity), snapshot: snapshot, glyphs: glyphs)
                canvas.drawRow(cells, columns: Array(identity), y: y, glyphs: glyphs)
                let x = identity.reduce(1) { $0 + $1.width + 1 }
                canvas.put(note.text.fitted(to: max(0, canvas.width - x - 1), ellipsis: glyphs.ellipsis), x: x, y: y, slot: note.slot)
            } else {
                canvas.drawRow(nodeCells(state, columns: columns, snapshot: snapshot, glyphs: glyphs), columns: columns, y: y, glyphs: glyphs)
            }
            if index == selection {
                canvas.put(String(glyphs.cursor), x: 0, y: y, slot: .cursor)
                canvas.paint(.cursor, y: y)
            }
            y += 1
        }
        let shownPools = max(0, rowsForNodes - max(0, nodes.count - offset))
        let below = nodeLines - offset - rowsForNodes
        defer {
            if below > 0 {
                let text = "  \(glyphs.ellipsis) \(below) more below (\(glyphs.ascii ? "PgDn" : "↓ PgDn"))"
                canvas.put(text, x: 0, y: rows.lowerBound + 2 + rowsForNodes, slot: .dim)
            }
        }
        for pool in pools.prefix(shownPools) {
            let cells = [
                TableCell(text: "Σ \(pool.pool)", slot: .title), TableCell(text: "pool"), TableCell(text: pool.nodes == 1 ? "1 node" : "\(pool.nodes) nodes"),
                TableCell(text: "\(pool.totals.contributingNodes)/\(pool.nodes)", slot: pool.totals.contributingNodes == pool.nodes ? .body : .warn),
                TableCell(text: Format.percent(pool.totals.hitRatio), slot: Severity.hitRatio(pool.totals.hitRatio, snapshot.fleet.thresholds)),
                TableCell(text: ""), TableCell(text: Format.rate(pool.totals.opsPerSecond)),
                TableCell(text: Format.rate(pool.totals.evictionsPerSecond), slot: Severity.evictions(pool.totals.evictionsPerSecond, snapshot.fleet.thresholds)),
            ]
            canvas.drawRow(cells, columns: columns, y: y, glyphs: glyphs)
            y += 1
        }

        guard !balancerLines.isEmpty else { return }
        y = rows.upperBound - balancerBudget - 1
        canvas.put(" BALANCERS \(snapshot.endpoints.count { !$0.endpoint.kind.isCacheNode })", x: 0, y: y, slot: .title)
        y += 1
        for (index, line) in balancerLines.prefix(balancerBudget).enumerated() {
            if index == balancerBudget - 1 && balancerLines.count > balancerBudget {
                canvas.put("  \(glyphs.ellipsis) \(balancerLines.count - index) more lines: 3 shows every balancer", x: 0, y: y, slot: .dim)
            } else {
                var x = 0
                for part in line { x += canvas.put(part.text, x: x, y: y, slot: part.slot) }
            }
            y += 1
        }
    }

    /// What a node that has no fresh numbers shows instead: waiting for its first poll, or why its last poll
    /// failed and when the next attempt is due.
    static func failureNote(_ node: EndpointState, at now: Date) -> (text: String, slot: Slot)? {
        if node.health == .unknown { return ("waiting for the first poll", .dim) }
        guard !node.health.hasFreshData else { return nil }
        var text = node.health.detail ?? node.health.word
        if let next = node.nextAttemptAt {
            let seconds = Int(next.timeIntervalSince(now).rounded(.up))
            text += seconds > 0 ? " · retry in \(seconds)s" : " · retrying"
        }
        return (text, .critical)
    }

    static func nodeCells(_ node: EndpointState, columns: [Column], snapshot: FleetSnapshot, glyphs: Glyphs) -> [TableCell] {
        let thresholds = snapshot.fleet.thresholds
        let sample = node.cacheSample, interval = node.interval
        let stale = sample != nil && !node.health.hasFreshData
        func live(_ slot: Slot) -> Slot { stale ? .stale : slot }
        let memoryColumn = columns.first { $0.title == "MEM" }?.width ?? 9
        let memory: TableCell
        if let fraction = sample?.gauges.memoryFraction {
            let (filled, empty) = glyphs.bar(fraction, width: memoryColumn - 5)
            memory = TableCell(text: filled + empty + Format.wholePercent(fraction).rightAligned(5), slot: live(Severity.memory(fraction, thresholds)))
        } else {
            memory = TableCell(text: Format.bytes(sample?.gauges.memoryUsedBytes), slot: live(.dim))
        }
        let trendWidth = columns.first { $0.title == "TREND" }?.width ?? 6
        var cells = [
            TableCell(text: node.endpoint.name, slot: live(.body)),
            TableCell(text: node.endpoint.kind == .memcached ? "mc" : "redis", slot: .dim),
        ]
        if columns.contains(where: { $0.title == "POOL" }) { cells.append(TableCell(text: node.endpoint.pool ?? "-", slot: .dim)) }
        cells += [
            TableCell(text: stale ? "\(node.health.word)*" : node.health.word, slot: Severity.health(node.health)),
            TableCell(text: Format.percent(interval?.hitRatio), slot: Severity.hitRatio(interval?.hitRatio, thresholds)),
            // A restarted node's trend says "cold" until its hit ratio is back: the numbers beside it are a warm-up.
            node.isCold
                ? TableCell(text: "cold", slot: .warn)
                : TableCell(text: glyphs.sparkline(node.history.recent(\.hitRatio, polls: trendWidth), width: trendWidth), slot: .sparkline),
            TableCell(text: Format.rate(interval?.opsPerSecond), slot: interval == nil ? .dim : .body),
            TableCell(text: Format.rate(interval?.evictionsPerSecond), slot: Severity.evictions(interval?.evictionsPerSecond, thresholds)),
            memory,
            TableCell(text: Format.milliseconds(node.latency.map { $0.secondsDouble * 1000 }), slot: Severity.latency(node.latency, thresholds)),
        ]
        if columns.count > cells.count {
            cells += [
                TableCell(text: Format.count(sample?.gauges.items), slot: live(.body)),
                TableCell(text: Format.count(sample?.gauges.connections), slot: live(.body)),
            ]
        }
        return cells
    }
}

/// The balancer section of the overview, as styled lines: each endpoint, each HAProxy backend with counts of its
/// servers by state, each server not serving, each twemproxy pool with its ejected servers.
enum BalancerLines {
    typealias Line = [TableCell]

    static func lines(_ snapshot: FleetSnapshot, glyphs: Glyphs) -> [Line] {
        var lines: [Line] = []
        // By index: `for … where` would copy every endpoint's state before testing it.
        for index in snapshot.endpoints.indices where !snapshot.endpoints[index].endpoint.kind.isCacheNode {
            let balancer = snapshot.endpoints[index]
            var head: Line = [
                TableCell(text: " \(balancer.endpoint.kind.rawValue) \(balancer.endpoint.name) ", slot: .title),
                TableCell(text: "\(balancer.endpoint.address) "),
                TableCell(text: balancer.health.word, slot: Severity.health(balancer.health)),
            ]
            if let error = balancer.health.detail { head.append(TableCell(text: " \(error)", slot: .critical)) }
            if let latency = balancer.latency { head.append(TableCell(text: " \(Format.milliseconds(latency.secondsDouble * 1000))", slot: .dim)) }
            if balancer.data != nil && !balancer.health.hasFreshData { head.append(TableCell(text: " (stale data below)", slot: .stale)) }
            lines.append(head)
            for backend in balancer.haproxy?.backends ?? [] {
                var counts: [String: Int] = [:]
                for server in backend.servers { counts[server.status.state.rawValue, default: 0] += 1 }
                let summary = counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
                lines.append([
                    TableCell(text: "   \(backend.name)", slot: .body), TableCell(text: " \(backend.algorithm ?? "?")", slot: .dim),
                    TableCell(text: "  \(backend.servers.count) servers: \(summary)"),
                    TableCell(text: "  sess \(Format.count(backend.currentSessions)) rate \(Format.count(backend.sessionRate))/s", slot: .dim),
                ])
                for server in backend.servers where !server.status.isServing || server.status.isFailing {
                    lines.append([
                        TableCell(text: "     \(server.name) ", slot: .body),
                        TableCell(text: server.status.text, slot: Severity.haproxyServer(server.status)),
                        TableCell(text: " \(server.checkStatus ?? "") \(server.lastCheck ?? "")", slot: .dim),
                    ])
                }
            }
            for pool in balancer.twemproxy?.pools ?? [] {
                let ejected = balancer.ejectedServers.filter { $0.pool == pool.name }.map(\.server)
                lines.append([
                    TableCell(text: "   \(pool.name)  \(pool.servers.count) servers, "),
                    TableCell(text: ejected.isEmpty ? "none ejected" : "\(ejected.count) EJECTED: \(ejected.joined(separator: ", "))",
                              slot: ejected.isEmpty ? .ok : .critical),
                ])
            }
        }
        return lines
    }
}
