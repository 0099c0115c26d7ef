import AgentCore
import AgentProviders
import AgentService
import ArgumentParser
import Foundation
import Logging

@main
struct AgentWire: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agentwire",
        abstract: "An agent service that speaks JSON-RPC 2.0 on stdin/stdout.",
        discussion: """
            With no subcommand, agentwire serves JSON-RPC on stdin/stdout (see `agentwire serve --help`). \
            Editors and programs spawn it and stream agent runs as notifications. \
            `agentwire run AGENT INPUT…` runs an agent right here in the terminal.
            """,
        version: AgentServer.version,
        subcommands: [Serve.self, Run.self, SchemaCommand.self],
        defaultSubcommand: Serve.self
    )
}

/// Options every subcommand shares.
struct CommonOptions: ParsableArguments {
    @Option(
        help: """
            A JSON config file: agents, workflows, limits (schema: schemas/config.schema.json). Without it: \
            ./agentwire.json, then $XDG_CONFIG_HOME/agentwire/config.json, then the built-in defaults.
            """
    )
    var config: String?

    @Option(help: "Log level on stderr: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    /// Sets up logging to stderr and loads the agents, or exits with the config problem.
    /// - Parameter telemetry: made once logging is set up (it may bootstrap metrics and tracing).
    func makeRuntime(
        label: String,
        store: (any RunStore)? = nil,
        telemetry: () throws -> Telemetry = { Telemetry() }
    ) throws -> AgentRuntime {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var agentConfig = AgentConfig.builtIn
        let logger = Logger(label: label)
        if let path = AgentConfig.discover(explicit: config) {
            do {
                agentConfig = try AgentConfig.load(path: path)
            } catch {
                throw CommandFailure("invalid config: \(error)")
            }
            logger.info("Loaded config", metadata: ["path": "\(path)"])
        }
        return AgentRuntime(
            config: agentConfig,
            store: store ?? MemoryRunStore(),
            providers: Providers.factory,
            logger: logger,
            telemetry: try telemetry()
        )
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// A failure to report on stderr as one line, without the usage text a validation error prints.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
