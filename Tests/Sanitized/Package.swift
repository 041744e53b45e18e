// swift-tools-version:6.2
// The lock-free audio rings under ThreadSanitizer, built on their own: the files are symlinks to
// Sources/AudioNodes and Tests/AudioNodesTests of the main package (one source), so a TSan build
// compiles four files instead of the whole dependency graph. Run by scripts/test.sh:
//   swift test --package-path Tests/Sanitized --sanitize=thread

import PackageDescription

let package = Package(
    name: "sanitized-audio-rings",
    platforms: [.macOS(.v15)],
    targets: [
        // Only the PipeWire-free ring files of AudioNodes, under the same module name, so the tests'
        // `@testable import AudioNodes` is the same in both packages.
        .target(name: "AudioNodes", path: "Sources/AudioNodes"),
        .testTarget(name: "AudioRingTests", dependencies: ["AudioNodes"], path: "Tests/AudioRingTests"),
    ]
)
