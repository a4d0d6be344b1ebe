import Foundation
import NIOCore
import NIOPosix

/// A twemproxy stats port over the simulated pool: on connect it writes one JSON document, as nutcracker 0.5.0
/// does, and closes.
enum SimulatedTwemproxyServer {
    static func start(pool: String, nodes: [SimulatedNode], started: Date) async throws -> Listener {
        try await Listener.start { StatsDocumentWriter { document(pool: pool, nodes: nodes, started: started) } }
    }

    static func document(pool: String, nodes: [SimulatedNode], started: Date) -> [UInt8] {
        let now = Date()
        var servers: [String] = []
        for node in nodes {
            let state = node.state.withLock { $0 }
            servers.append(
                "\"\(node.name)\": {\"server_eof\":0, \"server_err\":0, \"server_timedout\":0, \"server_connections\":\(state.alive ? 1 : 0), "
                    + "\"server_ejected_at\":0, \"requests\":\(state.proxiedRequests), \"request_bytes\":0, \"responses\":\(state.proxiedRequests), "
                    + "\"response_bytes\":0, \"in_queue\":0, \"in_queue_bytes\":0, \"out_queue\":0, \"out_queue_bytes\":0}")
        }
        let json = "{\"service\":\"nutcracker\", \"source\":\"ringside-demo\", \"version\":\"0.5.0\", "
            + "\"uptime\":\(Int(now.timeIntervalSince(started))), \"timestamp\":\(Int(now.timeIntervalSince1970)), "
            + "\"total_connections\":1, \"curr_connections\":1, \"\(pool)\": {\"client_eof\":0, \"client_err\":0, "
            + "\"client_connections\":\(nodes.count), \"server_ejects\":0, \"forward_error\":0, \"fragments\":0, "
            + servers.joined(separator: ",") + "}}\n"
        return Array(json.utf8)
    }
}

/// Writes the stats document as soon as a client connects, then closes: the client sends nothing.
private final class StatsDocumentWriter: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let document: @Sendable () -> [UInt8]

    init(_ document: @escaping @Sendable () -> [UInt8]) {
        self.document = document
    }

    func channelActive(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: document()))).whenComplete { _ in
            loopBound.value.close(promise: nil)
        }
    }
}
