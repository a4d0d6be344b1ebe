import Foundation
import NIOCore
import NIOPosix

/// An HAProxy 2.6 Runtime API on TCP over the simulated balancer, for what ringside uses: `prompt`,
/// `set severity-output`, `show info`, `show stat`, `show servers state`, `set server … state|weight`. Without
/// `prompt` it answers one line and closes, as HAProxy does; unknown commands get HAProxy's "Unknown command".
enum SimulatedHAProxyServer {
    static func start(balancer: SimulatedBalancer, started: Date, clock: @escaping @Sendable () -> Double) async throws -> Listener {
        try await Listener.start { RuntimeAPISession(balancer: balancer, started: started, clock: clock) }
    }
}

private final class RuntimeAPISession: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let balancer: SimulatedBalancer
    let started: Date
    let clock: @Sendable () -> Double
    private var pending: [UInt8] = []
    private var prompt = false

    init(balancer: SimulatedBalancer, started: Date, clock: @escaping @Sendable () -> Double) {
        self.balancer = balancer
        self.started = started
        self.clock = clock
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        var reply = ""
        var close = false
        while let end = pending.firstIndex(of: 10) {
            let line = String(decoding: pending[..<end], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            pending.removeFirst(end + 1)
            if line == "prompt" {
                prompt = true
                reply += "\n> "
                continue
            }
            reply += answer(line) + (prompt ? "\n> " : "\n")
            if !prompt {
                close = true
                break
            }
        }
        guard !reply.isEmpty else { return }
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let closeAfterwards = close
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: reply))).whenComplete { _ in
            if closeAfterwards { loopBound.value.close(promise: nil) }
        }
    }

    private func answer(_ line: String) -> String {
        let words = line.split(separator: " ").map(String.init)
        switch words.prefix(2).joined(separator: " ") {
        case "set severity-output": return ""
        case "show info":
            return "Name: HAProxy\nVersion: 2.6.12-ringside-demo\nPid: 5001\nUptime_sec: \(Int(Date().timeIntervalSince(started)))\n"
                + "Start_time_sec: \(Int(started.timeIntervalSince1970))\n"
        case "show stat": return showStat()
        case "show servers": return serversState()
        case "set server": return balancer.set(words, now: clock())
        default: return "Unknown command. Please enter one of the following commands only:\n  help           : this message\n  prompt         : toggle interactive mode with prompt\n"
        }
    }

    private func showStat() -> String {
        let backends = balancer.backends.withLock { $0 }
        let header = "# pxname,svname,qcur,scur,stot,status,weight,act,bck,lastchg,downtime,iid,sid,type,rate,check_status,req_tot,last_chk,addr,algo,uweight,"
        var rows = [header]
        let now = clock()
        for (index, backend) in backends.enumerated() {
            for server in backend.servers {
                let weight = server.admin == "maint" ? server.initialWeight : server.userWeight
                rows.append(
                    "\(backend.name),\(server.name),0,0,\(server.totalSessions),\(server.status),\(weight),1,0,\(Int(now - server.lastChange)),0,"
                        + "\(index + 2),\(server.sid),2,\(server.rate),,\(server.totalSessions),,10.0.2.\(server.sid):8080,,\(server.userWeight),")
            }
            let total = backend.servers.filter(\.usable).map(\.userWeight).reduce(0, +)
            rows.append(
                "\(backend.name),BACKEND,0,0,\(backend.servers.map(\.totalSessions).reduce(0, +)),\(total > 0 ? "UP" : "DOWN"),\(total),"
                    + "\(backend.servers.count),0,0,0,\(index + 2),0,1,\(backend.servers.map(\.rate).reduce(0, +)),,,,,\(backend.algorithm),\(total),")
        }
        return rows.joined(separator: "\n") + "\n"
    }

    private func serversState() -> String {
        let backends = balancer.backends.withLock { $0 }
        var rows = ["1", "# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change"]
        for (index, backend) in backends.enumerated() {
            for server in backend.servers {
                let admin = server.admin == "maint" ? 1 : server.admin == "drain" ? 8 : 0
                rows.append("\(index + 2) \(backend.name) \(server.sid) \(server.name) 10.0.2.\(server.sid) 2 \(admin) \(server.userWeight) \(server.initialWeight) 0")
            }
        }
        return rows.joined(separator: "\n") + "\n"
    }
}
