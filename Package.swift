// swift-tools-version:6.1
import PackageDescription

// Dependencies, each for one reason:
// - swift-argument-parser: the `warehouse` command line.
// - swift-log: one logging API for the library targets and the CLI.
// - swift-configuration (YAML trait, over Yams): the `warehouse.yaml` file plus environment overrides.
// - swift-crypto: SHA-256 of every raw page (Apple's, BoringSSL-backed on Linux).
// - hummingbird: the loopback sandbox server (SwiftNIO underneath; no hand-rolled sockets).
// C libraries through pkg-config: libsqlite3, libcurl, zlib.
let package = Package(
    name: "warehouse",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "warehouse", targets: ["warehouse"]),
        .library(name: "Load", targets: ["Load"]),
        .library(name: "Query", targets: ["Query"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.0.0", traits: ["YAML"]),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.20.0"),
        // Yams (already swift-configuration's YAML parser): warehouse.yaml holds lists of maps
        // (cost_centers.rules), which swift-configuration's YAMLSnapshot rejects.
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]),
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),

        // Shared primitives: zlib codec, SHA-256, exact decimals and money, UTC time.
        .target(
            name: "WarehouseCore",
            dependencies: ["CZlib", .product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "Extract",
            dependencies: [
                "WarehouseCore", "CCurl",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(name: "Transform", dependencies: ["WarehouseCore", "Extract"]),
        // schema.sql at the package root is embedded into Load at build time (no resource bundle to lose
        // when the binary is copied elsewhere).
        .executableTarget(name: "embed-schema", path: "Plugins/EmbedSchemaTool"),
        .plugin(name: "EmbedSchema", capability: .buildTool(), dependencies: ["embed-schema"]),
        .target(
            name: "Load",
            dependencies: ["WarehouseCore", "CSQLite"],
            plugins: ["EmbedSchema"]),
        .target(name: "Query", dependencies: ["WarehouseCore", "Load", "Transform"]),
        .target(
            name: "Sandbox",
            dependencies: [
                "WarehouseCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "Pipeline",
            dependencies: [
                "WarehouseCore", "Extract", "Transform", "Load", "Query",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]),
        // The commands, one file each; thin wrappers over the libraries. A library so tests can drive it.
        .target(
            name: "WarehouseCLI",
            dependencies: [
                "WarehouseCore", "Extract", "Transform", "Load", "Query", "Pipeline", "Sandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "warehouse",
            dependencies: ["WarehouseCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        .testTarget(name: "WarehouseCoreTests", dependencies: ["WarehouseCore"]),
        .testTarget(name: "LoadTests", dependencies: ["Load", "WarehouseCore"]),
        .testTarget(name: "QueryTests", dependencies: ["Query", "Load"], resources: [.copy("Golden")]),
        .testTarget(name: "CLITests", dependencies: ["WarehouseCLI", "Load", "Query", "Pipeline", "Sandbox", "Transform", "WarehouseCore"]),
        .testTarget(name: "TransformTests", dependencies: ["Transform", "WarehouseCore"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Transform", "Load", "WarehouseCore"]),
        .testTarget(name: "ExtractTests", dependencies: ["Extract", "WarehouseCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ImportTests", dependencies: ["Pipeline", "Transform", "Extract", "Load", "WarehouseCore"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "SandboxTests",
            dependencies: ["Sandbox", "Extract", "Load", "Pipeline", "WarehouseCore", .product(name: "Logging", package: "swift-log")]),
        .executableTarget(name: "bench-http", dependencies: ["Extract", "Sandbox"], path: "Benchmarks/HTTP"),
        .executableTarget(name: "bench-decode", dependencies: ["Extract", "Sandbox", "Transform", "Load", "Pipeline"], path: "Benchmarks/Decode"),
    ],
    swiftLanguageModes: [.v6]
)
