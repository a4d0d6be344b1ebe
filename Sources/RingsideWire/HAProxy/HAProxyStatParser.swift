import RingsideCore

/// Parsers for `show stat`, `show servers state` and `show info`, by header name so new or reordered columns
/// in later HAProxy versions change nothing.
public enum HAProxyStatParser {
    /// `show stat` CSV → backends with their servers, in the order HAProxy lists them (frontends are skipped).
    public static func backends(fromShowStat text: ArraySlice<UInt8>) throws -> [HAProxyBackend] {
        var lines: [ArraySlice<UInt8>] = []
        ByteLines.forEach(text) { if !$0.isEmpty { lines.append($0) } }
        guard let header = lines.first, ByteLines.hasPrefix(header, "# ") else {
            throw WireError.malformedReply("show stat did not start with a '# pxname,…' header")
        }
        var index: [String: Int] = [:]
        for (position, name) in CSVRow(header.dropFirst(2)).fields.enumerated() where !name.isEmpty && index[name] == nil {
            index[name] = position
        }
        for required in ["pxname", "svname", "status", "type"] where index[required] == nil {
            throw WireError.malformedReply("show stat has no '\(required)' column")
        }
        var backends: [HAProxyBackend] = []
        var serversByBackend: [String: [HAProxyServer]] = [:]
        for line in lines.dropFirst() {
            let row = Row(fields: CSVRow(line), index: index)
            let proxy = row.text("pxname") ?? ""
            switch row.int("type") {
            case 1:
                var backend = HAProxyBackend(name: proxy, status: HAProxyStatus(row.text("status") ?? ""), algorithm: row.text("algo"))
                backend.currentSessions = row.int("scur")
                backend.sessionRate = row.int("rate")
                backends.append(backend)
            case 2:
                var server = HAProxyServer(
                    backend: proxy, name: row.text("svname") ?? "", sid: row.int("sid") ?? 0,
                    status: HAProxyStatus(row.text("status") ?? ""), isBackup: row.int("bck") == 1)
                // "* L4OK": a check is running right now; the value is still the last result.
                server.checkStatus = row.text("check_status").map { $0.hasPrefix("* ") ? String($0.dropFirst(2)) : $0 }
                server.lastCheck = row.text("last_chk")
                server.weight = row.int("weight")
                server.userWeight = row.int("uweight")
                server.currentSessions = row.int("scur")
                server.queued = row.int("qcur")
                server.totalSessions = row.uint64("stot")
                server.sessionRate = row.int("rate")
                server.requestTotal = row.uint64("req_tot")
                server.connectionErrors = row.uint64("econ")
                server.responseErrors = row.uint64("eresp")
                server.secondsSinceLastChange = row.int("lastchg")
                server.downtimeSeconds = row.int("downtime")
                server.address = row.text("addr")
                serversByBackend[proxy, default: []].append(server)
            default:
                continue  // frontends (0) and listeners (3)
            }
        }
        return backends.map { backend in
            var backend = backend
            backend.servers = serversByBackend[backend.name] ?? []
            return backend
        }
    }

    /// `show servers state` → runtime state per (backend, server name).
    public static func runtimeStates(fromServersState text: ArraySlice<UInt8>) throws -> [BackendServer: HAProxyRuntimeState] {
        var lines: [ArraySlice<UInt8>] = []
        ByteLines.forEach(text) { if !$0.isEmpty { lines.append($0) } }
        guard let version = lines.first, version.elementsEqual("1".utf8) else {
            throw WireError.malformedReply("show servers state: unknown format version '\(ByteLines.string(lines.first?.prefix(20) ?? []))'")
        }
        guard lines.count > 1, ByteLines.hasPrefix(lines[1], "# ") else {
            throw WireError.malformedReply("show servers state has no header")
        }
        var index: [String: Int] = [:]
        for (position, name) in lines[1].dropFirst(2).split(separator: 32).enumerated() { index[ByteLines.string(name)] = position }
        var states: [BackendServer: HAProxyRuntimeState] = [:]
        for line in lines.dropFirst(2) {
            let row = Row(fields: line.split(separator: 32, omittingEmptySubsequences: false).map { ByteLines.string($0) }, index: index)
            guard let backend = row.text("be_name"), let server = row.text("srv_name"), let op = row.int("srv_op_state"),
                let admin = row.int("srv_admin_state"), let uweight = row.int("srv_uweight"), let iweight = row.int("srv_iweight")
            else { throw WireError.malformedReply("show servers state row missing fields: '\(ByteLines.string(line.prefix(60)))'") }
            states[BackendServer(backend: backend, server: server)] = HAProxyRuntimeState(
                operationalState: op, adminState: admin, userWeight: uweight, initialWeight: iweight, agentState: row.int("srv_agent_state"))
        }
        return states
    }

    /// `show info` → `Key: value` pairs (some keys contain spaces).
    public static func info(fromShowInfo text: ArraySlice<UInt8>) -> [String: String] {
        var info: [String: String] = [:]
        ByteLines.forEach(text) { line in
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), line.index(after: colon) < line.endIndex,
                line[line.index(after: colon)] == 32
            else { return }
            info[ByteLines.string(line[..<colon])] = ByteLines.string(line[(colon + 2)...])
        }
        return info
    }

    /// Joins runtime states into the servers they describe.
    public static func snapshot(
        info: [String: String], backends: [HAProxyBackend], runtime: [BackendServer: HAProxyRuntimeState]?
    ) -> HAProxySnapshot {
        let joined = backends.map { backend in
            var backend = backend
            backend.servers = backend.servers.map { server in
                var server = server
                if let state = runtime?[BackendServer(backend: server.backend, server: server.name)] {
                    server.runtime = state
                    server.initialWeight = state.initialWeight
                    server.userWeight = server.userWeight ?? state.userWeight
                }
                return server
            }
            return backend
        }
        return HAProxySnapshot(info: info, backends: joined)
    }

    /// A row whose columns are looked up by header name; "" and "-" read as absent.
    private struct Row<Fields: RowFields> {
        let fields: Fields
        let index: [String: Int]

        func text(_ column: String) -> String? {
            guard let position = index[column], let value = fields.field(position), !value.isEmpty, value != "-" else { return nil }
            return value
        }

        func int(_ column: String) -> Int? { text(column).flatMap { Int($0) } }
        func uint64(_ column: String) -> UInt64? { text(column).flatMap { UInt64($0) } }
    }
}

/// Anything a row's fields can be read from by position.
private protocol RowFields {
    func field(_ position: Int) -> String?
}

extension CSVRow: RowFields {
    func field(_ position: Int) -> String? { self[position] }
}

extension Array: RowFields where Element == String {
    func field(_ position: Int) -> String? { indices.contains(position) ? self[position] : nil }
}

/// A server named the way HAProxy names it: `backend/server`.
public struct BackendServer: Sendable, Hashable, CustomStringConvertible {
    public var backend: String
    public var server: String

    public init(backend: String, server: String) {
        self.backend = backend
        self.server = server
    }

    public var description: String { "\(backend)/\(server)" }
}
