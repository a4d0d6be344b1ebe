import NIOCore

extension SimulatedNode {
    /// Sends a server's reply the way the node's drill says: at once, never (hung), late (slow), or replaced by
    /// bytes that are no cache protocol at all (garbage). Shared by the memcached and Redis servers.
    func deliver(_ reply: [UInt8], on context: ChannelHandlerContext) {
        switch state.withLock({ $0.behaviour }) {
        case .normal:
            context.writeAndFlush(NIOAny(context.channel.allocator.buffer(bytes: reply)), promise: nil)
        case .hang:
            return
        case let .slow(milliseconds):
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: .milliseconds(Int64(milliseconds))) {
                let context = loopBound.value
                context.writeAndFlush(NIOAny(context.channel.allocator.buffer(bytes: reply)), promise: nil)
            }
        case .garbage:
            context.writeAndFlush(NIOAny(context.channel.allocator.buffer(bytes: Array("HTTP/1.1 500 Oops\r\n\r\n\u{1}\u{2}".utf8))), promise: nil)
        }
    }
}
