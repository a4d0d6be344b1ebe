import Foundation

/// The one place that decides whether anything may change a server, real or simulated: every layer that sends
/// a mutating command asks it first. Hiding keys in read-only mode is a courtesy; this is the guarantee.
public struct WriteGate: Sendable, Equatable {
    /// Why writes are refused (`nil`: they are allowed): which switch made the console read-only.
    public let readOnlyBecause: String?

    public static let open = WriteGate(readOnlyBecause: nil)

    public init(readOnlyBecause: String?) {
        self.readOnlyBecause = readOnlyBecause
    }

    /// Read-only when `--read-only` was given or `RINGSIDE_READ_ONLY` is `1`/`true`/`yes`.
    public static func from(flag: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) -> WriteGate {
        if flag { return WriteGate(readOnlyBecause: "--read-only") }
        if let value = environment["RINGSIDE_READ_ONLY"]?.lowercased(), ["1", "true", "yes"].contains(value) {
            return WriteGate(readOnlyBecause: "RINGSIDE_READ_ONLY=\(value)")
        }
        return .open
    }

    public var isReadOnly: Bool { readOnlyBecause != nil }

    /// Throws unless writes are allowed; `what` names the change for the refusal.
    public func permit(_ what: String) throws(ReadOnlyRefusal) {
        if let readOnlyBecause { throw ReadOnlyRefusal(change: what, because: readOnlyBecause) }
    }
}

public struct ReadOnlyRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public var change: String
    public var because: String

    public init(change: String, because: String) {
        self.change = change
        self.because = because
    }

    public var description: String { "read-only (\(because)): '\(change)' was not sent" }
}
