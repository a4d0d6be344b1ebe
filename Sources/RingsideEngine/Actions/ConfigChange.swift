import Foundation
import RingsideCore
import RingsideWire
import Subprocess
#if canImport(Glibc)
import Glibc
#endif

extension ActionRunner {
    /// Rewrites the nutcracker config (one server line; a timestamped backup first; the new file written beside it,
    /// fsynced and renamed over it, so a reader never sees half a file), runs the balancer's apply command, and
    /// reads its stats port until the pool serves again. Both the write and the command ask the gate first.
    func applyConfigChange(_ change: ConfigChangePlan) async -> MemberOutcome {
        let edit = change.edit
        var sent: [SentCommand] = []
        func outcome(_ result: ActionResult, _ detail: String) -> MemberOutcome {
            MemberOutcome(endpoint: change.balancer, address: change.statsAddress, sent: sent, before: nil, expected: nil, after: nil, result: result, detail: detail)
        }
        let rewrite = edit.removes
            ? "rewrite \(edit.path): remove line \(edit.lineNumber) '\(edit.oldLine.trimmingLeadingSpaces)'"
            : "rewrite \(edit.path):\(edit.lineNumber) '\(edit.oldLine.trimmingLeadingSpaces)' → '\(edit.newLine.trimmingLeadingSpaces)'"
        do throws(ReadOnlyRefusal) {
            try gate.permit(rewrite)
        } catch {
            return outcome(.refused, error.description)
        }
        let backup: String
        let rewritten = Self.rewriteUnchanged(edit.path, line: edit.lineNumber, was: edit.oldLine, keeping: "the config") { current in
            (try? edit.removes
                ? NutcrackerEdit.removingServer(in: current, path: edit.path, pool: edit.pool, server: edit.server)
                : NutcrackerEdit.settingWeight(in: current, path: edit.path, pool: edit.pool, server: edit.server, to: edit.newWeight))
                .map { ($0.text, $0.lineNumber, $0.oldLine) }
        }
        switch rewritten {
        case let .success(path): backup = path
        case let .failure(reason): return outcome(.notApplied, reason.description)
        }
        sent.append(SentCommand(command: "\(rewrite) (backup \(backup))", reply: "", failure: nil, sentAt: Date()))
        do throws(ReadOnlyRefusal) {
            try gate.permit(change.applyCommand)
        } catch {
            return outcome(.refused, error.description)
        }
        let ranAt = Date()
        do {
            let result = try await Subprocess.run(
                .path("/bin/sh"), arguments: ["-c", change.applyCommand], output: .string(limit: 65_536), error: .string(limit: 65_536))
            let words = (result.standardOutput + result.standardError).trimmingCharacters(in: .whitespacesAndNewlines)
            let status = "\(result.terminationStatus)"
            sent.append(SentCommand(command: "/bin/sh -c \(change.applyCommand)", reply: "\(status)\(words.isEmpty ? "" : ": \(words)")", failure: nil, sentAt: ranAt))
            guard result.terminationStatus.isSuccess else {
                return outcome(.notApplied, "the config is rewritten (backup \(backup)) but the apply command ended \(status): \(words.isEmpty ? "no output" : words); restore with: cp \(backup) \(edit.path)")
            }
        } catch {
            sent.append(SentCommand(command: "/bin/sh -c \(change.applyCommand)", reply: nil, failure: "\(error)", sentAt: ranAt))
            return outcome(.notApplied, "the config is rewritten (backup \(backup)) but the apply command did not run: \(error)")
        }
        return await verifyPoolServes(change, outcome: outcome)
    }

    /// Reads the stats port until it answers with the pool and the server, and the config on disk has the weight.
    private func verifyPoolServes(_ change: ConfigChangePlan, outcome: (ActionResult, String) -> MemberOutcome) async -> MemberOutcome {
        let parts = change.statsAddress.split(separator: ":")
        let deadline = ContinuousClock.now + verifyTimeout
        var last = "the stats port did not answer"
        while ContinuousClock.now < deadline {
            let client = TwemproxyClient(host: String(parts.dropLast().joined(separator: ":")), port: Int(parts.last ?? "") ?? 0, limits: limits, on: group.next())
            do {
                let stats = try await client.poll().get()
                if let pool = stats.pools.first(where: { $0.name == change.edit.pool }) {
                    let listed = pool.servers.contains { $0.name == change.edit.server }
                    if change.edit.removes && !listed {
                        return outcome(.applied, "pool \(change.edit.pool) serves again (uptime \(stats.uptimeSeconds) s) without \(change.edit.server)")
                    }
                    if !change.edit.removes && listed {
                        let onDisk = try? String(contentsOfFile: change.edit.path, encoding: .utf8)
                        let weight = onDisk.flatMap { text in
                            try? NutcrackerEdit.settingWeight(in: text, path: change.edit.path, pool: change.edit.pool, server: change.edit.server, to: 1).oldWeight
                        }
                        guard weight == change.edit.newWeight else { return outcome(.notApplied, "the pool serves, but the config on disk has weight \(weight.map(String.init) ?? "?")") }
                        return outcome(.applied, "pool \(change.edit.pool) serves again (uptime \(stats.uptimeSeconds) s), \(change.edit.server) weight \(change.edit.oldWeight) → \(change.edit.newWeight)")
                    }
                }
                last = change.edit.removes
                    ? "the stats port still lists \(change.edit.pool)/\(change.edit.server)" : "the stats port answers without pool \(change.edit.pool)/\(change.edit.server)"
            } catch {
                last = "the stats port: \(error)"
            }
            try? await Task.sleep(for: verifyEvery)
        }
        return outcome(.notApplied, "rewritten and applied, but after \(DurationText.format(verifyTimeout)) \(last)")
    }

    /// Writes a client-side ring's new weight into the fleet file (backup, temporary file, fsync, rename), asking
    /// the gate first, and reads the file back to verify.
    func applyFleetFileEdit(_ edit: FleetFileEdit) async -> MemberOutcome {
        var sent: [SentCommand] = []
        func outcome(_ result: ActionResult, _ detail: String) -> MemberOutcome {
            MemberOutcome(endpoint: "fleet file", address: edit.path, sent: sent, before: nil, expected: nil, after: nil, result: result, detail: detail)
        }
        let rewrite = "rewrite \(edit.path):\(edit.lineNumber) ring \(edit.ring) member \(edit.member) weight \(edit.oldWeight) → \(edit.newWeight)"
        do throws(ReadOnlyRefusal) {
            try gate.permit(rewrite)
        } catch {
            return outcome(.refused, error.description)
        }
        let backup: String
        let rewritten = Self.rewriteUnchanged(edit.path, line: edit.lineNumber, was: edit.oldLine, keeping: "the fleet file") { current in
            (try? FleetFileEdit.settingMemberWeight(in: current, path: edit.path, ring: edit.ring, member: edit.member, to: edit.newWeight))
                .map { ($0.text, $0.lineNumber, $0.oldLine) }
        }
        switch rewritten {
        case let .success(path): backup = path
        case let .failure(reason): return outcome(.notApplied, reason.description)
        }
        sent.append(SentCommand(command: "\(rewrite) (backup \(backup))", reply: "", failure: nil, sentAt: Date()))
        let reread = (try? String(contentsOfFile: edit.path, encoding: .utf8)).flatMap { try? FleetFile.parse($0, file: edit.path) }
        let declared = reread?.rings.first { $0.name == edit.ring }
        guard case let .members(_, members)? = declared?.source, members.first(where: { $0.name == edit.member })?.weight == edit.newWeight else {
            return outcome(.notApplied, "rewritten (backup \(backup)), but the fleet file does not read back with weight \(edit.newWeight); restore with: cp \(backup) \(edit.path)")
        }
        return outcome(.applied, "ring \(edit.ring): \(edit.member) weight \(edit.oldWeight) → \(edit.newWeight) in \(edit.path)")
    }

    struct FileError: Error, CustomStringConvertible {
        var description: String
    }

    /// Makes the edit again from the file as it is now and writes it (`replaceAtomically`), unless the line the
    /// preview changed is no longer what it read: someone else's edit in between is never overwritten. Returns the
    /// backup's path, or why nothing was written (`what` names the file in the reason).
    static func rewriteUnchanged(
        _ path: String, line: Int, was oldLine: String, keeping what: String, redo: (String) -> (text: String, line: Int, oldLine: String)?
    ) -> Result<String, FileError> {
        guard let current = try? String(contentsOfFile: path, encoding: .utf8), let fresh = redo(current), fresh.oldLine == oldLine, fresh.line == line else {
            return .failure(FileError(description: "\(path) changed since the preview; nothing was written"))
        }
        do {
            return .success(try replaceAtomically(path, with: fresh.text))
        } catch {
            return .failure(FileError(description: "\(error); \(what) is unchanged"))
        }
    }

    /// Copies `path` to a timestamped backup beside it, then writes `text` to a temporary file in the same
    /// directory (same permissions), fsyncs it and renames it over `path`. Returns the backup's path.
    static func replaceAtomically(_ path: String, with text: String) throws -> String {
        // Milliseconds, and a counter on a clash: two changes within a second must not share a backup.
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let stamp = format.string(from: Date()).replacingOccurrences(of: ":", with: "")
        var backup = "\(path).ringside-\(stamp).bak"
        var clash = 1
        while FileManager.default.fileExists(atPath: backup) {
            clash += 1
            backup = "\(path).ringside-\(stamp)-\(clash).bak"
        }
        try FileManager.default.copyItem(atPath: path, toPath: backup)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let temporary = "\(path).ringside-\(UUID().uuidString.prefix(8)).tmp"
        let mode = (attributes[.posixPermissions] as? NSNumber)?.uint16Value ?? 0o644
        let file = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode))
        guard file >= 0 else { throw FileError(description: "cannot write \(temporary): \(String(cString: strerror(errno)))") }
        let data = Array(text.utf8)
        let written = data.withUnsafeBytes { write(file, $0.baseAddress, $0.count) }
        let synced = fsync(file) == 0
        close(file)
        guard written == data.count, synced, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw FileError(description: "cannot replace \(path): \(String(cString: strerror(errno)))")
        }
        return backup
    }
}
