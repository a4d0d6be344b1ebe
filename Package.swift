// swift-tools-version:6.2
import PackageDescription

/// Layers, from the bottom up:
/// - `RingsideCore`: pure model and math (metrics, fleet config, balancer models). No I/O.
/// - `RingsideWire`: one client per protocol; every parser is a pure function over bytes.
/// - `RingsideEngine`: pollers, health, fleet snapshots and reports.
/// - `RingsideTerminal`: the console; views draw into an in-memory canvas, and only its backend imports ncurses.
/// - `ringside`: the thin executable.
/// `RingsideDemo` is the living fleet behind `ringside demo` (simulated servers speaking the real protocols).
/// `RingsideTestSupport` (real daemons, fake servers, traffic) serves the tests and `ringside-bench`.

/// Nonisolated async functions run on their caller's executor (SE-0461), so a poll that starts on an endpoint's
/// event loop stays there instead of hopping to the global pool at every call.
let swiftSettings: [SwiftSetting] = [.enableUpcomingFeature("NonisolatedNonsendingByDefault")]

let nio: [Target.Dependency] = [.product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")]

let package = Package(
    name: "ringside",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ringside", targets: ["ringside"]),
        .executable(name: "ringside-bench", targets: ["RingsideBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
    ],
    targets: [
        .target(
            name: "RingsideCore",
            dependencies: [
                .product(name: "Collections", package: "swift-collections"), .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "RingsideWire", dependencies: ["RingsideCore", .product(name: "DequeModule", package: "swift-collections")] + nio,
            swiftSettings: swiftSettings),
        .target(
            name: "RingsideEngine",
            dependencies: [
                "RingsideCore", "RingsideWire", .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ] + nio,
            swiftSettings: swiftSettings),
        .systemLibrary(name: "CNCurses", providers: [.apt(["libncurses-dev"])]),
        .target(name: "RingsideTerminal", dependencies: ["RingsideCore", "RingsideEngine", "CNCurses"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "ringside",
            dependencies: [
                "RingsideCore", "RingsideEngine", "RingsideTerminal", "RingsideDemo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .target(name: "RingsideDemo", dependencies: ["RingsideCore", "RingsideWire"] + nio, swiftSettings: swiftSettings),
        .target(name: "RingsideTestSupport", dependencies: ["RingsideCore", "RingsideWire"] + nio, swiftSettings: swiftSettings),
        /// The ring benchmark's peer: a libketama-style build in C with OpenSSL (libssl-dev).
        .target(name: "CKetamaPeer", linkerSettings: [.linkedLibrary("crypto")]),
        .executableTarget(
            name: "RingsideBench",
            dependencies: [
                "RingsideCore", "RingsideWire", "RingsideEngine", "RingsideTerminal", "RingsideTestSupport", "CKetamaPeer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ] + nio,
            swiftSettings: swiftSettings),
        .testTarget(name: "RingsideCoreTests", dependencies: ["RingsideCore", "RingsideTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RingsideWireTests", dependencies: ["RingsideWire", "RingsideTestSupport"], resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings),
        .testTarget(name: "RingsideDemoTests", dependencies: ["RingsideDemo", "RingsideEngine", "RingsideWire", "RingsideTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "RingsideEngineTests", dependencies: ["RingsideEngine", "RingsideTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "RingsideTerminalTests", dependencies: ["RingsideTerminal", "RingsideWire"], exclude: ["__Snapshots__"], swiftSettings: swiftSettings),
        .testTarget(name: "ringsideTests", dependencies: ["RingsideTestSupport", "RingsideTerminal", "RingsideWire", "ringside"], swiftSettings: swiftSettings),
    ]
)
