import AgentCore
import AgentProtocol
import AgentService
import JSONCore
import JSONRPC
import Testing

/// The ACP face answers every request its registry lists, ignores members it does not know and refuses
/// a member of the wrong type by its path.
@Suite struct ACPDispatchTests {
    /// Params each registered request is answered with a result for, given an open session.
    static func params(_ method: String, sessionId: String) -> JSONValue {
        let session = JSONValue.string(sessionId)
        return switch method {
        case ACPInitializeRequest.method: ["protocolVersion": 1]
        case ACPAuthenticateRequest.method: ["methodId": "none"]
        case ACPSessionNewRequest.method: ["cwd": "/work", "mcpServers": []]
        case ACPSessionLoadRequest.method: ["sessionId": session, "cwd": "/work", "mcpServers": []]
        case ACPSessionListRequest.method: [:]
        case ACPSessionPromptRequest.method: ["sessionId": session, "prompt": [["type": "text", "text": "hello"]]]
        case ACPSessionSetConfigOptionRequest.method: ["sessionId": session, "configId": "agent", "value": "echo"]
        case ACPSessionSetModeRequest.method: ["sessionId": session, "modeId": "echo"]
        case ACPSessionCloseRequest.method: ["sessionId": session]
        case ACPSessionResumeRequest.method: ["sessionId": session, "cwd": "/work", "mcpServers": []]
        case ACPSessionForkRequest.method: ["sessionId": session, "cwd": "/work"]
        case ACPSessionDeleteRequest.method: ["sessionId": session]
        default: [:]
        }
    }

    @Test func everyRegisteredRequestIsDispatched() async throws {
        let client = try await TestClient.acp()
        let sessionId = try await client.acpNewSession()
        #expect(ACPAgent.requestMethods == ACPProtocol.requests.map { $0.method })
        for type in ACPProtocol.requests {
            let reply = try await client.request(type.method, Self.params(type.method, sessionId: sessionId))
            #expect(reply["error", "code"] != -32601, "\(type.method) is not dispatched")
            #expect(reply["result"] != nil, "\(type.method): \(reply.jsonString)")
        }
        let unlisted = try await client.request("session/frobnicate", ["sessionId": .string(sessionId)])
        #expect(unlisted["error", "code"] == -32601, "\(unlisted.jsonString)")
    }

    @Test func unknownMembersAreIgnored() async throws {
        let client = try await TestClient.acp()
        let created = try await client.request(
            "session/new",
            ["cwd": "/work", "mcpServers": [], "additionalDirectories": ["/tmp"], "futureMember": ["x": 1]]
        )
        let sessionId = try #require(created["result", "sessionId"]?.stringValue, "\(created.jsonString)")
        let reply = try await client.request(
            "session/prompt",
            [
                "sessionId": .string(sessionId), "prompt": [["type": "text", "text": "hi there"]],
                "messageId": "m-1", "futureMember": true,
            ]
        )
        #expect(reply["result", "stopReason"] == "end_turn", "\(reply.jsonString)")
        #expect(client.acpUpdates(sessionId).kind("agent_message_chunk").chunkText == "hi there")
    }

    @Test func aNotificationWithUnknownMembersStillActs() async throws {
        let client = try await TestClient.acp()
        let sessionId = try await client.acpNewSession()
        try await client.acpSetTarget(sessionId, "echo-slow")
        let id = client.acpPrompt(sessionId, String.numberedWords(400))
        client.notify("session/cancel", ["sessionId": .string(sessionId), "futureMember": "why not"])
        let reply = try await client.response(to: id)
        #expect(reply.message["result", "stopReason"] == "cancelled", "\(reply.message.jsonString)")
    }

    @Test func aMemberOfTheWrongTypeIsRefusedWithItsPath() async throws {
        let client = try await TestClient.acp()
        let sessionId = try await client.acpNewSession()
        let cases: [(method: String, params: JSONValue, field: String)] = [
            ("session/new", ["cwd": 5, "mcpServers": []], "params.cwd"),
            ("session/new", ["cwd": "/work", "mcpServers": "none"], "params.mcpServers"),
            ("session/list", ["cwd": ["/work"]], "params.cwd"),
            ("session/prompt", ["sessionId": 5, "prompt": []], "params.sessionId"),
            ("session/prompt", ["sessionId": .string(sessionId), "prompt": "hello"], "params.prompt"),
            ("session/set_mode", ["sessionId": .string(sessionId), "modeId": ["echo"]], "params.modeId"),
        ]
        for (method, params, field) in cases {
            let reply = try await client.request(method, params)
            #expect(reply["error", "code"] == -32602, "\(method) \(params.jsonString): \(reply.jsonString)")
            #expect(reply["error", "data", "field"] == .string(field), "\(method): \(reply.jsonString)")
        }
    }
}
