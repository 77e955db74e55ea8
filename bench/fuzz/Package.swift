// swift-tools-version: 6.0
import PackageDescription

/// libFuzzer targets for memlens's readers of untrusted input. Kept apart from
/// the main package so `swift build` and CI never see `-sanitize=fuzzer`;
/// build and run one with `bench/fuzz/run.sh TARGET SECONDS`.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let readers: [Target.Dependency] = [.product(name: "MemlensReaders", package: "memlens")]

/// One executable per fuzz target; `FuzzSupport` holds the helpers they share.
let fuzzTargets = ["FuzzMLH", "FuzzMeliae", "FuzzELF", "FuzzCore", "FuzzProc", "FuzzCensus", "FuzzArena", "FuzzWalk", "FuzzFrag"]

let package = Package(
    name: "memlens-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "memlens", path: "../..")],
    targets: [
        .target(name: "FuzzSupport", dependencies: readers, swiftSettings: swiftSettings),
    ] + fuzzTargets.map { name in
        .executableTarget(name: name, dependencies: readers + ["FuzzSupport"], swiftSettings: swiftSettings)
    } + [
        // The renderers: HeapAnalysis and Reports too.
        .executableTarget(name: "FuzzReports", dependencies: readers + [.product(name: "MemlensReports", package: "memlens")],
                          swiftSettings: swiftSettings),
    ]
)
