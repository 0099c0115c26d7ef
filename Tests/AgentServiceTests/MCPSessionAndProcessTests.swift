import AgentCore
import FakeModelServer
import Foundation
import JSONCore
import JSONRPC
import Testing

/// MCP servers an editor offers in ACP `session/new`, and the servers of a real `agentwire` process: no
/// orphan after it is killed, and `agentwire mcp list`.
@Suite(.serialized) struct MCPSessionAndProcessTests {
    /// ACP's shape of a stdio server.
    static func acpServer(markers: URL) -> JSONValue {
        [
            "name": "fx", "command": .string(MCPFixture.python), "args": [.string(MCPFixture.script)],
            "env": [["name": "MCP_FIXTURE_DIR", "value": .string(markers.path)]],
        ]
    }

    @Test func anEditorsServerGivesTheSessionsAgentItsToolsBehindThePermissionQuestion() async throws {
        try MCPFixture.require()
        let markers = MCPFixture.markers()
        let model = try await mcpCallingModel(tool: "fx__add", arguments: #"{"a": 2, "b": 2}"#)
        defer { Task { await model.stop() } }
        // The agent has no MCP servers of its own: the session's are added to it.
        let config = try AgentConfig.mergedOverBuiltIns(
            #"{"agents": {"calc": {"provider": {"type": "openai", "baseURL": "\#(model.baseURL)", "model": "m", "retries": 0}}}}"#
        )
        let client = try await TestClient.acp(config: config)
        let created = try await client.request(
            "session/new",
            ["cwd": .string(markers.path), "mcpServers": [Self.acpServer(markers: markers)]]
        )
        let sessionId = try #require(created["result", "sessionId"]?.stringValue, "\(created.jsonString)")
        try await client.acpSetTarget(sessionId, "calc")
        let prompt = client.acpPrompt(sessionId, "2 + 2?")
        let ask = try await client.waitFor { $0["method"] == "session/request_permission" }.message
        #expect(ask["params", "toolCall", "title"] == "fx__add")
        let allow = try #require(
            ask["params", "options"]?.arrayValue?.first { $0["kind"] == "allow_once" }?["optionId"]
        )
        let askId = try #require(ask["id"].flatMap(RequestID.init))
        client.send(Envelope.response(id: askId, result: ["outcome": ["outcome": "selected", "optionId": allow]]))
        let reply = try await client.response(to: prompt).message
        #expect(reply["result", "stopReason"] == "end_turn", "\(reply.jsonString)")
        let updates = client.acpUpdates(sessionId)
        let calls = updates.filter { $0["sessionUpdate"] == "tool_call" && $0["title"] == "fx__add" }
        #expect(calls.count == 1)
        let ended = updates.last { $0["sessionUpdate"] == "tool_call_update" && $0["status"] == "completed" }
        #expect(ended?["rawOutput", "output"] == "5" || ended?["rawOutput", "output"] == "4", "\(updates)")
        let text = updates.filter { $0["sessionUpdate"] == "agent_message_chunk" }
            .compactMap { $0["content", "text"]?.stringValue }.joined()
        #expect(text == "got: 4")
        // Closing the session stops its server.
        let pid = try #require(
            MCPFixture.marker(markers, "pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        )
        _ = try await client.request("session/close", ["sessionId": .string(sessionId)])
        let deadline = ContinuousClock.now + .seconds(10)
        while !processIsGone(pid) && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(processIsGone(pid))
    }

    @Test func aServerOfTheSessionThatCannotBeUsedIsNamed() async throws {
        let client = try await TestClient.acp()
        let reply = try await client.request(
            "session/new",
            [
                "cwd": "/",
                "mcpServers": [["name": "fx", "command": "x"], ["name": "web", "type": "sse", "url": "http://h"]],
            ]
        )
        #expect(reply["error", "code"] == -32602, "\(reply.jsonString)")
        #expect(reply["error", "data", "field"] == "params.mcpServers[1].type")
        let initialized = try await client.request("initialize", ["protocolVersion": 1])
        #expect(initialized["result", "agentCapabilities", "mcpCapabilities", "http"] == true)
    }

    /// A config file for the binary: agent `calc` calls `fx__whoami` on the fixture server.
    static func configFile(
        model: FakeModelServer,
        markers: URL,
        lingering: Bool = false,
        extraServers: String = ""
    ) throws -> String {
        let path = markers.appendingPathComponent("agentwire.json").path
        try """
        {
          "mcpServers": {"fx": \(MCPFixture.stdio(markers: markers, lingering: lingering))\(extraServers)},
          "agents": {"calc": {"provider": {"type": "openai", "baseURL": "\(model.baseURL)", "model": "m",
                                           "retries": 0, "mcpServers": ["fx"], "toolChoice": "fx__whoami"}}}
        }
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func noServerOutlivesAKilledService() async throws {
        try MCPFixture.require()
        let markers = MCPFixture.markers()
        let model = try await mcpCallingModel(tool: "fx__whoami", arguments: "{}")
        defer { Task { await model.stop() } }
        // A server that ignores both the end of its input and SIGTERM: only the death signal ends it.
        let config = try Self.configFile(model: model, markers: markers, lingering: true)
        let client = try TestClient(binaryArguments: ["--config", config, "--store", "memory"])
        let reply = try await client.request("agent/run", ["agent": "calc", "input": "who?"])
        let output = try #require(reply["result", "output"]?.stringValue, "\(reply.jsonString)")
        let pid = try #require(Int32(output.dropFirst("got: ".count)), "\(output)")
        #expect(!processIsGone(pid))
        let service = try #require(client.binaryProcessID)
        kill(service, SIGKILL)
        let deadline = ContinuousClock.now + .seconds(10)
        while !processIsGone(pid) && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(processIsGone(pid), "MCP server \(pid) outlived the killed service")
    }

    @Test func mcpListShowsEachServerAndItsTools() async throws {
        try MCPFixture.require()
        let markers = MCPFixture.markers()
        let model = try await mcpCallingModel(tool: "fx__whoami", arguments: "{}")
        defer { Task { await model.stop() } }
        let config = try Self.configFile(
            model: model,
            markers: markers,
            extraServers: #", "gone": {"command": "/nonexistent/server"}"#
        )
        let run = try await BinaryRun.run(["mcp", "list", "--config", config], input: [])
        let lines = String(decoding: run.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("fx\tstarted\tfx__add\tAdd two numbers") }, "\(lines)")
        #expect(
            lines.contains { $0.hasPrefix("gone\tfailed\t\tcannot find the program '/nonexistent/server'") },
            "\(lines)"
        )
        #expect(run.status == 1)
        let json = try await BinaryRun.run(["mcp", "list", "--json", "--config", config], input: [])
        let servers = try JSONValue.parse(String(decoding: json.stdout, as: UTF8.self)).arrayValue ?? []
        #expect(servers.map { $0["name"] } == ["fx", "gone"])
        #expect(servers.first?["started"] == true)
        #expect(servers.first?["tools"]?.arrayValue?.contains { $0["exposedName"] == "fx__slow" } == true)
        // The servers it started are stopped before it exits.
        let pid = try #require(
            MCPFixture.marker(markers, "pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        )
        #expect(processIsGone(pid))
    }

    @Test func shutdownStopsAServerThatIgnoresItsInputAndSIGTERM() async throws {
        try MCPFixture.require()
        let markers = MCPFixture.markers()
        let model = try await mcpCallingModel(tool: "fx__whoami", arguments: "{}")
        defer { Task { await model.stop() } }
        let client = TestClient(
            config: try MCPToolTests.config(
                model: model,
                server: MCPFixture.stdio(markers: markers, lingering: true),
                toolChoice: "fx__whoami"
            )
        )
        let reply = try await client.request("agent/run", ["agent": "calc", "input": "who?"])
        let pid = try #require(reply["result", "output"]?.stringValue.flatMap { Int32($0.dropFirst("got: ".count)) })
        let started = ContinuousClock.now
        await client.runtime?.shutdown()
        #expect(processIsGone(pid))
        // Its stdin closed, then SIGTERM (ignored), then SIGKILL: two grace periods.
        #expect(ContinuousClock.now - started >= .seconds(2))
    }
}
