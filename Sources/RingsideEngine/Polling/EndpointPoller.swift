import Foundation
import Logging
import RingsideCore

/// Polls one endpoint and keeps its state. Each endpoint has its own poller, so a hung endpoint only ever
/// waits out its own deadline.
public actor EndpointPoller {
    public let endpoint: Endpoint
    private let source: any EndpointSource
    private let thresholds: Thresholds
    private let logger: Logger
    private var state: EndpointState

    public init(endpoint: Endpoint, source: any EndpointSource, thresholds: Thresholds, state: EndpointState, logger: Logger) {
        self.endpoint = endpoint
        self.source = source
        self.thresholds = thresholds
        self.state = state
        self.logger = logger
    }

    /// Polls once and returns the new state with the events the poll caused.
    public func pollOnce() async -> (state: EndpointState, events: [FleetEvent]) {
        let clock = ContinuousClock()
        let started = clock.now
        let events: [FleetEvent]
        do {
            let data = try await source.poll()
            events = state.record(data, latency: started.duration(to: clock.now), at: Date(), thresholds: thresholds)
        } catch {
            events = state.recordFailure(error, at: Date())
            logger.debug("poll failed", metadata: ["endpoint": "\(endpoint.name)", "error": "\(error)"])
        }
        for event in events {
            logger.info("\(event.message)", metadata: ["endpoint": "\(event.endpoint)", "kind": "\(event.kind.rawValue)"])
        }
        return (state, events)
    }

    public var currentState: EndpointState { state }

    public func close() async { await source.close() }
}
