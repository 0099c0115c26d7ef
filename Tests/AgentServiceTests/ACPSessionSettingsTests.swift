import AgentCore
import AgentService
import JSONCore
import JSONRPC
import Testing

// The ACP face: what a session runs (session modes and the `agent` config option, one choice shown two
// ways) and the context window its usage is reported against.

@Suite struct ACPSessionSettingsTests {
    @Test func sessionsOfferTheAgentsAndWorkflowsAsModesToo() async throws {
        let store = MemoryRunStore()
        let client = try await TestClient.acp(store: store)
        let reply = try await client.request("session/new", ["cwd": "/w", "mcpServers": []])
        let modes = try #require(reply["result", "modes"], "\(reply.jsonString)")
        #expect(modes["currentModeId"] == "echo")
        let available = modes["availableModes"]?.arrayValue ?? []
        #expect(
            available.first == [
                "id": "echo", "name": "echo",
                "description": "Streams its input back one word at a time (built in, offline).",
            ]
        )
        #expect(available.contains { $0["id"] == "workflow:pipeline" && $0["name"] == "pipeline (workflow)" })
        // The same choices, in the same order, as the config option.
        let values = reply["result", "configOptions"]?.arrayValue?.first?["options"]?.arrayValue?
            .flatMap { $0["options"]?.arrayValue ?? [] }.compactMap { $0["value"]?.stringValue }
        #expect(values == available.compactMap { $0["id"]?.stringValue })

        // session/load answers with them as well, in another process sharing the store.
        let sessionId = try #require(reply["result", "sessionId"]?.stringValue)
        let other = try await TestClient.acp(store: store)
        let loaded = try await other.request(
            "session/load",
            ["sessionId": .string(sessionId), "cwd": "/w", "mcpServers": []]
        )
        #expect(loaded["result", "modes", "currentModeId"] == "echo", "\(loaded.jsonString)")
        #expect(loaded["result", "modes", "availableModes"] == modes["availableModes"])
    }

    @Test func setModeChoosesWhatTheSessionRunsAndTheConfigOptionFollows() async throws {
        let client = try await TestClient.acp()
        let sessionId = try await client.acpNewSession()
        let start = client.messages.count
        let set = try await client.request(
            "session/set_mode",
            ["sessionId": .string(sessionId), "modeId": "workflow:pipeline"]
        )
        #expect(set["result"] == .object([:]), "\(set.jsonString)")
        // The client chose it: no current_mode_update comes back.
        #expect(client.acpUpdates(sessionId, from: start).isEmpty)

        let reply = try await client.response(to: client.acpPrompt(sessionId, "ship it"))
        let updates = client.acpUpdates(sessionId, from: start, to: reply.index)
        #expect(updates.kind("agent_message_chunk").chunkText == "reviewed: ship it")

        let loaded = try await client.request(
            "session/load",
            ["sessionId": .string(sessionId), "cwd": "/work", "mcpServers": []]
        )
        #expect(loaded["result", "modes", "currentModeId"] == "workflow:pipeline", "\(loaded.jsonString)")
        #expect(loaded["result", "configOptions"]?.arrayValue?.first?["currentValue"] == "workflow:pipeline")
    }

    @Test func settingTheConfigOptionSendsACurrentModeUpdate() async throws {
        let client = try await TestClient.acp()
        let sessionId = try await client.acpNewSession()
        let start = client.messages.count
        let id = client.sendRequest(
            "session/set_config_option",
            ["sessionId": .string(sessionId), "configId": "agent", "value": "echo-thinking"]
        )
        let reply = try await client.response(to: id)
        #expect(reply.message["result", "configOptions"]?.arrayValue?.first?["currentValue"] == "echo-thinking")
        #expect(
            client.acpUpdates(sessionId, from: start, to: reply.index) == [
                ["sessionUpdate": "current_mode_update", "currentModeId": "echo-thinking"]
            ]
        )
        // Setting what is already set changes no mode.
        let again = client.messages.count
        try await client.acpSetTarget(sessionId, "echo-thinking")
        #expect(client.acpUpdates(sessionId, from: again).isEmpty)
    }

    @Test func anUnknownModeOrSessionIsRefused() async throws {
        let client = try await TestClient.acp()
        let sessionId = try await client.acpNewSession()
        let unknown = try await client.request(
            "session/set_mode",
            ["sessionId": .string(sessionId), "modeId": "nobody"]
        )
        #expect(unknown["error", "code"] == -32602)
        #expect(unknown["error", "data", "field"] == "params.modeId")
        let missing = try await client.request("session/set_mode", ["sessionId": .string(sessionId)])
        #expect(missing["error", "code"] == -32602)
        #expect(missing["error", "data", "field"] == "params.modeId")
        let noSession = try await client.request("session/set_mode", ["sessionId": "ses_nope", "modeId": "echo"])
        #expect(noSession["error", "code"] == -32002)
        // The session still runs what it ran.
        let reply = try await client.response(to: client.acpPrompt(sessionId, "still echo"))
        #expect(reply.message["result", "stopReason"] == "end_turn")
    }

    /// `size` is the model's context window (`limits.contextWindow`, or the provider's default), not
    /// a copy of `used`; `used` counts the earlier turns too. An agent whose window is unknown gets none.
    @Test func usageUpdateReportsTheContextWindowOrNothing() async throws {
        let config = try AgentConfig.mergedOverBuiltIns(
            #"{"agents": {"wide": {"provider": {"type": "echo"}, "limits": {"contextWindow": 131072}},"#
                + #""cat": {"provider": {"type": "command", "argv": ["cat"]}}}}"#
        )
        let client = try await TestClient.acp(config: config)
        let sessionId = try await client.acpNewSession()
        try await client.acpSetTarget(sessionId, "wide")
        func usage(after text: String) async throws -> [JSONValue] {
            let start = client.messages.count
            let reply = try await client.response(to: client.acpPrompt(sessionId, text))
            #expect(reply.message["result", "stopReason"] == "end_turn", "\(reply.message.jsonString)")
            return client.acpUpdates(sessionId, from: start, to: reply.index).kind("usage_update")
        }
        #expect(
            try await usage(after: "one two three") == [["sessionUpdate": "usage_update", "used": 6, "size": 131072]]
        )
        #expect(try await usage(after: "four") == [["sessionUpdate": "usage_update", "used": 8, "size": 131072]])
        try await client.acpSetTarget(sessionId, "workflow:pipeline")
        #expect(try await usage(after: "five").first?["size"] == 8192)
        try await client.acpSetTarget(sessionId, "cat")
        #expect(try await usage(after: "six").isEmpty, "no window, no usage_update")
    }
}
