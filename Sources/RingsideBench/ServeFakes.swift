import ArgumentParser
import Foundation
import RingsideTestSupport

/// Child process of `poll`: serves fake memcached endpoints, prints their ports as one line, and exits when its
/// standard input closes.
struct ServeFakes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve-fakes", shouldDisplay: false)

    @Option var count = 1000
    @Option var slowMs = 100

    func run() async throws {
        raiseOpenFileLimit()
        var servers: [FakeServer] = []
        for index in 0..<count {
            let reply: @Sendable (Int, [UInt8]) -> [UInt8] = { request, bytes in
                FakeReplies.memcached(bytes, hits: UInt64(request * 90), misses: UInt64(request * 10))
            }
            servers.append(try await FakeServer(index == 0 ? .delayed(.milliseconds(slowMs), reply) : .reply(reply)))
        }
        FileHandle.standardOutput.write(Data((servers.map { String($0.port) }.joined(separator: " ") + "\n").utf8))
        while readLine() != nil {}
        for server in servers { await server.stop() }
    }
}

/// The `serve-fakes` child, seen from the parent.
final class FakeFleetProcess {
    let ports: [Int]
    private let process = Process()
    private let input = Pipe()

    init(count: Int, slowMs: Int) throws {
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["serve-fakes", "--count", "\(count)", "--slow-ms", "\(slowMs)"]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(10) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            line += chunk
        }
        ports = String(decoding: line, as: UTF8.self).split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard ports.count == count else { throw ValidationError("the fake fleet started \(ports.count) of \(count) endpoints") }
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
