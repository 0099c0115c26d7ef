import AgentCore
import Foundation
import Spawn
import Synchronization

/// A program started without a shell, its stdin fed and closed, its stdout read as it arrives and the
/// tail of its stderr kept. Stopped with SIGTERM, then SIGKILL, when the caller gives up on it.
final class ChildProcess: Sendable {
    private let process: SpawnedProcess
    private let state = State()
    /// Chunks of stdout as they arrive; finishes at EOF.
    let stdout: AsyncStream<[UInt8]>
    static let stderrKeep = 4096
    /// Writing a prompt to a program that exited without reading it must fail, not kill this process.
    private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// Starts `argv[0]` (looked up on `PATH` unless it holds a `/`) with `input` on its stdin, in
    /// `workingDirectory` when given (a relative program path is then taken relative to it).
    init(
        argv: [String],
        environment: [String: String] = [:],
        workingDirectory: String? = nil,
        input: String
    ) throws(ProviderError) {
        Self.ignoreBrokenPipes
        guard let program = argv.first,
            let executable = SpawnedProcess.resolve(program, in: workingDirectory)
        else {
            let place = workingDirectory.map { " (running in \($0))" } ?? ""
            throw ProviderError(
                "Cannot find the program '\(argv.first ?? "")'\(place)",
                suggestions: [
                    "Check the command's argv (the program must be on PATH or given by path; a relative path is "
                        + "taken from the config file's directory, or its cwd)."
                ]
            )
        }
        do {
            process = try SpawnedProcess(
                executable: executable,
                arguments: Array(argv.dropFirst()),
                environment: environment.isEmpty
                    ? nil : ProcessInfo.processInfo.environment.merging(environment) { $1 },
                workingDirectory: workingDirectory,
                stdin: .pipe,
                stdout: .pipe,
                stderr: .pipe,
                newProcessGroup: true
            )
        } catch {
            throw ProviderError(
                "Cannot start '\(program)': \(error.description)",
                suggestions: ["Check the command's argv and that the program is executable."]
            )
        }
        let (stream, continuation) = AsyncStream.makeStream(of: [UInt8].self, bufferingPolicy: .unbounded)
        stdout = stream
        // Each pipe is read by a thread of its own with blocking reads, off the concurrency pool; each
        // thread owns its descriptor and closes it at end of file.
        Self.readUntilEnd(process.takeOutput()) { chunk in
            if let chunk { continuation.yield(chunk) } else { continuation.finish() }
        }
        let state = self.state
        Self.readUntilEnd(process.takeErrorOutput()) { chunk in
            guard let chunk else {
                let waiters = state.stderrDone.withLock { done in
                    done.done = true
                    defer { done.waiters = [] }
                    return done.waiters
                }
                for waiter in waiters { waiter.resume() }
                return
            }
            state.stderrTail.withLock { tail in
                tail.append(contentsOf: chunk)
                if tail.count > Self.stderrKeep { tail.removeFirst(tail.count - Self.stderrKeep) }
            }
        }
        // A program that exits without reading its input closes the pipe; the write then ends quietly.
        SpawnedProcess.feed(Array(input.utf8), to: process.takeInput())
    }

    /// Waits for the program to exit and its stderr to end; returns its status (128 + signal when killed).
    func wait() async -> Int32 {
        let status = await process.wait()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.stderrDone.withLock { state -> Bool in
                if state.done { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
        return status
    }

    var hasExited: Bool { !process.isRunning }

    /// SIGTERM now, SIGKILL after `grace` if it is still running (to its whole process group, so a
    /// wrapper script's children go too).
    func stop(grace: Duration = .seconds(2)) {
        guard process.isRunning else { return }
        process.signalGroup(SIGTERM)
        Task { [process] in
            try? await Task.sleep(for: grace)
            process.signalGroup(SIGKILL)
        }
    }

    /// The last few kilobytes the program wrote to stderr.
    var stderrText: String {
        String(decoding: state.stderrTail.withLock { $0 }, as: UTF8.self)
    }

    /// Reads `fd` on a new thread until end of file, handing each chunk to `onChunk` and then `nil`;
    /// closes `fd` at the end.
    static func readUntilEnd(_ fd: Int32, onChunk: @escaping @Sendable ([UInt8]?) -> Void) {
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 16 * 1024)
            while fd >= 0 {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { break }
                onChunk(Array(buffer[0..<n]))
            }
            if fd >= 0 { close(fd) }
            onChunk(nil)
        }
        thread.start()
    }

    static func resolve(_ program: String, in directory: String? = nil) -> String? {
        SpawnedProcess.resolve(program, in: directory)
    }

    /// What the pipe readers share with the caller.
    private final class State: Sendable {
        let stderrTail = Mutex<[UInt8]>([])
        /// Set once stderr has reached end of file (after the program's last write to it).
        let stderrDone = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
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
