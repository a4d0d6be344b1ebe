import Testing
@testable import RingsideCore

/// Client-side rings are changed in the fleet file itself: only the member's weight moves, comments stay.
@Suite struct FleetFileEditTests {
    /// The weight the parsed fleet file gives a member of ring `php`.
    static func weight(_ text: String, _ member: String) throws -> Int? {
        guard case let .members(_, members) = try FleetFile.parse(text, file: "f.yaml").rings[0].source else { return nil }
        return members.first { $0.name == member }?.weight
    }

    static let file = """
        fleet: t   # the test fleet
        nodes:
          - { name: mc-1, kind: memcached, address: 10.0.0.1:11211 }
        rings:
          - name: php                  # PHP's libmemcached ring
            scheme: libmemcached
            members:
              - { node: mc-1 }         # no weight yet
              - { name: mc-9, address: 10.0.0.9:11211, weight: 2 }
              - name: mc-10
                address: 10.0.0.10:11211
        """

    @Test func aFlowMemberWithAWeightChangesOnlyThatNumber() throws {
        let edit = try FleetFileEdit.settingMemberWeight(in: Self.file, path: "f.yaml", ring: "php", member: "mc-9", to: 5)
        #expect(edit.oldWeight == 2 && edit.lineNumber == 9)
        #expect(edit.text == Self.file.replacingOccurrences(of: "weight: 2 }", with: "weight: 5 }"))
        #expect(try Self.weight(edit.text, "mc-9") == 5)
    }

    @Test func aFlowMemberWithoutOneGetsAWeightBeforeItsBrace() throws {
        let edit = try FleetFileEdit.settingMemberWeight(in: Self.file, path: "f.yaml", ring: "php", member: "mc-1", to: 3)
        #expect(edit.text.contains("      - { node: mc-1, weight: 3 }         # no weight yet"), "\(edit.text)")
        #expect(try Self.weight(edit.text, "mc-1") == 3)
    }

    @Test func aBlockMemberGetsAWeightLineAtItsIndentation() throws {
        let edit = try FleetFileEdit.settingMemberWeight(in: Self.file, path: "f.yaml", ring: "php", member: "mc-10", to: 4)
        #expect(edit.text.contains("      - name: mc-10\n        weight: 4\n        address: 10.0.0.10:11211"), "\(edit.text)")
        #expect(try Self.weight(edit.text, "mc-10") == 4)
        #expect(edit.text.contains("# PHP's libmemcached ring") && edit.text.contains("# the test fleet"))
    }

    /// Seen through the command line: the weight went into the last entry of a line with two.
    @Test func flowEntriesSharingALineEachGetTheirOwnWeight() throws {
        let text = "nodes:\n  - { name: mc-1, kind: memcached, address: 10.0.0.1:11211 }\nrings:\n  - { name: php, scheme: libmemcached, members: [{ node: mc-1 }, { name: mc-9, address: 10.0.0.9:11211, weight: 3 }] }\n"
        let edit = try FleetFileEdit.settingMemberWeight(in: text, path: "f.yaml", ring: "php", member: "mc-1", to: 2)
        #expect(edit.text.contains("[{ node: mc-1, weight: 2 }, { name: mc-9, address: 10.0.0.9:11211, weight: 3 }]"), "\(edit.text)")
        #expect(try Self.weight(edit.text, "mc-1") == 2 && Self.weight(edit.text, "mc-9") == 3)
    }

    @Test func unknownRingsAndMembersAreNamed() {
        #expect(throws: ActionError("f.yaml declares no ring 'web'")) { try FleetFileEdit.settingMemberWeight(in: Self.file, path: "f.yaml", ring: "web", member: "x", to: 1) }
        #expect(throws: ActionError("ring 'php' in f.yaml has no member 'mc-7'")) {
            try FleetFileEdit.settingMemberWeight(in: Self.file, path: "f.yaml", ring: "php", member: "mc-7", to: 1)
        }
    }
}
