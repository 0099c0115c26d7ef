import Foundation
import JSONCore

/// Everything a service offers and obeys: agents, named workflows and limits.
public struct AgentConfig: Sendable, Equatable {
    public var agents: [AgentDefinition]
    public var workflows: [WorkflowDefinition]
    public var limits: ServiceLimits
    /// MCP servers whose tools agents may call (each agent enables some by name).
    public var mcpServers: [MCPServerDefinition]
    /// Prices by model (`pricing`), for the cost of each model call.
    public var pricing: Pricing
    /// The run store the file names (`store`), used when the command line and environment name none.
    public var store: StoreSettings?

    public init(
        agents: [AgentDefinition],
        workflows: [WorkflowDefinition] = [],
        limits: ServiceLimits = ServiceLimits(),
        mcpServers: [MCPServerDefinition] = [],
        pricing: Pricing = Pricing()
    ) {
        self.pricing = pricing
        self.agents = agents
        self.workflows = workflows
        self.limits = limits
        self.mcpServers = mcpServers
    }

    public func agent(named name: String) -> AgentDefinition? {
        agents.first { $0.name == name }
    }

    public func workflow(named name: String) -> WorkflowDefinition? {
        workflows.first { $0.name == name }
    }

    /// A workflow's context window: the smallest of its agents' windows, the tightest context any of its
    /// steps runs in. `nil` when the workflow does not exist or one of its agents has no known window,
    /// since a smallest window that leaves one out could be wrong.
    public func knownContextWindow(workflow name: String) -> Int? {
        guard let workflow = workflow(named: name) else { return nil }
        var smallest: Int?
        for agentName in workflow.agents {
            guard let window = agent(named: agentName)?.knownContextWindow else { return nil }
            smallest = min(smallest ?? window, window)
        }
        return smallest
    }

    /// Works with no file at all: demo agents on `echo` and one workflow per strategy.
    public static let builtIn = AgentConfig(
        agents: [
            AgentDefinition(
                name: "echo",
                description: "Streams its input back one word at a time (built in, offline).",
                provider: .echo(delayMs: 0)
            ),
            AgentDefinition(
                name: "echo-slow",
                description: "Like echo, with 50 ms before each word: for demos and cancellation.",
                provider: .echo(delayMs: 50)
            ),
            AgentDefinition(
                name: "echo-thinking",
                description: "Like echo, and first says what it is about to do (run/thinking).",
                provider: .echo(delayMs: 0, thinking: true)
            ),
            AgentDefinition(
                name: "echo-history",
                description: "Answers with every user turn of its session so far, one per line.",
                provider: .echo(delayMs: 0, history: true)
            ),
        ],
        workflows: [
            WorkflowDefinition(
                name: "pipeline",
                description: "echo, then echo again on a labelled copy of the first answer.",
                strategy: .sequential([
                    SequentialStep(agent: "echo"),
                    SequentialStep(agent: "echo", transform: try! Template("reviewed: {{previous}}")),
                ])
            ),
            WorkflowDefinition(
                name: "fanout",
                description: "echo and echo-thinking on the same input at once, as a numbered list.",
                strategy: .parallel(
                    [ParallelTask(agent: "echo"), ParallelTask(agent: "echo-thinking")],
                    aggregate: .list
                )
            ),
            WorkflowDefinition(
                name: "delegate",
                description: "echo plans (one sub-task per line of the input); two echo workers share the lines.",
                strategy: .hierarchical(master: "echo", subAgents: ["echo", "echo-slow"], aggregate: .concat)
            ),
        ]
    )

    /// Where the config comes from when `--config` is not given, in order: `./agentwire.json`, then
    /// `$XDG_CONFIG_HOME/agentwire/config.json` (`~/.config/…` when unset). `nil`: use the built-in one.
    public static func discover(
        explicit: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) -> String? {
        if let explicit { return explicit }
        let local = (currentDirectory as NSString).appendingPathComponent("agentwire.json")
        if FileManager.default.fileExists(atPath: local) { return local }
        let base =
            environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".config")
        let user = ((base as NSString).appendingPathComponent("agentwire") as NSString).appendingPathComponent(
            "config.json"
        )
        return FileManager.default.fileExists(atPath: user) ? user : nil
    }

    /// Reads a config file and merges it over the built-in config (an agent or workflow of the same name
    /// replaces the built-in one). The programs it runs start in the file's directory (or their `cwd`, taken
    /// relative to it), so relative paths in the file do not depend on where the server was started.
    public static func load(path: String) throws(ConfigError) -> AgentConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, path: "$", message: "cannot read the file (does it exist?)")
        }
        let root: JSONValue
        do {
            root = try JSONValue.parse(Array(data))
        } catch {
            throw ConfigError(
                file: path,
                path: "$",
                message: "not valid JSON at line \(error.line), column \(error.column): \(error.message)"
            )
        }
        return try parse(root, file: path, baseDirectory: directory(of: path))
    }

    /// Validates a parsed config document (merged over the built-in config). `baseDirectory` is the
    /// directory relative paths in it are taken from (see ``load(path:)``); `nil` leaves its programs in
    /// this process's working directory.
    public static func parse(
        _ root: JSONValue,
        file: String,
        baseDirectory: String? = nil
    ) throws(ConfigError) -> AgentConfig {
        do {
            return try ConfigParser.parse(root, baseDirectory: baseDirectory)
        } catch {
            throw ConfigError(file: file, path: error.path, message: error.message)
        }
    }

    /// The absolute directory of the file at `path` (a relative `path` is taken from this process's
    /// working directory, as it was opened).
    private static func directory(of path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : "\(FileManager.default.currentDirectoryPath)/\(path)"
        return (absolute as NSString).deletingLastPathComponent
    }
}

/// A config file that cannot be used: which file, where in it (a JSON path), and what was expected.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var path: String
    public var message: String

    public init(file: String, path: String, message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    public var description: String { "\(file): \(path): \(message)" }
}

/// A value at `path` that is not what was expected. Config loading adds the file; request handling
/// turns it into invalid params naming the field.
public struct FieldError: Error, Sendable, Equatable {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    static func expected(_ path: String, _ expected: String, got value: JSONValue?) -> FieldError {
        FieldError(path: path, message: "expected \(expected), got \(value?.typeName ?? "nothing")")
    }

    static func unknown(_ path: String, allowed: [String]) -> FieldError {
        FieldError(path: path, message: "unknown setting (expected one of: \(allowed.joined(separator: ", ")))")
    }
}

/// The config's `store`: where runs are kept, and how a shared store treats servers that go silent.
public struct StoreSettings: Sendable, Equatable {
    /// A SQLite file path, `memory`, or a PostgreSQL URL.
    public var url: String
    /// PostgreSQL: how long a server may miss heartbeats before its running runs are interrupted.
    public var leaseTimeoutMs: Int?

    public init(url: String, leaseTimeoutMs: Int? = nil) {
        self.url = url
        self.leaseTimeoutMs = leaseTimeoutMs
    }
}
