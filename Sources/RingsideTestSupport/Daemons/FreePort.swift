import Synchronization
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A TCP port on 127.0.0.1 that is free right now, from 20000–32767: below Linux's ephemeral range (32768+), so
/// it is never one the kernel just handed out for `bind(0)` or as a connection's source port. (Tests run in
/// parallel: a port a killed server released must not go to another test's daemon before it restarts.)
///
/// A port is handed out once per test process: tests starting servers in parallel would otherwise both see the
/// same port free, and HAProxy (which binds with SO_REUSEPORT) would happily share it.
public func freeLoopbackPort() -> Int {
    for _ in 0..<1000 {
        let port = Int.random(in: 20_000...32_767)
        if canBind(port: port), handedOutPorts.withLock({ $0.insert(port).inserted }) { return port }
    }
    preconditionFailure("no free loopback port in 20000-32767")
}

private let handedOutPorts = Mutex<Set<Int>>([])

private func canBind(port: Int, host: String = "127.0.0.1") -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr(host)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    return withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}

/// Whether something accepts TCP connections on `host`:`port` now.
public func isListening(port: Int, host: String = "127.0.0.1") -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr(host)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    return withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}
