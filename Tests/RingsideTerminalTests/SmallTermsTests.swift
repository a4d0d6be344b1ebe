import Foundation
import RingsideCore
import RingsideEngine
import Testing
@testable import RingsideTerminal

/// The small things that add up at 80×24: what the header keeps, what a cut list says, how names sort.
@Suite struct SmallTermsTests {
    let context = RenderContext(glyphs: .unicode, clock: "12:00:00", sourceNote: "origin 1234 reads/s")

    func header(_ snapshot: FleetSnapshot, state: ConsoleState = ConsoleState(sourceBadge: "DEMO"), width: Int = 80) -> String {
        String(ConsoleView.render(snapshot, state: state, context: context, width: width, height: 24).text.split(separator: "\n")[0])
    }

    @Test func theHeaderDropsWholeFieldsClockFirstAndKeepsWhatMatters() {
        let line = header(FleetFixture.snapshot, state: ConsoleState(readOnly: true, sourceBadge: "DEMO"))
        #expect(line.contains("5 alerts") && line.contains("6 up 1 degraded 2 down") && line.contains("hit 72.5%"), "\(line)")
        #expect(line.contains("DEMO") && line.contains("READ-ONLY"))
        #expect(!line.contains("12:00") && !line.contains("…"), "the clock goes whole, nothing is cut mid-word: \(line)")
        let wide = header(FleetFixture.snapshot, width: 160)
        #expect(wide.contains("origin 1234 reads/s") && wide.contains("12:00:00 every 1s"), "\(wide)")
    }

    @Test func theFirstFrameSaysItIsWaitingNotThatEverythingIsDegraded() {
        let endpoints = (1...5).map { EndpointState(endpoint: FleetFixture.node("mc-\($0)", .memcached, pool: "web", port: 11210 + $0)) }
        let snapshot = FleetSnapshot(fleet: Fleet(name: "new", endpoints: endpoints.map(\.endpoint)), endpoints: endpoints, events: [], takenAt: FleetFixture.at)
        let text = ConsoleView.render(snapshot, state: ConsoleState(), context: context, width: 80, height: 24).text
        #expect(text.split(separator: "\n")[0].contains("waiting for the first poll │ no alerts"), "\(text)")
        #expect(!text.contains("degraded"))
        #expect(text.contains("mc-1") && text.contains("waiting for the first poll"))
    }

    @Test func aCutNodeListSaysHowManyMoreAreBelowAndNamesSortNaturally() {
        let endpoints = (1...30).map { index in
            FleetFixture.polled(FleetFixture.node("mc-\(index)", .memcached, pool: index == 30 ? "solo" : "web", port: 11210 + index), ticks: 3, hitsPerTick: 9, missesPerTick: 1)
        }
        let snapshot = FleetSnapshot(fleet: Fleet(name: "big", endpoints: endpoints.map(\.endpoint)), endpoints: endpoints, events: [], takenAt: FleetFixture.at)
        let lines = ConsoleView.render(snapshot, state: ConsoleState(), context: context, width: 80, height: 24).text.split(separator: "\n").map(String.init)
        let names = lines.compactMap { $0.dropFirst().split(separator: " ").first.map(String.init) }.filter { $0.hasPrefix("mc-") }
        #expect(Array(names.prefix(3)) == ["mc-1", "mc-2", "mc-3"], "mc-2 before mc-10: \(names)")
        let more = lines.first { $0.contains("more below") }
        #expect(more != nil, "\(lines.joined(separator: "\n"))")
        #expect(more.map { $0.contains("\(30 + 2 - names.count) more below") } == true, "30 nodes and 2 pool rows, \(names.count) shown: \(more ?? "")")
        let solo = ConsoleView.render(snapshot, state: ConsoleState(), context: context, width: 80, height: 60).text
        #expect(solo.contains("1 node ") && !solo.contains("1 nodes"))
    }

    @Test func asciiModeIsPureASCII() {
        let text = ConsoleView.render(FleetFixture.snapshot, state: ConsoleState(), context: RenderContext(glyphs: .plain, clock: "12:00:00", sourceNote: "a · b"), width: 160, height: 48).text
        #expect(text.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(!text.replacingOccurrences(of: "? Help", with: "").contains("?"), "every glyph has a readable stand-in: \(text)")
    }

    @Test func helpScrollsToItsLastEntryAndUsesTheWidth() {
        let drills = (1...12).map { ("drill-\($0) ARG", "a demo drill number \($0)") }
        var state = ConsoleState()
        _ = state.handle(.character("?"), rows: [], pageSize: 10)
        let context = RenderContext(glyphs: .unicode, clock: "12:00:00", extraCommands: drills)
        let lines = HelpScreen.lineCount(width: 80, height: 24, extraCommands: drills)
        #expect(lines > 20, "more rows than an 80x24 screen shows")
        let top = ConsoleView.render(FleetFixture.snapshot, state: state, context: context, width: 80, height: 24).text
        #expect(top.contains("j/k scroll") && !top.contains(":drill-12 ARG"))
        _ = state.handle(.character("G"), rows: rowNames(lines), pageSize: 10)
        let bottom = ConsoleView.render(FleetFixture.snapshot, state: state, context: context, width: 80, height: 24).text
        #expect(bottom.contains(":drill-12 ARG") && bottom.contains("a demo drill number 12"), "\(bottom)")
        #expect(HelpScreen.layout(width: 200, visibleRows: 10, entries: 40).columns == 4, "wide screens get more columns")
        #expect(HelpScreen.layout(width: 200, visibleRows: 40, entries: 40).columns == 1, "as few as show every entry")
    }

    @Test func theCommandPromptShowsTheEndOfALongLine() {
        var state = ConsoleState()
        _ = state.handle(.character(":"), rows: [], pageSize: 1)
        let long = "weight be_app/app-server-with-a-very-long-name-number-0042 " + String(repeating: "x", count: 40) + " END"
        for character in long { _ = state.handle(.character(character), rows: [], pageSize: 1) }
        let bar = String(ConsoleView.render(FleetFixture.snapshot, state: state, context: context, width: 80, height: 24).text.split(separator: "\n").last!)
        #expect(bar.hasSuffix("x END_"), "\(bar)")
        #expect(bar.columns <= 80)
    }
}
