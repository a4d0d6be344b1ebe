#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The signal that asked ringside to stop (SIGINT, SIGTERM, SIGHUP), or 0. The console loop checks it between
/// frames and leaves through its normal teardown, so the terminal is always restored.
let terminationSignal = Atomic<Int32>(0)

/// The terminal settings from before ncurses took over, for the crash handler.
nonisolated(unsafe) private var savedSettings = termios()
nonisolated(unsafe) private var haveSavedSettings = false

enum TerminalRestore {
    /// Installs the handlers. Must run before `newterm`, so that ncurses does not install its own.
    static func install() {
        haveSavedSettings = tcgetattr(STDIN_FILENO, &savedSettings) == 0
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber) { received in terminationSignal.store(received, ordering: .relaxed) }
        }
        // A crash cannot run ncurses' teardown: put back the saved tty settings, leave the alternate screen,
        // show the cursor, then die of the same signal so the exit status tells what happened.
        for signalNumber in [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE] {
            signal(signalNumber) { received in
                if haveSavedSettings { tcsetattr(STDIN_FILENO, TCSANOW, &savedSettings) }
                let reset: StaticString = "\u{1b}[0m\u{1b}[?25h\u{1b}[?1049l\r\n"
                _ = write(STDOUT_FILENO, reset.utf8Start, reset.utf8CodeUnitCount)
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }
}
