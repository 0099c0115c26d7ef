// swift-tools-version: 6.1

import PackageDescription

// Formatting style: one section per target with its test target, dependencies one per line,
// sections ordered from the wire upwards (each target may only depend on targets above it).

let package = Package(
    name: "agentwire",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "agentwire", targets: ["agentwire"]),
        .executable(name: "agentwire-bench", targets: ["agentwire-bench"]),
        .executable(name: "agentwire-fuzz", targets: ["agentwire-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // MARK: CJansson
        .systemLibrary(
            name: "CJansson",
            pkgConfig: "jansson",
            providers: [.apt(["libjansson-dev"])]
        ),

        // MARK: JSONCore
        .target(
            name: "JSONCore",
            dependencies: ["CJansson"]
        ),

        // MARK: JSONRPC
        .target(
            name: "JSONRPC",
            dependencies: ["JSONCore"]
        ),
        .testTarget(
            name: "JSONRPCTests",
            dependencies: [
                "CJansson",
                "JSONCore",
                "JSONRPC",
            ]
        ),

        // MARK: AgentProtocol
        .target(
            name: "AgentProtocol",
            dependencies: [
                "JSONCore",
                "JSONRPC",
            ]
        ),
        .testTarget(
            name: "AgentProtocolTests",
            dependencies: [
                "AgentProtocol",
                "JSONCore",
                "JSONRPC",
            ]
        ),

        // MARK: JSONRPCTransport
        .target(
            name: "JSONRPCTransport",
            dependencies: [
                "JSONRPC",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "JSONRPCTransportTests",
            dependencies: [
                "JSONCore",
                "JSONRPC",
                "JSONRPCTransport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: AgentCore
        .target(
            name: "AgentCore",
            dependencies: [
                "JSONCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        .testTarget(
            name: "AgentCoreTests",
            dependencies: [
                "AgentCore",
                "JSONCore",
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            exclude: ["JSONSchemaTestSuite"]
        ),

        // MARK: AgentStore
        .target(
            name: "AgentStore",
            dependencies: [
                "AgentCore",
                "JSONCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // MARK: AgentPostgres
        .target(
            name: "AgentPostgres",
            dependencies: [
                "AgentCore",
                "JSONCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "AgentStoreTests",
            dependencies: [
                "AgentCore",
                "AgentPostgres",
                "AgentStore",
                "JSONCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // MARK: AgentProviders
        .target(
            name: "AgentProviders",
            dependencies: [
                "AgentCore",
                "JSONCore",
                "JSONRPC",
                "JSONRPCTransport",
                "Spawn",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "AgentProvidersTests",
            dependencies: [
                "AgentCore",
                "AgentProviders",
                "FakeModelServer",
                "JSONCore",
            ]
        ),

        // MARK: Spawn

        .target(name: "CShims"),
        .target(name: "Spawn", dependencies: ["CShims"]),
        .testTarget(name: "SpawnTests", dependencies: ["Spawn"]),

        // MARK: FakeModelServer
        .target(
            name: "FakeModelServer",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),

        // MARK: AgentService
        .target(
            name: "AgentService",
            dependencies: [
                "AgentCore",
                "AgentProtocol",
                "JSONCore",
                "JSONRPC",
                "JSONRPCTransport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        .testTarget(
            name: "AgentServiceTests",
            dependencies: [
                "AgentCore",
                "AgentProtocol",
                "AgentFuzzing",
                "AgentProviders",
                "AgentService",
                "AgentStore",
                "FakeModelServer",
                "JSONCore",
                "JSONRPC",
                "JSONRPCTransport",
                "Spawn",
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),

        // MARK: AgentObservability
        .target(
            name: "AgentObservability",
            dependencies: [
                "AgentCore",
                "AgentService",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        .testTarget(
            name: "AgentObservabilityTests",
            dependencies: [
                "AgentCore",
                "AgentObservability",
                "AgentService",
                "JSONCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),

        // MARK: agentwire
        .executableTarget(
            name: "agentwire",
            dependencies: [
                "AgentCore",
                "AgentProtocol",
                "CShims",
                "AgentObservability",
                "AgentService",
                "AgentPostgres",
                "AgentProviders",
                "AgentStore",
                "JSONCore",
                "JSONRPC",
                "JSONRPCTransport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // MARK: AgentFuzzing and agentwire-fuzz
        .target(
            name: "AgentFuzzing",
            dependencies: [
                "AgentCore",
                "AgentService",
                "JSONRPC",
                "JSONRPCTransport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "agentwire-fuzz",
            dependencies: ["AgentFuzzing"]
        ),

        // MARK: agentwire-bench
        .executableTarget(
            name: "agentwire-bench",
            dependencies: [
                "FakeModelServer",
                "JSONCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
