import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The signal that asked ringside to stop (SIGINT, SIGTERM, SIGHUP), or 0. The console loop checks it between
/// frames and leaves through its normal teardown, so the terminal is always restored.
let terminationSignal = Atomic<Int32>(0)

/// Set once the console loop has given the terminal back; the watchdog then has nothing left to do.
let consoleFinished = Atomic<Bool>(false)

/// The terminal settings from before ncurses took over, for the crash handler and the watchdog.
nonisolated(unsafe) private var savedSettings = termios()
nonisolated(unsafe) private var haveSavedSettings = false
/// The real standard error while the console runs (-1: not captured), and the file that catches what is written
/// to it meanwhile, so a crash message is shown after the terminal is restored instead of being erased with the
/// alternate screen.
nonisolated(unsafe) private var realStandardError: Int32 = -1
nonisolated(unsafe) private var capturedStandardError: Int32 = -1
nonisolated(unsafe) private let copyBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 4096)

enum TerminalRestore {
    /// Installs the handlers and captures standard error. Must run before `newterm`, so that ncurses does not
    /// install its own handlers.
    static func install() {
        haveSavedSettings = tcgetattr(STDIN_FILENO, &savedSettings) == 0
        consoleFinished.store(false, ordering: .relaxed)
        captureStandardError()
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber) { received in terminationSignal.store(received, ordering: .relaxed) }
        }
        // A crash cannot run ncurses' teardown: put back the saved tty settings, leave the alternate screen,
        // show the cursor, show what was written to stderr (the crash message), then die of the same signal so
        // the exit status tells what happened.
        for signalNumber in [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE] {
            signal(signalNumber) { received in
                TerminalRestore.restoreWithoutCurses()
                signal(received, SIG_DFL)
                raise(received)
            }
        }
        startWatchdog()
    }

    /// Puts the tty back by hand, from any thread or a signal handler (only async-signal-safe calls).
    fileprivate static func restoreWithoutCurses() {
        if haveSavedSettings { tcsetattr(STDIN_FILENO, TCSANOW, &savedSettings) }
        let reset: StaticString = "\u{1b}[0m\u{1b}[?25h\u{1b}[?1049l\r\n"
        _ = write(STDOUT_FILENO, reset.utf8Start, reset.utf8CodeUnitCount)
        releaseStandardError()
    }

    private static func captureStandardError() {
        guard realStandardError < 0 else { return }
        var template = Array("\(NSTemporaryDirectory())/ringside-stderr-XXXXXX".utf8CString)
        let file = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard file >= 0 else { return }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        realStandardError = dup(STDERR_FILENO)
        capturedStandardError = file
        dup2(file, STDERR_FILENO)
    }

    /// Gives standard error back and copies to it what was written meanwhile. Async-signal-safe.
    static func releaseStandardError() {
        guard realStandardError >= 0 else { return }
        dup2(realStandardError, STDERR_FILENO)
        close(realStandardError)
        realStandardError = -1
        lseek(capturedStandardError, 0, SEEK_SET)
        while case let count = read(capturedStandardError, copyBuffer, 4096), count > 0 {
            _ = write(STDERR_FILENO, copyBuffer, count)
        }
        close(capturedStandardError)
        capturedStandardError = -1
    }

    /// How long the loop has to react to a signal before the watchdog restores the terminal and exits for it.
    static let signalGrace: Duration = .seconds(1)

    /// A thread that ends the process when a signal came and the console loop did not leave within
    /// `signalGrace` (a loop stuck on a lock or in a long computation): the terminal is restored by hand first.
    private static func startWatchdog() {
        let thread = Thread {
            var signalledAt: ContinuousClock.Instant?
            while !consoleFinished.load(ordering: .relaxed) {
                usleep(100_000)
                let received = terminationSignal.load(ordering: .relaxed)
                guard received != 0 else { continue }
                let since = signalledAt ?? .now
                signalledAt = since
                guard ContinuousClock.now - since >= signalGrace, !consoleFinished.load(ordering: .relaxed) else { continue }
                TerminalRestore.restoreWithoutCurses()
                let note = "ringside: the console did not stop within a second of signal \(received); exiting\n"
                _ = note.withCString { write(STDERR_FILENO, $0, strlen($0)) }
                _exit(128 + received)
            }
        }
        thread.name = "ringside-watchdog"
        thread.start()
    }
}
