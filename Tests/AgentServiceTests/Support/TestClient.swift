import AgentCore
import AgentProviders
import AgentService
import AgentStore
import Foundation
import JSONCore
import JSONRPC
import JSONRPCTransport
import Logging
import Spawn
import Synchronization

/// Talks to a server over real pipes, the way an editor does: either an ``AgentServer`` running in this
/// process on a ``Connection``, or the built `agentwire` binary.
///
/// Everything the server writes is framed, parsed and kept in arrival order; tests wait for the
/// messages they expect with a timeout, so a broken server fails a test instead of hanging it.
final class TestClient: @unchecked Sendable {
    let framing: Framing
    private let toServer: Int32
    private let fromServer: Int32
    private let lock = NSLock()
    private var received: [JSONValue] = []
    private var rawOutput: [UInt8] = []
    private var outputClosed = false
    private var inputClosed = false
    private var nextId: Int64 = 1
    private let process: SpawnedProcess?
    private let inProcessExit = ExitBox()

    /// The in-process server's handler (`nil` for a spawned binary).
    private(set) var handler: (any MessageHandler)?
    /// The in-process server's runtime (`nil` for a spawned binary).
    private(set) var runtime: AgentRuntime?

    /// Builds the handler an in-process server runs: by default the native ``AgentServer``.
    typealias MakeHandler =
        @Sendable (AgentRuntime, Logger, @escaping @Sendable (Int32) -> Void) -> any MessageHandler

    /// Starts an in-process server on pipes, keeping its runs in `store`.
    init(
        config: AgentConfig = .builtIn,
        framing: Framing = .newlineDelimited,
        maxMessageBytes: Int = 16 * 1024 * 1024,
        store: any RunStore = MemoryRunStore(),
        logHandler: LogCapture? = nil,
        makeHandler: MakeHandler? = nil,
        telemetry: Telemetry = .disabled,
        exposition: (any MetricsExposition)? = nil
    ) {
        Self.ignoreBrokenPipes
        self.framing = framing
        self.process = nil
        var input: [Int32] = [0, 0]
        var output: [Int32] = [0, 0]
        precondition(pipe(&input) == 0 && pipe(&output) == 0)
        toServer = input[1]
        fromServer = output[0]
        let serverOutput = output[1]
        var logger =
            logHandler.map { capture in Logger(label: "test.agentwire") { _ in capture } }
            ?? Logger(label: "test.agentwire")
        logger.logLevel = .warning
        let connection = Connection(
            inputFD: input[0],
            outputFD: serverOutput,
            maxMessageBytes: maxMessageBytes,
            logger: logger
        )
        let exitBox = inProcessExit
        // As `agentwire serve` does: a store that does not record itself (SQLite, or a test's) is recorded
        // into through an `EventRecorder`.
        let recorded: any RunStore = store is any RunRecorder ? store : EventRecorder(store: store, logger: logger)
        let runtime = AgentRuntime(
            config: config,
            store: recorded,
            providers: Providers.factory,
            logger: logger,
            telemetry: telemetry,
            mcp: MCPHub.connector(logger: logger)
        )
        let onExit: @Sendable (Int32) -> Void = { status in
            let first = exitBox.status.withLock { stored -> Bool in
                defer { if stored == nil { stored = status } }
                return stored == nil
            }
            if first { close(serverOutput) }
        }
        let server =
            makeHandler?(runtime, logger, onExit)
            ?? AgentServer(runtime: runtime, logger: logger, exposition: exposition, onExit: onExit)
        (server as? AgentServer)?.watchQueue(of: connection)
        handler = server
        self.runtime = runtime
        // The server's end of its stdin is closed once its reader has seen end of file.
        connection.start(handler: ClosingInputHandler(server, closing: input[0]))
        startReading()
    }

    /// Spawns the built `agentwire` binary with `arguments`.
    init(binaryArguments arguments: [String], framing: Framing = .newlineDelimited) throws {
        self.framing = framing
        let process = try SpawnedProcess(
            executable: TestClient.binaryURL.path,
            arguments: arguments,
            environment: TestClient.binaryEnvironment,
            stdin: .pipe,
            stdout: .pipe,
            stderr: .null
        )
        self.process = process
        // The client owns these descriptors: closed exactly once, by ``closeInput()`` and by the reader at
        // end of file.
        toServer = process.takeInput()
        fromServer = process.takeOutput()
        startReading()
    }

    /// The environment spawned binaries get: their default run store goes to a temporary directory, so
    /// tests never write into the user's state directory.
    static let binaryEnvironment: [String: String] = {
        var environment = ProcessInfo.processInfo.environment
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agentwire-tests-\(UUID())")
        environment["XDG_STATE_HOME"] = directory.path
        environment["XDG_CONFIG_HOME"] = directory.path
        return environment
    }()

    /// The process id of the spawned binary (binary mode only).
    var binaryProcessID: Int32? { process?.pid }

    /// A write to a server that has gone away must fail (EPIPE), not end the test process.
    static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// The `agentwire` executable built next to the test bundle.
    static var binaryURL: URL {
        ignoreBrokenPipes
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("agentwire")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/agentwire")
    }

    deinit {
        closeInput()
        process?.signal(SIGTERM)
    }

    // MARK: Sending

    /// Writes raw bytes exactly as given.
    func sendRaw(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(toServer, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }

    func sendRaw(_ text: String) { sendRaw(Array(text.utf8)) }

    /// Writes one JSON text framed in this client's framing.
    func send(json text: String) {
        var frame: [UInt8] = []
        framing.appendFrame(body: Array(text.utf8), to: &frame)
        sendRaw(frame)
    }

    func send(_ value: JSONValue) { send(json: value.jsonString) }

    /// Sends a request and returns its id.
    @discardableResult
    func sendRequest(_ method: String, _ params: JSONValue? = nil, id: RequestID? = nil) -> RequestID {
        let id =
            id
            ?? lock.withLock {
                defer { nextId += 1 }
                return RequestID.integer(nextId)
            }
        send(Envelope.request(id: id, method: method, params: params))
        return id
    }

    func notify(_ method: String, _ params: JSONValue? = nil) {
        send(Envelope.notification(method: method, params: params))
    }

    /// Closes the server's stdin (EOF). Only the first call closes, so a reused descriptor number is
    /// never closed by mistake.
    func closeInput() {
        let first = lock.withLock {
            defer { inputClosed = true }
            return !inputClosed
        }
        if first { close(toServer) }
    }

    // MARK: Receiving

    /// Every message received so far, in order.
    var messages: [JSONValue] { lock.withLock { received } }

    /// Everything the server wrote, byte for byte.
    var rawBytes: [UInt8] { lock.withLock { rawOutput } }

    /// Notifications with `method` received so far.
    func notifications(_ method: String) -> [JSONValue] {
        messages.filter { $0.isNotification && $0["method"]?.stringValue == method }
    }

    // MARK: Waiting

    // Every wait is async and polls: the server's runs are tasks on the Swift concurrency pool, which is as
    // small as the machine (two threads on CI), so a test blocking a pool thread could starve the very run
    // it waits for.

    /// Waits for the first message from index `start` on that satisfies `predicate`; fails as soon as the
    /// server has closed its output without sending one.
    func waitFor(
        from start: Int = 0,
        timeout: Duration = .seconds(60),
        _ predicate: (JSONValue) -> Bool
    ) async throws -> ReceivedMessage {
        var index = start
        return try await poll(timeout: timeout) {
            let (closed, all) = lock.withLock { (outputClosed, received) }
            while index < all.count {
                if predicate(all[index]) { return ReceivedMessage(index: index, message: all[index]) }
                index += 1
            }
            if closed { throw TestClientError.closed(waitingFor: "a matching message") }
            return nil
        }
    }

    /// Waits for the response (result or error) carrying `id`.
    func response(to id: RequestID, timeout: Duration = .seconds(60)) async throws -> ReceivedMessage {
        try await waitFor(timeout: timeout) { $0.isResponse(to: id) }
    }

    /// Sends a request and waits for its response.
    func request(
        _ method: String,
        _ params: JSONValue? = nil,
        timeout: Duration = .seconds(60)
    ) async throws -> JSONValue {
        try await response(to: sendRequest(method, params), timeout: timeout).message
    }

    /// Waits until the server closes its stdout.
    func waitForOutputClosed(timeout: Duration = .seconds(60)) async throws {
        try await poll(timeout: timeout) { lock.withLock { outputClosed } ? () : nil }
    }

    /// Waits for the exit status: the process's for a binary (128 + the signal when one ended it), the one
    /// passed to `onExit` in process.
    func waitForExit(timeout: Duration = .seconds(60)) async throws -> Int32 {
        if let process {
            return try await poll(timeout: timeout) { process.exitStatus }
        }
        try await waitForOutputClosed(timeout: timeout)
        return inProcessExit.status.withLock { $0 } ?? -1
    }

    /// Calls `check` every 2 ms until it returns a value; throws once `timeout` has passed.
    private func poll<T>(timeout: Duration, _ check: () throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let value = try check() { return value }
            if ContinuousClock.now > deadline { throw TestClientError.timeout(received: messages.count) }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    private func startReading() {
        let fd = fromServer
        let framing = framing
        let thread = Thread { [weak self] in
            var decoder = FrameDecoder(maxMessageBytes: 1 << 30, framing: framing)
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0, let self else { break }
                var parsed: [JSONValue] = []
                decoder.feed(buffer[0..<n]) { event in
                    if case .frame(let bytes) = event {
                        parsed.append(
                            (try? JSONValue.parse(bytes, allowScalars: true)) ?? .string("<unparseable frame>")
                        )
                    } else {
                        parsed.append(.string("<framing problem: \(event)>"))
                    }
                }
                self.lock.withLock {
                    self.rawOutput.append(contentsOf: buffer[0..<n])
                    self.received.append(contentsOf: parsed)
                }
            }
            close(fd)
            self?.lock.withLock { self?.outputClosed = true }
        }
        thread.start()
    }
}

enum TestClientError: Error, CustomStringConvertible {
    case timeout(received: Int)
    case closed(waitingFor: String)

    var description: String {
        switch self {
        case .timeout(let n): "timed out after receiving \(n) messages"
        case .closed(let what): "the server closed its output while waiting for \(what)"
        }
    }
}

/// One message as received, with its position in ``TestClient/messages``.
struct ReceivedMessage {
    var index: Int
    var message: JSONValue
}

extension JSONValue {
    /// `value["a"]?["b"]` chains for tests.
    subscript(path: String...) -> JSONValue? {
        var current: JSONValue? = self
        for key in path { current = current?[key] }
        return current
    }

    /// A response (result or error) carrying `id`, not a request.
    func isResponse(to id: RequestID) -> Bool {
        self["method"] == nil && self["id"].flatMap(RequestID.init) == id
    }

    /// A notification (an object with a method and no id), as opposed to a reply.
    var isNotification: Bool {
        objectValue != nil && self["method"] != nil && self["id"] == nil
    }
}

/// The exit status an in-process server reported.
final class ExitBox: Sendable {
    let status = Mutex<Int32?>(nil)
}

/// Keeps every log message a server writes, for tests that check what is reported.
final class LogCapture: LogHandler, @unchecked Sendable {
    private let lines = Mutex<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lines.withLock { $0.append("\(event.level): \(event.message)") }
    }

    var messages: [String] { lines.withLock { $0 } }
}

/// Hands everything to `inner`, then closes the in-process server's input descriptor once its reader
/// has finished with it (the reader never reads it again after `inputClosed`).
final class ClosingInputHandler: MessageHandler {
    private let inner: any MessageHandler
    private let fd: Int32

    init(_ inner: any MessageHandler, closing fd: Int32) {
        self.inner = inner
        self.fd = fd
    }

    func handle(_ incoming: Incoming, on connection: Connection) { inner.handle(incoming, on: connection) }

    func skippedOversizedMessage(bytes: Int, limit: Int, on connection: Connection) {
        inner.skippedOversizedMessage(bytes: bytes, limit: limit, on: connection)
    }

    func inputClosed(on connection: Connection) {
        inner.inputClosed(on: connection)
        close(fd)
    }
}
