import CShims
import Foundation
import Synchronization

/// A program started with `posix_spawn` (fork and exec when it is to die with this process), without a shell:
/// its standard streams on pipes, `/dev/null`, a file or this process's own, every other descriptor closed in
/// the child.
///
/// Each pipe end this side keeps is owned by the `SpawnedProcess` and closed exactly once (by
/// ``closeInput()``, by ``closeOutput()`` or when the object goes away), so a descriptor number that has
/// been reused elsewhere is never closed by mistake. The exit is collected by a thread of its own
/// (`waitpid`), never by a thread of the concurrency pool.
public final class SpawnedProcess: Sendable {
    /// Where one of the child's standard streams goes.
    public enum Stream: Sendable {
        /// A pipe; this side's end is ``input``, ``output`` or ``errorOutput``.
        case pipe
        /// `/dev/null`.
        case null
        /// This process's own descriptor.
        case inherit
        /// A file, created if needed and appended to.
        case file(String)
    }

    public struct SpawnError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var code: Int32
        public var description: String { "\(message): \(String(cString: strerror(code)))" }
    }

    public let pid: pid_t
    /// This side's end of the child's stdin (`-1` unless it is a pipe, or once closed).
    public var input: Int32 { descriptors.withLock { $0.input } }
    /// This side's end of the child's stdout (`-1` unless it is a pipe, or once closed).
    public var output: Int32 { descriptors.withLock { $0.output } }
    /// This side's end of the child's stderr (`-1` unless it is a pipe, or once closed).
    public var errorOutput: Int32 { descriptors.withLock { $0.error } }

    private let descriptors: Mutex<(input: Int32, output: Int32, error: Int32)>
    private let exit = ExitState()

    /// The exit status once collected, and who waits for it.
    private final class ExitState: Sendable {
        typealias Value = (
            status: Int32?, exitedAt: ContinuousClock.Instant?, waiters: [CheckedContinuation<Int32, Never>]
        )
        let state = Mutex<Value>((nil, nil, []))
        func withLock<T>(_ body: (inout Value) -> T) -> T {
            state.withLock { body(&$0) }
        }
    }

    /// Starts `executable` (a path; see ``resolve(_:path:in:)``) with `arguments` (not including argv[0]).
    ///
    /// - Parameters:
    ///   - environment: the child's whole environment; nil passes this process's own.
    ///   - workingDirectory: the child's working directory, changed to before it execs (a relative
    ///     `executable` is then taken relative to it); nil keeps this process's own.
    ///   - newProcessGroup: the child leads a process group of its own, so ``signalGroup(_:)`` reaches
    ///     whatever it starts in turn.
    ///   - diesWithParent: the child is killed (SIGKILL) when this process dies, however it dies, even by
    ///     `kill -9` (`prctl(PR_SET_PDEATHSIG)`, set in the child between `fork` and `execve`). Only what is
    ///     started here: a program the child starts in turn is not covered. Linux only; elsewhere it is
    ///     ignored and the child outlives this process as it would without it.
    public init(
        executable: String,
        arguments: [String],
        environment: [String: String]? = nil,
        workingDirectory: String? = nil,
        stdin: Stream = .pipe,
        stdout: Stream = .pipe,
        stderr: Stream = .null,
        newProcessGroup: Bool = false,
        diesWithParent: Bool = false
    ) throws(SpawnError) {
        // This side's pipe ends; the child's ends are closed here once it has started.
        var ours: [Int32] = [-1, -1, -1]
        var theirs: [Int32] = []
        func cleanUp() {
            for fd in ours + theirs where fd >= 0 { close(fd) }
        }
        var plans: [ChildStream] = []
        for (target, stream) in [stdin, stdout, stderr].enumerated() {
            switch stream {
            case .pipe:
                var ends: [Int32] = [-1, -1]
                // O_CLOEXEC from the start: no other spawn, on any thread, can inherit these.
                guard cshims_pipe_cloexec(&ends) == 0 else {
                    let code = errno
                    cleanUp()
                    throw SpawnError(message: "Cannot make a pipe", code: code)
                }
                let (childEnd, ourEnd) = target == 0 ? (ends[0], ends[1]) : (ends[1], ends[0])
                ours[target] = ourEnd
                theirs.append(childEnd)
                plans.append(.descriptor(childEnd))
            case .null:
                plans.append(.open("/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0))
            case .inherit:
                plans.append(.inherited)
            case .file(let path):
                plans.append(.open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644))
            }
        }
        if let workingDirectory {
            // Checked here so that a missing directory is not reported as a missing program.
            var info = stat()
            var code: Int32 = 0
            if stat(workingDirectory, &info) != 0 {
                code = errno
            } else if info.st_mode & S_IFMT != S_IFDIR {
                code = ENOTDIR
            }
            guard code == 0 else {
                cleanUp()
                throw SpawnError(message: "Cannot run in \(workingDirectory)", code: code)
            }
        }

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { variables in
            variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        }
        defer {
            for arg in argv { free(arg) }
            for variable in envp ?? [] { free(variable) }
        }
        #if os(Linux)
            let start = diesWithParent ? Self.forkExec : Self.posixSpawn
        #else
            let start = Self.posixSpawn  // diesWithParent is Linux only
        #endif
        let child: pid_t
        do {
            child = try start(executable, argv, envp, plans, workingDirectory, newProcessGroup)
        } catch {
            cleanUp()
            throw error
        }
        for fd in theirs { close(fd) }
        theirs = []
        pid = child
        descriptors = Mutex((ours[0], ours[1], ours[2]))
        let exit = self.exit
        let reaped = child
        let reaper = Thread {
            var status: Int32 = 0
            while waitpid(reaped, &status, 0) < 0 {
                guard errno == EINTR else {
                    status = 0x7F00  // not ours to wait for: report it as ended
                    break
                }
            }
            let code = Self.exitCode(status)
            let now = ContinuousClock.now
            let waiters = exit.withLock { state in
                state.status = code
                state.exitedAt = now
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: code) }
        }
        reaper.start()
    }

    deinit {
        let fds = descriptors.withLock { $0 }
        for fd in [fds.input, fds.output, fds.error] where fd >= 0 { close(fd) }
    }

    /// The exit status (128 + the signal when one ended it), or nil while it runs.
    public var exitStatus: Int32? { exit.withLock { $0.status } }
    public var isRunning: Bool { exitStatus == nil }
    /// When the exit was collected (moments after the program ended), or nil while it runs.
    public var exitedAt: ContinuousClock.Instant? { exit.withLock { $0.exitedAt } }

    /// Waits, without holding a thread, until the program has exited; returns ``exitStatus``.
    public func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status = exit.withLock { state -> Int32? in
                if let status = state.status { return status }
                state.waiters.append(continuation)
                return nil
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    /// Sends `signal` to the program, unless it has already been waited for (its pid may be reused).
    public func signal(_ signal: Int32 = SIGTERM) {
        exit.withLock { state in
            if state.status == nil { _ = kill(pid, signal) }
        }
    }

    /// Sends `signal` to the program's process group (started with `newProcessGroup`).
    public func signalGroup(_ signal: Int32) {
        exit.withLock { state in
            if state.status == nil { _ = kill(-pid, signal) }
        }
    }

    /// Closes this side of the child's stdin: it reads end of file. Safe to call more than once.
    public func closeInput() {
        let fd = descriptors.withLock { fds in
            defer { fds.input = -1 }
            return fds.input
        }
        if fd >= 0 { close(fd) }
    }

    /// Closes this side of the child's stdout: its next write fails (EPIPE). Safe to call more than once.
    public func closeOutput() {
        let fd = descriptors.withLock { fds in
            defer { fds.output = -1 }
            return fds.output
        }
        if fd >= 0 { close(fd) }
    }

    /// Hands this side's end of a pipe over to the caller, who then closes it (`-1` when there is none).
    public func takeInput() -> Int32 {
        descriptors.withLock { fds in
            defer { fds.input = -1 }; return fds.input
        }
    }
    public func takeOutput() -> Int32 {
        descriptors.withLock { fds in
            defer { fds.output = -1 }; return fds.output
        }
    }
    public func takeErrorOutput() -> Int32 {
        descriptors.withLock { fds in
            defer { fds.error = -1 }; return fds.error
        }
    }

    /// Writes all of `bytes` to `fd` on a thread of its own (the write blocks while the reader is not
    /// reading), closes `fd`, then calls `done`. A reader that goes away ends the write quietly.
    public static func feed(_ bytes: [UInt8], to fd: Int32, then done: @escaping @Sendable () -> Void = {}) {
        Thread {
            bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { break }
                    offset += n
                }
            }
            close(fd)
            done()
        }.start()
    }

    /// The full path of `program`: itself when it holds a `/` (and is executable), else the first match on
    /// `path` (`PATH`). A relative path, given or found, is taken relative to `directory` when that is given
    /// (the working directory the program will run in) and returned joined to it.
    public static func resolve(_ program: String, path: String? = nil, in directory: String? = nil) -> String? {
        func located(_ candidate: String) -> String {
            guard let directory, !candidate.hasPrefix("/") else { return candidate }
            return directory.hasSuffix("/") ? directory + candidate : "\(directory)/\(candidate)"
        }
        if program.contains("/") {
            let candidate = located(program)
            return access(candidate, X_OK) == 0 ? candidate : nil
        }
        let path = path ?? getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = located("\(directory)/\(program)")
            var info = stat()
            if access(candidate, X_OK) == 0, stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFREG {
                return candidate
            }
        }
        return nil
    }

    /// `waitpid`'s status as a shell reports it: the exit code, or 128 + the signal.
    static func exitCode(_ status: Int32) -> Int32 {
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}
