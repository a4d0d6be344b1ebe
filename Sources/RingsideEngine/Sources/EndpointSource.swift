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

/// Something that can be polled: one wire client behind a common face. `poll` calls back on the client's own
/// event loop, so the poller goes on without leaving that loop (and without a future per layer).
public protocol EndpointSource: Sendable {
    func poll(_ completion: @escaping Completion<PollData>)
    func close() -> EventLoopFuture<Void>
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
                return FailingSource(error: error, eventLoop: eventLoop)
            }
        case .haproxy:
            return HAProxySource(client: HAProxyClient(host: host, port: port, limits: limits, on: eventLoop))
        case .twemproxy:
            return TwemproxySource(client: TwemproxyClient(host: host, port: port, limits: limits, on: eventLoop), eventLoop: eventLoop)
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
    func poll(_ completion: @escaping Completion<PollData>) {
        client.poll { completion($0.map(PollData.cache)) }
    }
    func close() -> EventLoopFuture<Void> { client.close() }
}

struct RedisSource: EndpointSource {
    let client: RedisClient
    func poll(_ completion: @escaping Completion<PollData>) {
        client.poll { completion($0.map(PollData.cache)) }
    }
    func close() -> EventLoopFuture<Void> { client.close() }
}

struct HAProxySource: EndpointSource {
    let client: HAProxyClient
    func poll(_ completion: @escaping Completion<PollData>) {
        client.poll { completion($0.map(PollData.haproxy)) }
    }
    func close() -> EventLoopFuture<Void> { client.close() }
}

/// Each poll is its own connection, so there is nothing to close.
struct TwemproxySource: EndpointSource {
    let client: TwemproxyClient
    let eventLoop: any EventLoop
    func poll(_ completion: @escaping Completion<PollData>) {
        client.poll().whenComplete { completion($0.map(PollData.twemproxy)) }
    }
    func close() -> EventLoopFuture<Void> { eventLoop.makeSucceededVoidFuture() }
}

/// An endpoint that cannot be polled as configured (its secret is missing): every poll reports why.
struct FailingSource: EndpointSource {
    let error: any Error
    let eventLoop: any EventLoop
    func poll(_ completion: @escaping Completion<PollData>) {
        eventLoop.execute { completion(.failure(error)) }
    }
    func close() -> EventLoopFuture<Void> { eventLoop.makeSucceededVoidFuture() }
}
