import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a phase could not be measured: the server died, hung, answered wrongly or could not be started.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }

    static func errno(_ what: String, _ code: Int32 = Glibc.errno) -> BenchError {
        BenchError("\(what): \(String(cString: strerror(code))) (errno \(code))")
    }
}

/// How a server process ended, with the CPU time it used over its whole life.
struct ServerExit {
    var status: Int32
    var cpuSeconds: Double

    var summary: String {
        if status & 0x7F == 0 { return "exit \((status >> 8) & 0xFF)" }
        return "signal \(status & 0x7F)"
    }
    var isClean: Bool { status == 0 }
}

/// One `agentwire` process spawned with `posix_spawn`, its stdin and stdout on pipes and stderr on /dev/null.
final class ServerProcess {
    let pid: pid_t
    /// Our end of the server's stdin.
    private(set) var inputFD: Int32
    /// Our end of the server's stdout.
    let outputFD: Int32
    private var reaped = false

    /// Server arguments that keep the run store in memory: nothing written to the user's state directory.
    static let memoryStore = ["--store", "memory"]

    init(binary: String, arguments: [String]) throws(BenchError) {
        var toServer: [Int32] = [-1, -1]
        var fromServer: [Int32] = [-1, -1]
        // FD_CLOEXEC keeps our ends out of the child; dup2 onto 0 and 1 clears the flag on the child's copies.
        guard pipe(&toServer) == 0 else { throw .errno("pipe") }
        guard pipe(&fromServer) == 0 else {
            close(toServer[0])
            close(toServer[1])
            throw .errno("pipe")
        }
        for fd in toServer + fromServer { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toServer[0], STDIN_FILENO)
        posix_spawn_file_actions_adddup2(&actions, fromServer[1], STDOUT_FILENO)
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0)

        // The bench ignores SIGPIPE; give the server the default disposition back, as a shell would.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        // Its own process group, so a watchdog kill also reaches anything it started (a wrapper script's child).
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv: [UnsafeMutablePointer<CChar>?] = ([binary] + arguments).map { strdup($0) } + [nil]
        defer { for arg in argv { free(arg) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, binary, &actions, &attributes, argv, environ)
        close(toServer[0])
        close(fromServer[1])
        guard rc == 0 else {
            close(toServer[1])
            close(fromServer[0])
            throw .errno("cannot spawn \(binary)", rc)
        }
        pid = child
        inputFD = toServer[1]
        outputFD = fromServer[0]
    }

    deinit {
        if !reaped {
            kill(-pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        if inputFD >= 0 { close(inputFD) }
        close(outputFD)
    }

    /// Writes all of `bytes` to the server's stdin.
    func write(_ bytes: [UInt8]) throws(BenchError) {
        let fd = inputFD
        let result = bytes.withUnsafeBytes { raw in Self.writeAll(fd: fd, raw) }
        if let code = result { throw .errno("write to server", code) }
    }

    /// Writes a whole buffer with `write(2)`, looping over partial writes; the errno on failure.
    static func writeAll(fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        guard var p = bytes.baseAddress else { return nil }
        var remaining = bytes.count
        while remaining > 0 {
            let n = Glibc.write(fd, p, remaining)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            p += n
            remaining -= n
        }
        return nil
    }

    /// Creates (or empties) the file `path`, readable by its owner only, and writes `bytes` to it.
    static func writeFile(_ path: String, _ bytes: [UInt8]) throws(BenchError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw .errno("cannot create \(path)") }
        defer { close(fd) }
        if let code = bytes.withUnsafeBytes({ writeAll(fd: fd, $0) }) {
            throw .errno("cannot write \(path)", code)
        }
    }

    /// Closes the server's stdin, which asks it to exit.
    func closeInput() {
        if inputFD >= 0 {
            close(inputFD)
            inputFD = -1
        }
    }

    /// Waits for the process to end (a ``Watchdog`` bounds the wait) and reports its status and CPU time.
    func waitForExit() throws(BenchError) -> ServerExit {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            if errno == EINTR { continue }
            throw .errno("wait4")
        }
        reaped = true
        return ServerExit(status: status, cpuSeconds: usage.ru_utime.seconds + usage.ru_stime.seconds)
    }
}

/// Kills a server's process group with SIGKILL when a phase runs past its deadline, so blocked reads see end of file
/// and blocked writes fail with EPIPE instead of hanging the bench.
final class Watchdog: Sendable {
    private struct State {
        var cancelled = false
        var fired = false
    }
    private let state = Mutex(State())

    init(pid: pid_t, seconds: Double) {
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
            state.withLock { state in
                guard !state.cancelled else { return }
                state.fired = true
                kill(-pid, SIGKILL)
            }
        }
    }

    /// Disarms the watchdog; once this returns it never kills.
    func cancel() {
        state.withLock { $0.cancelled = true }
    }

    var fired: Bool { state.withLock { $0.fired } }
}

extension timeval {
    var seconds: Double { Double(tv_sec) + Double(tv_usec) / 1_000_000 }
}
