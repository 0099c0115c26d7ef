import AgentCore
import AgentService
import Foundation
import JSONRPC
import JSONRPCTransport
import Logging
import Spawn

/// Feeds bytes to a fresh service exactly as a client's stdin would, end to end: framing detection, both
/// framings, jansson parsing and dispatch, with the echo agents behind it (no delays). Returns once the
/// service has answered everything and would exit. The fuzzer and the corpus replay test both use it.
public enum FuzzHarness {
    /// The built-in agents and workflows with every echo delay removed, so no input can make a run slow.
    static let config: AgentConfig = {
        var config = AgentConfig.builtIn
        for index in config.agents.indices {
            if case .echo(_, let thinking, let history) = config.agents[index].provider {
                config.agents[index].provider = .echo(delayMs: 0, thinking: thinking, history: history)
            }
        }
        return config
    }()

    /// Largest message the harness's service accepts: small, so oversized paths are reachable.
    public static let maxMessageBytes = 64 * 1024

    /// Runs `input` through a service and waits on the calling thread (for libFuzzer's driver).
    public static func run(_ input: [UInt8]) {
        let done = DispatchSemaphore(value: 0)
        start(input) { done.signal() }
        done.wait()
    }

    /// Runs `input` through a service without blocking a thread.
    public static func run(_ input: [UInt8]) async {
        await withCheckedContinuation { continuation in start(input) { continuation.resume() } }
    }

    private static func start(_ input: [UInt8], finished: @escaping @Sendable () -> Void) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { fatalError("pipe: errno \(errno)") }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        let output = open("/dev/null", O_WRONLY)
        // The input may be larger than a pipe holds: written from a thread of its own, then closed (EOF).
        SpawnedProcess.feed(input, to: writeEnd)
        let logger = Logger(label: "agentwire.fuzz") { _ in SwiftLogNoOpLogHandler() }
        let runtime = AgentRuntime(config: config, store: MemoryRunStore(), logger: logger)
        let server = AgentServer(runtime: runtime, logger: logger) { _ in }
        let connection = Connection(
            inputFD: readEnd,
            outputFD: output,
            maxMessageBytes: maxMessageBytes,
            logger: logger
        )
        connection.start(
            handler: EndOfInput(server: server) {
                close(readEnd)
                close(output)
                finished()
            }
        )
    }
}

/// Passes messages to the service and reports when it has handled the end of input (answered every run).
private final class EndOfInput: MessageHandler {
    let server: AgentServer
    let ended: @Sendable () -> Void

    init(server: AgentServer, ended: @escaping @Sendable () -> Void) {
        self.server = server
        self.ended = ended
    }

    func handle(_ incoming: Incoming, on connection: Connection) {
        server.handle(incoming, on: connection)
    }

    func inputClosed(on connection: Connection) {
        server.inputClosed(on: connection)
        ended()
    }
}
