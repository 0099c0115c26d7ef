import AgentCore
import Foundation
import JSONCore
import JSONRPC
import Testing

/// Session requests wait for the store in tasks (on the session store's queue), never on the thread that
/// reads the client's messages: while a session write or read is stuck, `ping` and other runs are answered;
/// once the store answers, so does the session request. Prompts keep their order all the same.
@Suite struct SessionsOffTheReaderTests {
    @Test func pingAndRunsAreAnsweredWhileASessionWriteWaits() async throws {
        let store = ScriptedStore()
        let client = TestClient(store: store)

        // session/new: the insert waits.
        store.sessionWrites.close()
        let created = client.sendRequest("session/new", ["agent": "echo-history"])
        try await waitUntil { store.sessionWrites.waiting == 1 }
        try await expectAnsweredMeanwhile(client)
        #expect(client.replies(to: created).isEmpty)
        store.sessionWrites.open()
        let reply = try await client.response(to: created, timeout: .seconds(10)).message
        let sessionId = try #require(reply["result", "sessionId"]?.stringValue, "\(reply.jsonString)")
        #expect(reply["result", "warnings"] == nil, "\(reply.jsonString)")

        // session/prompt: the turn runs; keeping it waits, and the reply with it.
        store.sessionWrites.close()
        let prompt = client.sendRequest("session/prompt", ["sessionId": .string(sessionId), "input": "kept"])
        try await waitUntil { store.sessionWrites.waiting == 1 }
        try await expectAnsweredMeanwhile(client)
        #expect(client.replies(to: prompt).isEmpty)
        store.sessionWrites.open()
        let turn = try await client.response(to: prompt, timeout: .seconds(10)).message
        #expect(turn["result", "output"] == "kept", "\(turn.jsonString)")

        // session/close: the removal waits.
        store.sessionWrites.close()
        let closing = client.sendRequest("session/close", ["sessionId": .string(sessionId)])
        try await waitUntil { store.sessionWrites.waiting == 1 }
        try await expectAnsweredMeanwhile(client)
        #expect(client.replies(to: closing).isEmpty)
        store.sessionWrites.open()
        let closed = try await client.response(to: closing, timeout: .seconds(10)).message
        #expect(closed["result"] == ["closed": true], "\(closed.jsonString)")
        try await client.storeError("session/prompt", ["sessionId": .string(sessionId), "input": "x"], code: -32001)
    }

    @Test func aStoredSessionIsReadOffTheReaderAndAPromptBehindItIsBusy() async throws {
        let store = ScriptedStore()
        try store.insertSession(
            StoredSession(id: "ses_earlier", agent: "slow-history", turns: [Turn(input: "before", output: "before")])
        )
        let client = TestClient(config: try storeTestConfig(delayMs: 20), store: store)

        // Not in memory: the first prompt reads it; the second, right behind, waits in line for the store.
        store.sessionReads.close()
        let first = client.sendRequest("session/prompt", ["sessionId": "ses_earlier", "input": "one two three"])
        let second = client.sendRequest("session/prompt", ["sessionId": "ses_earlier", "input": "too soon"])
        try await waitUntil { store.sessionReads.waiting == 1 }
        try await expectAnsweredMeanwhile(client)
        #expect(client.replies(to: first).isEmpty && client.replies(to: second).isEmpty)
        store.sessionReads.open()

        // The first began its turn; the second found it busy, whichever task the pool ran first.
        let busy = try await client.response(to: second, timeout: .seconds(10)).message
        #expect(busy["error", "code"] == -32004, "\(busy.jsonString)")
        let turn = try await client.response(to: first, timeout: .seconds(10)).message
        #expect(turn["result", "output"] == "before\none two three", "\(turn.jsonString)")

        // Now in memory: a prompt right behind a busy one is refused at once, as before.
        let third = client.sendRequest("session/prompt", ["sessionId": "ses_earlier", "input": "four five six"])
        let fourth = try await client.request("session/prompt", ["sessionId": "ses_earlier", "input": "again"])
        #expect(fourth["error", "code"] == -32004, "\(fourth.jsonString)")
        let later = try await client.response(to: third, timeout: .seconds(10)).message
        #expect(later["result", "output"] == "before\none two three\nfour five six", "\(later.jsonString)")
    }

    @Test func aSessionNoStoreHasIsNotFoundFromTheTaskThatReadIt() async throws {
        let client = TestClient(store: ScriptedStore())
        let reply = try await client.request("session/prompt", ["sessionId": "ses_nowhere", "input": "hi"])
        #expect(reply["error", "code"] == -32001, "\(reply.jsonString)")
        #expect(reply["error", "data", "sessionId"] == "ses_nowhere")
        let pong = try await client.request("ping")
        #expect(pong["result"] == .object([:]))
    }

    @Test func acpSessionNewWaitsForTheStoreOffTheReader() async throws {
        let store = ScriptedStore()
        let client = try await TestClient.acp(store: store)
        store.sessionWrites.close()
        let created = client.sendRequest("session/new", ["cwd": "/work", "mcpServers": []])
        try await waitUntil { store.sessionWrites.waiting == 1 }
        // The reader goes on: another request is answered meanwhile.
        let listed = try await client.request("session/list", [:], timeout: .seconds(5))
        #expect(listed["result", "sessions"] != nil, "\(listed.jsonString)")
        #expect(client.replies(to: created).isEmpty)
        store.sessionWrites.open()
        let reply = try await client.response(to: created, timeout: .seconds(10)).message
        #expect(reply["result", "sessionId"]?.stringValue != nil, "\(reply.jsonString)")
        #expect(reply["result", "_meta"] == nil, "\(reply.jsonString)")
    }

    /// `ping` and a run are answered while a session request waits for the store (which is released only
    /// after this returns).
    private func expectAnsweredMeanwhile(_ client: TestClient) async throws {
        let pong = try await client.request("ping", timeout: .seconds(5))
        #expect(pong["result"] == .object([:]))
        let run = try await client.request("agent/run", ["agent": "echo", "input": "meanwhile"], timeout: .seconds(5))
        #expect(run["result", "output"] == "meanwhile", "\(run.jsonString)")
    }
}
