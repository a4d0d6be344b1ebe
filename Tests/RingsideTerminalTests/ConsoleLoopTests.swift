import Foundation
import RingsideCore
import RingsideEngine
import RingsideTerminal
import Synchronization
import Testing

/// A fleet whose every snapshot is the next frame of a script: the console loop under test reads one per turn.
final class ScriptedSource: ConsoleSource {
    let fleet: Fleet
    private let frames: Mutex<(all: [FleetSnapshot], next: Int)>

    init(_ frames: [FleetSnapshot]) {
        fleet = frames[0].fleet
        self.frames = Mutex((frames, 0))
    }

    func snapshot() -> FleetSnapshot {
        frames.withLock { frames in
            defer { frames.next += 1 }
            return frames.all[min(frames.next, frames.all.count - 1)]
        }
    }

    func start() {}
    func pollAllOnce() async {}

    /// The events the console added (actions' outcomes).
    let noted = Mutex<[FleetEvent]>([])
    func note(_ event: FleetEvent) { noted.withLock { $0.append(event) } }
}

@Suite struct ConsoleLoopTests {
    /// Four nodes whose ops/s change places every frame: frame `n` gives node `i` a rate of ((i + n) mod 4) × 100.
    static func reshuffled(frames: Int) -> [FleetSnapshot] {
        (0..<frames).map { frame in
            let endpoints = (0..<4).map { index in
                FleetFixture.polled(
                    FleetFixture.node("mc-\(index + 1)", .memcached, pool: "web", port: 11211 + index), ticks: 3,
                    hitsPerTick: UInt64(((index + frame) % 4) * 100 + 1), missesPerTick: 0)
            }
            return FleetSnapshot(fleet: Fleet(name: "shuffle", endpoints: endpoints.map(\.endpoint)), endpoints: endpoints, events: [], takenAt: FleetFixture.at)
        }
    }

    /// The node under the cursor in a frame (the row that starts with the cursor glyph).
    static func cursorNode(_ frame: Canvas) -> String? {
        frame.text.split(separator: "\n").first { $0.hasPrefix("▶") }.flatMap { $0.dropFirst().split(separator: " ").first.map(String.init) }
    }

    @Test func theCursorStaysOnItsNodeWhileRowsReSortUnderIt() throws {
        // Sort by OPS/S (three columns on from NODE), go down to the third row, then watch thirty frames go by.
        let keys: [TerminalInput] = [.key(.character("s")), .key(.character("s")), .key(.character("s")), .key(.down), .key(.down)]
        let terminal = InMemoryTerminal(inputs: keys + Array(repeating: .idle, count: 30))
        let source = ScriptedSource(Self.reshuffled(frames: 40))
        #expect(Console.run(engine: source, options: ConsoleOptions(), terminal: terminal) == SIGHUP, "the script's end reads as the terminal going away")
        #expect(terminal.isClosed)
        let chosen = try #require(Self.cursorNode(terminal.frames[5]), "\(terminal.frames[5].text)")
        let later = terminal.frames.dropFirst(6).map(Self.cursorNode)
        #expect(later.count >= 25)
        #expect(later.allSatisfy { $0 == chosen }, "the cursor left \(chosen): \(later)")
        // The rows really moved under it: the chosen node was not always on the same row.
        let rowsOfChosen = Set(terminal.frames.dropFirst(6).map { $0.text.split(separator: "\n").firstIndex { $0.dropFirst().hasPrefix(chosen + " ") } })
        #expect(rowsOfChosen.count > 1)
    }

    @Test func enterOpensTheNodeUnderTheCursorAfterTheRowsMoved() {
        let keys: [TerminalInput] = [.key(.character("s")), .key(.character("s")), .key(.character("s")), .key(.down), .idle, .idle, .idle, .key(.enter), .idle]
        let terminal = InMemoryTerminal(inputs: keys)
        _ = Console.run(engine: ScriptedSource(Self.reshuffled(frames: 20)), options: ConsoleOptions(), terminal: terminal)
        let selected = Self.cursorNode(terminal.frames[4])
        #expect(selected != nil)
        let title = terminal.frames.last?.text.split(separator: "\n").dropFirst().first.map(String.init) ?? ""
        #expect(title.hasPrefix(" \(selected ?? "?")  memcached"), "the detail of the node under the cursor: \(title)")
        #expect(terminal.frames.last.map { !$0.text.contains("CACHE NODES") } == true, "the detail screen is open")
    }
}
