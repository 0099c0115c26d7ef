import AgentCore
import JSONCore
import Testing

@Suite struct ProviderConfigTests {
    static func parse(_ text: String) throws -> AgentConfig {
        try AgentConfig.parse(JSONValue.parse(text), file: "test.json")
    }

    static func error(_ text: String) -> ConfigError? {
        do {
            _ = try parse(text)
            return nil
        } catch let error as ConfigError {
            return error
        } catch {
            return nil
        }
    }

    @Test func openAICommandAndToolsAreRead() throws {
        let config = try Self.parse(
            """
            {
              "tools": {
                "grep": {"description": "Search", "command": ["grep", "-rn", "{{pattern}}", "."],
                         "parameters": {"type": "object", "properties": {"pattern": {"type": "string"}}},
                         "permission": "allow", "timeoutMs": 500, "maxOutputBytes": 100}
              },
              "agents": {
                "gpt": {"provider": {"type": "openai", "baseURL": "https://api.example.com/v1", "model": "m",
                                     "apiKeyEnv": "KEY", "temperature": 0.5, "maxTokens": 64, "timeoutSeconds": 9,
                                     "headers": {"X-A": "1"}, "retries": 0, "tools": ["grep"], "toolChoice": "grep",
                                     "maxTurns": 2}},
                "script": {"provider": {"type": "command", "argv": ["python3", "m.py"], "env": {"A": "b"}}}
              }
            }
            """
        )
        guard case .openai(let openai)? = config.agent(named: "gpt")?.provider else {
            Issue.record("gpt is not an openai agent")
            return
        }
        #expect(openai.baseURL == "https://api.example.com/v1")
        #expect(openai.apiKeyEnv == "KEY")
        #expect(openai.temperature == 0.5)
        #expect(openai.maxTokens == 64)
        #expect(openai.timeoutSeconds == 9)
        #expect(openai.headers == [.init(name: "X-A", value: "1")])
        #expect(openai.retries == 0)
        #expect(openai.toolChoice == "grep")
        #expect(openai.maxTurns == 2)
        let tool = try #require(openai.tools.first)
        #expect(tool.permission == .allow)
        #expect(tool.timeoutMs == 500)
        #expect(tool.argv(for: ["pattern": "a b"]) == ["grep", "-rn", "a b", "."])
        #expect(
            config.agent(named: "script")?.provider
                == .command(CommandSettings(argv: ["python3", "m.py"], environment: ["A": "b"]))
        )
        #expect(config.agent(named: "script")?.provider.typeName == "command")
    }

    /// `limits.contextWindow` is what ACP's `usage_update.size` reports: configured, else the provider's
    /// default (echo only), else unknown; a workflow has the smallest window of its agents.
    @Test func contextWindowIsConfiguredOrTheProvidersDefaultOrUnknown() throws {
        let config = try Self.parse(
            """
            {
              "agents": {
                "small": {"provider": {"type": "echo"}, "limits": {"contextWindow": 2048}},
                "local": {"provider": {"type": "openai", "baseURL": "http://127.0.0.1:8080/v1", "model": "m"}},
                "big": {"provider": {"type": "openai", "baseURL": "http://127.0.0.1:8080/v1", "model": "m"},
                        "limits": {"contextWindow": 131072, "timeoutMs": 500}},
                "script": {"provider": {"type": "command", "argv": ["cat"]}}
              },
              "workflows": {
                "mixed": {"strategy": "sequential", "steps": [{"agent": "big"}, {"agent": "small"}]},
                "blind": {"strategy": "parallel", "tasks": [{"agent": "echo"}, {"agent": "script"}]}
              }
            }
            """
        )
        #expect(config.agent(named: "echo")?.contextWindow == nil)
        #expect(config.agent(named: "echo")?.knownContextWindow == ProviderSpec.echoContextWindow)
        #expect(ProviderSpec.echoContextWindow == 8192)
        #expect(config.agent(named: "small")?.knownContextWindow == 2048)
        #expect(config.agent(named: "local")?.knownContextWindow == nil)
        #expect(config.agent(named: "big")?.knownContextWindow == 131072)
        #expect(config.agent(named: "big")?.timeoutMs == 500)
        #expect(config.agent(named: "script")?.knownContextWindow == nil)
        #expect(config.knownContextWindow(workflow: "mixed") == 2048)
        #expect(config.knownContextWindow(workflow: "blind") == nil)
        #expect(config.knownContextWindow(workflow: "pipeline") == 8192)
        #expect(config.knownContextWindow(workflow: "nope") == nil)
        for bad in ["0", "-1", "100000001", #""8k""#, "1.5", "null"] {
            let error = Self.error(
                #"{"agents": {"a": {"provider": {"type": "echo"}, "limits": {"contextWindow": \#(bad)}}}}"#
            )
            #expect(error?.path == "$.agents.a.limits.contextWindow", "\(bad): \(String(describing: error))")
        }
    }

    @Test func placeholdersFillFromArgumentsWithoutAShell() {
        let tool = ToolDefinition(name: "t", command: ["echo", "{{a}}-{{ b }}", "$(rm -rf /){{a}}"])
        #expect(tool.argv(for: ["a": "x; ls", "b": 3]) == ["echo", "x; ls-3", "$(rm -rf /)x; ls"])
        #expect(tool.argv(for: [:]) == ["echo", "-", "$(rm -rf /)"])
    }

    @Test(arguments: [
        (#"{"agents":{"a":{"provider":{"type":"openai","model":"m"}}}}"#, "$.agents.a.provider.baseURL", "a string"),
        (
            #"{"agents":{"a":{"provider":{"type":"openai","baseURL":"ftp://x","model":"m"}}}}"#,
            "$.agents.a.provider.baseURL", "http://"
        ),
        (
            #"{"agents":{"a":{"provider":{"type":"openai","baseURL":"http://x","model":"m","tools":["nope"]}}}}"#,
            "$.agents.a.provider.tools[0]", "defined under $.tools"
        ),
        (
            #"{"agents":{"a":{"provider":{"type":"openai","baseURL":"http://x","model":"m","toolChoice":"nope"}}}}"#,
            "$.agents.a.provider.toolChoice", "\"auto\""
        ),
        (
            #"{"agents":{"a":{"provider":{"type":"openai","baseURL":"http://x","model":"m","temperature":3}}}}"#,
            "$.agents.a.provider.temperature", "from 0 to 2"
        ),
        (
            #"{"agents":{"a":{"provider":{"type":"command","argv":[]}}}}"#, "$.agents.a.provider.argv",
            "a non-empty array"
        ),
        (
            #"{"agents":{"a":{"provider":{"type":"command","argv":["x"],"shell":true}}}}"#, "$.agents.a.provider.shell",
            "unknown setting"
        ),
        (#"{"tools":{"t":{"command":["echo","{{city}}"]}}}"#, "$.tools.t.command", "{{city}}"),
        (#"{"tools":{"t":{"command":["echo"],"permission":"maybe"}}}"#, "$.tools.t.permission", "\"ask\""),
        (
            #"{"tools":{"t":{"command":["echo"],"parameters":{"type":"string"}}}}"#, "$.tools.t.parameters",
            "type \"object\""
        ),
    ])
    func mistakesNameTheirPath(_ text: String, _ path: String, _ expected: String) throws {
        let error = try #require(Self.error(text))
        #expect(error.path == path, "\(error)")
        #expect(error.message.contains(expected), "\(error)")
    }
}
