import RingsideCore

/// What the demo's applications do, deterministic for a seed: requests for Zipf-distributed keys, mostly reads;
/// a read that misses goes to the slow origin and then fills the cache (cache-aside); writes replace the value.
/// Keys are routed to nodes by the pool's ring (twemproxy's ketama, see `RoutedPool`).
struct TrafficModel: Sendable {
    struct Settings: Sendable {
        var seed: UInt64 = 1
        var keys = 20_000
        var skew = 1.0
        /// Requests per second across the fleet.
        var rate = 2_000.0
        var readFraction = 0.9
        var valueBytes = 600
        /// TTLs are spread between these bounds, in seconds.
        var ttl: ClosedRange<Double> = 60...600
    }

    let settings: Settings
    private var random: SeededRandom
    private let popularity: ZipfKeys
    private var carry = 0.0
    /// Simulated seconds since the start.
    private(set) var now = 0.0
    /// Reads the origin served because the cache missed.
    private(set) var originFetches: UInt64 = 0
    /// A hot key: this share of all requests goes to one key until the simulated time `until`.
    var hotKey: (key: String, share: Double, until: Double)?
    /// A traffic spike: the rate is multiplied until the simulated time `until`.
    var spike: (factor: Double, until: Double)?

    init(settings: Settings) {
        self.settings = settings
        random = SeededRandom(seed: settings.seed)
        popularity = ZipfKeys(keys: settings.keys, skew: settings.skew)
    }

    /// The `count` most popular keys.
    func popularKeys(_ count: Int) -> [String] { (0..<min(count, settings.keys)).map { "key:\($0)" } }

    /// Runs `seconds` of traffic against the pool (the down nodes refuse it, as a dead server would).
    mutating func advance(by seconds: Double, through pool: RoutedPool) {
        let nodes = pool.nodes
        now += seconds
        let factor = spike.map { now < $0.until ? $0.factor : 1 } ?? 1
        carry += settings.rate * factor * seconds
        let requests = Int(carry)
        carry -= Double(requests)
        guard !nodes.isEmpty else { return }
        let value = [UInt8](repeating: 120, count: settings.valueBytes)
        for _ in 0..<requests {
            var key = "key:\(popularity.next(using: &random))"
            if let hotKey, now < hotKey.until, Double.random(in: 0..<1, using: &random) < hotKey.share { key = hotKey.key }
            let node = pool.node(for: key)
            let isRead = Double.random(in: 0..<1, using: &random) < settings.readFraction
            let ttl = Double.random(in: settings.ttl, using: &random)
            // The store needs the generator inside the node's lock; it is handed in and taken back.
            var generator = random
            let missed = node.state.withLock { state -> Bool in
                guard state.alive else { return isRead }  // a dead cache sends every read to the origin
                state.proxiedRequests += 1
                if isRead, state.store.get(key, now: now) != nil { return false }
                state.store.set(key, value: value, ttl: ttl, now: now, random: &generator)
                return isRead
            }
            random = generator
            if missed { originFetches += 1 }
        }
        for node in nodes {
            var generator = random
            node.state.withLock { $0.store.expire(now: now, budget: 20, random: &generator) }
            random = generator
        }
    }
}
