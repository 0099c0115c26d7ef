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
        subcommands: [
            Serve.self, Run.self, Runs.self, Show.self, Resume.self, Agents.self, Workflows.self, MCPCommand.self,
            SchemaCommand.self,
        ],
        defaultSubcommand: Serve.self
    )

    /// Parses and runs the command; usage errors exit with status 2, and a word that names no subcommand
    /// gets a "did you mean" instead of being taken as `serve`'s.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let word = arguments.first, !word.hasPrefix("-"), !subcommandNames.contains(word) {
            let closest = NameSuggestion.closest(to: word, in: subcommandNames)
            let hint = closest.map { "; did you mean '\($0)'?" } ?? ""
            let style = TerminalStyle.standardError
            StandardStreams.write(
                "\(style.red(style.bold("Error:"))) Unknown command '\(word)'\(hint)\n"
                    + "  \(style.dim("Commands: \(subcommandNames.joined(separator: ", ")); see `agentwire --help`."))\n",
                to: STDERR_FILENO
            )
            Foundation.exit(2)
        }
        do {
            var command = try parseAsRoot(arguments)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            // ArgumentParser's own exit status for a usage error is 64; ours is 2, as for other Unix tools.
            if exitCode(for: error) == .validationFailure {
                StandardStreams.write(fullMessage(for: error) + "\n", to: STDERR_FILENO)
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }

    static var subcommandNames: [String] {
        configuration.subcommands.map { $0._commandName } + ["help"]
    }
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

    @Option(
        help: """
            Log level on stderr: trace, debug, info, notice, warning, error or critical (default: info when \
            serving, warning otherwise).
            """
    )
    var logLevel: Logger.Level?

    /// Sets up logging to stderr and loads the agents, or exits with the config problem.
    /// - Parameters:
    ///   - defaultLevel: the log level without --log-level.
    ///   - telemetry: made once logging is set up (it may bootstrap metrics and tracing).
    func makeRuntime(
        label: String,
        defaultLevel: Logger.Level = .info,
        config loaded: LoadedConfig? = nil,
        store: (any RunStore)? = nil,
        telemetry: () throws -> Telemetry = { Telemetry() }
    ) throws -> AgentRuntime {
        let loaded = try loaded ?? loadConfig()
        let level = logLevel ?? defaultLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: label)
        if let path = loaded.path { logger.info("Loaded config", metadata: ["path": "\(path)"]) }
        return AgentRuntime(
            config: loaded.config,
            store: store ?? MemoryRunStore(),
            providers: Providers.factory,
            logger: logger,
            telemetry: try telemetry(),
            mcp: MCPHub.connector(logger: Logger(label: "agentwire.mcp"))
        )
    }

    /// The config file (`--config`, else the one discovered), or the built-in config; logs nothing.
    func loadConfig() throws -> LoadedConfig {
        guard let path = AgentConfig.discover(explicit: config) else {
            return LoadedConfig(config: .builtIn, path: nil)
        }
        do {
            return LoadedConfig(config: try AgentConfig.load(path: path), path: path)
        } catch {
            throw CommandFailure("invalid config: \(error)")
        }
    }
}

/// A config and the file it came from (`nil`: the built-in config).
struct LoadedConfig {
    var config: AgentConfig
    var path: String?
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// A failure to report on stderr as one line, without the usage text a validation error prints.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
