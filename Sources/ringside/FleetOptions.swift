import ArgumentParser
import RingsideCore
import RingsideEngine

/// How a command is told which fleet to watch: a fleet file, or ad-hoc targets for a quick look.
struct FleetOptions: ParsableArguments {
    @Option(name: .long, help: "Fleet file (default: ./ringside.yaml, then ~/.config/ringside/fleet.yaml).")
    var config: String?

    @Option(name: .long, help: ArgumentHelp("A memcached node to poll (repeatable).", valueName: "host:port"))
    var memcached: [String] = []

    @Option(name: .long, help: ArgumentHelp("A Redis/Valkey node to poll (repeatable).", valueName: "host:port"))
    var redis: [String] = []

    @Option(name: .long, help: ArgumentHelp("An HAProxy Runtime API on TCP (repeatable).", valueName: "host:port"))
    var haproxy: [String] = []

    @Option(name: .long, help: ArgumentHelp("A twemproxy stats port (repeatable).", valueName: "host:port"))
    var twemproxy: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Environment variable holding the password for the --redis nodes (never the password itself).", valueName: "VAR"))
    var redisPasswordEnv: String?

    var adHocTargets: [(kind: EndpointKind, address: String)] {
        memcached.map { (.memcached, $0) } + redis.map { (.redis, $0) } + haproxy.map { (.haproxy, $0) } + twemproxy.map { (.twemproxy, $0) }
    }

    /// The fleet to watch, or `nil` when none was given and no default fleet file exists.
    func fleet() throws -> Fleet? {
        let targets = adHocTargets
        if let config {
            guard targets.isEmpty else {
                throw ValidationError("give either --config or ad-hoc targets (--memcached, --redis, …), not both")
            }
            return try FleetLoader.load(path: config)
        }
        if !targets.isEmpty { return try FleetLoader.adHoc(targets, redisPasswordEnvironment: redisPasswordEnv) }
        return try FleetLoader.findDefault().map(FleetLoader.load(path:))
    }
}

/// Said whenever a command needs a fleet and none was given.
let howToGiveAFleet = """
    ringside needs a fleet to watch. Try the built-in demo fleet first:
      ringside demo
    or give it a real one:
      ringside status --config fleet.yaml            a fleet file (see README.md for an example)
      ringside status --memcached 127.0.0.1:11211    ad-hoc targets: --memcached, --redis, --haproxy, --twemproxy
    or put a fleet file at ./ringside.yaml or ~/.config/ringside/fleet.yaml.
    """
