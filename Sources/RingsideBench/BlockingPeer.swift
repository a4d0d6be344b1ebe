import Foundation

/// The leanest client that does the same job as ringside's poller, as the peer the CPU figure is set against:
/// one thread, blocking sockets, one `stats` round trip per endpoint per second, and no parsing at all.
struct BlockingPeer {
    let descriptors: [Int32]

    init(ports: [Int]) throws {
        descriptors = try ports.map { port in
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            let connected = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            guard connected else { throw CocoaError(.fileReadUnknown) }
            return fd
        }
    }

    /// Polls every endpoint once a second for `seconds`, and returns the CPU seconds that took.
    func run(seconds: Int) -> Double {
        let request = Array("stats\r\n".utf8)
        var buffer = [UInt8](repeating: 0, count: 65536)
        let before = processCPUSeconds()
        let clock = ContinuousClock()
        var next = clock.now
        for _ in 0..<seconds {
            for fd in descriptors {
                _ = write(fd, request, request.count)
                var total = 0
                repeat {
                    let count = read(fd, &buffer[total], buffer.count - total)
                    if count <= 0 { break }
                    total += count
                } while !(total >= 5 && buffer[total - 5] == UInt8(ascii: "E") && buffer[total - 2] == 13)
            }
            next = next + .seconds(1)
            Thread.sleep(forTimeInterval: max(0, clock.now.duration(to: next).secondsDouble))
        }
        return processCPUSeconds() - before
    }

    func close() { descriptors.forEach { _ = Glibc.close($0) } }
}
