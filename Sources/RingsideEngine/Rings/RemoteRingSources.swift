import RingsideCore
import RingsideWire
import Synchronization

/// Rings whose definition needs a connection of its own, which the poll engine does not make: a Redis Cluster's
/// `CLUSTER SLOTS` (and each master's `DBSIZE`). Re-read in the background every `interval` for the console.
public final class RemoteRingSources: Sendable {
    private let latest = Mutex<[String: Result<RingDefinition, RingError>]>([:])
    private let reader = Mutex<Task<Void, Never>?>(nil)

    public init() {}

    /// Whether `declaration` is read here rather than from the poll snapshots.
    public static func handles(_ declaration: RingDeclaration) -> Bool {
        if case .redisCluster = declaration.source { true } else { false }
    }

    /// Reads every `interval`, each read within `timeout` per request.
    public func start(_ declarations: [RingDeclaration], every interval: Duration, timeout: Duration) {
        let remote = declarations.filter(Self.handles)
        guard !remote.isEmpty else { return }
        let limits = WireLimits(connectTimeout: timeout, requestTimeout: timeout)
        let task = Task.detached { [self] in
            while !Task.isCancelled {
                for declaration in remote {
                    let result: Result<RingDefinition, RingError>
                    do {
                        result = .success(try await RingCatalog.definition(of: declaration, limits: limits))
                    } catch {
                        result = .failure(error as? RingError ?? RingError("\(declaration.origin): \(error)"))
                    }
                    self.latest.withLock { $0[declaration.name] = result }
                }
                try? await Task.sleep(for: interval)
            }
        }
        reader.withLock { $0 = task }
    }

    public func stop() { reader.withLock { $0?.cancel() } }

    /// The last definition read for the ring, or `nil` before the first read finished.
    public func definition(of ring: String) -> Result<RingDefinition, RingError>? { latest.withLock { $0[ring] } }
}
