import Foundation
import Spawn
import Synchronization

/// The built binary run to its end: `input` written to its stdin (then closed) and its stdout read, each
/// on a thread of its own, while the caller waits without holding a thread of the test pool.
struct BinaryRun {
    var status: Int32
    var stdout: [UInt8]
    /// What it wrote to stderr, when `stderr` was `.pipe`.
    var stderr: [UInt8]

    /// Runs the binary (`agentwire`, or `executable`) with `arguments`; throws ``TestClientError/timeout(received:)`` (after killing it)
    /// when it has not ended within `timeout`.
    /// - Parameter interruptAfter: sends SIGINT, as Ctrl-C would, this long after its first output (on stdout, or on stderr when that is a pipe).
    static func run(
        _ arguments: [String],
        executable: URL = TestClient.binaryURL,
        environment: [String: String] = TestClient.binaryEnvironment,
        input: [UInt8],
        stderr: SpawnedProcess.Stream = .null,
        timeout: Duration = .seconds(60),
        interruptAfter: Duration? = nil
    ) async throws -> BinaryRun {
        let process = try SpawnedProcess(
            executable: executable.path,
            arguments: arguments,
            environment: environment,
            stdin: .pipe,
            stdout: .pipe,
            stderr: stderr
        )
        SpawnedProcess.feed(input, to: process.takeInput())
        let output = Self.readUntilEnd(process.takeOutput())
        let errorOutput = Self.readUntilEnd(process.takeErrorOutput())
        let deadline = ContinuousClock.now + timeout
        if let delay = interruptAfter {
            // From a thread of its own: the test pool may be too busy to poll in time.
            Thread {
                while output.bytes.isEmpty, errorOutput.bytes.isEmpty, process.isRunning { usleep(1000) }
                Thread.sleep(
                    forTimeInterval: Double(delay.components.attoseconds) / 1e18 + Double(delay.components.seconds)
                )
                process.signal(SIGINT)
            }.start()
        }
        while process.isRunning || !output.ended || !errorOutput.ended {
            if ContinuousClock.now > deadline {
                process.signal(SIGKILL)
                throw TestClientError.timeout(received: 0)
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        return BinaryRun(
            status: process.exitStatus ?? -1,
            stdout: output.bytes,
            stderr: errorOutput.bytes
        )
    }

    /// Reads `fd` to its end on a thread of its own, which then closes it (nothing to read for `-1`).
    private static func readUntilEnd(_ fd: Int32) -> Collected {
        let output = Collected(ended: fd < 0)
        guard fd >= 0 else { return output }
        Thread {
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                output.state.withLock { $0.bytes += buffer[0..<n] }
            }
            close(fd)
            output.state.withLock { $0.ended = true }
        }.start()
        return output
    }

    private final class Collected: Sendable {
        let state: Mutex<(bytes: [UInt8], ended: Bool)>
        init(ended: Bool) { state = Mutex(([], ended)) }
        var ended: Bool { state.withLock { $0.ended } }
        var bytes: [UInt8] { state.withLock { $0.bytes } }
    }

    /// The stdout lines (one frame each, newline-delimited).
    var lines: [ArraySlice<UInt8>] { stdout.split(separator: 0x0A) }
}
