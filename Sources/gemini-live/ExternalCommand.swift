import Foundation

/// Runs a helper program (`pw-cli`) with a time limit, collecting its output.
enum ExternalCommand {
    struct Result: Sendable {
        var status: Int32
        var output: String
    }

    /// Runs `arguments` through `/usr/bin/env`; nil when the program cannot be started or does not finish within
    /// `timeout` (it is then killed by its pid).
    static func run(_ arguments: [String], timeout: Duration = .seconds(5)) async -> Result? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        let (exited, continuation) = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { process in
            continuation.yield(process.terminationStatus)
            continuation.finish()
        }
        do { try process.run() } catch { return nil }
        let reader = Task.detached { output.fileHandleForReading.readDataToEndOfFile() }
        let pid = process.processIdentifier
        let status = await withTaskGroup(of: Int32?.self) { group in
            group.addTask {
                for await code in exited { return code }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let status else {
            kill(pid, SIGKILL)
            return nil
        }
        let data = await reader.value
        return Result(status: status, output: String(decoding: data, as: UTF8.self))
    }
}
