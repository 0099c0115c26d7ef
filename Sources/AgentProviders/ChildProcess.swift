import AgentCore
import Foundation
import Synchronization

/// A program started without a shell, its stdin fed and closed, its stdout read as it arrives and the
/// tail of its stderr kept. Stopped with SIGTERM, then SIGKILL, when the caller gives up on it.
final class ChildProcess: @unchecked Sendable {
    // `Process` is not Sendable; it is only touched under `lock` or before it is shared.
    private let process: Process
    private let lock = NSLock()
    private let state = State()
    /// Chunks of stdout as they arrive; finishes at EOF.
    let stdout: AsyncStream<[UInt8]>
    static let stderrKeep = 4096
    /// Writing a prompt to a program that exited without reading it must fail, not kill this process.
    private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// Starts `argv[0]` (looked up on `PATH` unless it holds a `/`) with `input` on its stdin.
    init(argv: [String], environment: [String: String] = [:], input: String) throws(ProviderError) {
        Self.ignoreBrokenPipes
        guard let program = argv.first, let executable = Self.resolve(program) else {
            throw ProviderError(
                "Cannot find the program '\(argv.first ?? "")'",
                suggestions: ["Check the command's argv (the program must be on PATH or given by path)."]
            )
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(argv.dropFirst())
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let stdinPipe = Pipe()
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        let (stream, continuation) = AsyncStream.makeStream(of: [UInt8].self, bufferingPolicy: .unbounded)
        self.stdout = stream
        self.process = process
        let state = self.state
        process.terminationHandler = { process in
            state.finish(status: process.terminationStatus)
        }
        do {
            try process.run()
        } catch {
            continuation.finish()
            throw ProviderError(
                "Cannot start '\(program)': \(error.localizedDescription)",
                suggestions: ["Check the command's argv and that the program is executable."]
            )
        }
        // Each pipe is read by a thread of its own with blocking reads, off the concurrency pool.
        Self.readUntilEnd(stdoutPipe.fileHandleForReading) { chunk in
            if let chunk { continuation.yield(chunk) } else { continuation.finish() }
        }
        Self.readUntilEnd(stderrPipe.fileHandleForReading) { chunk in
            guard let chunk else {
                state.finish(status: nil)
                return
            }
            state.stderrTail.withLock { tail in
                tail.append(contentsOf: chunk)
                if tail.count > Self.stderrKeep { tail.removeFirst(tail.count - Self.stderrKeep) }
            }
        }
        let writer = stdinPipe.fileHandleForWriting
        let bytes = Data(input.utf8)
        DispatchQueue.global().async {
            // A program that exits without reading its input closes the pipe; the write then fails quietly.
            try? writer.write(contentsOf: bytes)
            try? writer.close()
        }
    }

    /// Waits for the program to exit; returns its status (128 + signal when killed).
    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status = state.exited.withLock { state -> Int32? in
                if let status = state.status, state.stderrDone { return status }
                state.waiters.append(continuation)
                return nil
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    var hasExited: Bool { state.exited.withLock { $0.status != nil } }

    /// SIGTERM now, SIGKILL after `grace` if it is still running.
    func stop(grace: Duration = .seconds(2)) {
        guard !hasExited else { return }
        let pid = lock.withLock { process.processIdentifier }
        kill(pid, SIGTERM)
        Task { [self] in
            try? await Task.sleep(for: grace)
            if !hasExited { kill(pid, SIGKILL) }
        }
    }

    /// The last few kilobytes the program wrote to stderr.
    var stderrText: String {
        String(decoding: state.stderrTail.withLock { $0 }, as: UTF8.self)
    }

    /// Reads `handle` on a new thread until end of file, handing each chunk to `onChunk` and then `nil`.
    private static func readUntilEnd(_ handle: FileHandle, onChunk: @escaping @Sendable ([UInt8]?) -> Void) {
        let fd = handle.fileDescriptor
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 16 * 1024)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { break }
                onChunk(Array(buffer[0..<n]))
            }
            onChunk(nil)
            withExtendedLifetime(handle) {}
        }
        thread.start()
    }

    /// What the pipe and exit handlers share with the caller.
    private final class State: Sendable {
        let stderrTail = Mutex<[UInt8]>([])
        let exited = Mutex<(status: Int32?, stderrDone: Bool, waiters: [CheckedContinuation<Int32, Never>])>(
            (nil, false, [])
        )

        /// Records the exit status (or, with `nil`, the end of stderr); waiters go on once both are in.
        func finish(status: Int32?) {
            let (status, waiters) = exited.withLock { state -> (Int32, [CheckedContinuation<Int32, Never>]) in
                if let status { state.status = status } else { state.stderrDone = true }
                guard let status = state.status, state.stderrDone else { return (0, []) }
                defer { state.waiters.removeAll() }
                return (status, state.waiters)
            }
            for waiter in waiters { waiter.resume(returning: status) }
        }
    }

    static func resolve(_ program: String) -> String? {
        if program.contains("/") { return FileManager.default.isExecutableFile(atPath: program) ? program : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Turns byte chunks into text without splitting a UTF-8 sequence across two pieces.
struct UTF8Chunker {
    private var carry: [UInt8] = []

    /// The text of `bytes` up to the last complete character; the rest waits for the next chunk.
    mutating func text(_ bytes: [UInt8]) -> String {
        var all = carry + bytes
        var cut = all.count
        // Step back over an incomplete sequence at the end (at most 3 bytes).
        var back = 0
        while back < min(3, all.count) {
            let byte = all[all.count - 1 - back]
            if byte & 0xC0 != 0x80 {
                let width = byte < 0xC0 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4
                if width > back + 1 { cut = all.count - 1 - back }
                break
            }
            back += 1
        }
        carry = Array(all[cut...])
        all.removeSubrange(cut...)
        return String(decoding: all, as: UTF8.self)
    }

    /// Whatever is left at the end of the stream.
    mutating func finish() -> String {
        defer { carry = [] }
        return String(decoding: carry, as: UTF8.self)
    }
}
