import Foundation
import RingsideTerminal
import RingsideTestSupport
import Testing

/// What reaches the terminal, read back with `capture-pane -e`: golden screens check slots, these check the
/// escapes a real terminal gets for them. Two ad-hoc memcached targets on closed ports are DOWN at once; the
/// second row is read, the first holds the cursor.
@Suite(.serialized, .heavy, .enabled(if: TmuxSession.isAvailable, "needs tmux: apt-get install tmux"))
struct TerminalOutputTests {
    static let downFleet = "--memcached 127.0.0.1:1 --memcached 127.0.0.1:2"

    /// The styled line of the second node (not under the cursor) once both are DOWN, and the header line.
    func styledLines(term: String, environment: [String: String] = [:]) async throws -> (node: String, header: String, session: TmuxSession) {
        let session = try TmuxSession(
            command: "\(RingsideBinary.url.path) \(Self.downFleet)", width: 100, height: 30, environment: ["TERM": term].merging(environment) { $1 })
        let shown = await session.waitFor { $0.split(separator: "\n").filter { $0.contains("DOWN") }.count == 2 }
        #expect(shown.held, "\(shown.screen) \(session.diagnostics)")
        let lines = session.capture(escapes: true).split(separator: "\n").map(String.init)
        let node = lines.last { $0.contains("127.0.0.1:2 ") && $0.contains("DOWN") } ?? ""
        return (node, lines.first ?? "", session)
    }

    /// The escape that selects `colour` as the foreground, as tmux writes it back.
    static func foreground(_ colour: Int16) -> String {
        colour < 8 ? "\u{1b}[3\(colour)m" : colour < 16 ? "\u{1b}[9\(colour - 8)m" : "\u{1b}[38;5;\(colour)m"
    }

    @Test func a256ColourTerminalGetsTheThemesCriticalColourOnADownRow() async throws {
        let critical = Theme.builtInDefault.resolve(.critical, depth: .palette256)
        #expect(critical.foreground >= 16, "the default theme's status.crit is a 256-colour shade")
        let (node, _, session) = try await styledLines(term: "tmux-256color")
        #expect(node.contains(Self.foreground(critical.foreground) + "DOWN"), "\(node.debugDescription)")
        session.send("q")
    }

    @Test func sixteenColoursUseTheAnsi16LooksWithBrightColours() async throws {
        let critical = Theme.builtInDefault.resolve(.critical, depth: .ansi16), header = Theme.builtInDefault.resolve(.header, depth: .ansi16)
        #expect(header.foreground >= 8, "the header is bright white on 16 colours")
        let (node, headerLine, session) = try await styledLines(term: "xterm-16color")
        #expect(node.contains(Self.foreground(critical.foreground) + "DOWN"), "\(node.debugDescription)")
        #expect(headerLine.contains(Self.foreground(header.foreground)), "\(headerLine.debugDescription)")
        session.send("q")
    }

    @Test func eightColoursTurnBrightColoursIntoBold() async throws {
        let header = Theme.builtInDefault.resolve(.header, depth: .ansi8)
        #expect(header.foreground < 8 && header.attributes.contains(.bold))
        let (node, headerLine, session) = try await styledLines(term: "xterm")
        #expect(node.contains(Self.foreground(Theme.builtInDefault.resolve(.critical, depth: .ansi8).foreground) + "DOWN"), "\(node.debugDescription)")
        #expect(headerLine.contains(Self.foreground(header.foreground)) && headerLine.contains("\u{1b}[1m"), "\(headerLine.debugDescription)")
        #expect(!headerLine.contains("\u{1b}[9"), "no bright colour codes on 8 colours: \(headerLine.debugDescription)")
        session.send("q")
    }

    /// NO_COLOR on a 256-colour terminal: the theme's `mono` looks only (status.crit is bold and reverse).
    @Test func noColorOnAColourTerminalGivesAttributesOnly() async throws {
        let (node, _, session) = try await styledLines(term: "tmux-256color", environment: ["NO_COLOR": "1"])
        let colours = (0...7).flatMap { ["\u{1b}[3\($0)m", "\u{1b}[4\($0)m", "\u{1b}[9\($0)m"] } + ["\u{1b}[38;", "\u{1b}[48;"]
        #expect(!colours.contains(where: node.contains), "\(node.debugDescription)")
        #expect(node.contains("\u{1b}[1;7mDOWN"), "DOWN is bold and reverse: \(node.debugDescription)")
        session.send("q")
    }
}

/// `hatop -i` and `redis-cli --stat -i` users expect the console to take the interval; the header says what it polls at.
@Suite(.serialized, .heavy, .enabled(if: TmuxSession.isAvailable, "needs tmux: apt-get install tmux"))
struct ConsoleIntervalTests {
    @Test func theConsolePollsAtTheIntervalGivenOnTheCommandLine() async throws {
        let session = try TmuxSession(command: "\(RingsideBinary.url.path) -i 250ms --timeout 100ms --memcached 127.0.0.1:1", width: 140, height: 30)
        let shown = await session.waitFor { $0.contains("every 250ms") && $0.contains("DOWN") }
        #expect(shown.held, "\(shown.screen) \(session.diagnostics)")
        session.send("q")
        #expect(await session.waitForExit())
    }
}

/// The console without a terminal: refused at once with a pointer to `status`, never a spinning loop.
@Suite struct ConsoleWithoutATerminalTests {
    @Test(arguments: [["demo"], ["--memcached", "127.0.0.1:1"]])
    func standardInputThatIsNotATerminalIsRefusedWithExitTwo(arguments: [String]) async throws {
        let started = ContinuousClock.now
        let result = try await RingsideBinary.run(arguments, environment: ["TERM": "xterm-256color"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("the console needs a terminal") && result.stderr.contains("ringside status"), "\(result.stderr)")
        #expect(!result.stderr.contains("\\n"), "a real newline, not an escaped one")
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
