import AgentCore
import AgentService
import Foundation
import JSONCore
import JSONRPC
import Testing

// Sessions: `session/new`, `session/prompt` (the provider sees earlier turns; one turn at a time) and
// `session/close`.

/// The built-in config plus `slow-history` (echo-history with 50 ms before each word) and `stalled-history`
/// (10 s before each word: no word comes before any timeout a test sets).
private func sessionConfig() throws -> AgentConfig {
    try .mergedOverBuiltIns(
        #"""
        {"agents": {
          "slow-history": {"provider": {"type": "echo", "delayMs": 50, "history": true}},
          "stalled-history": {"provider": {"type": "echo", "delayMs": 10000, "history": true}}
        }}
        """#,
        file: "session-tests.json"
    )
}

extension TestClient {
    /// Opens a session with `agent` (`session/new`); returns its id.
    fileprivate func newSession(agent: String) async throws -> String {
        let reply = try await request("session/new", ["agent": .string(agent)])
        #expect(reply["result", "agent"] == .string(agent), "\(reply.jsonString)")
        return try #require(reply["result", "sessionId"]?.stringValue, "\(reply.jsonString)")
    }

    /// Sends `input` as the next turn of session `sessionId` (`session/prompt`) and waits for the reply.
    fileprivate func prompt(_ sessionId: String, _ input: String) async throws -> JSONValue {
        try await request("session/prompt", ["sessionId": .string(sessionId), "input": .string(input)])
    }
}

@Suite struct SessionTests {
    @Test func newSessionReturnsAnId() async throws {
        let client = TestClient()
        let first = try await client.newSession(agent: "echo")
        let second = try await client.newSession(agent: "echo")
        #expect(!first.isEmpty)
        #expect(first != second)
        // Positional params work too.
        let positional = try await client.request("session/new", ["echo-history"])
        #expect(positional["result", "sessionId"]?.stringValue?.isEmpty == false, "\(positional.jsonString)")
    }

    @Test func theProviderSeesEarlierTurns() async throws {
        let client = TestClient()
        let sessionId = try await client.newSession(agent: "echo-history")
        let first = try await client.prompt(sessionId, "first question")
        let firstResult = try #require(first["result"], "\(first.jsonString)")
        #expect(firstResult["agent"] == "echo-history")
        #expect(firstResult["output"] == "first question")
        #expect(firstResult["stopReason"] == "end_turn")

        let second = try await client.prompt(sessionId, "second question")
        let result = try #require(second["result"], "\(second.jsonString)")
        #expect(result["output"] == "first question\nsecond question")
        #expect(result["usage", "outputTokens"] == 4)
        let runId = try #require(result["runId"]?.stringValue)
        #expect(client.runTokenTexts(runId).joined() == "first question\nsecond question")

        let third = try await client.prompt(sessionId, "third")
        #expect(third["result", "output"] == "first question\nsecond question\nthird")
    }

    @Test func sessionsDoNotShareHistory() async throws {
        let client = TestClient()
        let one = try await client.newSession(agent: "echo-history")
        let two = try await client.newSession(agent: "echo-history")
        _ = try await client.prompt(one, "for one")
        let reply = try await client.prompt(two, "for two")
        #expect(reply["result", "output"] == "for two")
        // An agent run outside any session has no history either.
        let plain = try await client.request("agent/run", ["agent": "echo-history", "input": "alone"])
        #expect(plain["result", "output"] == "alone")
    }

    @Test func aSecondPromptWhileOneIsInFlightIsRefusedAsBusy() async throws {
        let client = TestClient(config: try sessionConfig())
        let sessionId = try await client.newSession(agent: "slow-history")
        // 20 words at 50 ms: the first turn lasts about a second. The second prompt is sent right behind the
        // first, and the server reads requests in order, so it arrives while the first turn is in flight.
        let firstInput = String.numberedWords(20, prefix: "word")
        let firstId = client.sendRequest(
            "session/prompt",
            ["sessionId": .string(sessionId), "input": .string(firstInput)]
        )
        let busy = try await client.prompt(sessionId, "too soon")
        let (_, runId) = try await client.waitForRunStarted()
        let error = try #require(busy["error"], "\(busy.jsonString)")
        #expect(error["code"] == -32004)
        #expect(error["data", "retryable"] == true)
        #expect(error["data", "sessionId"] == .string(sessionId))
        #expect(error["data", "suggestions"]?.arrayValue?.isEmpty == false)
        #expect(error["data"]?.objectValue?.keys == ["retryable", "suggestions", "sessionId"])
        // The refused prompt started no run.
        #expect(client.notifications("run/started").count == 1)

        let first = try await client.response(to: firstId).message
        #expect(first["result", "runId"] == .string(runId))
        #expect(first["result", "output"] == .string(firstInput))

        // Once the turn is over the session takes prompts again; the refused one is not in the history.
        let next = try await client.prompt(sessionId, "later")
        #expect(next["result", "output"] == .string(firstInput + "\nlater"), "\(next.jsonString)")
    }

    @Test func aCancelledTurnIsKeptWithItsPartialOutput() async throws {
        let client = TestClient(config: try sessionConfig())
        let sessionId = try await client.newSession(agent: "slow-history")
        let input = String.numberedWords(100, prefix: "word")
        let id = client.sendRequest("session/prompt", ["sessionId": .string(sessionId), "input": .string(input)])
        let (_, runId) = try await client.waitForRunStarted()
        try await client.waitForTokens(runId: runId, count: 2)
        let cancel = try await client.request("run/cancel", ["runId": .string(runId)])
        #expect(cancel["result", "cancelled"] == true)
        let reply = try await client.response(to: id).message
        let result = try #require(reply["result"], "\(reply.jsonString)")
        #expect(result["stopReason"] == "cancelled")
        let partial = try #require(result["output"]?.stringValue)
        #expect(!partial.isEmpty && partial.count < input.count && input.hasPrefix(partial))

        // The turn's input is in the history (echo-history repeats inputs).
        let next = try await client.prompt(sessionId, "next")
        #expect(next["result", "output"] == .string(input + "\nnext"), "\(next.jsonString)")
    }

    @Test func aFailedTurnWithoutOutputIsNotKept() async throws {
        let client = TestClient(config: try sessionConfig())
        let sessionId = try await client.newSession(agent: "stalled-history")
        // The first word would come after 10 s; the run may last 1 ms.
        let failed = try await client.request(
            "session/prompt",
            ["sessionId": .string(sessionId), "input": "lost", "timeoutMs": 1]
        )
        #expect(failed["error", "code"] == -32005, "\(failed.jsonString)")
        #expect(failed["error", "data", "partialOutput"] == "")
        let stored = try await client.request("session/get", ["sessionId": .string(sessionId)])
        #expect(stored["result", "turns"] == [], "\(stored.jsonString)")
    }

    @Test func closingASessionDoesNotStopItsTurnInFlight() async throws {
        let client = TestClient(config: try sessionConfig())
        let sessionId = try await client.newSession(agent: "slow-history")
        let input = "one two three four five six"
        let id = client.sendRequest("session/prompt", ["sessionId": .string(sessionId), "input": .string(input)])
        let closed = try await client.request("session/close", ["sessionId": .string(sessionId)])
        #expect(closed["result"] == ["closed": true], "\(closed.jsonString)")
        let reply = try await client.response(to: id).message
        #expect(reply["result", "output"] == .string(input), "\(reply.jsonString)")
        #expect(reply["result", "stopReason"] == "end_turn")
        // The session stays gone.
        let after = try await client.prompt(sessionId, "again")
        #expect(after["error", "code"] == -32001, "\(after.jsonString)")
    }

    @Test func closedSessionIsNotFound() async throws {
        let client = TestClient()
        let sessionId = try await client.newSession(agent: "echo-history")
        _ = try await client.prompt(sessionId, "hello")
        let closed = try await client.request("session/close", ["sessionId": .string(sessionId)])
        #expect(closed["result"] == ["closed": true], "\(closed.jsonString)")

        let reply = try await client.prompt(sessionId, "anyone?")
        #expect(reply["error", "code"] == -32001, "\(reply.jsonString)")
        #expect(reply["error", "data", "sessionId"] == .string(sessionId))
        #expect(client.notifications("run/started").count == 1)

        let again = try await client.request("session/close", ["sessionId": .string(sessionId)])
        #expect(again["error", "code"] == -32001, "\(again.jsonString)")
        #expect(again["error", "data", "sessionId"] == .string(sessionId))
    }

    @Test func unknownSessionIsNotFound() async throws {
        let client = TestClient()
        let reply = try await client.prompt("ses_nope", "hi")
        let error = try #require(reply["error"], "\(reply.jsonString)")
        #expect(error["code"] == -32001)
        #expect(error["data", "sessionId"] == "ses_nope")
        #expect(error["data", "retryable"] == false)
        #expect(error["data", "suggestions"]?.arrayValue?.isEmpty == false)
        #expect(error["message"]?.stringValue?.contains("ses_nope") == true)
        #expect(client.notifications("run/started").isEmpty)
    }

    @Test func unknownAgentOnNewSessionIsNotFound() async throws {
        let client = TestClient()
        let reply = try await client.request("session/new", ["agent": "ghost"])
        let error = try #require(reply["error"], "\(reply.jsonString)")
        #expect(error["code"] == -32001)
        #expect(error["data", "agent"] == "ghost")
        #expect(error["data", "available"]?.arrayValue?.contains("echo-history") == true)
        #expect(error["message"]?.stringValue?.contains("ghost") == true)
    }

    @Test(arguments: [
        ("session/new", #"{}"#, "params.agent"),
        ("session/new", #"{"agent": 1}"#, "params.agent"),
        ("session/prompt", #"{"input": "x"}"#, "params.sessionId"),
        ("session/prompt", #"{"sessionId": "ses_x"}"#, "params.input"),
        ("session/close", #"{}"#, "params.sessionId"),
    ])
    func invalidParamsNameTheField(method: String, params: String, field: String) async throws {
        let client = TestClient()
        let reply = try await client.request(method, try JSONValue.parse(params))
        #expect(reply["error", "code"] == -32602, "\(reply.jsonString)")
        #expect(reply["error", "data", "field"] == .string(field))
    }

    @Test func malformedStreamOnAPromptLeavesTheSessionUsable() async throws {
        let client = TestClient()
        let sessionId = try await client.newSession(agent: "echo-history")
        let bad = try await client.request(
            "session/prompt",
            ["sessionId": .string(sessionId), "input": "x", "stream": ["tokens": "no"]]
        )
        #expect(bad["error", "code"] == -32602, "\(bad.jsonString)")
        #expect(bad["error", "data", "field"] == "params.stream.tokens")
        // Not left busy, and the refused turn is not in the history.
        let good = try await client.prompt(sessionId, "fine")
        #expect(good["result", "output"] == "fine", "\(good.jsonString)")
    }
}
