import ArgumentParser
import Foundation
import RingsideCore
import RingsideEngine
import RingsideWire

/// `ringside ring …`: which node owns a key, how much of the hash space each node owns, and what a change
/// would move, computed exactly from ring models that match the real balancers.
struct RingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ring",
        abstract: "Hash-ring ownership, key owners and exact what-if plans.",
        discussion: """
            RING is a ring of the fleet file (`ringside ring list`), or ad hoc: --nutcracker-config FILE --pool NAME, \
            --haproxy HOST:PORT --backend NAME [--hash-type "consistent sdbm avalanche"], or --redis-cluster HOST:PORT.
            """,
        subcommands: [List.self, Show.self, Owner.self, Plan.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the fleet's rings.")
        @Option(help: "Fleet file (default: ./ringside.yaml, then ~/.config/ringside/fleet.yaml).") var config: String?

        func run() async throws {
            let fleet = try RingSelection.loadFleet(config)
            let rings = try RingCatalog.rings(in: fleet)
            guard !rings.isEmpty else {
                print("fleet '\(fleet.name)' declares no rings: add a rings: section, or a twemproxy balancer with nutcracker_config")
                return
            }
            var table = TextTable(["RING", "SOURCE"])
            for ring in rings { table.add([ring.name, ring.origin]) }
            print(table.rendered())
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Points, exact share, ideal share and deviation per node.")
        @Argument(help: "The ring (omit with --nutcracker-config or --haproxy).") var ring: String?
        @OptionGroup var selection: RingSelection
        @Flag(help: "Print JSON (schema ringside.ring/1).") var json = false
        @Flag(help: "Poll the fleet twice, an interval apart, and show each node's share of the load beside its share of the ring (rings of the fleet file).")
        var load = false

        func run() async throws {
            let report: RingReport
            if load {
                guard let name = ring, !selection.isAdHoc else { throw ValidationError("--load needs a RING of the fleet file") }
                report = try await observedReport(name)
            } else {
                let (ring, declaration) = try await selection.build(ring)
                report = RingReport(ring, source: declaration.origin)
            }
            try write(json ? report.reportJSON() + Data("\n".utf8) : Data(RingText.render(report).utf8))
        }

        /// Two polls of the whole fleet, as `status` does, then the ring as the console's ring screen sees it.
        private func observedReport(_ name: String) async throws -> RingReport {
            let fleet = try RingSelection.loadFleet(selection.config)
            let engine = PollEngine(fleet: fleet, ejectionPolicies: try FleetLoader.ejectionPolicies(for: fleet), historyCapacity: 2)
            await engine.pollAllOnce()
            try await Task.sleep(for: fleet.polling.interval)
            await engine.pollAllOnce()
            var tracker = RingTracker(fleet: fleet)
            let rings = tracker.update(engine.snapshot())
            await engine.stop()
            guard let tracked = rings.first(where: { $0.declaration.name == name }) else {
                throw ValidationError("no ring '\(name)' (rings: \(rings.map(\.declaration.name).joined(separator: ", ")))")
            }
            guard let ring = tracked.ring else { throw RingUnavailable(message: "ring '\(name)': \(tracked.problem ?? "not available")") }
            let loads = RingLoad.compare(ring.ownership, loads: tracked.loads, hotSpotFactor: fleet.thresholds.hotSpotFactor)
            return RingReport(ring, source: tracked.declaration.origin, observed: (loads, tracked.loadUnit))
        }
    }

    struct Owner: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Which node owns each key: one KEY<TAB>NODE line per key.",
            discussion: "Keys are arguments, or lines on standard input with '-'. Ad hoc (--nutcracker-config, --haproxy), every argument is a key.")
        @Argument(help: "RING then KEY…, or only KEY… ad hoc; '-' reads keys from standard input.") var words: [String] = []
        @OptionGroup var selection: RingSelection
        @Flag(help: "Print JSON (schema ringside.ring-owner/1).") var json = false

        func run() async throws {
            var words = words
            let ringName = selection.isAdHoc ? nil : (words.isEmpty ? nil : words.removeFirst())
            var keys: [String] = []
            for word in words {
                if word == "-" {
                    while let line = readLine(strippingNewline: true) { if !line.isEmpty { keys.append(line) } }
                } else {
                    keys.append(word)
                }
            }
            guard !keys.isEmpty else { throw ValidationError("give at least one KEY (or '-' to read keys from standard input)") }
            let (ring, _) = try await selection.build(ringName)
            let report = RingOwnerReport(ring, keys: keys)
            if json {
                try write(report.reportJSON() + Data("\n".utf8))
            } else {
                try write(Data(report.keys.map { "\($0.key)\t\($0.node ?? "-")\n" }.joined().utf8))
            }
        }
    }

    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What a change would move: new shares, moved fraction and from→to flows (staging only, nothing is sent).",
            discussion: "Changes apply in this order whatever the command line order: --add, --remove, --weight, --vnodes, --drain.")
        @Argument(help: "The ring (omit with --nutcracker-config or --haproxy).") var ring: String?
        @OptionGroup var selection: RingSelection
        @OptionGroup var staged: RingChangeOptions
        @Flag(help: "Print JSON (schema ringside.ring-plan/1).") var json = false

        func run() async throws {
            let changes = try staged.changes()
            guard !changes.isEmpty else { throw ValidationError("give at least one change: --weight, --vnodes, --add, --remove or --drain") }
            let (ring, _) = try await selection.build(ring)
            let report = RingPlanReport(try RingPlan(ring, changes: changes))
            try write(json ? report.reportJSON() + Data("\n".utf8) : Data(RingText.render(report).utf8))
        }
    }
}

/// A staged ring change on the command line (`ring plan`, `warm --ring`).
struct RingChangeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Set a node's weight.", valueName: "NODE=W")) var weight: [String] = []
    @Option(help: ArgumentHelp("Add or remove virtual nodes (points), rounded to whole weight steps.", valueName: "NODE=+N|-N")) var vnodes: [String] = []
    @Option(help: ArgumentHelp("Add a node.", valueName: "NAME=HOST:PORT[:W]")) var add: [String] = []
    @Option(help: ArgumentHelp("Remove a node.", valueName: "NODE")) var remove: [String] = []
    @Option(help: ArgumentHelp("Take a node out of hashing (HAProxy drain, nginx down, twemproxy ejection).", valueName: "NODE")) var drain: [String] = []

    /// In the order they apply, whatever the command line order: add, remove, weight, vnodes, drain.
    func changes() throws -> [RingChange] {
        var changes = try add.map { try RingChange.parseAdd($0).mapError { ValidationError($0.description) }.get() }
        changes += remove.map { .remove(node: $0) }
        changes += try weight.map { text in
            let (node, value) = try Self.assignment(text, option: "--weight")
            guard let weight = Int(value), weight >= 0 else { throw ValidationError("--weight \(text): the weight must be a whole number ≥ 0") }
            return .setWeight(node: node, weight: weight)
        }
        changes += try vnodes.map { text in
            let (node, value) = try Self.assignment(text, option: "--vnodes")
            guard let delta = Int(value), delta != 0, value.hasPrefix("+") || value.hasPrefix("-") else {
                throw ValidationError("--vnodes \(text): give a signed count such as +40 or -16")
            }
            return .virtualNodes(node: node, delta: delta)
        }
        return changes + drain.map { .drain(node: $0) }
    }

    static func assignment(_ text: String, option: String) throws -> (String, String) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else { throw ValidationError("\(option) takes NODE=VALUE (got '\(text)')") }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }
}

/// Which ring a `ring` subcommand works on.
struct RingSelection: ParsableArguments {
    @Option(help: "Fleet file (default: ./ringside.yaml, then ~/.config/ringside/fleet.yaml).") var config: String?
    @Option(help: ArgumentHelp("A nutcracker (twemproxy) YAML config, with --pool.", valueName: "FILE")) var nutcrackerConfig: String?
    @Option(help: "The pool of --nutcracker-config.") var pool: String?
    @Option(help: ArgumentHelp("An HAProxy Runtime API on TCP, with --backend.", valueName: "host:port")) var haproxy: String?
    @Option(help: "The backend of --haproxy.") var backend: String?
    @Option(help: ArgumentHelp("The backend's hash-type line (the Runtime API does not report it).", valueName: "TYPE"))
    var hashType = "consistent"
    @Option(help: ArgumentHelp("A node of a Redis Cluster: its slots and masters are read live.", valueName: "host:port")) var redisCluster: String?
    @Option(help: ArgumentHelp("Environment variable holding the --redis-cluster password (never the password itself).", valueName: "VAR"))
    var redisPasswordEnv: String?

    var isAdHoc: Bool { nutcrackerConfig != nil || haproxy != nil || redisCluster != nil }

    static func loadFleet(_ path: String?) throws -> Fleet {
        if let path { return try FleetLoader.load(path: path) }
        guard let found = FleetLoader.findDefault() else {
            throw ValidationError("no fleet file: give --config FILE, or ad hoc --nutcracker-config FILE --pool NAME or --haproxy HOST:PORT --backend NAME")
        }
        return try FleetLoader.load(path: found)
    }

    func declaration(_ name: String?) throws -> RingDeclaration {
        if let nutcrackerConfig {
            guard haproxy == nil, name == nil else { throw ValidationError("give a RING name, --nutcracker-config or --haproxy, only one") }
            guard let pool else { throw ValidationError("--nutcracker-config needs --pool NAME") }
            return RingDeclaration(name: pool, source: .twemproxyPool(configPath: nutcrackerConfig, pool: pool))
        }
        if let redisCluster {
            guard name == nil, haproxy == nil else { throw ValidationError("give a RING name, --redis-cluster or --haproxy, only one") }
            let address = try HostPort.parse(redisCluster).mapError { ValidationError("--redis-cluster \($0)") }.get()
            return RingDeclaration(
                name: redisCluster, source: .redisCluster(address: address, credentials: redisPasswordEnv.map { Credentials(password: .environment($0)) }))
        }
        if let haproxy {
            guard name == nil else { throw ValidationError("give a RING name or --haproxy, not both") }
            guard let backend else { throw ValidationError("--haproxy needs --backend NAME") }
            let address = try HostPort.parse(haproxy).mapError { ValidationError("--haproxy \($0)") }.get()
            let type = try HAProxyHashType.parse(hashType).mapError { ValidationError("--hash-type: \($0)") }.get()
            return RingDeclaration(name: backend, source: .haproxyBackend(address: address, backend: backend, hashType: type))
        }
        guard let name else { throw ValidationError("give a RING (see `ringside ring list`), or --nutcracker-config / --haproxy") }
        let rings = try RingCatalog.rings(in: Self.loadFleet(config))
        guard let ring = rings.first(where: { $0.name == name }) else {
            throw ValidationError("no ring '\(name)' (rings: \(rings.map(\.name).joined(separator: ", ")))")
        }
        return ring
    }

    func build(_ name: String?) async throws -> (HashRing, RingDeclaration) {
        let declaration = try declaration(name)
        do {
            return (try HashRing(try await RingCatalog.definition(of: declaration, limits: WireLimits(connectTimeout: .seconds(2), requestTimeout: .seconds(5)))), declaration)
        } catch let error as WireError {
            throw RingUnavailable(message: "cannot read ring '\(declaration.name)' (\(declaration.origin)): \(error)")
        }
    }
}

/// The balancer a ring is read from did not answer: exit 1, as `status` does for an unreachable fleet.
struct RingUnavailable: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

private func write(_ data: Data) throws {
    FileHandle.standardOutput.write(data)
}
