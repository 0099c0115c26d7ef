import AgentCore
import AgentProviders
import Foundation
import JSONCore
import Testing

/// A config file in a fresh temporary directory with the given files beside it (scripts are made
/// executable), removed when the test ends. Nothing changes this process's working directory.
private final class ConfigDirectory {
    let path: String
    var configPath: String { "\(path)/agentwire.json" }

    init(_ config: String, files: [String: String] = [:]) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("agentwire-paths-\(UUID())").path
        for (name, contents) in files.merging(["agentwire.json": config], uniquingKeysWith: { $1 }) {
            let file = "\(path)/\(name)"
            try FileManager.default.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true
            )
            try Data(contents.utf8).write(to: URL(fileURLWithPath: file))
            if name.hasSuffix(".sh") {
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file)
            }
        }
        // The point of these tests: the process runs somewhere else.
        precondition(FileManager.default.currentDirectoryPath != path)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func load() throws -> AgentConfig { try AgentConfig.load(path: configPath) }
}

@Suite struct ConfigPathTests {
    func command(_ config: AgentConfig, _ agent: String) throws -> CommandSettings {
        guard case .command(let settings)? = config.agent(named: agent)?.provider else {
            throw ProviderError("\(agent) is not a command agent")
        }
        return settings
    }

    func stream(_ settings: CommandSettings, input: String = "") async -> (StepContext, (any Error)?) {
        let (step, _) = makeStep()
        do {
            try await CommandProvider(settings: settings).stream(ProviderRequest(input: input), context: step)
            return (step, nil)
        } catch {
            return (step, error)
        }
    }

    @Test func aRelativeScriptBesideTheConfigRunsFromAnyWorkingDirectory() async throws {
        let directory = try ConfigDirectory(
            #"{"agents": {"model": {"provider": {"type": "command", "argv": ["sh", "model.sh"]}}}}"#,
            files: ["model.sh": "printf 'model says: %s in %s' \"$(cat)\" \"$(pwd)\"\n"]
        )
        let (step, error) = await stream(try command(directory.load(), "model"), input: "hi")
        #expect(error == nil, "\(String(describing: error))")
        #expect(step.text == "model says: hi in \(directory.path)")
    }

    @Test func cwdRelativeToTheConfigFileIsWhereTheProgramRuns() async throws {
        let directory = try ConfigDirectory(
            #"{"agents": {"model": {"provider": {"type": "command", "argv": ["./run.sh", "data.txt"], "#
                + #""cwd": "work"}}}}"#,
            files: [
                "work/run.sh": "#!/bin/sh\nprintf '%s from %s' \"$(cat \"$1\")\" \"$(pwd)\"\n",
                "work/data.txt": "data",
            ]
        )
        let (step, error) = await stream(try command(directory.load(), "model"))
        #expect(error == nil, "\(String(describing: error))")
        #expect(step.text == "data from \(directory.path)/work")
    }

    @Test func aProgramPathWithASlashIsNotFoundFromTheProcesssOwnDirectory() async throws {
        let directory = try ConfigDirectory(
            #"{"agents": {"model": {"provider": {"type": "command", "argv": ["./missing.sh"]}}}}"#
        )
        let (_, error) = await stream(try command(directory.load(), "model"))
        let failure = try #require(error as? ProviderError)
        #expect(failure.message == "Cannot find the program './missing.sh' (running in \(directory.path))")
    }

    @Test func aToolBesideTheConfigRuns() async throws {
        let directory = try ConfigDirectory(
            """
            {
              "tools": {"weather": {"command": ["./tool.sh", "{{city}}"], "permission": "allow",
                                    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}},
              "agents": {"gpt": {"provider": {"type": "openai", "baseURL": "http://127.0.0.1:1/v1", "model": "m",
                                              "tools": ["weather"]}}}
            }
            """,
            files: ["tool.sh": "#!/bin/sh\necho \"forecast for $1 from $(pwd)\"\n"]
        )
        guard case .openai(let settings)? = try directory.load().agent(named: "gpt")?.provider else {
            Issue.record("gpt is not an openai agent")
            return
        }
        let server = try await toolCallingServer()
        defer { Task { await server.stop() } }
        let (step, recorder, error) = await streamOpenAI(server) {
            $0.tools = settings.tools
            $0.toolChoice = "weather"
        }
        #expect(error == nil)
        #expect(step.text == "It is sunny.")
        #expect(recorder.tools.map(\.status) == [.started, .completed], "\(recorder.tools)")
        #expect(recorder.tools.last?.output == "forecast for Paris from \(directory.path)\n")
    }
}
