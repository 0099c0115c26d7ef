import Dispatch
import JSONCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A server spawned for one phase: initialized (so its start-up is outside the measurement) and guarded
/// by a watchdog that kills it when the phase overruns.
final class Session {
    let server: ServerProcess
    let reader: LineReader
    private let watchdog: Watchdog
    private let timeout: Double

    /// - Parameter arguments: the server's arguments, which always name its run store (usually
    ///   ``ServerProcess/memoryStore``), so a phase never writes to the user's state directory.
    init(binary: String, timeout: Double, arguments: [String]) throws(BenchError) {
        server = try ServerProcess(binary: binary, arguments: arguments)
        watchdog = Watchdog(pid: server.pid, seconds: timeout)
        reader = LineReader(fd: server.outputFD)
        self.timeout = timeout
        do throws(BenchError) {
            try server.write(Wire.initializeRequest(id: 0))
            guard let line = try reader.nextLine() else {
                throw BenchError("the server closed stdout before answering initialize")
            }
            let reply = try Wire.parse(line)
            guard reply["result"] != nil else {
                throw BenchError("initialize failed: \(reply.jsonString)")
            }
        } catch {
            throw explain(error)
        }
    }

    deinit { watchdog.cancel() }

    /// Runs a measurement, turning the failures a watchdog kill causes into a time-out report.
    func measure<T>(_ body: () throws(BenchError) -> T) throws(BenchError) -> T {
        do {
            return try body()
        } catch {
            throw explain(error)
        }
    }

    /// Closes the server's stdin and waits for it to exit.
    func finish() throws(BenchError) -> ServerExit {
        server.closeInput()
        let exit = try measure { () throws(BenchError) in try server.waitForExit() }
        watchdog.cancel()
        if watchdog.fired { throw timedOut() }
        guard exit.isClean else { throw BenchError("the server ended with \(exit.summary) after stdin closed") }
        return exit
    }

    private func explain(_ error: BenchError) -> BenchError {
        watchdog.fired ? timedOut() : error
    }

    private func timedOut() -> BenchError {
        BenchError("timed out after \(Int(timeout)) s (server killed); raise --timeout if it is just slow")
    }
}

/// Writes a buffer to a pipe on another thread, so that one thread writes while the caller reads.
final class BackgroundWriter: @unchecked Sendable {
    private struct Outcome {
        var errorCode: Int32?
        var finishedAt: UInt64 = 0
    }
    private let done = DispatchSemaphore(value: 0)
    private let outcome = Mutex(Outcome())

    init(fd: Int32, bytes: [UInt8]) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            let code = bytes.withUnsafeBytes { ServerProcess.writeAll(fd: fd, $0) }
            let finished = now()
            outcome.withLock {
                $0.errorCode = code
                $0.finishedAt = finished
            }
            done.signal()
        }
    }

    /// Waits for the writer; throws if a write failed. Returns when the last byte was handed to the pipe.
    func wait() throws(BenchError) -> UInt64 {
        done.wait()
        let result = outcome.withLock { $0 }
        if let code = result.errorCode { throw .errno("write to server", code) }
        return result.finishedAt
    }
}

extension BackgroundWriter {
    /// Kills the server and waits for the writer, so it never outlives the pipe it writes to.
    func stop(_ server: ServerProcess) {
        kill(-server.pid, SIGKILL)
        _ = try? wait()
    }

    /// Reads a chunk of the server's output; on failure stops the writer first.
    func readOrStop(_ buffer: ChunkBuffer, from server: ServerProcess) throws(BenchError) -> UnsafeRawBufferPointer {
        do {
            return try buffer.read(from: server.outputFD)
        } catch {
            stop(server)
            throw error
        }
    }
}

/// A large buffer for `read(2)` on the server's stdout.
final class ChunkBuffer {
    let storage: UnsafeMutableRawBufferPointer

    init(bytes: Int = 256 * 1024) {
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes, alignment: 4096)
    }

    deinit { storage.deallocate() }

    /// Reads once; the bytes read, never empty. Throws at end of stream.
    func read(from fd: Int32) throws(BenchError) -> UnsafeRawBufferPointer {
        while true {
            let n = Glibc.read(fd, storage.baseAddress, storage.count)
            if n > 0 { return UnsafeRawBufferPointer(start: storage.baseAddress, count: n) }
            if n == 0 { throw BenchError("the server closed stdout before the phase ended") }
            if errno != EINTR { throw .errno("read from server") }
        }
    }
}
