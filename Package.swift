// swift-tools-version: 6.0
import PackageDescription

/// Settings shared by every target (as hummingbird and swift-subprocess do).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "memlens",
    products: [
        .executable(name: "memlens", targets: ["memlens"]),
        // The readers, for the fuzz targets in bench/fuzz (a separate package, so plain builds stay unaffected).
        .library(name: "MemlensReaders", targets: ["HeapGraph", "ProcFS", "PythonProcess", "Fragmentation"]),
        // The analyses and renderers, for the fuzz target of the reports.
        .library(name: "MemlensReports", targets: ["ProcessModels", "HeapAnalysis", "Reports"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .target(
            name: "SafeFiles",
            dependencies: ["ProcFS", .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HeapGraph",
            dependencies: ["SafeFiles", .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: swiftSettings
        ),
        .target(name: "ProcessModels", swiftSettings: swiftSettings),
        .target(name: "HeapAnalysis", dependencies: ["HeapGraph", "ProcessModels"], swiftSettings: swiftSettings),
        .target(
            name: "ProcFS",
            dependencies: [.product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Fragmentation",
            dependencies: ["ProcFS", "ProcessModels"],
            swiftSettings: swiftSettings
        ),
        .target(name: "CProcessAccess"),
        .target(
            name: "PythonProcess",
            dependencies: [
                "CProcessAccess", "ProcFS", "ProcessModels", "HeapGraph", "SafeFiles", "Fragmentation",
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Reports", dependencies: ["HeapGraph", "HeapAnalysis", "ProcFS", "ProcessModels", "Fragmentation", "SafeFiles"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Exporter",
            dependencies: [
                "ProcFS", "PythonProcess", "Fragmentation",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "Timeline", dependencies: ["ProcFS", "PythonProcess", "Fragmentation"], swiftSettings: swiftSettings),
        .executableTarget(name: "EmbedAgentTool", swiftSettings: swiftSettings),
        .plugin(name: "EmbedAgent", capability: .buildTool(), dependencies: ["EmbedAgentTool"]),
        .target(
            name: "Agent",
            dependencies: [
                "PythonProcess", "ProcFS", "ProcessModels", "SafeFiles", .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: swiftSettings,
            plugins: ["EmbedAgent"]
        ),
        .executableTarget(
            name: "memlens",
            dependencies: [
                "HeapGraph", "HeapAnalysis", "Reports", "Agent", "ProcFS", "PythonProcess", "ProcessModels", "Fragmentation",
                "SafeFiles", "Exporter", "Timeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "GenerateHeap", dependencies: ["HeapGraph"], path: "bench/graph/GenerateHeap",
            swiftSettings: swiftSettings
        ),
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "ShapeTests", dependencies: ["TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "SafeFilesTests", dependencies: ["SafeFiles"], swiftSettings: swiftSettings),
        .testTarget(
            name: "HeapGraphTests",
            dependencies: ["HeapGraph", "HeapAnalysis", "Reports"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OutputGoldenTests",
            dependencies: ["HeapGraph", "HeapAnalysis", "Reports", "ProcFS", "ProcessModels", "TestSupport", "memlens"],
            exclude: ["Golden", "Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ProcFSTests",
            dependencies: ["ProcFS", "TestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FootprintTests",
            dependencies: ["ProcFS", "TestSupport", "memlens"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FragTests",
            dependencies: ["Fragmentation", "PythonProcess", "TestSupport", "memlens",
                           .product(name: "SystemPackage", package: "swift-system")],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CensusTests",
            dependencies: ["PythonProcess", "Agent", "TestSupport", "memlens"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ServeTests",
            dependencies: ["Exporter", "TestSupport", "memlens"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WatchTests",
            dependencies: ["Timeline", "TestSupport", "memlens"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["HeapGraph", "HeapAnalysis", "Reports", "Agent", "PythonProcess", "TestSupport", "memlens",
                           .product(name: "SystemPackage", package: "swift-system")],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
    ]
)

/// memlens's own code is optimized in debug builds too, so that `swift test`
/// walks its test heaps at the speed users get: unoptimized, the read-only
/// walk and the snapshot readers made the integration tests 3–6× slower, and
/// CI's test run took 19–21 of its 28–30 minutes on 2 cores. Dependencies and
/// the test targets' own code stay unoptimized, so a debug build stays quick.
for target in package.targets where target.type == .regular || target.type == .executable {
    target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-O"], .when(configuration: .debug))]
}
