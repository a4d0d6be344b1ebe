import Foundation
import RingsideCore

/// Actions as the command line prints them: the preview before, the outcome after.
public enum ActionText {
    public static func preview(_ preview: ActionPreview) -> String {
        if let edit = preview.fleetFileEdit {
            var text = "\(preview.action.summary)\n"
            text += "    now     \(edit.path):\(edit.lineNumber): \(edit.oldLine.trimmingLeadingSpaces)\n"
            for line in edit.newLine.split(separator: "\n") { text += "    write   \(line.trimmingLeadingSpaces)   (a timestamped backup first)\n" }
            for warning in preview.allWarnings { text += "  warning: \(warning)\n" }
            return text
        }
        if let change = preview.configChange {
            let edit = change.edit
            var text = "\(preview.action.summary) on \(change.balancer) (\(change.statsAddress))\n"
            text += "    now     \(edit.path):\(edit.lineNumber): \(edit.oldLine.trimmingLeadingSpaces)\n"
            text += edit.removes
                ? "    write   the file without that line   (a timestamped backup first)\n"
                : "    write   \(edit.newLine.trimmingLeadingSpaces)   (a timestamped backup first)\n"
            text += "    run     \(change.applyCommand)\n"
            text += edit.removes
                ? "    expect  pool \(edit.pool) served again without \(edit.server)\n"
                : "    expect  pool \(edit.pool) served again, \(edit.server) weight \(edit.oldWeight) → \(edit.newWeight)\n"
            for warning in preview.allWarnings { text += "  warning: \(warning)\n" }
            return text
        }
        let count = preview.members.count
        var text = "\(preview.action.summary) on \(count) balancer\(count == 1 ? "" : "s")\n"
        for member in preview.members {
            text += "  \(member.endpoint) (\(member.address))\n"
            if let before = member.before { text += "    now     \(before.summary)\n" }
            if let problem = member.problem {
                text += "    cannot  \(problem)\n"
                continue
            }
            if member.alreadyInEffect {
                text += "    already as asked: nothing to send\n"
                continue
            }
            for command in member.commands { text += "    send    \(command.line)\n" }
            if let expected = member.expected { text += "    expect  \(expected.intent)\n" }
        }
        for warning in preview.allWarnings { text += "  warning: \(warning)\n" }
        return text
    }

    public static func report(_ report: ActionReport) -> String {
        var text = ""
        for member in report.members {
            for sent in member.sent {
                let answer = sent.reply.map { $0.isEmpty ? "ok" : "'\($0)'" } ?? "no answer (\(sent.failure ?? "?"))"
                text += "  \(member.endpoint): \(sent.command) → \(answer)\n"
            }
            text += "  \(member.endpoint): \(member.result.rawValue): \(member.detail)\n"
        }
        text += "\(report.result.rawValue): \(report.action.summary) (\(Format.milliseconds(report.duration.secondsDouble * 1000)))\n"
        return text
    }
}

extension ServerActionState {
    /// What an action asks for: the operator's state and the weight (status and sessions are HAProxy's to say).
    public var intent: String { "\(adminState.statusWord), weight \(userWeight) (initial \(initialWeight))" }
}

/// `ringside.action/1`: the preview, and a report per step executed (one; drain, maint for `--then-maint`).
public enum ActionOutput {
    struct Document: Encodable {
        var schema = "ringside.action/1"
        var preview: ActionPreview
        var reports: [ActionReport]
    }

    public static func json(preview: ActionPreview, reports: [ActionReport]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(Document(preview: preview, reports: reports)), as: UTF8.self)
    }
}
