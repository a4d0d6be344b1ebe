import ArgumentParser
import Dispatch
import Foundation
import Synchronization
import RingsideCore
import RingsideEngine
import RingsideWire
#if canImport(Glibc)
import Glibc
#endif

/// `ringside warm TARGET …`: copies keys onto a cache node before it takes traffic.
struct WarmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warm", abstract: "Copy keys onto a cache node before it takes traffic: a ring's moved keys, a whole node, or a key list.",
        discussion: """
            TARGET and NODE are cache nodes of the fleet file. With --ring, the keys copied are exactly those the \
            staged change (--add, --remove, --weight, --vnodes, --drain) moves onto TARGET, each read from the node \
            that owns it now; with no change, the keys TARGET owns that sit on the node that would own them without \
            it (written elsewhere while TARGET was ejected). Nothing already on TARGET is overwritten: Redis gets \
            RESTORE without REPLACE, memcached ms in add mode; TTLs and flags are kept.

            Progress goes to standard error, the report to standard output. Ctrl-C stops after the batches in \
            flight and prints the report. Exit status: 0 complete, 1 failed, cancelled, refused or not confirmed, \
            2 usage and fleet errors.
            """)

    @Argument(help: "The cache node to warm.") var target: String
    @Option(help: ArgumentHelp("Warm for a ring of the fleet file (see `ringside ring list`).", valueName: "RING")) var ring: String?
    @OptionGroup var staged: RingChangeOptions
    @Option(help: ArgumentHelp("Copy every key of NODE (clone), or with --keys, the listed keys from NODE.", valueName: "NODE")) var from: String?
    @Option(help: ArgumentHelp("A file of keys, one per line ('-' for standard input).", valueName: "FILE")) var keys: String?
    @OptionGroup var tuning: WarmTuning
    @OptionGroup var flags: ActionFlags

    func validate() throws {
        let modes = [ring != nil, from != nil && keys == nil, keys != nil].filter { $0 }.count
        guard modes == 1 else { throw ValidationError("give one of --ring RING, --from NODE (clone), or --keys FILE --from NODE") }
        if keys != nil, from == nil { throw ValidationError("--keys needs --from NODE: the node to read the keys from") }
        if ring == nil, (try? staged.changes().isEmpty) == false { throw ValidationError("--add, --remove, --weight, --vnodes and --drain stage a change of --ring RING") }
    }

    func run() async throws {
        let fleet = try flags.fleet()
        let runner = WarmRunner(actions: try flags.runner(for: fleet))
        let settings = tuning.settings(dryRun: flags.dryRun)
        let request = WarmRequest(target: target, keys: try await keySource(fleet, runner: runner))
        let preview: WarmPreview
        do { preview = try await runner.preview(request, settings: settings) } catch { throw usage(error.description) }
        if !flags.json { print(WarmText.preview(preview), terminator: "") }
        if let unreadable = ([preview.target] + preview.sources).first(where: { $0.items == nil }) {
            throw failure("\(unreadable.name) cannot be read: \(unreadable.problem ?? "no answer"); nothing was sent")
        }
        if !flags.dryRun, !runner.gate.isReadOnly, !flags.yes {
            guard let confirmed = WarmPrompt.ask("\(preview.summary)? Type 'yes' to start, anything else cancels: ") else {
                throw failure("not started: there is no terminal to confirm on; pass --yes to warm from a script")
            }
            guard confirmed else {
                if !flags.json { print("cancelled: nothing was sent") }
                throw ExitCode(1)
            }
        }
        let control = WarmControl()
        let interrupt = WarmPrompt.cancelOnInterrupt(control)
        let printer = ProgressPrinter()
        let report = await runner.execute(preview, control: control) { printer.show($0) }
        printer.finish()
        interrupt.cancel()
        if flags.json {
            FileHandle.standardOutput.write(try report.reportJSON() + Data("\n".utf8))
        } else {
            print(WarmText.report(report), terminator: "")
        }
        if report.outcome != .complete || report.counts.failed > 0 { throw ExitCode(1) }
    }

    private func keySource(_ fleet: Fleet, runner: WarmRunner) async throws -> WarmRequest.Keys {
        if let ring { return .ring(try await plan(ring, runner: runner)) }
        guard let from else { throw ValidationError("give --ring, --from or --keys") }
        guard let keys else { return .clone(from: from) }
        return .list(try Self.readKeys(keys), from: from)
    }

    /// The staged change of `name`; with none, the ring without the target against the ring as it is.
    private func plan(_ name: String, runner: WarmRunner) async throws -> RingPlan {
        let changes: [RingChange]
        do { changes = try staged.changes() } catch let error as RingError { throw usage(error.description) }
        do throws(ActionError) {
            return try await runner.ringPlan(name, target: target, changes: changes)
        } catch {
            throw usage(error.description)
        }
    }

    static func readKeys(_ path: String) throws -> [[UInt8]] {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: path) else { throw usageError("cannot read the key list \(path)") }
            data = contents
        }
        return WarmKeyList.parse(data)
    }

    private func usage(_ message: String) -> ExitCode { Self.usageError(message) }

    private static func usageError(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("ringside: \(message)\n".utf8))
        return ExitCode(2)
    }

    private func failure(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("ringside: \(message)\n".utf8))
        return ExitCode(1)
    }
}

/// Progress on standard error: a bar redrawn in place on a terminal, a line every second otherwise.
final class ProgressPrinter: Sendable {
    private let onTerminal = isatty(STDERR_FILENO) == 1
    private let lastShown = Mutex<Double>(0)

    func show(_ progress: WarmProgress) {
        let due = lastShown.withLock { last in
            guard progress.elapsedSeconds - last >= (onTerminal ? 0.1 : 1) else { return false }
            last = progress.elapsedSeconds
            return true
        }
        guard due else { return }
        // On a terminal the bar is cut to its width: `\r` cannot take back a line that wrapped, and every redraw
        // of a wrapped bar left a line behind (seen at 80 columns).
        let text = onTerminal
            ? "\r\u{1B}[K" + String(WarmText.progressBar(progress).prefix(max(1, Self.terminalColumns() - 1)))
            : WarmText.progressLine(progress) + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Standard error's terminal width now (it may be resized mid-job); 80 when it cannot be read.
    private static func terminalColumns() -> Int {
        var size = winsize()
        return ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
    }

    func finish() {
        if onTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

/// What a warm asks and hears on the terminal, for `warm` and `rebalance --warm`.
enum WarmPrompt {
    /// Asks on the terminal; anything but `yes` cancels. `nil` when there is no terminal to ask on.
    static func ask(_ question: String) -> Bool? {
        guard isatty(STDIN_FILENO) == 1, isatty(STDERR_FILENO) == 1 else { return nil }
        FileHandle.standardError.write(Data(question.utf8))
        return readLine()?.trimmingCharacters(in: .whitespaces) == "yes"
    }

    /// The first Ctrl-C cancels the job (it reports what it did); the default action comes back for a second.
    static func cancelOnInterrupt(_ control: WarmControl) -> any DispatchSourceSignal {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            FileHandle.standardError.write(Data("\nringside: stopping after the batches in flight…\n".utf8))
            control.cancel()
            signal(SIGINT, SIG_DFL)
        }
        source.resume()
        return source
    }
}

/// How fast and how wide a warm reads: `warm`'s and `rebalance --warm`'s options.
struct WarmTuning: ParsableArguments {
    @Option(help: ArgumentHelp("At most N keys a second read from the sources.", valueName: "N")) var rate: Double?
    @Option(help: ArgumentHelp("At most N value bytes a second read from the sources.", valueName: "N")) var bytesRate: Double?
    @Option(help: "Keys per batch.") var batch = 500
    @Option(help: "Batches in flight at once.") var depth = 4
    @Option(help: ArgumentHelp("Skip (and report) keys larger than this many bytes.", valueName: "BYTES")) var maxKeyBytes: Int64 = 8 << 20

    func validate() throws {
        if let rate, rate <= 0 { throw ValidationError("--rate must be positive") }
        if let bytesRate, bytesRate <= 0 { throw ValidationError("--bytes-rate must be positive") }
        guard batch > 0, depth > 0, maxKeyBytes > 0 else { throw ValidationError("--batch, --depth and --max-key-bytes must be positive") }
    }

    func settings(dryRun: Bool) -> WarmSettings {
        var settings = WarmSettings()
        settings.batchSize = batch
        settings.depth = depth
        settings.maxKeyBytes = maxKeyBytes
        settings.keysPerSecond = rate
        settings.bytesPerSecond = bytesRate
        settings.dryRun = dryRun
        return settings
    }
}
