import Foundation

/// A reply captured from a real server (memcached 1.6.18, Redis 7.0.15, HAProxy 2.6.12, nutcracker 0.5.0).
func fixture(_ name: String) throws -> [UInt8] {
    guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: name])
    }
    return Array(try Data(contentsOf: url))
}
