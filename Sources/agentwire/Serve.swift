import AgentCore
import AgentService
import ArgumentParser
import Foundation
import JSONRPC
import JSONRPCTransport
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve JSON-RPC 2.0 on stdin/stdout (the default).",
        discussion: """
            The framing is detected from the first byte the client sends: `{` or `[` means one JSON message \
            per line, `C` means LSP-style Content-Length headers. Replies use the client's framing. \
            stdout carries protocol frames only; logs go to stderr. The protocol is documented in \
            schemas/openrpc.json.
            """
    )

    @OptionGroup var options: CommonOptions

    @Option(help: "Largest message accepted, in bytes; larger ones are answered with an error and skipped.")
    var maxMessageBytes: Int = 16 * 1024 * 1024

    @Option(help: "Bytes that may wait for a slow client before streaming runs pause.")
    var maxQueuedBytes: Int = 8 * 1024 * 1024

    @Option(help: "Force a framing instead of detecting it: ndjson or content-length.")
    var framing: Framing?

    func validate() throws {
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
        let runtime = try options.makeRuntime(label: "agentwire")
        let logger = Logger(label: "agentwire")
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
        let server = AgentServer(runtime: runtime, logger: logger) { status in
            Foundation.exit(status)
        }
        connection.outbound.setBrokenHandler {
            logger.notice("The client closed stdout; exiting")
            Foundation.exit(0)
        }
        logger.info(
            "Serving",
            metadata: [
                "version": "\(AgentServer.version)", "agents": "\(runtime.agents.map(\.name).joined(separator: ","))",
            ]
        )
        connection.start(handler: server)
        await withUnsafeContinuation { (_: UnsafeContinuation<Void, Never>) in }
    }
}

extension Framing: ExpressibleByArgument {}
