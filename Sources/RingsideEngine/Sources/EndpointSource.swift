import Foundation
import NIOCore
import RingsideCore
import RingsideWire

/// What one successful poll returned, by kind of endpoint.
public enum PollData: Sendable, Equatable {
    case cache(CacheSample)
    case haproxy(HAProxySnapshot)
    case twemproxy(TwemproxySnapshot)
}

/// Something that can be polled: one wire client behind a common face.
public protocol EndpointSource: Sendable {
    func poll() async throws -> PollData
    func close() async
}

/// Builds the wire client for an endpoint, resolving its secret (environment variable or file) at start-up.
public struct EndpointSourceFactory: Sendable {
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The client for `endpoint`, living on `eventLoop`.
    public func source(for endpoint: Endpoint, polling: PollSettings, on eventLoop: any EventLoop) -> any EndpointSource {
        let limits = WireLimits(connectTimeout: polling.timeout, requestTimeout: polling.timeout)
        let host = endpoint.address.host, port = endpoint.address.port
        switch endpoint.kind {
        case .memcached:
            return MemcachedSource(client: MemcachedClient(host: host, port: port, limits: limits, on: eventLoop))
        case .redis:
            do {
                let auth = try endpoint.credentials.map { RedisClient.Auth(username: $0.username, password: try secret($0.password)) }
                return RedisSource(client: RedisClient(host: host, port: port, limits: limits, auth: auth, aliases: endpoint.commandAliases, on: eventLoop))
            } catch {
                return FailingSource(error: error)
            }
        case .haproxy:
            return HAProxySource(client: HAProxyClient(host: host, port: port, limits: limits, on: eventLoop))
        case .twemproxy:
            return TwemproxySource(client: TwemproxyClient(host: host, port: port, limits: limits, on: eventLoop))
        }
    }

    /// Reads a secret; the error names where it looked, never the secret.
    public func secret(_ source: SecretSource) throws -> String {
        switch source {
        case let .environment(name):
            guard let value = environment[name], !value.isEmpty else {
                throw WireError.authenticationFailed("the environment variable \(name) is not set")
            }
            return value
        case let .file(path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw WireError.authenticationFailed("cannot read the password file \(path)")
            }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
        }
    }
}

struct MemcachedSource: EndpointSource {
    let client: MemcachedClient
    func poll() async throws -> PollData { .cache(try await client.poll()) }
    func close() async { await client.close() }
}

struct RedisSource: EndpointSource {
    let client: RedisClient
    func poll() async throws -> PollData { .cache(try await client.poll()) }
    func close() async { await client.close() }
}

struct HAProxySource: EndpointSource {
    let client: HAProxyClient
    func poll() async throws -> PollData { .haproxy(try await client.poll()) }
    func close() async { await client.close() }
}

struct TwemproxySource: EndpointSource {
    let client: TwemproxyClient
    func poll() async throws -> PollData { .twemproxy(try await client.poll()) }
    func close() async {}
}

/// An endpoint that cannot be polled as configured (its secret is missing): every poll reports why.
struct FailingSource: EndpointSource {
    let error: any Error
    func poll() async throws -> PollData { throw error }
    func close() async {}
}
