import AgentCore
import Foundation
import JSONCore
import JSONRPC
import JSONRPCTransport
import Logging
import Spawn
import Synchronization

/// An MCP server started as a child process, spoken to with newline-delimited JSON-RPC on its stdin and
/// stdout through the project's ``Connection`` (its reader thread, outbound queue and request table).
///
/// The child leads a process group of its own and is killed if this process dies (even by SIGKILL), so
/// no server outlives AgentWire. Its stderr goes to the log at debug level, and its last lines are kept
/// for error messages. Lines on stdout that are not JSON-RPC are logged and skipped.
final class MCPStdioTransport: MCPTransport, FaceHandler {
    private let server: String
    private let process: SpawnedProcess
    private let connection: Connection
    private let endpoint: Endpoint
    private let events: MCPTransportEvents
    private let logger: Logger
    private let stderrTail = StderrTail()
    private let ended = Mutex<String?>(nil)
    private let stdoutFD: Int32

    static let stderrKeep = 2048
    /// Largest message read from a server: a result beyond it fails its call rather than the service.
    static let maxMessageBytes = 8 * 1024 * 1024
    /// How long a server has to exit after its stdin closes, and then after SIGTERM.
    static let grace: Duration = .seconds(1)

    private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    init(
        definition: MCPServerDefinition,
        command: String,
        arguments: [String],
        environment: [String: String],
        workingDirectory: String?,
        events: MCPTransportEvents,
        logger: Logger
    ) throws(MCPFailure) {
        Self.ignoreBrokenPipes
        server = definition.name
        self.events = events
        self.logger = logger
        guard let executable = SpawnedProcess.resolve(command, in: workingDirectory) else {
            throw MCPFailure(
                "cannot find the program '\(command)'\(workingDirectory.map { " (running in \($0))" } ?? "")"
                    + " of MCP server '\(definition.name)'"
            )
        }
        do {
            process = try SpawnedProcess(
                executable: executable,
                arguments: arguments,
                environment: environment.isEmpty
                    ? nil : ProcessInfo.processInfo.environment.merging(environment) { $1 },
                workingDirectory: workingDirectory,
                stdin: .pipe,
                stdout: .pipe,
                stderr: .pipe,
                newProcessGroup: true,
                diesWithParent: true
            )
        } catch {
            throw MCPFailure("cannot start MCP server '\(definition.name)': \(error.description)")
        }
        stdoutFD = process.takeOutput()
        let outstanding = OutstandingRequests { .integer(Int64($0)) }
        endpoint = Endpoint(outstanding: outstanding, logger: logger)
        connection = Connection(
            inputFD: stdoutFD,
            outputFD: process.input,
            maxMessageBytes: Self.maxMessageBytes,
            framing: .newlineDelimited,
            logger: logger
        )
        readErrors(process.takeErrorOutput())
        connection.start(handler: self)
    }

    var pid: pid_t { process.pid }

    func request(
        _ method: String,
        params: JSONValue?,
        timeout: Duration?
    ) async -> (
        id: RequestID?, result: Result<JSONValue, ResponseError>
    ) {
        let sent = Mutex<RequestID?>(nil)
        let result = await endpoint.outstanding.send(method: method, params: params, timeout: timeout) {
            [connection] envelope in
            sent.withLock { $0 = envelope["id"].flatMap(RequestID.init) }
            connection.send(envelope)
        }
        return (sent.withLock { $0 }, result)
    }

    func notify(_ method: String, params: JSONValue?) {
        connection.send(Envelope.notification(method: method, params: params))
    }

    var endReason: String? { ended.withLock { $0 } }

    /// Closes the server's stdin once what is queued for it is written; then SIGTERM to its process group
    /// when it has not exited within ``grace``, and SIGKILL after another. The writing happens on a thread
    /// of its own: a server that stopped reading cannot hold up its own shutdown (once it is killed, the
    /// write fails and the thread ends).
    func close() async {
        let (connection, process) = (connection, process)
        Thread {
            connection.close()
            process.closeInput()
        }.start()
        for signal in [SIGTERM, SIGKILL] {
            if await exited(within: Self.grace) { return }
            logger.debug("Stopping MCP server", metadata: ["server": "\(server)", "signal": "\(signal)"])
            process.signalGroup(signal)
        }
        _ = await exited(within: Self.grace)
    }

    private func exited(within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return !process.isRunning
    }

    // MARK: The connection's handler (on its reader thread)

    var batchPolicy: BatchPolicy { .eachAlone }

    func handle(_ incoming: Incoming, on connection: Connection) {
        if case .unparseable = incoming {
            // A server that prints to stdout breaks nothing here: the line is skipped.
            logger.debug("An MCP server wrote a line that is not JSON-RPC; skipped", metadata: ["server": "\(server)"])
            return
        }
        endpoint.handle(incoming, on: connection, for: self)
    }

    func handleRequest(
        id: RequestID,
        method: String,
        params: JSONValue?,
        responder: Responder,
        connection: Connection
    ) throws(ResponseError) {
        responder.reply(id: id, MCPClientRequests.answer(method: method))
    }

    func handleNotification(method: String, params: JSONValue?, connection: Connection) throws(ResponseError) {
        events.notification(method, params)
    }

    func cancelRequest(_ id: RequestID, mode: CancelMode) {}

    /// The message (an answer, most likely) cannot be read, so the calls in flight fail with the reason
    /// rather than wait for their timeouts.
    func skippedOversizedMessage(bytes: Int, limit: Int, on connection: Connection) {
        endpoint.outstanding.failAll(
            ResponseError(
                code: .messageTooLarge,
                message: "MCP server '\(server)' sent a message of \(bytes) bytes, over the limit of \(limit)"
            )
        )
    }

    func inputClosed(on connection: Connection) {
        Glibc.close(stdoutFD)
        // Output ends as the process exits: give the reaper a moment, so the reason names the status.
        for _ in 0..<100 where process.isRunning { usleep(5_000) }
        let status = process.exitStatus
        let tail = String(decoding: stderrTail.bytes.withLock { $0 }, as: UTF8.self)
            .split(separator: "\n").suffix(3).joined(separator: " | ")
        let reason =
            (status.map { "MCP server '\(server)' exited with status \($0)" }
                ?? "MCP server '\(server)' closed its output") + (tail.isEmpty ? "" : " (stderr: \(tail))")
        ended.withLock { $0 = reason }
        endpoint.inputClosed()
        events.ended()
    }

    /// Reads the server's stderr on a thread of its own: each line to the log at debug level, the tail kept.
    private func readErrors(_ fd: Int32) {
        let (server, logger, tail) = (server, logger, stderrTail)
        ChildProcess.readUntilEnd(fd) { chunk in
            guard let chunk else { return }
            for line in tail.add(chunk) {
                logger.debug("MCP server stderr", metadata: ["server": "\(server)", "line": "\(line)"])
            }
        }
    }
}

/// What a server writes to stderr: its last bytes, and the line being read (only the reading thread adds).
private final class StderrTail: Sendable {
    let bytes = Mutex<[UInt8]>([])
    private let line = Mutex<[UInt8]>([])

    /// Keeps `chunk` in the tail; returns the lines it completes (each cut at 4 KiB).
    func add(_ chunk: [UInt8]) -> [String] {
        bytes.withLock { kept in
            kept.append(contentsOf: chunk)
            if kept.count > MCPStdioTransport.stderrKeep { kept.removeFirst(kept.count - MCPStdioTransport.stderrKeep) }
        }
        return line.withLock { line in
            var lines: [String] = []
            for byte in chunk {
                if byte == UInt8(ascii: "\n") {
                    lines.append(String(decoding: line, as: UTF8.self))
                    line.removeAll(keepingCapacity: true)
                } else if line.count < 4096 {
                    line.append(byte)
                }
            }
            return lines
        }
    }
}
