import Foundation
import RingsideCore
import Testing
@testable import RingsideTerminal

@Suite struct ThemeTests {
    static let themesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("themes")

    func shipped(_ name: String) throws -> Theme {
        let path = Self.themesDirectory.appendingPathComponent("\(name).yaml").path
        return try ThemeFile.parse(String(contentsOfFile: path, encoding: .utf8), file: path)
    }

    @Test(arguments: ["default", "light", "solarized-dark", "high-contrast", "monochrome"])
    func everyShippedThemeParsesAndGivesEverySlotALook(name: String) throws {
        let theme = try shipped(name)
        #expect(theme.name == name)
        for slot in Slot.allCases {
            for depth in [ColorDepth.palette256, .ansi16, .ansi8, .monochrome] {
                let look = theme.resolve(slot, depth: depth)
                #expect((-1...255).contains(look.foreground) && (-1...255).contains(look.background))
                if depth == .ansi16 || depth == .ansi8 { #expect(look.foreground < 16 && look.background < 16) }
                if depth == .ansi8 { #expect(look.foreground < 8 && look.background < 8) }
            }
        }
    }

    @Test func theDefaultFileIsTheBuiltInTheme() throws {
        #expect(try shipped("default") == .builtInDefault)
    }

    @Test func coloursStepDownByDepth() {
        let theme = Theme.builtInDefault
        // #ff5f5f is xterm 203; its 16-colour look is the explicit ansi16 red.
        #expect(theme.resolve(.critical, depth: .palette256) == ResolvedLook(foreground: 203, background: -1, attributes: [.bold]))
        #expect(theme.resolve(.critical, depth: .ansi16).foreground == 1)
        // bright-white on blue becomes white + bold on an 8-colour terminal.
        #expect(theme.resolve(.header, depth: .ansi8) == ResolvedLook(foreground: 7, background: 4, attributes: [.bold]))
        #expect(theme.resolve(.critical, depth: .monochrome) == ResolvedLook(foreground: -1, background: -1, attributes: [.bold, .reverse]))
        var noFallback = Theme(name: "t", looks: [.ok: SlotLook(foreground: .rgb(0, 200, 210))])
        #expect(noFallback.resolve(.ok, depth: .ansi16).foreground == 6, "a hex colour with no ansi16 look steps down to the nearest of 16")
        noFallback.looks[.ok] = SlotLook(foreground: .indexed(196))
        #expect(noFallback.resolve(.ok, depth: .ansi16).foreground == 9)
        #expect(ColorDepth(colors: 256, monochrome: true) == .monochrome)
        #expect(ColorDepth(colors: 8, monochrome: false) == .ansi8)
    }

    @Test(arguments: [
        ("slots:\n  body: {}\n  headr: { fg: red }\n", "t.yaml:3:3: unknown slot 'headr'"),
        ("palette:\n  x: reddish\nslots: {}\n", "t.yaml:2:6: palette 'x': not a colour"),
        ("slots:\n  header: { fg: nope }\n", "t.yaml:2:17: slot 'header': fg 'nope' is not a colour or a palette name"),
        ("slots:\n  header: { attrs: [blink] }\n", "t.yaml:2:21: slot 'header': unknown attribute 'blink'"),
        ("slots:\n  header: { colour: red }\n", "t.yaml:2:13: unknown key 'colour' in slot 'header'"),
        ("name: x\n", "t.yaml:1:1: a theme needs slots"),
    ])
    func aBadThemeNamesFileLineAndSlot(text: String, expected: String) {
        #expect { try ThemeFile.parse(text, file: "t.yaml") } throws: { "\($0)".hasPrefix(expected) }
    }

    @Test func themesAreFoundByNameOrPathAndUnknownNamesAreErrors() throws {
        let environment = ["RINGSIDE_THEME_DIR": Self.themesDirectory.path, "HOME": "/nonexistent"]
        #expect(try ThemeLoader.load("light", environment: environment).name == "light")
        #expect(try ThemeLoader.load(nil, environment: environment.merging(["RINGSIDE_THEME": "monochrome"]) { $1 }).name == "monochrome")
        #expect(try ThemeLoader.load(Self.themesDirectory.appendingPathComponent("high-contrast.yaml").path, environment: environment).name == "high-contrast")
        #expect(try ThemeLoader.load(nil, environment: [:]) == .builtInDefault)
        #expect(throws: ConfigError.self) { try ThemeLoader.load("no-such-theme", environment: environment) }
    }
}
