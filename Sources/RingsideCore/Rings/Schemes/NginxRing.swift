/// nginx `hash $key consistent` (`ngx_http_upstream_hash_module.c`): 160 points per weight unit, each the
/// CRC-32 of `host \0 port` continued with the previous point's four little-endian bytes.
enum NginxRing {
    static let pointsPerWeight = 160

    static func build(_ members: [RingMember]) -> RingBuilder.Built {
        let nodes = RingBuilder.nodes(members, hashedAs: { hostAndPort($0.address ?? $0.name).display }) { _, member in
            member.weight * pointsPerWeight
        }
        // A `down` server keeps its points; lookups step past them, so only in-service members count as live.
        guard nodes.contains(where: \.inService) else { return .init(nodes: nodes, layout: .empty, keyHasher: .crc32) }
        var packed: [UInt64] = []
        for (index, member) in members.enumerated() where member.weight > 0 {
            let server = hostAndPort(member.address ?? member.name)
            var base = CRC32()
            base.update(Array(server.host.utf8) + [0] + Array(server.port.utf8))
            var previous: UInt32 = 0
            for _ in 0..<(member.weight * pointsPerWeight) {
                var crc = base
                withUnsafeBytes(of: previous.littleEndian) { crc.update($0) }
                previous = crc.finalized
                packed.append(UInt64(previous) << 32 | UInt64(index))
            }
        }
        let sorted = SortedPoints<UInt32>(packed: &packed)
        return .init(nodes: nodes, layout: .successor32(skippingOutOfService(sorted, members)), keyHasher: .crc32)
    }

    /// nginx splits the `server` text at its last colon when a number follows; `unix:` sockets have no port.
    static func hostAndPort(_ text: String) -> (host: String, port: String, display: String) {
        if text.hasPrefix("unix:") { return (String(text.dropFirst(5)), "", text.dropFirst(5) + "\\0") }
        if let colon = text.lastIndex(of: ":"), !text[text.index(after: colon)...].isEmpty,
           text[text.index(after: colon)...].allSatisfy(\.isASCII), text[text.index(after: colon)...].allSatisfy(\.isNumber) {
            let host = String(text[..<colon]), port = String(text[text.index(after: colon)...])
            return (host, port, "\(host)\\0\(port)")
        }
        return (text, "", text + "\\0")
    }

    /// Points of `down` members hand their keys to the next point whose member is up, as nginx's lookup does.
    private static func skippingOutOfService(_ points: SortedPoints<UInt32>, _ members: [RingMember]) -> SortedPoints<UInt32> {
        guard members.contains(where: { !$0.inService }) else { return points }
        var owners = points.owners
        guard let lastUp = owners.lastIndex(where: { members[Int($0)].inService }) else { return points }
        var heir = owners[lastUp]
        // Walk backwards twice around the circle so the wrap-around points inherit too.
        for step in 0..<(2 * owners.count) {
            let index = owners.count - 1 - step % owners.count
            if members[Int(points.owners[index])].inService { heir = points.owners[index] } else { owners[index] = heir }
        }
        return SortedPoints(values: points.values, owners: owners)
    }
}
