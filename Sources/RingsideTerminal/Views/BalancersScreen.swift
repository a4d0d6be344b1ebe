import RingsideCore
import RingsideEngine

/// Every balancer in full: each HAProxy backend with all its servers (status, check and its last result,
/// effective/user/initial weight, sessions, rate, requests, errors, downtime, time since the last state change),
/// each twemproxy pool with all its servers. The cursor moves over HAProxy servers and stays on its server
/// (`balancer/backend/server`) while the list changes: the action keys act on it.
enum BalancersScreen {
    static func columns(width: Int) -> [Column] {
        [
            Column(title: "SERVER", width: 14), Column(title: "SID", width: 4, rightAligned: true), Column(title: "STATUS", width: 10),
            Column(title: "CHECK", width: 6), Column(title: "W/USER/INIT", width: 11, rightAligned: true),
            Column(title: "SESS", width: 5, rightAligned: true), Column(title: "ERR", width: 5, rightAligned: true),
            Column(title: "DOWN", width: 6, rightAligned: true), Column(title: "CHANGED", width: 7, rightAligned: true),
            Column(title: "RATE", width: 5, rightAligned: true, minimumScreenWidth: 120),
            Column(title: "REQUESTS", width: 10, rightAligned: true, minimumScreenWidth: 120),
            Column(title: "LAST CHECK", width: 30, minimumScreenWidth: 150),
        ].filter { $0.minimumScreenWidth <= width }
    }

    /// `id`: the server's identity (`balancer/backend/server`) on a server row, else `nil`.
    typealias Line = (cells: [TableCell], table: Bool, header: Bool, id: String?)

    static func draw(_ canvas: inout Canvas, _ snapshot: FleetSnapshot, state: ConsoleState, glyphs: Glyphs, rows: Range<Int>) {
        let columns = columns(width: canvas.width)
        let lines = lines(snapshot, columns: columns)
        canvas.put( " BALANCERS  (j/k select a server; d m u W + - } { i act on it, ? says how)", x: 0, y: rows.lowerBound, slot: .title)
        guard !lines.isEmpty else {
            canvas.put(" no balancers in this fleet", x: 0, y: rows.lowerBound + 1, slot: .dim)
            return
        }
        let visible = rows.count - 1
        // Scroll so the selected server shows, with its backend's title above it when there is room.
        let selected = state.selectedRow.flatMap { id in lines.firstIndex { $0.id == id } } ?? 0
        let offset = max(0, min(selected - min(3, visible / 2), lines.count - visible))
        for (row, line) in lines.dropFirst(offset).prefix(visible).enumerated() {
            let y = rows.lowerBound + 1 + row
            if line.table {
                canvas.drawRow(line.cells, columns: columns, y: y, glyphs: glyphs)
                if line.header { canvas.paint(.tableHeader, y: y) }
                if line.id != nil && line.id == state.selectedRow { canvas.paint(.cursor, y: y) }
            } else {
                var x = 0
                for cell in line.cells { x += canvas.put(cell.text, x: x, y: y, slot: cell.slot) }
            }
        }
    }

    /// The HAProxy servers, in display order: what the cursor moves over.
    static func serverRows(_ snapshot: FleetSnapshot, width: Int) -> [String] { lines(snapshot, columns: columns(width: width)).compactMap(\.id) }

    static func lines(_ snapshot: FleetSnapshot, columns: [Column]) -> [Line] {
        var lines: [Line] = []
        // Servers whose state or weight differs between the members of their group: SPLIT in the CHECK column.
        let splits = Set(snapshot.fleetAlerts.filter { $0.key.hasPrefix("split ") }.map { "\($0.endpoint.dropFirst("group ".count))/\($0.key.dropFirst("split ".count))" })
        for index in snapshot.endpoints.indices where !snapshot.endpoints[index].endpoint.kind.isCacheNode {
            let balancer = snapshot.endpoints[index]
            var title = " \(balancer.endpoint.kind.rawValue) \(balancer.endpoint.name) \(balancer.endpoint.address) \(balancer.health.word)"
            if let error = balancer.health.detail { title += " \(error)" }
            if balancer.data != nil && !balancer.health.hasFreshData { title += " (stale)" }
            lines.append(([TableCell(text: title, slot: Severity.health(balancer.health))], false, false, nil))
            for backend in balancer.haproxy?.backends ?? [] {
                lines.append(([TableCell(text: "  backend \(backend.name) \(backend.status.text) (\(backend.algorithm ?? "?"))", slot: .title)], false, false, nil))
                lines.append((columns.map { TableCell(text: $0.title, slot: .tableHeader) }, true, true, nil))
                for server in backend.servers {
                    let weights = "\(Format.count(server.weight))/\(Format.count(server.userWeight))/\(Format.count(server.initialWeight))"
                    var cells = [
                        TableCell(text: server.name + (server.isBackup ? " (b)" : "")), TableCell(text: "\(server.sid)", slot: .dim),
                        TableCell(text: server.status.text, slot: Severity.haproxyServer(server.status)),
                        splits.contains("\(balancer.endpoint.group ?? "")/\(backend.name)/\(server.name)")
                            ? TableCell(text: "SPLIT", slot: .warn) : TableCell(text: server.checkStatus ?? "-", slot: .dim),
                        TableCell(text: weights),
                        TableCell(text: Format.count(server.currentSessions)),
                        TableCell(text: Format.count(server.connectionErrors.map { $0 + (server.responseErrors ?? 0) })),
                        TableCell(text: server.downtimeSeconds.map(duration) ?? "-", slot: .dim),
                        TableCell(text: server.secondsSinceLastChange.map(duration) ?? "-", slot: .dim),
                        TableCell(text: Format.count(server.sessionRate)), TableCell(text: Format.count(server.requestTotal)),
                        TableCell(text: server.lastCheck ?? "", slot: .dim),
                    ]
                    cells = Array(cells.prefix(columns.count))
                    lines.append((cells, true, false, "\(balancer.endpoint.name)/\(backend.name)/\(server.name)"))
                }
            }
            for pool in balancer.twemproxy?.pools ?? [] {
                let ejected = Set(balancer.ejectedServers.filter { $0.pool == pool.name }.map(\.server))
                let rule = balancer.ejectionPolicies[pool.name]?.fromConfig == true ? "" : " (ejection judged with twemproxy defaults)"
                lines.append(([TableCell(text: "  pool \(pool.name): \(pool.clientConnections) clients, \(pool.serverEjects) ejections\(rule)", slot: .title)], false, false, nil))
                for server in pool.servers {
                    lines.append(([
                        TableCell(text: "    \(server.name)".leftAligned(30)),
                        TableCell(text: ejected.contains(server.name) ? "EJECTED" : "in ring", slot: ejected.contains(server.name) ? .critical : .ok),
                        TableCell(text: "  requests \(server.requests)  errors \(server.serverErrors + server.timeouts + server.eofs)  conns \(server.connections)", slot: .dim),
                    ], false, false, nil))
                }
            }
        }
        return lines
    }

    /// 95 → "1m35s", 7300 → "2h01m".
    static func duration(_ seconds: Int) -> String {
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m\(String(format: "%02d", seconds % 60))s" }
        return "\(seconds / 3600)h\(String(format: "%02d", (seconds % 3600) / 60))m"
    }
}
