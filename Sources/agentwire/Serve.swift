import AgentCore
import AgentService
import AgentStore
import ArgumentParser
import CShims
import Foundation
import JSONRPC
import JSONRPCTransport
import Logging
import ServiceLifecycle
import Synchronization

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve JSON-RPC 2.0 on stdin/stdout (the default).",
        discussion: """
            The framing is detected from the first byte the client sends: `{` or `[` means one JSON message \
            per line, `C` means LSP-style Content-Length headers. Replies use the client's framing. \
            stdout carries protocol frames only; logs go to stderr. The protocol is chosen by the first \
            message: ACP (`initialize` with an integer protocolVersion), MCP (`initialize` with a date, or \
            `server/discover`) or AgentWire's own, documented in schemas/openrpc.json.
            """
    )

    @OptionGroup var options: CommonOptions

    @OptionGroup(title: "Metrics and tracing") var telemetryOptions: TelemetryOptions

    @Option(help: "Largest message accepted, in bytes; larger ones are answered with an error and skipped.")
    var maxMessageBytes: Int = 16 * 1024 * 1024

    @Option(help: "Bytes that may wait for a slow client before streaming runs pause.")
    var maxQueuedBytes: Int = 8 * 1024 * 1024

    @Option(help: "Force a framing instead of detecting it: ndjson or content-length.")
    var framing: Framing?

    @Option(
        name: .customLong("protocol"),
        help: """
            Force a protocol instead of detecting it from the first message: acp (Agent Client Protocol, for \
            editors), mcp (Model Context Protocol, agents as tools) or native.
            """
    )
    var face: ProtocolFace?

    @Option(
        help: """
            Where runs, their events and sessions are kept: a SQLite file, 'memory' for nothing on disk, or a \
            PostgreSQL URL (postgres://user:password@host:port/db?sslmode=prefer) that several servers share. \
            Default: $AGENTWIRE_STORE, else the config's `store`, else \
            $XDG_STATE_HOME/agentwire/agentwire.sqlite (~/.local/state/… when unset).
            """
    )
    var store: String?

    @Option(help: "Delete runs that ended more than this many days ago when starting (0 keeps everything).")
    var retainDays: Int = 30

    @Option(
        help: """
            With --store memory: how many finished runs (with their events) are kept; past that, the run \
            that finished longest ago is forgotten, so a long-lived process does not grow.
            """
    )
    var memoryRuns: Int = MemoryRunStore.defaultKeptFinishedRuns

    func validate() throws {
        guard retainDays >= 0 else { throw ValidationError("--retain-days must be 0 or more") }
        guard memoryRuns >= 1 else { throw ValidationError("--memory-runs must be 1 or more") }
        guard maxMessageBytes >= 1024 else { throw ValidationError("--max-message-bytes must be at least 1024") }
        guard maxQueuedBytes >= 64 * 1024 else { throw ValidationError("--max-queued-bytes must be at least 65536") }
    }

    func run() async throws {
        // Frames go to a private copy of stdout; fd 1 then points at stderr, so a stray print cannot
        // corrupt the protocol stream.
        let frameFD = dup(STDOUT_FILENO)
        guard frameFD >= 0, dup2(STDERR_FILENO, STDOUT_FILENO) >= 0 else {
            throw ValidationError("cannot set up stdout for protocol frames (errno \(errno))")
        }
        signal(SIGPIPE, SIG_IGN)
        // glibc gives each thread that allocates its own arena (up to 8 per core); a long-lived service
        // whose tasks hop between threads then keeps freed memory spread over many arenas and its
        // resident size creeps up for hours. Two arenas keep it flat at no measurable cost.
        _ = cshims_limit_malloc_arenas(2)
        // The store is opened before logging is set up (the runtime is built on it): its logger is made
        // as the bootstrap makes every other one.
        let level = options.logLevel ?? .info
        let storeLogger = Logger(label: "agentwire.store") { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let loaded = try options.loadConfig()
        let runStore = try await StoreSetup.open(
            StoreSetup.choose(option: store, config: loaded.config.store),
            keptInMemory: memoryRuns,
            logger: storeLogger
        )
        var backends: TelemetryBackends? = nil
        let runtime = try options.makeRuntime(label: "agentwire", config: loaded, store: runStore) {
            let made = try telemetryOptions.bootstrap(logger: Logger(label: "agentwire.telemetry"))
            backends = made
            return made.telemetry
        }
        let logger = Logger(label: "agentwire")
        await StoreSetup.recover(runStore, retainDays: retainDays, logger: logger)
        let telemetryServices = try await backends?.services(listen: telemetryOptions.metricsListen, logger: logger)
        let lifecycle = Lifecycle(
            services: (telemetryServices ?? []) + [
                RunStoreService(recorder: runStore), MCPServersService(runtime: runtime),
            ],
            logger: logger
        )
        if isatty(STDIN_FILENO) != 0 {
            FileHandle.standardError.write(
                Data(
                    """
                    agentwire \(AgentServer.version): speaking JSON-RPC 2.0 on stdin/stdout. Send one request per line, \
                    e.g. {"jsonrpc":"2.0","id":1,"method":"agent/run","params":{"agent":"echo","input":"hi"}} \
                    (or try `agentwire run echo hello`, `agentwire --help`). Ctrl-D ends.\n
                    """.utf8
                )
            )
        }
        let connection = Connection(
            inputFD: STDIN_FILENO,
            outputFD: frameFD,
            maxMessageBytes: maxMessageBytes,
            maxQueuedBytes: maxQueuedBytes,
            framing: framing,
            logger: logger
        )
        let server = FaceRouter(runtime: runtime, logger: logger, forced: face, exposition: backends?.prometheus) {
            status in
            lifecycle.exit(status)
        }
        server.watchQueue(of: connection)
        connection.outbound.setBrokenHandler {
            logger.notice("The client closed stdout; cancelling runs and exiting")
            // Called on the writer thread, which stopping waits for: stop from a thread of its own.
            Thread {
                server.stop(connection: connection)
                lifecycle.exit(0)
            }.start()
        }
        let signals = Self.onTermination { signal in
            logger.notice("Terminated by a signal; cancelling runs and exiting", metadata: ["signal": "\(signal)"])
            // Whatever happens, the process is gone within 2 s of the signal: `_exit`, because an orderly
            // exit may be under way on another thread and `exit(3)` must not run twice.
            Thread {
                Thread.sleep(forTimeInterval: 1.9)
                logger.warning("Runs did not settle in time after the signal; exiting anyway")
                _exit(0)
            }.start()
            server.stop(connection: connection, grace: 1)
            lifecycle.exit(0)
        }
        logger.info(
            "Serving",
            metadata: [
                "version": "\(AgentServer.version)", "agents": "\(runtime.agents.map(\.name).joined(separator: ","))",
            ]
        )
        connection.start(handler: server)
        await withUnsafeContinuation { (_: UnsafeContinuation<Void, Never>) in }
        withExtendedLifetime(signals) {}
    }

    /// SIGTERM, SIGINT and SIGHUP call `handler` once (on a queue of their own), instead of killing the
    /// process mid-write.
    static func onTermination(_ handler: @escaping @Sendable (String) -> Void) -> [any DispatchSourceSignal] {
        let once = Mutex(false)
        let queue = DispatchQueue(label: "agentwire.signals")
        return [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT"), (SIGHUP, "SIGHUP")].map { number, name in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                guard
                    once.withLock({ first in
                        defer { first = true }; return !first
                    })
                else { return }
                handler(name)
            }
            source.resume()
            return source
        }
    }
}

extension Framing: ExpressibleByArgument {}
extension ProtocolFace: ExpressibleByArgument {}
