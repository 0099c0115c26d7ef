import AgentCore
import AgentProtocol
import AgentService
import JSONCore
import JSONRPC
import Testing

/// The MCP face answers every request its registry lists, ignores members it does not know and refuses
/// a member of the wrong type by its path.
@Suite struct MCPDispatchTests {
    static func client() async throws -> TestClient {
        let client = TestClient.routed()
        let reply = try await client.request("initialize", ["protocolVersion": "2025-11-25", "capabilities": [:]])
        #expect(reply["result", "protocolVersion"] == "2025-11-25", "\(reply.jsonString)")
        client.notify("notifications/initialized")
        return client
    }

    /// Params each registered request is answered with a result for.
    static func params(_ method: String) -> JSONValue {
        switch method {
        case MCPInitializeRequest.method: ["protocolVersion": "2025-11-25", "capabilities": [:]]
        case MCPServerDiscoverRequest.method:
            ["_meta": .object(JSONObject([(key: MCPProtocol.metaVersionKey, value: "2026-07-28")]))]
        case MCPToolsCallRequest.method: ["name": "echo", "arguments": ["input": "hello"]]
        case MCPLoggingSetLevelRequest.method: ["level": "info"]
        default: [:]
        }
    }

    @Test func everyRegisteredRequestIsDispatched() async throws {
        let client = try await Self.client()
        #expect(MCPServer.requestMethods == MCPProtocol.requests.map { $0.method })
        for type in MCPProtocol.requests {
            let reply = try await client.request(type.method, Self.params(type.method))
            #expect(reply["error", "code"] != -32601, "\(type.method) is not dispatched")
            #expect(reply["result"] != nil, "\(type.method): \(reply.jsonString)")
        }
        let unlisted = try await client.request("resources/list", [:])
        #expect(unlisted["error", "code"] == -32601, "\(unlisted.jsonString)")
    }

    @Test func unknownMembersAreIgnored() async throws {
        let client = try await Self.client()
        let reply = try await client.request(
            "tools/call",
            ["name": "echo", "arguments": ["input": "hi there"], "task": ["ttl": 1000], "futureMember": 1]
        )
        #expect(reply["result", "isError"] == false, "\(reply.jsonString)")
        #expect(reply["result", "content"]?.arrayValue?.first == ["type": "text", "text": "hi there"])
        let listed = try await client.request("tools/list", ["cursor": .null, "futureMember": "x"])
        #expect(listed["result", "tools"]?.arrayValue?.isEmpty == false, "\(listed.jsonString)")
    }

    @Test func aMemberOfTheWrongTypeIsRefusedWithItsPath() async throws {
        let client = try await Self.client()
        let cases: [(method: String, params: JSONValue, field: String)] = [
            ("tools/call", ["name": 5, "arguments": ["input": "x"]], "params.name"),
            ("tools/call", ["name": "echo", "arguments": "x"], "params.arguments"),
            ("tools/call", ["name": "echo", "arguments": ["input": 5]], "params.arguments.input"),
            ("tools/list", ["cursor": 2], "params.cursor"),
            ("logging/setLevel", ["level": 3], "params.level"),
        ]
        for (method, params, field) in cases {
            let reply = try await client.request(method, params)
            #expect(reply["error", "code"] == -32602, "\(method) \(params.jsonString): \(reply.jsonString)")
            #expect(reply["error", "data", "field"] == .string(field), "\(method): \(reply.jsonString)")
        }
    }
}
