// swift-tools-version:6.2
// gemini-live-gateway: the Gemini Live API as a local desktop service (D-Bus + PipeWire).

import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "gemini-live-gateway",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gemini-live-gateway", targets: ["GeminiLiveGateway"]),
        .executable(name: "gemini-live-simulator", targets: ["GeminiLiveSimulator"]),
        .executable(name: "gemini-live", targets: ["GeminiLiveCLI"]),
        .executable(name: "live-benchmark", targets: ["LiveBenchmark"]),
        .executable(name: "live-turn", targets: ["LiveTurn"]),
        .executable(name: "video-test-source", targets: ["video-test-source"]),
        .library(name: "LiveProtocol", targets: ["LiveProtocol"]),
        .library(name: "LiveClient", targets: ["LiveClient"]),
        .library(name: "LiveSimulator", targets: ["LiveSimulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket.git", from: "1.6.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
    ],
    targets: [
        // MARK: Live protocol, client, simulator
        .target(
            name: "LiveProtocol",
            swiftSettings: strict
        ),
        .target(
            name: "LiveClient",
            dependencies: [
                "LiveProtocol",
                .product(name: "WSCore", package: "swift-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "LiveSimulator",
            dependencies: [
                "LiveProtocol",
                "VideoCodec",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // MARK: D-Bus
        .systemLibrary(
            name: "CDBus",
            pkgConfig: "dbus-1",
            providers: [.apt(["libdbus-1-dev"])]
        ),
        .target(
            name: "DBusService",
            dependencies: [
                "CDBus",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Introspection XML → InterfaceDescription (FoundationXML, so libxml2): for the build plugin and
        // tests only; nothing that ships parses XML at run time.
        .target(
            name: "IntrospectionXML",
            dependencies: ["DBusService"],
            swiftSettings: strict
        ),

        // MARK: PipeWire
        .systemLibrary(
            name: "CPipeWire",
            pkgConfig: "libpipewire-0.3",
            providers: [.apt(["libpipewire-0.3-dev", "libspa-0.2-dev"])]
        ),
        .target(
            name: "PipeWireShim",
            dependencies: ["CPipeWire"]
        ),
        .target(
            name: "AudioNodes",
            dependencies: [
                "CPipeWire",
                "PipeWireShim",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // MARK: Video frames and images
        .systemLibrary(
            name: "CTurboJPEG",
            pkgConfig: "libturbojpeg",
            providers: [.apt(["libturbojpeg0-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(
            name: "VideoCodec",
            dependencies: ["CTurboJPEG", "CZlib"],
            linkerSettings: [.linkedLibrary("turbojpeg"), .linkedLibrary("z")]
        ),

        // MARK: Configuration file
        .target(
            name: "GatewaySettings",
            dependencies: [
                "LiveProtocol",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: strict
        ),

        // MARK: Gateway
        .executableTarget(
            name: "embed-interface-xml",
            dependencies: ["DBusService", "IntrospectionXML"],
            path: "Sources/embed-interface-xml"
        ),
        .plugin(
            name: "EmbedInterfaceXML",
            capability: .buildTool(),
            dependencies: ["embed-interface-xml"]
        ),
        .target(
            name: "Gateway",
            dependencies: [
                "LiveProtocol",
                "LiveClient",
                "DBusService",
                "AudioNodes",
                "VideoCodec",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict,
            plugins: ["EmbedInterfaceXML"]
        ),

        // MARK: Local Live endpoint (above Gateway: it serves the Live protocol to local clients)
        .target(
            name: "LocalEndpoint",
            dependencies: [
                "Gateway",
                "DBusService",
                "LiveProtocol",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),

        // MARK: Executables
        .executableTarget(
            name: "GeminiLiveGateway",
            dependencies: [
                "Gateway",
                "GatewaySettings",
                "LocalEndpoint",
                "LiveSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Sources/gemini-live-gateway",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "GeminiLiveCLI",
            dependencies: [
                "DBusService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/gemini-live",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "GeminiLiveSimulator",
            dependencies: [
                "LiveSimulator",
                "LiveProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/gemini-live-simulator",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "LiveBenchmark",
            dependencies: [
                "LiveProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/live-benchmark",
            swiftSettings: strict
        ),

        .executableTarget(
            name: "LiveTurn",
            dependencies: [
                "LiveClient",
                "LiveProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/live-turn",
            swiftSettings: strict
        ),

        // MARK: Tests
        // A Video/Source node drawing a known picture, shared by the video tests (not installed).
        .executableTarget(
            name: "video-test-source",
            dependencies: ["CPipeWire"],
            path: "Tests/VideoTestSource"
        ),
        .testTarget(
            name: "LiveProtocolTests",
            dependencies: ["LiveProtocol"],
            swiftSettings: strict
        ),
        .target(
            name: "BusTestSupport",
            path: "Tests/BusTestSupport",
            swiftSettings: strict
        ),
        .target(
            name: "FuzzSupport",
            path: "Tests/FuzzSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "DBusServiceTests",
            dependencies: ["DBusService", "IntrospectionXML", "BusTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SessionMachineTests",
            dependencies: ["Gateway", "LiveClient", "LiveProtocol"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Gateway",
                "AudioNodes",
                "DBusService",
                "IntrospectionXML",
                "BusTestSupport",
                "FuzzSupport",
                "LiveSimulator",
                "LiveClient",
                "LiveProtocol",
                "VideoCodec",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AudioNodesTests",
            dependencies: [
                "AudioNodes",
                "BusTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LocalEndpointTests",
            dependencies: [
                "LocalEndpoint",
                "LiveProtocol",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GatewaySettingsTests",
            dependencies: ["GatewaySettings"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GeminiLiveCLITests",
            dependencies: [
                "GeminiLiveCLI",
                "AudioNodes",
                "Gateway",
                "DBusService",
                "BusTestSupport",
                "LiveSimulator",
                "LiveClient",
                "LiveProtocol",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LiveSimulatorTests",
            dependencies: [
                "LiveSimulator",
                "LiveProtocol",
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "WSCore", package: "swift-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LiveClientTests",
            dependencies: [
                "LiveProtocol",
                "LiveClient",
                "LiveSimulator",
                "FuzzSupport",
                .product(name: "WSCore", package: "swift-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
    ]
)
