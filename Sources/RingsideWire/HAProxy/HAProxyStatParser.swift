import RingsideCore

/// Parsers for `show stat`, `show servers state` and `show info`, by header name so new or reordered columns
/// in later HAProxy versions change nothing.
public enum HAProxyStatParser {
    /// `show stat` CSV → backends with their servers, in the order HAProxy lists them (frontends are skipped).
    public static func backends(fromShowStat text: String) throws -> [HAProxyBackend] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)[...]
        guard let header = lines.popFirst(), header.hasPrefix("# ") else {
            throw WireError.malformedReply("show stat did not start with a '# pxname,…' header")
        }
        let columns = CSV.fields(of: header.dropFirst(2))
        var index: [String: Int] = [:]
        for (position, name) in columns.enumerated() where !name.isEmpty && index[name] == nil { index[name] = position }
        for required in ["pxname", "svname", "status", "type"] where index[required] == nil {
            throw WireError.malformedReply("show stat has no '\(required)' column")
        }
        var backends: [HAProxyBackend] = []
        var serversByBackend: [String: [HAProxyServer]] = [:]
        for line in lines {
            let row = Row(fields: CSV.fields(of: line), index: index)
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
    public static func runtimeStates(fromServersState text: String) throws -> [BackendServer: HAProxyRuntimeState] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)[...]
        guard let version = lines.popFirst(), version == "1" else {
            throw WireError.malformedReply("show servers state: unknown format version '\(lines.first?.prefix(20) ?? "")'")
        }
        guard let header = lines.popFirst(), header.hasPrefix("# ") else {
            throw WireError.malformedReply("show servers state has no header")
        }
        var index: [String: Int] = [:]
        for (position, name) in header.dropFirst(2).split(separator: " ").enumerated() { index[String(name)] = position }
        var states: [BackendServer: HAProxyRuntimeState] = [:]
        for line in lines {
            let row = Row(fields: line.split(separator: " ").map(String.init), index: index)
            guard let backend = row.text("be_name"), let server = row.text("srv_name"), let op = row.int("srv_op_state"),
                let admin = row.int("srv_admin_state"), let uweight = row.int("srv_uweight"), let iweight = row.int("srv_iweight")
            else { throw WireError.malformedReply("show servers state row missing fields: '\(line.prefix(60))'") }
            states[BackendServer(backend: backend, server: server)] = HAProxyRuntimeState(
                operationalState: op, adminState: admin, userWeight: uweight, initialWeight: iweight)
        }
        return states
    }

    /// `show info` → `Key: value` pairs (some keys contain spaces).
    public static func info(fromShowInfo text: String) -> [String: String] {
        var info: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let separator = line.range(of: ": ") else { continue }
            info[String(line[..<separator.lowerBound])] = String(line[separator.upperBound...])
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

    private struct Row {
        let fields: [String]
        let index: [String: Int]

        func text(_ column: String) -> String? {
            guard let position = index[column], position < fields.count, !fields[position].isEmpty, fields[position] != "-" else {
                return nil
            }
            return fields[position]
        }

        func int(_ column: String) -> Int? { text(column).flatMap { Int($0) } }
        func uint64(_ column: String) -> UInt64? { text(column).flatMap { UInt64($0) } }
    }
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
