import ArgumentParser
import Foundation
import RingsideCore
import RingsideEngine

/// `ringside rebalance RING CHANGE [--warm]`: a ring change, and with `--warm` the copy of its moving keys first.
struct RebalanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebalance", abstract: "Change a ring (one of --add, --remove, --weight, --vnodes, --drain); with --warm, warm its new owners first.",
        discussion: """
            Four steps, each shown before it runs: (1) the exact ring plan: shares before and after, the keys that \
            move, who gains and who loses; (2) with --warm, a warm of every node that gains keys, from the nodes \
            that lose them (only the keys that move, TTLs and flags kept, nothing overwritten); (3) the ring change \
            as an action: preview, confirmation, the read-only gate, the audit log; (4) the re-read that verifies \
            it. Declining or cancelling at any step leaves the ring as it was. --min-coverage holds the change back \
            until the new owners hold that share of the moving keys.

            Exit status: 0 applied (or already in effect); 1 held back, not applied, refused, cancelled or not \
            confirmed; 2 usage and fleet errors.
            """)

    @Argument(help: "The ring, as 'ringside ring list' names it.") var ring: String
    @OptionGroup var change: RingChangeOptions
    @Flag(help: "Warm every node that gains keys before the ring changes.") var warm = false
    @Option(help: ArgumentHelp("With --warm: change the ring only once the new owners hold this share of the moving keys, e.g. 95%.", valueName: "SHARE"))
    var minCoverage: String?
    @OptionGroup var tuning: WarmTuning
    @OptionGroup var flags: ActionFlags

    func validate() throws {
        guard try change.changes().count == 1 else { throw ValidationError("give one change: --add, --remove, --weight, --vnodes or --drain") }
        if let minCoverage {
            guard warm else { throw ValidationError("--min-coverage needs --warm") }
            guard WarmCoverage.parseShare(minCoverage) != nil else { throw ValidationError("--min-coverage \(minCoverage): give a share such as 95% or 0.95") }
        }
    }

    func run() async throws {
        let fleet = try flags.fleet()
        let shifter = WarmThenShift(warming: WarmRunner(actions: try flags.runner(for: fleet)))
        let gate = shifter.warming.gate
        let plan = try await shifter.plan(ring: ring, change: try change.changes()[0], warm: warm ? tuning.settings(dryRun: flags.dryRun) : nil)
        say(RingText.render(plan.ring.plan))
        if warm, plan.warms.isEmpty { say("nothing to warm: the change moves no keys\n") }

        var warms: [WarmReport] = [], coverage: WarmCoverage?, heldBack: String?
        if !plan.warms.isEmpty {
            for preview in plan.warms { say(WarmText.preview(preview)) }
            if let unreadable = plan.warms.flatMap({ [$0.target] + $0.sources }).first(where: { $0.items == nil }) {
                throw failure("\(unreadable.name) cannot be read: \(unreadable.problem ?? "no answer"); nothing was sent, the ring is unchanged")
            }
            if !flags.dryRun, !gate.isReadOnly, !flags.yes {
                let question = "Warm \(plan.warms.map(\.target.name).joined(separator: ", ")) before the change? Type 'yes' to start, anything else cancels: "
                guard let confirmed = WarmPrompt.ask(question) else {
                    throw failure("not started: there is no terminal to confirm on; pass --yes to rebalance from a script")
                }
                guard confirmed else {
                    say("cancelled: nothing was sent, the ring is unchanged\n")
                    throw ExitCode(1)
                }
            }
            let control = WarmControl()
            let interrupt = WarmPrompt.cancelOnInterrupt(control)
            let printer = ProgressPrinter()
            warms = await shifter.warm(plan, control: control) { printer.show($0) }
            printer.finish()
            interrupt.cancel()
            for report in warms { say(WarmText.report(report)) }
            let covered = WarmCoverage(warms)
            say("coverage: the new owners hold \(covered.warmed) of the \(covered.moving) moving keys\(flags.dryRun ? " (would)" : "")\n")
            coverage = covered
            heldBack = WarmThenShift.holdBack(warms, planned: plan.warms.count, minimumCoverage: minCoverage.flatMap(WarmCoverage.parseShare))
        }
        let preview = plan.ring.preview
        var reports: [ActionReport] = []
        defer {
            if flags.json {
                let output = RebalanceOutput(plan: plan.ring.plan, warms: warms, coverage: coverage, heldBack: heldBack, preview: preview, reports: reports)
                FileHandle.standardOutput.write(((try? output.reportJSON()) ?? Data("{}".utf8)) + Data("\n".utf8))
            }
        }
        if flags.dryRun {
            say(ActionText.preview(preview) + "dry run: nothing was sent\n")
            if let heldBack { say("the ring change would be held back: \(heldBack)\n") }
            return
        }
        // Read-only: the warms were refused by the gate, and the change goes to it too, to be refused and audited.
        if let heldBack, !gate.isReadOnly { throw failure("the ring is unchanged: \(heldBack)") }
        say(ActionText.preview(preview))
        reports = try await flags.confirmThenRun(preview, runner: shifter.warming.actions) { _, _ in [await shifter.shift(plan)] }
        say(reports.map(ActionText.report).joined())
        if !reports.allSatisfy(\.result.succeeded) { throw ExitCode(1) }
    }

    /// Text for people; with --json only the document goes to standard output.
    private func say(_ text: String) {
        if !flags.json { print(text, terminator: "") }
    }

    private func failure(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("ringside: \(message)\n".utf8))
        return ExitCode(1)
    }
}
