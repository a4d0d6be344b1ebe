// swift-tools-version:6.0
import PackageDescription

/// Layers, from the bottom up:
/// - `RingsideCore`: pure model and math (metrics, fleet config, balancer models). No I/O.
/// - `RingsideWire`: one client per protocol; every parser is a pure function over bytes.
/// - `RingsideEngine`: pollers, health, fleet snapshots and reports.
/// - `ringside`: the thin executable.
/// `RingsideTestSupport` (real daemons, fake servers, traffic) serves the tests and `ringside-bench`.
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
    ],
    targets: [
        .target(
            name: "RingsideCore",
            dependencies: [
                .product(name: "Collections", package: "swift-collections"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "RingsideWire",
            dependencies: [
                "RingsideCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "RingsideEngine",
            dependencies: [
                "RingsideCore",
                "RingsideWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "ringside",
            dependencies: [
                "RingsideCore",
                "RingsideEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "RingsideTestSupport",
            dependencies: [
                "RingsideCore",
                "RingsideWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "RingsideBench",
            dependencies: [
                "RingsideCore",
                "RingsideWire",
                "RingsideEngine",
                "RingsideTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "RingsideCoreTests",
            dependencies: ["RingsideCore"]
        ),
        .testTarget(
            name: "RingsideWireTests",
            dependencies: ["RingsideWire", "RingsideTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "RingsideEngineTests",
            dependencies: ["RingsideEngine", "RingsideTestSupport"]
        ),
        .testTarget(
            name: "ringsideTests",
            dependencies: ["RingsideTestSupport", "ringside"]
        ),
    ]
)
