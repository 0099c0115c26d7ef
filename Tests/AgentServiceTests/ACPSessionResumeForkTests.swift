import AgentCore
import AgentService
import Foundation
import JSONCore
import JSONRPC
import Testing

// The ACP face's `session/resume`, `session/fork` and `session/delete`.

extension TestClient {
    /// A prompt's whole exchange: the reply and the text of the `agent_message_chunk`s before it.
    fileprivate func acpSay(_ sessionId: String, _ text: String) async throws -> (reply: JSONValue, text: String) {
        let start = messages.count
        let reply = try await response(to: acpPrompt(sessionId, text))
        let chunks = acpUpdates(sessionId, from: start, to: reply.index).kind("agent_message_chunk")
        return (reply.message, chunks.chunkText)
    }

    /// A session request with `sessionId`, `cwd` and no MCP servers; the reply and its index.
    fileprivate func acpOpen(
        _ method: String,
        _ sessionId: String,
        cwd: String = "/work"
    ) async throws
        -> ReceivedMessage
    {
        try await response(
            to: sendRequest(method, ["sessionId": .string(sessionId), "cwd": .string(cwd), "mcpServers": []])
        )
    }
}

@Suite struct ACPSessionResumeForkTests {
    @Test func initializeAdvertisesResumeForkAndDelete() async throws {
        let client = TestClient.routed()
        let reply = try await client.request("initialize", ["protocolVersion": 1])
        let capabilities = try #require(
            reply["result", "agentCapabilities", "sessionCapabilities"],
            "\(reply.jsonString)"
        )
        #expect(capabilities == ["list": [:], "close": [:], "resume": [:], "fork": [:], "delete": [:]])
    }

    @Test func resumeReplaysNothingAndTheNextPromptSeesTheHistory() async throws {
        let store = MemoryRunStore()
        let first = try await TestClient.acp(store: store)
        let sessionId = try await first.acpNewSession()
        try await first.acpSetTarget(sessionId, "echo-history")
        #expect(try await first.acpSay(sessionId, "one").text == "one")
        #expect(try await first.acpSay(sessionId, "two").text == "one\ntwo")

        // Another process: the session is read from the store, and nothing is sent before the answer.
        let second = try await TestClient.acp(store: store)
        let start = second.messages.count
        let resumed = try await second.acpOpen("session/resume", sessionId)
        let result = try #require(resumed.message["result"], "\(resumed.message.jsonString)")
        #expect(result["configOptions"]?.arrayValue?.first?["id"] == "agent")
        #expect(result["modes", "availableModes"]?.arrayValue?.isEmpty == false)
        #expect(result.objectValue?.keys.sorted() == ["configOptions", "modes"])
        #expect(second.messages[start..<resumed.index].isEmpty, "\(second.messages[start..<resumed.index])")
        // The store keeps what a session started with; the history is all there.
        try await second.acpSetTarget(sessionId, "echo-history")
        let next = try await second.acpSay(sessionId, "three")
        #expect(next.reply["result", "stopReason"] == "end_turn")
        #expect(next.text == "one\ntwo\nthree")
        #expect(second.acpUpdates(sessionId).kind("user_message_chunk").isEmpty)

        // Resuming a session open in this process replays nothing either, and keeps what it runs.
        let before = second.messages.count
        let again = try await second.acpOpen("session/resume", sessionId, cwd: "/elsewhere")
        #expect(again.message["result", "modes", "currentModeId"] == "echo-history", "\(again.message.jsonString)")
        #expect(second.messages[before..<again.index].isEmpty)
        let listed = try await second.request("session/list", ["cwd": "/elsewhere"])
        #expect(listed["result", "sessions"]?.arrayValue?.first?["sessionId"] == .string(sessionId))

        let missing = try await second.acpOpen("session/resume", "ses_nope")
        #expect(missing.message["error", "code"] == -32002, "\(missing.message.jsonString)")
        #expect(missing.message["error", "data", "sessionId"] == "ses_nope")
    }

    @Test func forkMakesAnIndependentSessionWithEveryTurn() async throws {
        let client = try await TestClient.acp()
        let sessionId = try await client.acpNewSession()
        try await client.acpSetTarget(sessionId, "echo-history")
        _ = try await client.acpSay(sessionId, "one")
        _ = try await client.acpSay(sessionId, "two")

        let start = client.messages.count
        let forked = try await client.acpOpen("session/fork", sessionId, cwd: "/fork")
        let result = try #require(forked.message["result"], "\(forked.message.jsonString)")
        let forkId = try #require(result["sessionId"]?.stringValue)
        #expect(forkId != sessionId)
        #expect(client.messages[start..<forked.index].isEmpty, "a fork replays nothing")
        // It runs what the forked session runs.
        #expect(result["modes", "currentModeId"] == "echo-history")
        #expect(result["configOptions"]?.arrayValue?.first?["currentValue"] == "echo-history")
        #expect(result["_meta"] == nil)

        #expect(try await client.acpSay(forkId, "fork").text == "one\ntwo\nfork")
        #expect(try await client.acpSay(sessionId, "original").text == "one\ntwo\noriginal")
        #expect(try await client.acpSay(forkId, "again").text == "one\ntwo\nfork\nagain")
        let listed = try await client.request("session/list", ["cwd": "/fork"])
        #expect(listed["result", "sessions"]?.arrayValue?.first?["sessionId"] == .string(forkId))
        #expect(listed["result", "sessions"]?.arrayValue?.first?["title"] == "one")

        let missing = try await client.acpOpen("session/fork", "ses_nope")
        #expect(missing.message["error", "code"] == -32002, "\(missing.message.jsonString)")
    }

    @Test func aSessionOnlyTheStoreHasIsForked() async throws {
        let store = MemoryRunStore()
        let first = try await TestClient.acp(store: store)
        let sessionId = try await first.acpNewSession()
        try await first.acpSetTarget(sessionId, "echo-history")
        _ = try await first.acpSay(sessionId, "kept")

        let second = try await TestClient.acp(store: store)
        let forked = try await second.acpOpen("session/fork", sessionId)
        let forkId = try #require(forked.message["result", "sessionId"]?.stringValue, "\(forked.message.jsonString)")
        // The store knows what the session started with.
        #expect(forked.message["result", "modes", "currentModeId"] == "echo")
        try await second.acpSetTarget(forkId, "echo-history")
        #expect(try await second.acpSay(forkId, "more").text == "kept\nmore")
        // Forked in the other process, it is stored for the first one too.
        let loaded = try await first.acpOpen("session/resume", forkId)
        #expect(loaded.message["result"] != nil, "\(loaded.message.jsonString)")
    }

    @Test func deleteForgetsTheSessionHereAndInTheStore() async throws {
        let store = MemoryRunStore()
        let client = try await TestClient.acp(store: store)
        let sessionId = try await client.acpNewSession()
        _ = try await client.acpSay(sessionId, "hello")
        let forked = try await client.acpOpen("session/fork", sessionId)
        let forkId = try #require(forked.message["result", "sessionId"]?.stringValue)

        let deleted = try await client.request("session/delete", ["sessionId": .string(sessionId)])
        #expect(deleted["result"] == .object([:]), "\(deleted.jsonString)")
        let listed = try await client.request("session/list", [:])
        let ids = listed["result", "sessions"]?.arrayValue?.compactMap { $0["sessionId"]?.stringValue }
        #expect(ids == [forkId])
        for method in ["session/load", "session/resume", "session/fork"] {
            let reply = try await client.acpOpen(method, sessionId)
            #expect(reply.message["error", "code"] == -32002, "\(method): \(reply.message.jsonString)")
        }
        let prompt = try await client.response(to: client.acpPrompt(sessionId, "anyone?"))
        #expect(prompt.message["error", "code"] == -32002, "\(prompt.message.jsonString)")
        let again = try await client.request("session/delete", ["sessionId": .string(sessionId)])
        #expect(again["error", "code"] == -32002, "\(again.jsonString)")
        // Gone from the store: another process cannot open it. The fork stays.
        let other = try await TestClient.acp(store: store)
        #expect(try await other.acpOpen("session/load", sessionId).message["error", "code"] == -32002)
        #expect(try await other.acpOpen("session/resume", forkId).message["result"] != nil)
    }

    @Test func aSessionOnlyTheStoreHasIsDeleted() async throws {
        let store = MemoryRunStore()
        let first = try await TestClient.acp(store: store)
        let sessionId = try await first.acpNewSession()
        let second = try await TestClient.acp(store: store)
        let deleted = try await second.request("session/delete", ["sessionId": .string(sessionId)])
        #expect(deleted["result"] == .object([:]), "\(deleted.jsonString)")
        #expect(try await second.acpOpen("session/load", sessionId).message["error", "code"] == -32002)
    }

    @Test func aSessionWithAPromptInFlightIsNotDeleted() async throws {
        let client = try await TestClient.acp()
        let sessionId = try await client.acpNewSession()
        try await client.acpSetTarget(sessionId, "echo-slow")
        let prompt = client.acpPrompt(sessionId, String.numberedWords(40))
        let busy = try await client.request("session/delete", ["sessionId": .string(sessionId)])
        #expect(busy["error", "code"] == -32004, "\(busy.jsonString)")
        #expect(busy["error", "data", "sessionId"] == .string(sessionId))
        client.notify("session/cancel", ["sessionId": .string(sessionId)])
        #expect(try await client.response(to: prompt).message["result", "stopReason"] == "cancelled")
        let deleted = try await client.request("session/delete", ["sessionId": .string(sessionId)])
        #expect(deleted["result"] == .object([:]), "\(deleted.jsonString)")
    }
}
