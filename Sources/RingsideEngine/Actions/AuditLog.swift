import Foundation
import RingsideCore
#if canImport(Glibc)
import Glibc
#endif

/// The append-only record of every action: one JSON line per phase, appended with `O_APPEND` and fsynced before
/// the action goes on, so a crash never loses a line that was written, and never corrupts an earlier one.
public struct AuditLog: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// `$XDG_STATE_HOME/ringside/audit.jsonl`, else `~/.local/state/ringside/audit.jsonl`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let state = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state"
        return state + "/ringside/audit.jsonl"
    }

    public struct WriteError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot write the audit log \(path): \(reason)" }
    }

    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// Appends one line and fsyncs it. The directory is created private (0700), the file 0600.
    public func append(_ record: AuditRecord) throws(WriteError) {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw WriteError(path: path, reason: "\(error.localizedDescription)")
        }
        let line: Data
        do {
            line = try Self.encoder.encode(record) + Data("\n".utf8)
        } catch {
            throw WriteError(path: path, reason: "\(error)")
        }
        let file = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard file >= 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(file) }
        // One write of the whole line: with O_APPEND it lands after every earlier line, never in between.
        let written = line.withUnsafeBytes { write(file, $0.baseAddress, $0.count) }
        guard written == line.count else { throw WriteError(path: path, reason: written < 0 ? String(cString: strerror(errno)) : "short write") }
        guard fsync(file) == 0 else { throw WriteError(path: path, reason: "fsync: \(String(cString: strerror(errno)))") }
    }

    /// Every record, oldest first, and a note per line that is not one (a line torn by a crash or a full disk).
    public func read() throws -> (records: [AuditRecord], problems: [String]) {
        guard FileManager.default.fileExists(atPath: path) else { return ([], []) }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var records: [AuditRecord] = [], problems: [String] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            do {
                records.append(try decoder.decode(AuditRecord.self, from: Data(line.utf8)))
            } catch {
                problems.append("\(path):\(number + 1): not an audit record (\(line.count) bytes, starting '\(line.prefix(40))')")
            }
        }
        return (records, problems)
    }
}
