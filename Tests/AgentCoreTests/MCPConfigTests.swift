import AgentCore
import JSONCore
import Testing

@Suite struct MCPConfigTests {
    @Test func serversInTheShapeEditorsUseAreRead() throws {
        let config = try ProviderConfigTests.parse(
            """
            {
              "mcpServers": {
                "files": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"],
                          "env": {"DEBUG": "1"}, "cwd": "/", "permission": "allow", "tools": ["read_file"],
                          "timeoutMs": 5000, "startTimeoutMs": 90000},
                "web": {"type": "http", "url": "https://mcp.example.com/mcp?key=s3cret",
                        "headers": {"Authorization": "Bearer t"}}
              },
              "agents": {
                "gpt": {"provider": {"type": "openai", "baseURL": "http://127.0.0.1:1/v1", "model": "m",
                                     "mcpServers": ["files", "web"], "toolChoice": "files__read_file"}}
              }
            }
            """
        )
        let files = try #require(config.mcpServers.first { $0.name == "files" })
        #expect(
            files.transport
                == .stdio(
                    command: "npx",
                    arguments: ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"],
                    environment: ["DEBUG": "1"],
                    workingDirectory: "/"
                )
        )
        #expect(files.permission == .allow)
        #expect(files.allowedTools == ["read_file"])
        #expect(files.offers("read_file") && !files.offers("write_file"))
        #expect(files.timeoutMs == 5000 && files.startTimeoutMs == 90000)
        let web = try #require(config.mcpServers.first { $0.name == "web" })
        #expect(
            web.transport
                == .http(url: "https://mcp.example.com/mcp?key=s3cret", headers: ["Authorization": "Bearer t"])
        )
        #expect(web.permission == .ask)  // the default, as for command tools
        #expect(web.location == "https://mcp.example.com/mcp")  // no query: it may hold a secret
        guard case .openai(let settings)? = config.agent(named: "gpt")?.provider else {
            Issue.record("not an openai agent")
            return
        }
        #expect(settings.mcpServers == ["files", "web"])
        #expect(settings.toolChoice == "files__read_file")
    }

    @Test(arguments: [
        (#"{"mcpServers": {"a": {"command": "x", "url": "http://h"}}}"#, "$.mcpServers.a", "not both"),
        (#"{"mcpServers": {"a": {}}}"#, "$.mcpServers.a", "expected `command`"),
        (
            #"{"mcpServers": {"a": {"command": "x", "permision": "allow"}}}"#, "$.mcpServers.a.permision",
            "unknown setting"
        ),
        (
            #"{"mcpServers": {"a": {"command": "x", "permission": "sometimes"}}}"#, "$.mcpServers.a.permission",
            "\"allow\""
        ),
        (#"{"mcpServers": {"a": {"command": "x", "args": "-v"}}}"#, "$.mcpServers.a.args", "an array of strings"),
        (#"{"mcpServers": {"a": {"url": "ftp://h"}}}"#, "$.mcpServers.a.url", "http://"),
        (#"{"mcpServers": {"a": {"type": "sse", "url": "http://h"}}}"#, "$.mcpServers.a.type", "Streamable HTTP"),
        (#"{"mcpServers": {"a": {"url": "http://h", "env": {}}}}"#, "$.mcpServers.a.env", "stdio servers"),
        (#"{"mcpServers": {"a": {"command": "x", "timeoutMs": 0}}}"#, "$.mcpServers.a.timeoutMs", "whole number"),
        (
            #"{"mcpServers": {"a": {"command": "x"}}, "agents": {"g": {"provider": {"type": "openai", "baseURL": "http://h", "model": "m", "mcpServers": ["b"]}}}}"#,
            "$.agents.g.provider.mcpServers[0]", "servers: a"
        ),
        (
            #"{"mcpServers": {"a": {"command": "x"}}, "agents": {"g": {"provider": {"type": "openai", "baseURL": "http://h", "model": "m", "mcpServers": ["a"], "toolChoice": "b__t"}}}}"#,
            "$.agents.g.provider.toolChoice", "server__tool"
        ),
    ])
    func aWrongMemberIsNamed(text: String, path: String, message: String) {
        let error = ProviderConfigTests.error(text)
        #expect(error?.path == path, "\(String(describing: error))")
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test func toolNamesFitTheModelAPIsRules() {
        #expect(MCPServerTool.exposedName(server: "files", tool: "read_file") == "files__read_file")
        #expect(MCPServerTool.exposedName(server: "my.server", tool: "get weather/now") == "my_server__get_weather_now")
        #expect(MCPServerTool.exposedName(server: "s", tool: String(repeating: "t", count: 100)).count == 64)
        #expect(MCPServerTool.exposedName(server: "é", tool: "x") == "___x")
    }
}
