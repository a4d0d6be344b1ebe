import Foundation
import Testing
import RingsideTerminal

/// Compares a frame with `__Snapshots__/<name>.txt` (text, then the slot letters of every cell). A missing file,
/// or `SNAPSHOT_RECORD=1`, writes it and records an issue, so a new golden file fails once and is then checked.
func assertSnapshot(_ canvas: Canvas, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("__Snapshots__")
    let file = directory.appendingPathComponent("\(name).txt")
    let actual = canvas.text + "\n--- slots ---\n" + canvas.slots + "\n"
    let recording = ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] == "1"
    guard !recording, let expected = try? String(contentsOf: file, encoding: .utf8) else {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try actual.write(to: file, atomically: true, encoding: .utf8)
        Issue.record("recorded \(file.lastPathComponent); check it and run the tests again", sourceLocation: sourceLocation)
        return
    }
    if actual != expected {
        let differences = zip(actual.split(separator: "\n", omittingEmptySubsequences: false), expected.split(separator: "\n", omittingEmptySubsequences: false))
            .enumerated().filter { $0.element.0 != $0.element.1 }.prefix(5)
            .map { "line \($0.offset + 1):\n  got      \($0.element.0)\n  expected \($0.element.1)" }
        Issue.record("\(name) differs from its golden file:\n\(differences.joined(separator: "\n"))", sourceLocation: sourceLocation)
    }
}
