import Foundation
import RingsideCore
#if canImport(Glibc)
import Glibc
#endif

/// The append-only record of every action, one JSON line per action, appended with `O_APPEND` and fsynced, so
/// a crash never loses a line that was written and never corrupts an earlier one.
///
/// An action is recorded before its first command too: `begin` puts its planned record in `<log>.inflight/`
/// (written whole, fsynced, renamed into place), `finish` appends the outcome and removes it. A record left there
/// by a process that is gone (a crash, `kill -9`, a power cut) becomes its line, `interrupted`, the next time the
/// log is read or an action begins: so the log still holds one line per action, and none is lost.
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

    /// Where the records of actions under way wait.
    public var inFlightDirectory: String { path + ".inflight" }

    /// An action's planned record, and the process that is carrying it out.
    struct InFlight: Codable {
        var pid: Int32
        var record: AuditRecord
    }

    /// Records `planned` as under way (turning the records of processes that are gone into lines first).
    public func begin(_ planned: AuditRecord) throws(WriteError) {
        try createDirectory(inFlightDirectory)
        _ = recoverInterrupted()
        let file = inFlightDirectory + "/\(planned.id).json", partial = file + ".partial"
        try writeSynced(try encode(InFlight(pid: getpid(), record: planned)), to: partial, flags: O_TRUNC)
        guard rename(partial, file) == 0 else { throw WriteError(path: file, reason: String(cString: strerror(errno))) }
        syncDirectory(inFlightDirectory)
    }

    /// Appends the action's line and clears its in-flight record.
    public func finish(_ record: AuditRecord) throws(WriteError) {
        try append(record)
        unlink(inFlightDirectory + "/\(record.id).json")
    }

    /// Appends one line and fsyncs it. The directory is created private (0700), the file 0600.
    public func append(_ record: AuditRecord) throws(WriteError) {
        try createDirectory((path as NSString).deletingLastPathComponent)
        try writeSynced(try encode(record) + Data("\n".utf8), to: path, flags: O_APPEND)
    }

    /// Writes the in-flight records of processes that are no longer running as `interrupted` lines (once: a
    /// record whose line is already in the log, from a crash between the two steps of `finish`, is only cleared).
    /// Returns why a record could not be recovered, if one could not.
    @discardableResult
    public func recoverInterrupted() -> [String] {
        let files = inFlightFiles()
        guard !files.isEmpty else { return [] }
        var problems: [String] = []
        let logged = Set(((try? readLines().records) ?? []).map(\.id))
        for (file, inFlight) in files {
            guard let inFlight else {
                problems.append("\(file): not an in-flight audit record; left in place")
                continue
            }
            // Still under way: in this process or another ringside.
            if Self.isRunning(inFlight.pid) { continue }
            if !logged.contains(inFlight.record.id) {
                var record = inFlight.record
                record.result = .interrupted
                record.endpoints = record.endpoints.map { endpoint in
                    var endpoint = endpoint
                    endpoint.result = .interrupted
                    endpoint.detail += "; ringside (pid \(inFlight.pid)) stopped before it recorded the outcome: read the server to see what it did"
                    return endpoint
                }
                do throws(WriteError) {
                    try append(record)
                } catch {
                    problems.append("\(error)")
                    continue
                }
            }
            unlink(file)
        }
        return problems
    }

    /// The planned records of actions under way now, in this process or another ringside (a warm started from
    /// another terminal).
    public func underWay() -> [AuditRecord] {
        inFlightFiles().compactMap { _, inFlight in inFlight.flatMap { Self.isRunning($0.pid) ? $0.record : nil } }
    }

    /// Each in-flight file, oldest name first, with its record (`nil`: it does not read as one).
    private func inFlightFiles() -> [(file: String, record: InFlight?)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: inFlightDirectory) else { return [] }
        return names.sorted().filter { $0.hasSuffix(".json") }.map { name in
            let file = inFlightDirectory + "/" + name
            return (file, FileManager.default.contents(atPath: file).flatMap { try? Self.decoder.decode(InFlight.self, from: $0) })
        }
    }

    private static func isRunning(_ pid: Int32) -> Bool { kill(pid, 0) == 0 || errno == EPERM }

    /// Every record, oldest first (interrupted actions written first), and a note per line that is not one (a line
    /// torn by a crash or a full disk).
    public func read() throws -> (records: [AuditRecord], problems: [String]) {
        let recovery = recoverInterrupted()
        let (records, problems) = try readLines()
        return (records, recovery + problems)
    }

    /// Every line as it stands, writing nothing: for readers such as `status`, which must not change the log.
    public func recorded() throws -> (records: [AuditRecord], problems: [String]) { try readLines() }

    private func readLines() throws -> (records: [AuditRecord], problems: [String]) {
        guard FileManager.default.fileExists(atPath: path) else { return ([], []) }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let decoder = Self.decoder
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

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    private func encode(_ value: some Encodable) throws(WriteError) -> Data {
        do {
            return try Self.encoder.encode(value)
        } catch {
            throw WriteError(path: path, reason: "\(error)")
        }
    }

    private func createDirectory(_ directory: String) throws(WriteError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw WriteError(path: directory, reason: "\(error.localizedDescription)")
        }
    }

    /// One write of the whole of `data` (with O_APPEND it lands after every earlier line, never in between), then fsync.
    private func writeSynced(_ data: Data, to file: String, flags: Int32) throws(WriteError) {
        let descriptor = open(file, O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0o600)
        guard descriptor >= 0 else { throw WriteError(path: file, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == data.count else { throw WriteError(path: file, reason: written < 0 ? String(cString: strerror(errno)) : "short write") }
        guard fsync(descriptor) == 0 else { throw WriteError(path: file, reason: "fsync: \(String(cString: strerror(errno)))") }
    }

    /// So that a rename into the directory survives a power cut.
    private func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}
