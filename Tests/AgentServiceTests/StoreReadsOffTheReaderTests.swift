import AgentCore
import Foundation
import JSONCore
import JSONRPC
import Testing

/// Store reads are answered from tasks, never on the thread that reads the client's messages: while the
/// disk keeps a `run/list` waiting, `ping` is answered and `$/cancelRequest` cancels a run at once.
@Suite struct StoreReadsOffTheReaderTests {
    @Test func pingAndCancellationAreHandledWhileAStoreReadWaits() async throws {
        let store = ScriptedStore()
        let client = TestClient(config: try storeTestConfig(delayMs: 10), store: store)
        let runId = client.sendRequest("agent/run", ["agent": "slow", "input": .string(.numberedWords(1000))])
        _ = try await client.waitFor { $0["method"] == "run/token" }

        store.reads.close()
        let list = client.sendRequest("run/list")
        try await waitUntil { store.reads.waiting == 1 }

        // The reader goes on: a ping is answered...
        let pinged = ContinuousClock.now
        let pong = try await client.request("ping", timeout: .seconds(5))
        #expect(pong["result"] == .object([:]))
        #expect(ContinuousClock.now - pinged < .seconds(1))
        // ...and a cancellation acted on: the run stops and answers.
        client.notify("$/cancelRequest", ["id": runId.json])
        let cancelled = try await client.response(to: runId, timeout: .seconds(5)).message
        #expect(cancelled["error", "code"] == -32800, "\(cancelled.jsonString)")
        #expect(client.replies(to: list).isEmpty)

        store.reads.open()
        let listed = try await client.response(to: list, timeout: .seconds(10)).message
        let runs = try #require(listed["result", "runs"]?.arrayValue, "\(listed.jsonString)")
        #expect(runs.count == 1)
        // Read after the cancelled run's outcome was recorded, so it reads as such.
        let status = try await client.storeResult("run/status", ["runId": runs[0]["runId"] ?? .null])
        #expect(status["status"] == "cancelled")
    }
}
