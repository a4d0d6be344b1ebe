import Foundation

/// `ringside status` as text: one table of cache nodes, one of pools, then each balancer with its backends.
public enum StatusText {
    public static func render(_ report: StatusReport) -> String {
        var out: [String] = []
        let fleetHit = Format.percent(report.fleetHitRatio)
        out.append(
            "fleet \(report.fleet) — \(report.healthy ? "healthy" : "\(report.problems.count) problem(s)") — "
                + "hit ratio \(fleetHit) over \(Format.rate(report.intervalSeconds))s")
        if !report.nodes.isEmpty {
            var table = TextTable(["NODE", "KIND", "ADDRESS", "POOL", "HEALTH", "LATENCY", "HIT%", "OPS/S", "EVICT/S", "MEMORY", "MEM%", "ITEMS", "CONNS"])
            for node in report.nodes {
                table.add([
                    node.name, node.kind, node.address, node.pool ?? "-", node.stale ? "\(node.health) (stale)" : node.health,
                    Format.milliseconds(node.latencyMs), Format.percent(node.hitRatio), Format.rate(node.opsPerSecond),
                    Format.rate(node.evictionsPerSecond),
                    "\(Format.bytes(node.memoryUsedBytes))/\(Format.memoryLimit(node.memoryLimitBytes, unlimited: node.memoryUnlimited))",
                    Format.percent(node.memoryFraction), Format.count(node.items), Format.count(node.connections),
                ])
            }
            out += ["", table.rendered()]
            for node in report.nodes {
                for read in node.warmingReads {
                    out.append("note: \(node.name)'s HIT% counts the reads of '\(read.job)' (\(read.until == nil ? "running" : "ended during the polls"))")
                }
            }
        }
        if !report.pools.isEmpty {
            var table = TextTable(["POOL", "NODES", "WITH DATA", "HIT%", "OPS/S", "EVICT/S"])
            for pool in report.pools {
                table.add([
                    pool.name, "\(pool.nodes)", "\(pool.nodesWithData)", Format.percent(pool.hitRatio), Format.rate(pool.opsPerSecond),
                    Format.rate(pool.evictionsPerSecond),
                ])
            }
            out += ["", table.rendered()]
        }
        for balancer in report.balancers {
            out += ["", balancerLine(balancer)]
            for backend in balancer.backends ?? [] {
                out.append("  backend \(backend.name) \(backend.status)\(backend.algorithm.map { " (\($0))" } ?? "")")
                var table = TextTable(["SERVER", "SID", "STATUS", "CHECK", "WEIGHT", "USER", "INITIAL", "SESS", "RATE", "REQUESTS", "ERRORS", "LAST CHECK"])
                for server in backend.servers {
                    table.add([
                        server.name + (server.backup ? " (backup)" : ""), "\(server.sid)", server.status, server.checkStatus ?? "-",
                        Format.count(server.weight), Format.count(server.userWeight), Format.count(server.initialWeight),
                        Format.count(server.sessions), Format.count(server.sessionRate), Format.count(server.requestTotal),
                        Format.count(server.errors), server.lastCheck ?? "",
                    ])
                }
                out.append(table.rendered(indent: "    "))
            }
            for pool in balancer.pools ?? [] {
                let rule = pool.ejectionFromConfig ? "" : " (ejection judged with twemproxy defaults: no nutcracker config given)"
                out.append("  pool \(pool.name): \(pool.clientConnections) client connections, \(pool.serverEjects) ejections\(rule)")
                var table = TextTable(["SERVER", "STATE", "REQUESTS", "ERRORS", "CONNS"])
                for server in pool.servers {
                    table.add([server.name, server.ejected ? "EJECTED" : "in ring", "\(server.requests)", "\(server.errors)", "\(server.connections)"])
                }
                out.append(table.rendered(indent: "    "))
            }
        }
        if !report.problems.isEmpty {
            out += ["", "problems:"] + report.problems.map { "  - \($0)" }
        }
        return out.joined(separator: "\n") + "\n"
    }

    private static func balancerLine(_ balancer: StatusReport.Balancer) -> String {
        var parts = ["\(balancer.kind) \(balancer.name) \(balancer.address)", balancer.stale ? "\(balancer.health) (stale)" : balancer.health]
        if let error = balancer.error { parts.append(error) }
        if let latency = balancer.latencyMs { parts.append(Format.milliseconds(latency)) }
        if let version = balancer.version { parts.append("version \(version)") }
        return parts.joined(separator: "  ")
    }
}
