import AgentCore
import AgentService
import JSONCore
import JSONRPC
import Testing

// The seam tool runs plug into: permission requests to the client, answered over the same connection.

@Suite struct ACPToolSeamTests {
    private func agentClient() async throws -> (TestClient, ACPAgent) {
        let client = TestClient { runtime, logger, onExit in ACPAgent(runtime: runtime, logger: logger, onExit: onExit)
        }
        _ = try await client.request("initialize", ["protocolVersion": 1])
        let agent = try #require(client.handler as? ACPAgent)
        return (client, agent)
    }

    @Test func aPermissionRequestRoundTrips() async throws {
        let (client, agent) = try await agentClient()
        let sessionId = try await client.acpNewSession()
        let decision = Task {
            await agent.requestPermission(
                sessionId: sessionId,
                toolCall: [
                    "toolCallId": "call_1", "title": "Run tests", "kind": "execute", "rawInput": ["cmd": "make"],
                ]
            )
        }
        let request = try await client.waitFor { $0["method"] == "session/request_permission" }.message
        #expect(request["params", "sessionId"] == .string(sessionId))
        #expect(request["params", "toolCall", "toolCallId"] == "call_1")
        let kinds = request["params", "options"]?.arrayValue?.compactMap { $0["kind"]?.stringValue }
        #expect(kinds == ["allow_once", "allow_always", "reject_once"])
        let id = try #require(request["id"].flatMap(RequestID.init))
        client.send(
            Envelope.response(id: id, result: ["outcome": ["outcome": "selected", "optionId": "allow-always"]])
        )
        #expect(await decision.value == .allowAlways)
    }

    @Test func aCancelledPermissionRequestIsCancelled() async throws {
        let (client, agent) = try await agentClient()
        let sessionId = try await client.acpNewSession()
        let decision = Task { await agent.requestPermission(sessionId: sessionId, toolCall: ["toolCallId": "c"]) }
        let request = try await client.waitFor { $0["method"] == "session/request_permission" }.message
        let id = try #require(request["id"].flatMap(RequestID.init))
        client.send(Envelope.response(id: id, result: ["outcome": ["outcome": "cancelled"]]))
        #expect(await decision.value == .cancelled)
    }

    @Test func aPendingPermissionRequestEndsWhenTheClientGoesAway() async throws {
        let (client, agent) = try await agentClient()
        let decision = Task { await agent.requestPermission(sessionId: "s", toolCall: ["toolCallId": "c"]) }
        _ = try await client.waitFor { $0["method"] == "session/request_permission" }
        client.closeInput()
        #expect(await decision.value == .cancelled)
    }
}
