import Dispatch
import JSONCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A server's stdout read on a thread of its own, every line stamped with the monotonic clock as it is read,
/// so the lines of two servers can be compared on one clock while the bench waits on either.
final class LineFeed: @unchecked Sendable {
    struct Line: Sendable {
        /// When the line was read (``now()``).
        var at: UInt64
        var bytes: [UInt8]
    }

    private struct State {
        var lines: [Line] = []
        var next = 0
        var ended = false
        var error: BenchError?
    }

    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    /// Only the feed's thread touches it.
    private let reader: LineReader

    init(reader: LineReader) {
        self.reader = reader
        startThread { [self] in
            var failure: BenchError?
            while true {
                do throws(BenchError) {
                    guard let bytes = try self.reader.nextLine() else { break }
                    let line = Line(at: now(), bytes: bytes)
                    state.withLock { $0.lines.append(line) }
                    available.signal()
                } catch {
                    failure = error
                    break
                }
            }
            let error = failure
            state.withLock {
                $0.ended = true
                $0.error = error
            }
            available.signal()
            finished.signal()
        }
    }

    /// The next line, waiting up to `seconds` for it; throws at end of stream or when none came in time.
    func next(within seconds: Double) throws(BenchError) -> Line {
        let deadline = DispatchTime.now() + seconds
        while true {
            let taken = state.withLock { state -> (line: Line?, ended: Bool, error: BenchError?) in
                guard state.next < state.lines.count else { return (nil, state.ended, state.error) }
                let line = state.lines[state.next]
                state.next += 1
                if state.next >= 4096 {
                    state.lines.removeFirst(state.next)
                    state.next = 0
                }
                return (line, false, nil)
            }
            if let line = taken.line { return line }
            if taken.ended { throw taken.error ?? BenchError("the server closed stdout before the phase ended") }
            if available.wait(timeout: deadline) == .timedOut {
                throw BenchError("the server sent nothing for \(Format.fixed(seconds, 0)) s")
            }
        }
    }

    /// Waits for the feed's thread to see the end of the stream (the server has exited or been killed).
    func waitUntilEnded() {
        finished.wait()
        finished.signal()
    }
}

/// A server spawned and initialized, its stdout read by a ``LineFeed``; requests are written by the caller.
/// One thread at a time uses it.
final class StampedClient: @unchecked Sendable {
    let session: Session
    let feed: LineFeed
    private var nextId = 1
    private var closed = false

    init(binary: String, timeout: Double, arguments: [String]) throws(BenchError) {
        session = try Session(binary: binary, timeout: timeout, arguments: arguments)
        feed = LineFeed(reader: session.reader)
    }

    deinit { stop() }

    /// Writes a request with the next id; returns the id.
    @discardableResult
    func send(_ method: String, _ params: JSONValue) throws(BenchError) -> Int {
        let id = nextId
        nextId += 1
        let message: JSONValue = [
            "jsonrpc": "2.0", "id": .integer(Int64(id)), "method": .string(method), "params": params,
        ]
        var bytes = Array(message.jsonString.utf8)
        bytes.append(Wire.newline)
        try session.server.write(bytes)
        return id
    }

    /// The next line, parsed, with when it was read.
    func next(within seconds: Double) throws(BenchError) -> (at: UInt64, message: JSONValue) {
        let line = try feed.next(within: seconds)
        return (line.at, try Wire.parse(line.bytes))
    }

    /// Reads until the reply to request `id` (notifications before it are passed to `notification`).
    func reply(
        to id: Int,
        within seconds: Double,
        notification: (UInt64, JSONValue) throws(BenchError) -> Void = { _, _ in }
    ) throws(BenchError) -> (at: UInt64, message: JSONValue) {
        while true {
            let (at, message) = try next(within: seconds)
            if message["method"] != nil {
                try notification(at, message)
                continue
            }
            guard message["id"]?.integerValue == Int64(id) else {
                throw BenchError("a reply to another request: \(String(message.jsonString.prefix(300)))")
            }
            return (at, message)
        }
    }

    /// Closes the server's stdin, waits for it to exit cleanly and for its stdout to end.
    func finish() throws(BenchError) -> ServerExit {
        closed = true
        defer { feed.waitUntilEnded() }
        return try session.finish()
    }

    /// Kills the server unless it was finished, and waits for the feed to end (so the pipe it reads from is
    /// closed only afterwards).
    func stop() {
        if !closed {
            closed = true
            kill(-session.server.pid, SIGKILL)
        }
        feed.waitUntilEnded()
    }
}

/// Runs `body` on a new detached thread. The feeds and drivers block in `read(2)` for long stretches; on
/// Dispatch's global queue they would hold workers of a pool about as wide as the machine's cores, and whatever
/// is queued behind them would start late.
func startThread(_ body: @escaping @Sendable () -> Void) {
    final class Box: @unchecked Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    let rc = pthread_create(
        &thread,
        nil,
        { context in
            let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
            box.body()
            return nil
        },
        context
    )
    if rc == 0 {
        pthread_detach(thread)
    } else {
        // No thread to be had: run it on Dispatch's pool rather than not at all.
        let box = Unmanaged<Box>.fromOpaque(context).takeRetainedValue()
        DispatchQueue.global().async { box.body() }
    }
}
