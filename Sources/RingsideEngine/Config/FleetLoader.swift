import Foundation
import RingsideCore

/// Finds and reads the fleet file, or builds a fleet from ad-hoc targets given on the command line.
public enum FleetLoader {
    /// Where ringside looks when no `--config` is given, in order.
    public static func defaultPaths(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let configHome = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(home)/.config"
        return ["ringside.yaml", "\(configHome)/ringside/fleet.yaml"]
    }

    public static func load(path: String) throws -> Fleet {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            throw ConfigError(file: path, message: "the fleet file \(reason)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ConfigError(file: path, message: "the fleet file is not UTF-8 text") }
        var fleet = try FleetFile.parse(text, file: path)
        fleet.sourcePath = path
        return fleet
    }

    /// The first default fleet file that exists, if any.
    public static func findDefault(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        defaultPaths(environment: environment).first { FileManager.default.fileExists(atPath: $0) }
    }

    /// A fleet from `--memcached HOST:PORT`-style flags. Each endpoint is named by its address, so the screen says
    /// which server a row is; the same address given again gets its kind added.
    public static func adHoc(_ targets: [(kind: EndpointKind, address: String)], redisPasswordEnvironment: String?) throws -> Fleet {
        var names: Set<String> = []
        let endpoints = try targets.map { target -> Endpoint in
            let address: HostPort
            switch HostPort.parse(target.address) {
            case let .success(parsed): address = parsed
            case let .failure(problem): throw ConfigError(file: "--\(target.kind.rawValue)", message: "address \(problem)")
            }
            var name = address.description
            if names.contains(name) { name += " (\(target.kind.rawValue))" }
            guard names.insert(name).inserted else {
                throw ConfigError(file: "--\(target.kind.rawValue)", message: "\(address) is given twice")
            }
            var endpoint = Endpoint(name: name, kind: target.kind, address: address)
            if target.kind == .redis, let variable = redisPasswordEnvironment {
                endpoint.credentials = Credentials(password: .environment(variable))
            }
            return endpoint
        }
        return Fleet(name: "ad hoc", endpoints: endpoints)
    }

    /// Ejection rules for each twemproxy endpoint that names a nutcracker config, keyed by endpoint then pool.
    public static func ejectionPolicies(for fleet: Fleet) throws -> [String: [String: TwemproxyEjectionPolicy]] {
        var policies: [String: [String: TwemproxyEjectionPolicy]] = [:]
        for endpoint in fleet.endpoints {
            guard let path = endpoint.nutcrackerConfigPath else { continue }
            let config = try nutcrackerConfig(at: path, of: endpoint.name)
            policies[endpoint.name] = Dictionary(uniqueKeysWithValues: config.pools.map { ($0.name, $0.ejection) })
        }
        return policies
    }

    /// Reads and parses a nutcracker (twemproxy) YAML config; `balancer` names who refers to it, for the message.
    public static func nutcrackerConfig(at path: String, of balancer: String? = nil) throws -> NutcrackerConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            throw ConfigError(file: path, message: "the nutcracker config\(balancer.map { " of '\($0)'" } ?? "") \(reason)")
        }
        return try NutcrackerConfig.parse(String(decoding: data, as: UTF8.self), file: path)
    }
}
