import AgentCore
import AgentService
import JSONCore
import JSONRPC
import Testing

extension TestClient {
    /// An in-process server behind the face router (what `agentwire serve` runs), optionally forced.
    static func routed(
        config: AgentConfig = .builtIn,
        forced: ProtocolFace? = nil,
        store: any RunStore = MemoryRunStore(),
        framing: Framing = .newlineDelimited
    ) -> TestClient {
        TestClient(config: config, framing: framing, store: store) { runtime, logger, onExit in
            FaceRouter(runtime: runtime, logger: logger, forced: forced, onExit: onExit)
        }
    }

    /// An in-process ACP agent, initialized.
    static func acp(
        config: AgentConfig = .builtIn,
        store: any RunStore = MemoryRunStore(),
        framing: Framing = .newlineDelimited
    ) async throws -> TestClient {
        let client = TestClient.routed(config: config, store: store, framing: framing)
        let reply = try await client.request("initialize", ["protocolVersion": 1])
        #expect(reply["result", "protocolVersion"] == 1, "\(reply.jsonString)")
        return client
    }

    /// `session/new`; returns the session id.
    func acpNewSession(cwd: String = "/work") async throws -> String {
        let reply = try await request("session/new", ["cwd": .string(cwd), "mcpServers": []])
        return try #require(reply["result", "sessionId"]?.stringValue, "\(reply.jsonString)")
    }

    /// Chooses what session `sessionId` runs (`session/set_config_option`).
    func acpSetTarget(_ sessionId: String, _ value: String) async throws {
        let reply = try await request(
            "session/set_config_option",
            ["sessionId": .string(sessionId), "configId": "agent", "value": .string(value)]
        )
        #expect(reply["result", "configOptions"] != nil, "\(reply.jsonString)")
    }

    /// Sends a text prompt; returns its id.
    func acpPrompt(_ sessionId: String, _ text: String) -> RequestID {
        sendRequest(
            "session/prompt",
            ["sessionId": .string(sessionId), "prompt": [["type": "text", "text": .string(text)]]]
        )
    }

    /// The `update` objects of the `session/update`s for `sessionId` between message `start` and `end`.
    func acpUpdates(_ sessionId: String, from start: Int = 0, to end: Int? = nil) -> [JSONValue] {
        let all = messages
        return all[start..<(end ?? all.count)].compactMap { message in
            guard message["method"] == "session/update", message["params", "sessionId"] == .string(sessionId)
            else { return nil }
            return message["params", "update"]
        }
    }
}

extension Array where Element == JSONValue {
    /// The updates of one `sessionUpdate` kind.
    func kind(_ kind: String) -> [JSONValue] { filter { $0["sessionUpdate"] == .string(kind) } }

    /// The text of the chunk updates, joined.
    var chunkText: String { compactMap { $0["content", "text"]?.stringValue }.joined() }
}
