import AgentCore
import Foundation
import JSONCore
import JSONRPC
import Testing

/// A `run/events {follow: true}` request is cancellable like any other: it ends at once with -32800 (or, for
/// MCP's `notifications/cancelled`, no reply), sends nothing more, and leaves the run alone.
@Suite struct FollowCancelTests {
    @Test(arguments: ["$/cancelRequest", "notifications/cancelled"])
    func cancellingAFollowEndsItAndTheRunGoesOn(dialect: String) async throws {
        let client = TestClient(config: try storeTestConfig(delayMs: 10))
        let quiet: JSONValue = ["tokens": false, "steps": false, "progress": false, "heartbeat": false]
        let (runId, _) = try await client.startDetached(
            ["agent": "slow", "input": .string(.numberedWords(400)), "stream": quiet]
        )
        let followId = client.sendRequest("run/events", ["runId": .string(runId), "afterSeq": 0, "follow": true])
        _ = try await client.waitFor { $0["method"] == "run/token" && $0["params", "runId"] == .string(runId) }

        if dialect == "$/cancelRequest" {
            client.notify(dialect, ["id": followId.json])
            let reply = try await client.response(to: followId).message
            #expect(reply["error", "code"] == -32800, "\(reply.jsonString)")
            #expect(reply["error", "data", "runId"] == .string(runId))
        } else {
            client.notify(dialect, ["requestId": followId.json])
        }
        // Nothing more of the follow: the token count stops moving while the run keeps streaming.
        _ = try await client.request("ping")
        let followed = client.runTokenTexts(runId).count
        try await Task.sleep(for: .milliseconds(200))
        #expect(client.runTokenTexts(runId).count == followed)
        #expect(followed < 400)
        let status = try await client.storeResult("run/status", ["runId": .string(runId)])
        #expect(status["status"] == "running")
        if dialect == "notifications/cancelled" { #expect(client.replies(to: followId).isEmpty) }

        #expect(try await client.storeResult("run/cancel", ["runId": .string(runId)])["cancelled"] == true)
        _ = try await client.awaitRunStatus(runId)
        #expect(client.replies(to: followId).count <= 1)
    }
}
