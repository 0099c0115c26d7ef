import AgentCore
import AgentService
import Foundation
import JSONCore
import JSONRPC
import JSONRPCTransport
import Logging
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
    private let condition = NSCondition()
    private var received: [JSONValue] = []
    private var rawOutput: [UInt8] = []
    private var outputClosed = false
    private var inputClosed = false
    private var nextId: Int64 = 1
    private var process: Process?
    private var exitStatus: Int32?
    private let inProcessExit = ExitBox()

    /// Starts an in-process server on pipes.
    init(config: AgentConfig = .builtIn, framing: Framing = .newlineDelimited, maxMessageBytes: Int = 16 * 1024 * 1024) {
        self.framing = framing
        var input: [Int32] = [0, 0]
        var output: [Int32] = [0, 0]
        precondition(pipe(&input) == 0 && pipe(&output) == 0)
        toServer = input[1]
        fromServer = output[0]
        let serverOutput = output[1]
        var logger = Logger(label: "test.agentwire")
        logger.logLevel = .warning
        let connection = Connection(
            inputFD: input[0], outputFD: serverOutput, maxMessageBytes: maxMessageBytes, logger: logger)
        let exitBox = inProcessExit
        let server = AgentServer(runtime: AgentRuntime(config: config, logger: logger), logger: logger) { status in
            let first = exitBox.status.withLock { stored -> Bool in
                defer { if stored == nil { stored = status } }
                return stored == nil
            }
            if first { close(serverOutput) }
        }
        connection.start(handler: server)
        startReading()
    }

    /// Spawns the built `agentwire` binary with `arguments`.
    init(binaryArguments arguments: [String], framing: Framing = .newlineDelimited) throws {
        self.framing = framing
        let process = Process()
        process.executableURL = TestClient.binaryURL
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        toServer = stdin.fileHandleForWriting.fileDescriptor
        fromServer = stdout.fileHandleForReading.fileDescriptor
        startReading()
    }

    /// The `agentwire` executable built next to the test bundle.
    static var binaryURL: URL {
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
        if let process, process.isRunning { process.terminate() }
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
        let id = id ?? condition.withLock {
            defer { nextId += 1 }
            return RequestID.integer(nextId)
        }
        send(Envelope.request(id: id, method: method, params: params))
        return id
    }

    func notify(_ method: String, _ params: JSONValue? = nil) {
        send(Envelope.notification(method: method, params: params))
    }

    /// Sends a request and waits for its response.
    func request(_ method: String, _ params: JSONValue? = nil, timeout: Duration = .seconds(10)) throws -> JSONValue {
        let id = sendRequest(method, params)
        return try response(to: id, timeout: timeout)
    }

    /// Closes the server's stdin (EOF). Only the first call closes, so a reused descriptor number is
    /// never closed by mistake.
    func closeInput() {
        let first = condition.withLock {
            defer { inputClosed = true }
            return !inputClosed
        }
        if first { close(toServer) }
    }

    // MARK: Receiving

    /// Every message received so far, in order.
    var messages: [JSONValue] { condition.withLock { received } }

    /// Everything the server wrote, byte for byte.
    var rawBytes: [UInt8] { condition.withLock { rawOutput } }

    /// Waits for the first message (from index `from` on) that satisfies `predicate`.
    func waitFor(
        from start: Int = 0, timeout: Duration = .seconds(10), _ predicate: (JSONValue) -> Bool
    ) throws -> JSONValue {
        let deadline = Date().addingTimeInterval(timeout.seconds)
        condition.lock()
        defer { condition.unlock() }
        var index = start
        while true {
            while index < received.count {
                if predicate(received[index]) { return received[index] }
                index += 1
            }
            if outputClosed { throw TestClientError.closed(waitingFor: "a matching message") }
            if !condition.wait(until: deadline) { throw TestClientError.timeout(received: received.count) }
        }
    }

    /// Waits for the response carrying `id`.
    func response(to id: RequestID, timeout: Duration = .seconds(10)) throws -> JSONValue {
        try waitFor(timeout: timeout) { $0["id"].flatMap(RequestID.init) == id && $0["method"] == nil }
    }

    /// Notifications with `method` received so far.
    func notifications(_ method: String) -> [JSONValue] {
        messages.filter { $0["method"]?.stringValue == method && $0["id"] == nil }
    }

    /// Waits until the server closes its stdout.
    func waitForOutputClosed(timeout: Duration = .seconds(10)) throws {
        let deadline = Date().addingTimeInterval(timeout.seconds)
        condition.lock()
        defer { condition.unlock() }
        while !outputClosed {
            if !condition.wait(until: deadline) { throw TestClientError.timeout(received: received.count) }
        }
    }

    /// The exit status: the process's for a binary, the one passed to `onExit` in process.
    func waitForExit(timeout: Duration = .seconds(10)) throws -> Int32 {
        if let process {
            let deadline = Date().addingTimeInterval(timeout.seconds)
            while process.isRunning {
                if Date() > deadline { throw TestClientError.timeout(received: messages.count) }
                usleep(2000)
            }
            return process.terminationStatus
        }
        try waitForOutputClosed(timeout: timeout)
        return inProcessExit.status.withLock { $0 } ?? -1
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
                        parsed.append((try? JSONValue.parse(bytes, allowScalars: true)) ?? .string("<unparseable frame>"))
                    } else {
                        parsed.append(.string("<framing problem: \(event)>"))
                    }
                }
                self.condition.withLock {
                    self.rawOutput.append(contentsOf: buffer[0..<n])
                    self.received.append(contentsOf: parsed)
                    self.condition.broadcast()
                }
            }
            self?.condition.withLock {
                self?.outputClosed = true
                self?.condition.broadcast()
            }
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

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

extension JSONValue {
    /// `value["a"]?["b"]` chains for tests.
    subscript(path: String...) -> JSONValue? {
        var current: JSONValue? = self
        for key in path { current = current?[key] }
        return current
    }
}

/// The exit status an in-process server reported.
final class ExitBox: Sendable {
    let status = Mutex<Int32?>(nil)
}
