import Foundation
import RingsideCore
import Synchronization

/// How a warm runs: batch size, how many batches are in flight, the size limit, the rate limits.
public struct WarmSettings: Sendable, Equatable {
    /// Keys per batch (and the `COUNT` of `SCAN`).
    public var batchSize = 500
    /// Batches in flight at once: the memory of a job is about `depth × batchSize` values, whatever the key count.
    public var depth = 4
    /// Keys larger than this are reported and skipped: a big `RESTORE` blocks the target's event loop.
    public var maxKeyBytes: Int64 = 8 << 20
    /// Reads from the source, keys a second (`nil`: unlimited).
    public var keysPerSecond: Double?
    /// Reads from the source, value bytes a second (`nil`: unlimited).
    public var bytesPerSecond: Double?
    /// Count what would be copied (and what the target already has); write nothing.
    public var dryRun = false
    /// Keys re-read on the target after the copy.
    public var verifySample = 200

    public init() {}
}

/// Where a running warm is: for a progress bar and the jobs screen.
public struct WarmProgress: Sendable, Equatable {
    public var counts: WarmCounts
    public var elapsedSeconds: Double
    /// Keys the sources held when the job began (their item counts); `nil` when unknown.
    public var expectedKeys: Int?

    public init(counts: WarmCounts, elapsedSeconds: Double, expectedKeys: Int?) {
        self.counts = counts
        self.elapsedSeconds = elapsedSeconds
        self.expectedKeys = expectedKeys
    }

    /// The share done, when the total is known.
    public var fraction: Double? {
        guard let expectedKeys, expectedKeys > 0 else { return nil }
        return min(1, Double(counts.scanned) / Double(expectedKeys))
    }
}

/// Stops a running warm: the batches in flight finish, nothing more is read.
public final class WarmControl: Sendable {
    private let cancelled = Atomic(false)

    public init() {}

    public func cancel() { cancelled.store(true, ordering: .relaxed) }
    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
}

/// Which keys a source offers: all it lists (filtered, for a ring warm), or a given list.
public enum WarmKeys: Sendable {
    case listed(filter: (@Sendable ([UInt8]) -> Bool)?)
    case given([[UInt8]])
}

/// One source of a warm and the keys to take from it.
public struct WarmSource: Sendable {
    public var name: String
    public var node: any WarmNode
    public var keys: WarmKeys

    public init(name: String, node: any WarmNode, keys: WarmKeys) {
        self.name = name
        self.node = node
        self.keys = keys
    }
}

/// Copies keys from the sources to the target in pipelined batches, within the rate limits, and reports.
/// It never throws: a source or target that fails ends the job with a report saying so.
public struct WarmJob: Sendable {
    public var kind: WarmKind
    public var ring: String?
    public var targetName: String
    public var target: any WarmNode
    public var sources: [WarmSource]
    public var settings: WarmSettings
    public var gate: WriteGate
    public var expectedKeys: Int?
    /// Monotonic seconds, for durations and the rate limits.
    public var clock: @Sendable () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
    /// Unix time, for memcached's absolute expiries.
    public var unixTime: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    public var sleep: @Sendable (Double) async throws -> Void = { try await Task.sleep(for: .seconds($0)) }

    public init(
        kind: WarmKind, ring: String?, targetName: String, target: any WarmNode, sources: [WarmSource], settings: WarmSettings,
        gate: WriteGate, expectedKeys: Int?
    ) {
        self.kind = kind
        self.ring = ring
        self.targetName = targetName
        self.target = target
        self.sources = sources
        self.settings = settings
        self.gate = gate
        self.expectedKeys = expectedKeys
    }

    static let problemsKept = 20

    public func run(control: WarmControl = WarmControl(), progress: @Sendable (WarmProgress) -> Void = { _ in }) async -> WarmReport {
        let start = clock()
        var tally = Tally(sampleSize: settings.verifySample)
        var error: String?
        if !settings.dryRun, let refusal = gate.readOnlyBecause {
            error = ReadOnlyRefusal(change: "warm \(targetName)", because: refusal).description
            return report(.refused, error: error, tally: tally, start: start, verification: nil)
        }
        var limiter = Limiter(settings: settings)
        for source in sources where error == nil && !control.isCancelled {
            error = await copy(from: source, into: &tally, limiter: &limiter, control: control) { counts in
                progress(WarmProgress(counts: counts, elapsedSeconds: clock() - start, expectedKeys: expectedKeys))
            }
        }
        let verification = await verify(tally.written)
        let outcome: WarmOutcome = error != nil ? .failed : control.isCancelled ? .cancelled : .complete
        return report(outcome, error: error, tally: tally, start: start, verification: verification)
    }

    private func report(_ outcome: WarmOutcome, error: String?, tally: Tally, start: Double, verification: WarmVerification?) -> WarmReport {
        WarmReport(
            kind: kind, target: targetName, sources: sources.map(\.name), ring: ring, dryRun: settings.dryRun, outcome: outcome, error: error,
            counts: tally.counts, durationSeconds: clock() - start, problems: tally.problems, verification: verification)
    }

    /// Lists (or takes) the source's keys, and copies them `depth` batches at a time. Returns what stopped it.
    private func copy(
        from source: WarmSource, into tally: inout Tally, limiter: inout Limiter, control: WarmControl, progress: (WarmCounts) -> Void
    ) async -> String? {
        await withTaskGroup(of: BatchResult.self) { group in
            var inFlight = 0
            var failure: String?
            var pending: [[UInt8]] = []
            let now = unixTime()

            /// Folds a finished batch in; `false` once the job must stop.
            func settle(_ result: BatchResult) -> Bool {
                inFlight -= 1
                limiter.paid(bytes: result.bytesRead, at: clock())
                tally.add(result)
                progress(tally.counts)
                if let error = result.error, failure == nil { failure = error }
                return failure == nil
            }
            func dispatch(_ keys: [[UInt8]]) async -> Bool {
                if inFlight >= settings.depth, let done = await group.next(), !settle(done) { return false }
                if let delay = limiter.delay(keys: keys.count, at: clock()), delay > 0 { try? await sleep(delay) }
                if control.isCancelled { return false }
                inFlight += 1
                group.addTask { await copyBatch(keys, from: source, now: now) }
                return true
            }
            /// Takes listed keys, dispatching whole batches; `false` to stop listing.
            func take(_ listed: [ListedKey]) async -> Bool {
                for entry in listed {
                    tally.counts.scanned += 1
                    if entry.expired {
                        tally.counts.expired += 1
                    } else if case let .listed(filter?) = source.keys, !filter(entry.key) {
                        tally.counts.notSelected += 1
                    } else {
                        pending.append(entry.key)
                    }
                    if pending.count == settings.batchSize {
                        defer { pending.removeAll(keepingCapacity: true) }
                        guard await dispatch(pending) else { return false }
                    }
                }
                return failure == nil && !control.isCancelled
            }

            do {
                switch source.keys {
                case .listed:
                    try await source.node.listKeys(batch: settings.batchSize, now: now) { await take($0) }
                case let .given(keys):
                    for start in stride(from: 0, to: keys.count, by: settings.batchSize) {
                        guard await take(keys[start..<min(keys.count, start + settings.batchSize)].map { ListedKey(key: $0) }) else { break }
                    }
                }
                if !pending.isEmpty, failure == nil, !control.isCancelled { _ = await dispatch(pending) }
            } catch {
                failure = failure ?? "\(source.name): \(error)"
            }
            while let done = await group.next() { _ = settle(done) }
            return failure
        }
    }

    /// Reads one batch from the source and writes what is worth writing. Never throws: a lost connection fails
    /// the keys it carried, and says so.
    private func copyBatch(_ keys: [[UInt8]], from source: WarmSource, now: Int64) async -> BatchResult {
        var result = BatchResult()
        let reads: [KeyRead]
        do {
            reads = try await source.node.read(keys, limit: settings.maxKeyBytes, now: now)
        } catch {
            result.counts.failed = keys.count
            result.error = "\(source.name): \(error)"
            return result
        }
        var items: [CopyItem] = []
        for (key, read) in zip(keys, reads) {
            switch read {
            case let .item(item): items.append(item)
            case .expired: result.counts.expired += 1
            case let .tooBig(bytes):
                result.counts.tooBig += 1
                result.problems.append(WarmProblem(key: key, reason: "\(bytes) bytes, over the \(settings.maxKeyBytes)-byte limit"))
            case let .unaddressable(reason):
                result.counts.failed += 1
                result.problems.append(WarmProblem(key: key, reason: reason))
            }
        }
        do {
            let writes: [KeyWrite]
            if settings.dryRun {
                writes = try await target.contains(items.map(\.key)).map { $0 ? .alreadyPresent : .stored }
            } else {
                writes = try await target.write(items, gate: gate)
            }
            for (item, write) in zip(items, writes) {
                switch write {
                case .stored:
                    result.counts.copied += 1
                    result.counts.bytes += Int64(item.payload.count)
                    result.written.append(item.key)
                case .alreadyPresent: result.counts.alreadyPresent += 1
                case let .refused(message):
                    result.counts.failed += 1
                    result.problems.append(WarmProblem(key: item.key, reason: "\(targetName) answered: \(message)"))
                }
            }
        } catch {
            result.counts.failed += items.count
            result.error = "\(targetName): \(error)"
        }
        result.bytesRead = items.reduce(0) { $0 + Int64($1.payload.count) }
        return result
    }

    /// Re-reads a sample of the written keys on the target.
    private func verify(_ written: [[UInt8]]) async -> WarmVerification? {
        guard !settings.dryRun, !written.isEmpty, let found = try? await target.contains(written) else { return nil }
        return WarmVerification(checked: written.count, present: found.filter { $0 }.count)
    }
}

/// What one batch did.
struct BatchResult: Sendable {
    var counts = WarmCounts()
    var problems: [WarmProblem] = []
    var written: [[UInt8]] = []
    var bytesRead: Int64 = 0
    var error: String?
}

/// The job's running totals, the first problems, and a sample of written keys to check afterwards.
struct Tally {
    var counts = WarmCounts()
    var problems: [WarmProblem] = []
    var written: [[UInt8]] = []
    let sampleSize: Int

    init(sampleSize: Int) {
        self.sampleSize = sampleSize
    }

    mutating func add(_ result: BatchResult) {
        counts.add(result.counts)
        problems += result.problems.prefix(WarmJob.problemsKept - problems.count)
        written += result.written.prefix(sampleSize - written.count)
    }
}

/// The keys/s and bytes/s limits on the sources.
struct Limiter {
    var keys: TokenBucket?
    var bytes: TokenBucket?

    init(settings: WarmSettings) {
        keys = settings.keysPerSecond.map { TokenBucket(rate: $0) }
        bytes = settings.bytesPerSecond.map { TokenBucket(rate: $0) }
    }

    /// How long to wait before reading `keys` more keys; the bytes limit is paid for by the bytes read so far.
    mutating func delay(keys count: Int, at now: Double) -> Double? {
        let keyDelay = keys?.take(Double(count), at: now) ?? 0
        let byteDelay = bytes?.take(0, at: now) ?? 0
        return max(keyDelay, byteDelay)
    }

    mutating func paid(bytes read: Int64, at now: Double) {
        _ = bytes?.take(Double(read), at: now)
    }
}
