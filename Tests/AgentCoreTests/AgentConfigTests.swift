import AgentCore
import Foundation
import JSONCore
import Synchronization
import Testing

/// A config file in a fresh temporary directory, removed when the test ends.
private final class TempConfigFile {
    let directory: URL
    let path: String

    /// Writes `contents` to `name` in the new directory, and makes the (relative) `directories` beside it.
    init(_ contents: String, name: String = "agentwire.json", directories: [String] = []) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "agentwire-config-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for subdirectory in directories {
            try FileManager.default.createDirectory(
                at: directory.appendingPathComponent(subdirectory),
                withIntermediateDirectories: true
            )
        }
        path = directory.appendingPathComponent(name).path
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

private func loadError(_ contents: String) throws -> (file: TempConfigFile, error: ConfigError) {
    let file = try TempConfigFile(contents)
    do throws(ConfigError) {
        let config = try AgentConfig.load(path: file.path)
        Issue.record("expected an error, loaded \(config.agents.map(\.name))")
        return (file, ConfigError(file: "", path: "", message: "no error"))
    } catch {
        return (file, error)
    }
}

@Suite struct AgentConfigTests {
    // MARK: Valid files

    @Test func validFileAddsAgentsToTheBuiltInOnes() throws {
        let file = try TempConfigFile(
            """
            {
              "$schema": "https://agentwire.dev/schemas/config.schema.json",
              "agents": {
                "slow": {"description": "Echo, 5 ms per word", "provider": {"type": "echo", "delayMs": 5}},
                "plain": {"provider": {"type": "echo"}}
              }
            }
            """
        )
        let config = try AgentConfig.load(path: file.path)
        #expect(config.agents.map(\.name) == AgentConfig.builtIn.agents.map(\.name) + ["slow", "plain"])
        let slow = try #require(config.agents.first { $0.name == "slow" })
        #expect(slow == AgentDefinition(name: "slow", description: "Echo, 5 ms per word", provider: .echo(delayMs: 5)))
        let plain = try #require(config.agents.first { $0.name == "plain" })
        #expect(plain.description == "")
        #expect(plain.provider == .echo(delayMs: 0))
        #expect(config.agents.first { $0.name == "echo" } == AgentConfig.builtIn.agents.first { $0.name == "echo" })
    }

    @Test func fileCanOverrideTheBuiltInEcho() throws {
        let file = try TempConfigFile(
            #"{"agents": {"echo": {"description": "My echo", "provider": {"type": "echo", "delayMs": 7}}}}"#
        )
        let config = try AgentConfig.load(path: file.path)
        #expect(config.agents.filter { $0.name == "echo" }.count == 1)
        #expect(
            config.agents.first { $0.name == "echo" }
                == AgentDefinition(name: "echo", description: "My echo", provider: .echo(delayMs: 7))
        )
        #expect(config.agents.count == AgentConfig.builtIn.agents.count)
    }

    @Test func emptyObjectGivesTheBuiltInAgents() throws {
        let file = try TempConfigFile("{}")
        #expect(try AgentConfig.load(path: file.path) == AgentConfig.builtIn)
    }

    @Test func delayBoundsAreAccepted() throws {
        let file = try TempConfigFile(
            #"{"agents": {"a": {"provider": {"type": "echo", "delayMs": 0}}, "b": {"provider": {"type": "echo", "delayMs": 3600000}}}}"#
        )
        let config = try AgentConfig.load(path: file.path)
        #expect(config.agents.first { $0.name == "a" }?.provider == .echo(delayMs: 0))
        #expect(config.agents.first { $0.name == "b" }?.provider == .echo(delayMs: 3_600_000))
    }

    // MARK: Unreadable files

    @Test func missingFileGivesAClearError() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "agentwire-missing-\(UUID().uuidString).json"
        ).path
        do throws(ConfigError) {
            _ = try AgentConfig.load(path: path)
            Issue.record("loaded a file that does not exist")
        } catch {
            #expect(error.file == path)
            #expect(error.description.hasPrefix(path))
            #expect(error.message.contains("cannot read"))
            #expect(error.message.contains("exist"))
        }
    }

    @Test func badJSONNamesFileLineAndColumn() throws {
        // The stray comma is on line 3, column 10.
        let (file, error) = try loadError("{\n  \"agents\": {\n    \"x\": ,\n  }\n}\n")
        #expect(error.file == file.path)
        #expect(error.description.hasPrefix(file.path + ": "))
        #expect(error.message.contains("not valid JSON"))
        #expect(error.message.contains("line 3, column 10"), "\(error.message)")
    }

    @Test func badJSONColumnCountsCharactersNotBytes() throws {
        // `é` is two bytes in UTF-8 but one column in an editor: the stray `x` is on line 2, column 22.
        let (_, error) = try loadError("{\"agents\": {\"x\": {\n  \"description\": \"é\" x}}}\n")
        #expect(error.message.contains("line 2, column 22"), "\(error.message)")
    }

    @Test func truncatedFileIsReportedAsBadJSON() throws {
        let (file, error) = try loadError("{\"agents\": {")
        #expect(error.file == file.path)
        #expect(error.message.contains("not valid JSON at line 1"), "\(error.message)")
    }

    @Test func emptyFileIsReportedAsBadJSON() throws {
        let (_, error) = try loadError("")
        #expect(error.message.contains("not valid JSON at line 1, column 1"), "\(error.message)")
    }

    // MARK: Wrong types

    static let wrongTypes: [(json: String, path: String, expected: String, got: String)] = [
        (#"[]"#, "$", "an object", "an array"),
        (#"{"$schema": 1}"#, "$.$schema", "a string", "an integer"),
        (#"{"agents": []}"#, "$.agents", "an object", "an array"),
        (#"{"agents": {"slow": "echo"}}"#, "$.agents.slow", "an object", "a string"),
        (
            #"{"agents": {"slow": {"description": 3, "provider": {"type": "echo"}}}}"#, "$.agents.slow.description",
            "a string", "an integer"
        ),
        (#"{"agents": {"slow": {"provider": "echo"}}}"#, "$.agents.slow.provider", "an object", "a string"),
        (#"{"agents": {"slow": {"description": "no provider"}}}"#, "$.agents.slow.provider", "provider", "nothing"),
        (
            #"{"agents": {"slow": {"provider": {"delayMs": 5}}}}"#, "$.agents.slow.provider.type", "provider type",
            "nothing"
        ),
        (#"{"agents": {"slow": {"provider": {"type": 1}}}}"#, "$.agents.slow.provider.type", "echo", "an integer"),
        (
            #"{"agents": {"slow": {"provider": {"type": "echo", "delayMs": "5"}}}}"#, "$.agents.slow.provider.delayMs",
            "whole number from 0 to 3600000", "a string"
        ),
        (
            #"{"agents": {"slow": {"provider": {"type": "echo", "delayMs": -1}}}}"#, "$.agents.slow.provider.delayMs",
            "from 0 to 3600000", "an integer"
        ),
        (
            #"{"agents": {"slow": {"provider": {"type": "echo", "delayMs": 2.5}}}}"#, "$.agents.slow.provider.delayMs",
            "whole number", "a number"
        ),
        (
            #"{"agents": {"slow": {"provider": {"type": "echo", "delayMs": 3600001}}}}"#,
            "$.agents.slow.provider.delayMs", "from 0 to 3600000", "an integer"
        ),
        (
            #"{"agents": {"slow": {"provider": {"type": "echo", "delayMs": null}}}}"#, "$.agents.slow.provider.delayMs",
            "whole number", "null"
        ),
        (
            #"{"agents": {"bad name!": {"provider": {"type": "echo"}}}}"#, "$.agents.bad name!",
            "a name of letters, digits", "the string \"bad name!\""
        ),
        (#"{"store": 5}"#, "$.store", "a store URL or path", "an integer"),
        (#"{"store": ""}"#, "$.store", "a store URL or path", "a string"),
        (#"{"store": {"leaseTimeoutMs": 5000}}"#, "$.store.url", "a string", "nothing"),
        (
            #"{"store": {"url": "postgres://h/db", "leaseTimeoutMs": 10}}"#, "$.store.leaseTimeoutMs",
            "from 1000 to 3600000", "an integer"
        ),
    ]

    @Test(arguments: wrongTypes)
    func wrongTypeNamesPathAndExpectation(json: String, path: String, expected: String, got: String) throws {
        let (file, error) = try loadError(json)
        #expect(error.file == file.path)
        #expect(error.path == path, "\(error)")
        #expect(error.message.contains("expected"), "\(error)")
        #expect(error.message.contains(expected), "\(error)")
        #expect(error.message.contains("got \(got)"), "\(error)")
        #expect(error.description == "\(file.path): \(path): \(error.message)")
    }

    // MARK: Unknown keys and providers

    static let unknownKeys: [(json: String, path: String, allowed: String)] = [
        (#"{"agent": {}}"#, "$.agent", "agents"),
        (
            #"{"agents": {"slow": {"provider": {"type": "echo"}, "model": "gpt"}}}"#, "$.agents.slow.model",
            "description, provider"
        ),
        (
            #"{"agents": {"slow": {"provider": {"type": "echo", "delay": 5}}}}"#, "$.agents.slow.provider.delay",
            "delayMs"
        ),
    ]

    @Test(arguments: unknownKeys)
    func unknownKeysAreRejected(json: String, path: String, allowed: String) throws {
        let (file, error) = try loadError(json)
        #expect(error.file == file.path)
        #expect(error.path == path, "\(error)")
        #expect(error.message.contains(allowed), "\(error)")
    }

    @Test func theStoreIsAURLOrAnObjectWithOptions() throws {
        let plain = try AgentConfig.parse(
            JSONValue.parse(#"{"store": "postgres://aw@db.internal/agentwire"}"#),
            file: "c.json"
        )
        #expect(plain.store == StoreSettings(url: "postgres://aw@db.internal/agentwire"))
        let detailed = try AgentConfig.parse(
            JSONValue.parse(#"{"store": {"url": "/var/lib/aw.sqlite", "leaseTimeoutMs": 30000}}"#),
            file: "c.json"
        )
        #expect(detailed.store == StoreSettings(url: "/var/lib/aw.sqlite", leaseTimeoutMs: 30000))
        #expect(try AgentConfig.parse(JSONValue.parse("{}"), file: "c.json").store == nil)
        let (_, error) = try loadError(#"{"store": {"url": "memory", "lease": 1}}"#)
        #expect(error.path == "$.store.lease" && error.message.contains("leaseTimeoutMs"), "\(error)")
    }

    @Test func unknownProviderTypeIsRejected() throws {
        let (file, error) = try loadError(#"{"agents": {"gpt": {"provider": {"type": "gemini"}}}}"#)
        #expect(error.file == file.path)
        #expect(error.path == "$.agents.gpt.provider.type")
        #expect(error.message.contains("\"echo\", \"openai\", \"command\""), "\(error)")
    }
}

// MARK: Paths in a config file

/// Programs a config file runs start in the file's directory, or in their `cwd` taken relative to it.
@Suite struct ConfigWorkingDirectoryTests {
    static func command(_ config: AgentConfig, _ agent: String) throws -> CommandSettings {
        guard case .command(let settings)? = config.agent(named: agent)?.provider else {
            throw ConfigError(file: "", path: "", message: "\(agent) is not a command agent")
        }
        return settings
    }

    static func tool(_ config: AgentConfig, _ agent: String) throws -> ToolDefinition {
        guard case .openai(let settings)? = config.agent(named: agent)?.provider, let tool = settings.tools.first else {
            throw ConfigError(file: "", path: "", message: "\(agent) is not an openai agent with a tool")
        }
        return tool
    }

    @Test func programsRunInTheConfigFilesDirectoryByDefault() throws {
        let file = try TempConfigFile(
            """
            {
              "tools": {"lint": {"command": ["./scripts/lint.sh", "{{path}}"],
                                 "parameters": {"type": "object", "properties": {"path": {"type": "string"}}}}},
              "agents": {
                "model": {"provider": {"type": "command", "argv": ["python3", "my_model.py"]}},
                "gpt": {"provider": {"type": "openai", "baseURL": "http://127.0.0.1:1/v1", "model": "m",
                                     "tools": ["lint"]}}
              }
            }
            """
        )
        let config = try AgentConfig.load(path: file.path)
        #expect(try Self.command(config, "model").workingDirectory == file.directory.path)
        #expect(try Self.tool(config, "gpt").workingDirectory == file.directory.path)
        // A document not read from a file keeps this process's working directory.
        let parsed = try AgentConfig.parse(
            JSONValue.parse(#"{"agents": {"model": {"provider": {"type": "command", "argv": ["cat"]}}}}"#),
            file: "test.json"
        )
        #expect(try Self.command(parsed, "model").workingDirectory == nil)
    }

    @Test func aRelativeCwdIsTakenFromTheConfigFilesDirectoryAndAnAbsoluteOneAsItIs() throws {
        let file = try TempConfigFile(
            """
            {
              "tools": {"ls": {"command": ["ls"], "cwd": "/"}},
              "agents": {
                "model": {"provider": {"type": "command", "argv": ["bin/model"], "cwd": "models"}},
                "gpt": {"provider": {"type": "openai", "baseURL": "http://127.0.0.1:1/v1", "model": "m",
                                     "tools": ["ls"]}}
              }
            }
            """,
            directories: ["models"]
        )
        let config = try AgentConfig.load(path: file.path)
        #expect(try Self.command(config, "model").workingDirectory == file.directory.path + "/models")
        #expect(try Self.tool(config, "gpt").workingDirectory == "/")
    }

    @Test func aRelativeConfigPathStillGivesAnAbsoluteDirectory() throws {
        let file = try TempConfigFile(#"{"agents": {"model": {"provider": {"type": "command", "argv": ["cat"]}}}}"#)
        // The same file named relative to this process's working directory (which the test leaves alone).
        let here = FileManager.default.currentDirectoryPath
        let relative = String(repeating: "../", count: here.split(separator: "/").count) + file.path.dropFirst()
        let settings = try Self.command(AgentConfig.load(path: relative), "model")
        let directory = try #require(settings.workingDirectory)
        #expect(directory.hasPrefix("/"))
        #expect(URL(fileURLWithPath: directory).standardized.path == file.directory.standardized.path)
    }

    static let badDirectories: [(json: String, path: String, message: String)] = [
        (
            #"{"agents": {"x": {"provider": {"type": "command", "argv": ["cat"], "cwd": "missing"}}}}"#,
            "$.agents.x.provider.cwd", "expected an existing directory, got \"missing\""
        ),
        (
            #"{"agents": {"x": {"provider": {"type": "command", "argv": ["cat"], "cwd": "agentwire.json"}}}}"#,
            "$.agents.x.provider.cwd", "agentwire.json is not a directory"
        ),
        (
            #"{"agents": {"x": {"provider": {"type": "command", "argv": ["cat"], "cwd": 3}}}}"#,
            "$.agents.x.provider.cwd", "expected a string, got an integer"
        ),
        (
            #"{"agents": {"x": {"provider": {"type": "command", "argv": ["cat"], "cwd": ""}}}}"#,
            "$.agents.x.provider.cwd", "expected a directory path, got a string"
        ),
        (#"{"tools": {"t": {"command": ["cat"], "cwd": "/nonexistent/dir"}}}"#, "$.tools.t.cwd", "does not exist"),
    ]

    @Test(arguments: badDirectories)
    func aBadCwdIsAConfigErrorNamingItsPath(json: String, path: String, message: String) throws {
        let (file, error) = try loadError(json)
        #expect(error.file == file.path)
        #expect(error.path == path, "\(error)")
        #expect(error.message.contains(message), "\(error)")
        #expect(error.description == "\(file.path): \(path): \(error.message)")
    }
}

// MARK: AgentRuntime

/// Records every event a run emits.
private final class CollectingObserver: RunObserver {
    struct Recorded: Sendable {
        var runId: String
        var seq: UInt64
        var event: RunEvent
    }

    private let recorded = Mutex<[Recorded]>([])

    func runEvent(runId: String, seq: UInt64, event: RunEvent) {
        recorded.withLock { $0.append(Recorded(runId: runId, seq: seq, event: event)) }
    }

    var events: [Recorded] { recorded.withLock { $0 } }

    var tokens: [String] {
        events.compactMap { if case .token(_, _, let text) = $0.event { text } else { nil } }
    }

    var steps: [StepEvent] {
        events.compactMap { if case .step(let step) = $0.event { step } else { nil } }
    }
}

@Suite struct AgentRuntimeRunTests {
    static let config = AgentConfig(agents: [
        AgentDefinition(name: "echo", description: "", provider: .echo(delayMs: 0)),
        AgentDefinition(name: "slow", description: "", provider: .echo(delayMs: 10)),
    ])

    @Test func runStreamsEventsAndReturnsTheInput() async throws {
        let runtime = AgentRuntime(config: Self.config)
        let observer = CollectingObserver()
        let input = "hello brave new world"
        let result = try await runtime.run(agent: "echo", input: input, runId: "run_t1", observer: observer)
        #expect(result.runId == "run_t1")
        #expect(result.agent == "echo")
        #expect(result.output == input)
        #expect(result.stopReason == .endTurn)
        #expect(result.outputTokens == 4)
        #expect(result.durationMs >= 0)
        let events = observer.events
        #expect(events.map(\.seq) == Array(1...UInt64(events.count)))
        #expect(events.allSatisfy { $0.runId == "run_t1" })
        #expect(events.first?.event == .started(name: "echo"))
        #expect(observer.tokens == ["hello ", "brave ", "new ", "world"])
        #expect(observer.steps.map(\.status) == [.started, .completed])
        #expect(observer.steps.last?.durationMs != nil)
    }

    @Test func cancellingTheCallingTaskStopsWithPartialOutput() async throws {
        let runtime = AgentRuntime(config: Self.config)
        let observer = CollectingObserver()
        let input = (1...200).map { "w\($0)" }.joined(separator: " ")
        let task = Task {
            try await runtime.run(agent: "slow", input: input, runId: "run_cancel", observer: observer)
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while observer.tokens.count < 3 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(2))
        }
        task.cancel()
        let result = try await task.value

        #expect(result.stopReason == .cancelled)
        #expect(!result.output.isEmpty)
        #expect(input.hasPrefix(result.output))
        #expect(result.output.count < input.count)
        #expect(result.output == observer.tokens.joined())
        #expect(result.outputTokens == observer.tokens.count)
        #expect(observer.steps.map(\.status) == [.started, .cancelled])
        if case .step(let last)? = observer.events.last?.event {
            #expect(last.status == .cancelled)
        } else {
            Issue.record("the last event is not the step's end")
        }
        let seqs = observer.events.map(\.seq)
        #expect(seqs == Array(1...UInt64(seqs.count)))
    }

    @Test func runInAlreadyCancelledTaskStreamsNothing() async throws {
        let runtime = AgentRuntime(config: Self.config)
        let observer = CollectingObserver()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await runtime.run(agent: "echo", input: "never streamed", runId: "run_pre", observer: observer)
        }
        let result = try await task.value
        #expect(result.stopReason == .cancelled)
        #expect(result.output == "")
        #expect(result.outputTokens == 0)
        #expect(observer.tokens.isEmpty)
        #expect(observer.steps.map(\.status) == [.started, .cancelled])
    }

    @Test func unknownAgentIsAnError() async throws {
        let runtime = AgentRuntime(config: Self.config)
        let observer = CollectingObserver()
        let error = await #expect(throws: RunFailure.self) {
            try await runtime.run(agent: "nope", input: "x", runId: "run_x", observer: observer)
        }
        #expect(error?.kind == .notFound)
        #expect(error?.details["available"] == .strings(["echo", "slow"]))
        #expect(observer.events.isEmpty)
    }
}
