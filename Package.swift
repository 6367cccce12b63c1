// swift-tools-version:6.1
import PackageDescription

// Dependencies, each for one reason:
// - swift-argument-parser: the `warehouse` command line.
// - swift-log: one logging API for the library targets and the CLI.
// - swift-crypto: SHA-256 of every raw page (Apple's, BoringSSL-backed on Linux).
// - hummingbird: the loopback sandbox server (SwiftNIO underneath; no hand-rolled sockets); its
//   HummingbirdTLS (SwiftNIO SSL) serves the sandbox over HTTPS, as the vendors' SDKs require.
// - swift-certificates (with swift-asn1 for its IP-address name): the sandbox's self-signed CA and
//   server certificate, made at start-up.
// - postgres-nio: the warehouse on PostgreSQL (issue 16), only in the Postgres target and the CLI;
//   SSWG-graduated, async, with COPY FROM for bulk loads.
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
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.20.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.1.0"),
        // Yams: reads warehouse.yaml, which holds lists of maps (cost_centers.rules).
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        // NIOSSL (already resolved for postgres-nio and hummingbird): TLS contexts for sslmode (issue 16).
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
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

        // The modules follow the data flow (README, "How the code is laid out"):
        //   WarehouseCore <- Transport <- Extract <- Transform <- Streams <- Ingest <- Pipeline
        //   Load <- Marts <- Ingest;  Load <- Query;  Config <- Marts;  Alerts <- Pipeline
        // Shared primitives: zlib codec, SHA-256, exact decimals and money, JSON, UTC time.
        .target(
            name: "WarehouseCore",
            dependencies: ["CZlib", .product(name: "Crypto", package: "swift-crypto")]),
        // libcurl over real HTTP, retries and redaction: what Extract and Alerts (SMTP) share.
        .target(
            name: "Transport",
            dependencies: ["WarehouseCore", "CCurl", .product(name: "Logging", package: "swift-log")]),
        // The vendors' APIs: clients and decoders of their documents.
        .target(
            name: "Extract",
            dependencies: ["WarehouseCore", "Transport", .product(name: "Logging", package: "swift-log")]),
        // Staging: decoded documents to facts; pricing and cost-center rules as pure functions.
        .target(name: "Transform", dependencies: ["WarehouseCore", "Extract"]),
        // Each source stream declared once: its kind, raw stream, decoder and what a re-pull replaces.
        .target(name: "Streams", dependencies: ["WarehouseCore", "Extract", "Transform"]),
        // schema.sql at the package root is embedded into Load at build time (no resource bundle to lose
        // when the binary is copied elsewhere).
        .executableTarget(name: "embed-schema", path: "Plugins/EmbedSchemaTool"),
        .plugin(name: "EmbedSchema", capability: .buildTool(), dependencies: ["embed-schema"]),
        // The FinOps toolkit's open data (Sources/Query/OpenData, MIT) embedded the same way, for the FOCUS export.
        .plugin(name: "EmbedOpenData", capability: .buildTool(), dependencies: ["embed-schema"]),
        .target(
            name: "Load",
            dependencies: ["WarehouseCore", "CSQLite"],
            plugins: ["EmbedSchema"]),
        // warehouse.yaml: pricing, cost centers, sources, secrets, alert settings.
        .target(
            name: "Config",
            dependencies: ["WarehouseCore", "Transport", "Extract", "Transform", "Streams", .product(name: "Yams", package: "Yams")]),
        // The marts: charges and rollups, the only writers of them.
        .target(name: "Marts", dependencies: ["WarehouseCore", "Transform", "Load", "Config"]),
        // The one loader: raw page, facts, reprice queue and checkpoint in one transaction per batch.
        .target(name: "Ingest", dependencies: ["WarehouseCore", "Extract", "Transform", "Streams", "Load", "Marts", "Config"]),
        // Reads the warehouse: invoices, reports, exports, ad-hoc SQL.
        .target(name: "Query", dependencies: ["WarehouseCore", "Load"], exclude: ["OpenData"], plugins: ["EmbedOpenData"]),
        // Budget and threshold alerts, their no-spam ledger, SMTP and ArcGIS notifications, credit top-ups.
        .target(
            name: "Alerts",
            dependencies: [
                "WarehouseCore", "CCurl", "Transport", "Extract", "Streams", "Load", "Config", "Ingest", "Query",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "Sandbox",
            dependencies: [
                "WarehouseCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The warehouse on PostgreSQL (issue 16): connection, schema, copy to and from SQLite, ad-hoc SQL.
        // Its DDL, Sources/Postgres/schema.sql, is embedded the way schema.sql is.
        .plugin(name: "EmbedPostgresSchema", capability: .buildTool(), dependencies: ["embed-schema"]),
        .target(
            name: "Postgres",
            dependencies: [
                "WarehouseCore", "Load", "Query",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["schema.sql"],
            plugins: ["EmbedPostgresSchema"]),
        // The nightly run only: sources, windows, pulls, the run's record.
        .target(
            name: "Pipeline",
            dependencies: [
                "WarehouseCore", "Transport", "Extract", "Transform", "Streams", "Load", "Config", "Marts", "Ingest", "Alerts",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The commit the binary was built from, for `warehouse --version`.
        .executableTarget(name: "embed-build-info", path: "Plugins/EmbedBuildInfoTool"),
        .plugin(name: "EmbedBuildInfo", capability: .buildTool(), dependencies: ["embed-build-info"]),
        // The commands, one file each; thin wrappers over the libraries. A library so tests can drive it.
        .target(
            name: "WarehouseCLI",
            dependencies: [
                "WarehouseCore", "Transport", "Extract", "Transform", "Streams", "Load", "Config", "Marts", "Ingest", "Query", "Alerts",
                "Pipeline", "Sandbox", "Postgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            plugins: ["EmbedBuildInfo"]),
        .executableTarget(
            name: "warehouse",
            dependencies: ["WarehouseCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // Shared by the test targets and the benchmarks: drivers of the clients that the product
        // does not need (a whole ArcGIS pull, every utilization page of a partner).
        .target(
            name: "TestSupport", dependencies: ["WarehouseCore", "Extract", "Streams", "Load", "Config", "Ingest", "Sandbox"], path: "Tests/TestSupport"),
        .testTarget(name: "WarehouseCoreTests", dependencies: ["WarehouseCore", "TestSupport"]),
        .testTarget(name: "TransportTests", dependencies: ["Transport", "WarehouseCore"]),
        .testTarget(name: "ExtractTests", dependencies: ["Extract", "Transport", "WarehouseCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TransformTests", dependencies: ["Transform", "Extract", "TestSupport", "WarehouseCore"]),
        .testTarget(name: "StreamsTests", dependencies: ["Streams", "Transform", "TestSupport", "WarehouseCore"]),
        .testTarget(name: "LoadTests", dependencies: ["Load", "TestSupport", "WarehouseCore"]),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "Streams", "Transform", "TestSupport", "WarehouseCore"]),
        .testTarget(name: "MartsTests", dependencies: ["Marts", "Config", "Transform", "Load", "TestSupport", "WarehouseCore"]),
        .testTarget(
            name: "IngestTests", dependencies: ["Ingest", "Streams", "Config", "Transform", "Extract", "Load", "TestSupport", "WarehouseCore"],
            exclude: ["Fixtures"]),
        .testTarget(name: "QueryTests", dependencies: ["Query", "Load", "TestSupport"], resources: [.copy("Golden")]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "WarehouseCore"]),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "WarehouseCLI", "Load", "Query", "Pipeline", "Ingest", "Streams", "Config", "Marts", "Sandbox", "Transform", "TestSupport",
                "WarehouseCore", "Postgres",
            ]),
        .testTarget(
            name: "SandboxTests",
            dependencies: [
                "Sandbox", "Transport", "Extract", "Streams", "Load", "Config", "Ingest", "Alerts", "Marts", "Pipeline", "TestSupport", "WarehouseCore",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(name: "bench-http", dependencies: ["WarehouseCore", "Extract", "Transport", "Sandbox", "TestSupport"], path: "Benchmarks/HTTP"),
        .executableTarget(
            name: "bench-decode", dependencies: ["WarehouseCore", "Extract", "Sandbox", "Transform", "Load", "Streams", "Config", "Ingest"], path: "Benchmarks/Decode"),
    ],
    swiftLanguageModes: [.v6]
)
