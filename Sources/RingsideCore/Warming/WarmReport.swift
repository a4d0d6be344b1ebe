import Foundation

/// What a warm copies: the keys a ring change moves onto the target, every key of one node, or a list of keys.
public enum WarmKind: String, Sendable, Codable, Equatable {
    case ring
    case clone
    case keys
}

/// Tallies of a warm. Every key read from a source ends in exactly one of the outcome counts (or in
/// `notSelected` for a ring warm's keys that stay where they are).
public struct WarmCounts: Sendable, Equatable, Codable {
    /// Keys listed on the sources (or read from the key list).
    public var scanned = 0
    /// Listed, but their owner does not change to the target: left alone.
    public var notSelected = 0
    /// Written to the target (in a dry run: would be).
    public var copied = 0
    /// The target already held the key, a value newer than the copy: left as it was.
    public var alreadyPresent = 0
    /// Expired (or deleted) between listing and reading.
    public var expired = 0
    /// Larger than the size limit: reported, not copied.
    public var tooBig = 0
    /// Refused by the target or lost with a connection.
    public var failed = 0
    /// Value bytes written (in a dry run: that would be).
    public var bytes: Int64 = 0

    public init() {}

    /// Keys the warm has decided about.
    public var settled: Int { copied + alreadyPresent + expired + tooBig + failed }

    public mutating func add(_ other: WarmCounts) {
        scanned += other.scanned
        notSelected += other.notSelected
        copied += other.copied
        alreadyPresent += other.alreadyPresent
        expired += other.expired
        tooBig += other.tooBig
        failed += other.failed
        bytes += other.bytes
    }
}

/// One key that was not copied and why, for the report (the first few of each job).
public struct WarmProblem: Sendable, Equatable, Codable {
    /// The key, printable: bytes that are not printable UTF-8 as `\xNN`.
    public var key: String
    public var reason: String

    public init(key: [UInt8], reason: String) {
        self.key = Self.printable(key)
        self.reason = reason
    }

    static func printable(_ key: [UInt8]) -> String {
        let text = String(decoding: key, as: UTF8.self)
        guard Array(text.utf8) == key, !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            return key.map { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "\\") ? String(UnicodeScalar($0)) : String(format: "\\x%02X", $0) }.joined()
        }
        return text
    }
}

/// How a warm ended.
public enum WarmOutcome: String, Sendable, Codable, Equatable {
    /// Every listed key was decided (copied or skipped with a reason).
    case complete
    /// The operator stopped it: the batch in flight finished, the rest was not read.
    case cancelled
    /// A source or the target went down, refused or garbled: the job stopped, with what was done so far.
    case failed
    /// Read-only: nothing was written.
    case refused
}

/// The target re-read after the copy: of a sample of the keys written, how many it holds.
public struct WarmVerification: Sendable, Equatable, Codable {
    public var checked: Int
    public var present: Int

    public init(checked: Int, present: Int) {
        self.checked = checked
        self.present = present
    }
}

/// The report of a warm (`ringside.warm-report/1`).
public struct WarmReport: Sendable, Equatable, Codable {
    public var schema = "ringside.warm-report/1"
    public var kind: WarmKind
    public var target: String
    public var sources: [String]
    /// The ring warmed for (ring warms).
    @Nullable public var ring: String?
    public var dryRun: Bool
    public var outcome: WarmOutcome
    /// What stopped it (failed, refused), in the server's words where it answered.
    @Nullable public var error: String?
    public var counts: WarmCounts
    public var durationSeconds: Double
    public var keysPerSecond: Double
    public var bytesPerSecond: Double
    /// The first keys not copied for a reason worth a look (too big, refused, failed).
    public var problems: [WarmProblem]
    @Nullable public var verification: WarmVerification?

    public init(
        kind: WarmKind, target: String, sources: [String], ring: String?, dryRun: Bool, outcome: WarmOutcome, error: String?,
        counts: WarmCounts, durationSeconds: Double, problems: [WarmProblem], verification: WarmVerification?
    ) {
        self.kind = kind
        self.target = target
        self.sources = sources
        self.ring = ring
        self.dryRun = dryRun
        self.outcome = outcome
        self.error = error
        self.counts = counts
        self.durationSeconds = durationSeconds
        let seconds = max(durationSeconds, 1e-9)
        self.keysPerSecond = Double(counts.settled) / seconds
        self.bytesPerSecond = Double(counts.bytes) / seconds
        self.problems = problems
        self.verification = verification
    }
}
