import Foundation

/// Faults the console can be told to have after its first frame, so that the end-to-end tests can prove what must
/// hold when the loop goes wrong: a signal still ends the process with the terminal restored (the watchdog), and
/// a crash message still reaches the user after the restore. Set with `RINGSIDE_FAILPOINT`; read once at start.
/// Never set in production: an unknown or empty value is no failpoint.
enum ConsoleFailpoint: String {
    /// The loop stops reacting, as if stuck on a lock: keys and signals go unanswered.
    case stall = "console-stall"
    /// The loop traps, as a failed precondition would.
    case crash = "console-crash"

    static let environmentVariable = "RINGSIDE_FAILPOINT"

    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> ConsoleFailpoint? {
        environment[environmentVariable].flatMap(ConsoleFailpoint.init(rawValue:))
    }

    func trigger() -> Never {
        switch self {
        case .stall:
            while true { sleep(3600) }
        case .crash:
            fatalError("failpoint \(rawValue) was set in \(Self.environmentVariable)")
        }
    }
}
