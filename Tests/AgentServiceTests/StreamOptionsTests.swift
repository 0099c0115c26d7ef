import AgentCore
import AgentService
import Foundation
import JSONCore
import JSONRPC
import Testing

// Streaming options: which run notifications a connection (at `initialize`) or a run (per request)
// receives, and token coalescing.

/// The built-in config plus `drip` (echo, 5 ms per word) and `slow` (echo, 50 ms per word), with the
/// given limits.
private func streamConfig(limits: String = "") throws -> AgentConfig {
    let limitsMember = limits.isEmpty ? "" : #", "limits": {\#(limits)}"#
    return try .mergedOverBuiltIns(
        #"{"agents": {"drip": {"provider": {"type": "echo", "delayMs": 5}}, "slow": {"provider": {"type": "echo", "delayMs": 50}}}\#(limitsMember)}"#,
        file: "stream-tests.json"
    )
}

extension TestClient {
    /// Method names of run `runId`'s notifications, in order.
    fileprivate func runMethods(_ runId: String) -> [String] {
        runNotifications(runId).compactMap { $0.message["method"]?.stringValue }
    }
}

@Suite struct StreamOptionsTests {
    @Test func initializeAdvertisesTheStreamKinds() async throws {
        let client = TestClient()
        let reply = try await client.request("initialize", ["stream": ["thinking": false, "tokenCoalesceMs": 50]])
        #expect(
            reply["result", "capabilities", "stream"]
                == ["tokens", "thinking", "steps", "progress", "heartbeat", "traces", "tokenCoalesceMs"],
            "\(reply.jsonString)"
        )
    }

    @Test func tokensOffAtInitializeKeepTheOutput() async throws {
        let client = TestClient()
        _ = try await client.request("initialize", ["stream": ["tokens": false]])
        let (result, runId) = try await client.requestRun("agent/run", ["agent": "echo", "input": "a b c"])
        #expect(result["output"] == "a b c")
        #expect(result["usage", "outputTokens"] == 3)
        #expect(result["stopReason"] == "end_turn")
        #expect(client.runMethods(runId) == ["run/started", "run/step", "run/step"])
        // seq counts the tokens that were not sent: a gap.
        #expect(client.runSeqs(runId) == [1, 2, 6])
        #expect(client.notifications("run/token").isEmpty)
    }

    @Test func aRequestsStreamOverridesTheConnectionsChoice() async throws {
        let client = TestClient()
        _ = try await client.request("initialize", ["stream": ["tokens": false]])
        let (_, onRun) = try await client.requestRun(
            "agent/run",
            ["agent": "echo", "input": "a b c", "stream": ["tokens": true]]
        )
        #expect(client.runTokenTexts(onRun) == ["a ", "b ", "c"])
        // The override is for that run only.
        let (_, offRun) = try await client.requestRun("agent/run", ["agent": "echo", "input": "d e"])
        #expect(client.runTokenTexts(offRun).isEmpty)
        // Members left out keep the connection's setting: steps stay on, tokens stay off.
        let (_, partial) = try await client.requestRun(
            "agent/run",
            ["agent": "echo", "input": "f g", "stream": ["thinking": false]]
        )
        #expect(client.runMethods(partial) == ["run/started", "run/step", "run/step"])
    }

    @Test func aRequestCanTurnTokensOffForItselfOnly() async throws {
        let client = TestClient()
        let (result, offRun) = try await client.requestRun(
            "workflow/run",
            ["workflow": "pipeline", "input": "draft", "stream": ["tokens": false]]
        )
        #expect(result["output"] == "reviewed: draft")
        #expect(client.runTokenTexts(offRun).isEmpty)
        let (_, onRun) = try await client.requestRun("agent/run", ["agent": "echo", "input": "x y"])
        #expect(client.runTokenTexts(onRun) == ["x ", "y"])
    }

    @Test func initializeAgainStartsFromTheDefaults() async throws {
        let client = TestClient()
        _ = try await client.request("initialize", ["stream": ["tokens": false, "steps": false]])
        _ = try await client.request("initialize", ["stream": ["steps": false]])
        let (_, runId) = try await client.requestRun("agent/run", ["agent": "echo", "input": "x y"])
        #expect(client.runMethods(runId) == ["run/started", "run/token", "run/token"])
    }

    @Test func stepsAndProgressOff() async throws {
        let client = TestClient()
        let (result, runId) = try await client.requestRun(
            "workflow/run",
            ["workflow": "pipeline", "input": "draft", "stream": ["steps": false, "progress": false]]
        )
        #expect(result["output"] == "reviewed: draft")
        #expect(result["branches"]?.arrayValue?.count == 2)
        #expect(client.runMethods(runId) == ["run/started", "run/token", "run/token", "run/token"])
        #expect(client.runTokenTexts(runId) == ["draft", "reviewed: ", "draft"])
        #expect(client.runSeqs(runId).isStrictlyIncreasing)

        // The same from initialize.
        _ = try await client.request("initialize", ["stream": ["steps": false, "progress": false]])
        let (_, second) = try await client.requestRun("workflow/run", ["workflow": "fanout", "input": "hi"])
        #expect(Set(client.runMethods(second)) == ["run/started", "run/token", "run/thinking"])
        // With both on (the default) they are sent.
        let fresh = TestClient()
        let (_, on) = try await fresh.requestRun("workflow/run", ["workflow": "pipeline", "input": "draft"])
        #expect(fresh.runMethods(on).contains("run/step"))
        #expect(fresh.runMethods(on).contains("run/progress"))
    }

    // MARK: Thinking

    @Test func thinkingArrivesFromEchoThinking() async throws {
        let client = TestClient()
        let (result, runId) = try await client.requestRun("agent/run", ["agent": "echo-thinking", "input": "a b c"])
        let thinking = client.runNotificationParams(runId, method: "run/thinking")
        #expect(thinking.count == 1)
        let first = try #require(thinking.first)
        #expect(first["agent"] == "echo-thinking")
        #expect(first["stepId"] == "1")
        #expect(first["text"] == "The reply repeats the input: 3 words.")
        #expect(first.objectValue?.keys == ["runId", "seq", "agent", "stepId", "text"])
        // Before the answer, and not part of it.
        #expect(
            client.runMethods(runId) == [
                "run/started", "run/step", "run/thinking", "run/token", "run/token", "run/token", "run/step",
            ]
        )
        #expect(result["output"] == "a b c")
        #expect(result["usage", "outputTokens"] == 3)
    }

    @Test func thinkingCanBeSwitchedOff() async throws {
        let client = TestClient()
        let (result, runId) = try await client.requestRun(
            "agent/run",
            ["agent": "echo-thinking", "input": "a b c", "stream": ["thinking": false]]
        )
        #expect(client.runNotificationParams(runId, method: "run/thinking").isEmpty)
        #expect(result["output"] == "a b c")
        #expect(client.runTokenTexts(runId).joined() == "a b c")

        _ = try await client.request("initialize", ["stream": ["thinking": false]])
        let (_, second) = try await client.requestRun("agent/run", ["agent": "echo-thinking", "input": "d"])
        #expect(client.runNotificationParams(second, method: "run/thinking").isEmpty)
        // Thinking on, tokens off: only the reasoning is streamed.
        let (_, third) = try await client.requestRun(
            "agent/run",
            ["agent": "echo-thinking", "input": "e f", "stream": ["thinking": true, "tokens": false]]
        )
        #expect(client.runMethods(third) == ["run/started", "run/step", "run/thinking", "run/step"])
    }

    // MARK: Heartbeats

    @Test func heartbeatsCanBeSwitchedOff() async throws {
        let client = TestClient(config: try streamConfig(limits: #""heartbeatSeconds": 0.05"#))
        let (_, quiet) = try await client.requestRun(
            "agent/run",
            ["agent": "slow", "input": .string(.numberedWords(8)), "stream": ["heartbeat": false]]
        )
        #expect(client.runNotificationParams(quiet, method: "run/heartbeat").isEmpty)
        #expect(client.runTokenTexts(quiet).joined() == String.numberedWords(8))
        // The default sends them (8 words at 50 ms outlast several 50 ms heartbeats).
        let (_, loud) = try await client.requestRun(
            "agent/run",
            ["agent": "slow", "input": .string(.numberedWords(8))]
        )
        #expect(!client.runNotificationParams(loud, method: "run/heartbeat").isEmpty)
    }

    // MARK: Coalescing

    @Test func coalescedTokensStillJoinToTheInput() async throws {
        let client = TestClient(config: try streamConfig())
        let input = String.numberedWords(40)
        let (result, runId) = try await client.requestRun(
            "agent/run",
            ["agent": "drip", "input": .string(input), "stream": ["tokenCoalesceMs": 50]]
        )
        #expect(result["output"] == .string(input))
        #expect(result["usage", "outputTokens"] == 40)
        let tokens = client.runNotificationParams(runId, method: "run/token")
        #expect(!tokens.isEmpty)
        #expect(tokens.count < 40, "\(tokens.count) notifications for 40 words")
        #expect(tokens.compactMap { $0["text"]?.stringValue }.joined() == input)
        #expect(tokens.allSatisfy { $0["stepId"] == "1" && $0["agent"] == "drip" })
        #expect(tokens.allSatisfy { $0.objectValue?.keys == ["runId", "seq", "agent", "stepId", "text"] })
        let seqs = client.runSeqs(runId)
        #expect(seqs.isStrictlyIncreasing)
        // run/started 1, step started 2, tokens 3...42, step ended 43: a merged token carries the seq of the
        // last token in it, so the last one has 42.
        #expect(tokens.last?["seq"] == 42)
        #expect(client.runNotificationParams(runId, method: "run/step").last?["seq"] == 43)
    }

    @Test func coalescingFromInitializeAndOffPerRequest() async throws {
        let client = TestClient(config: try streamConfig())
        _ = try await client.request("initialize", ["stream": ["tokenCoalesceMs": 50]])
        let input = String.numberedWords(40)
        let (_, merged) = try await client.requestRun("agent/run", ["agent": "drip", "input": .string(input)])
        #expect(client.runTokenTexts(merged).count < 40)
        #expect(client.runTokenTexts(merged).joined() == input)
        let (_, plain) = try await client.requestRun(
            "agent/run",
            ["agent": "drip", "input": .string(input), "stream": ["tokenCoalesceMs": 0]]
        )
        #expect(client.runTokenTexts(plain).count == 40)
        #expect(client.runTokenTexts(plain).joined() == input)
    }

    @Test func coalescingNeverMergesTokensOfDifferentSteps() async throws {
        let client = TestClient(config: try streamConfig())
        let input = String.numberedWords(40)
        let (result, runId) = try await client.requestRun(
            "coordinator/parallel",
            [
                "input": .string(input), "tasks": [["agent": "drip"], ["agent": "drip"]],
                "stream": ["tokenCoalesceMs": 50],
            ]
        )
        #expect(result["output"] == .string(input + "\n\n" + input))
        // The branches' tokens interleave; each step's are merged on their own.
        let tokens = client.runNotificationParams(runId, method: "run/token")
        #expect(tokens.count < 80, "\(tokens.count) notifications for 2 x 40 words")
        #expect(tokens.allSatisfy { $0["agent"] == "drip" })
        for step in ["1.1", "1.2"] {
            let texts = tokens.filter { $0["stepId"] == .string(step) }.compactMap { $0["text"]?.stringValue }
            #expect(texts.joined() == input, "step \(step)")
        }
        #expect(client.runSeqs(runId).isStrictlyIncreasing)
    }

    // MARK: Malformed options

    @Test(arguments: [
        (#"{"tokenz": true}"#, "params.stream.tokenz"),
        (#"{"tokens": "no"}"#, "params.stream.tokens"),
        (#"{"steps": 1}"#, "params.stream.steps"),
        (#"{"tokenCoalesceMs": -1}"#, "params.stream.tokenCoalesceMs"),
        (#"{"tokenCoalesceMs": 60001}"#, "params.stream.tokenCoalesceMs"),
        (#"{"tokenCoalesceMs": 1.5}"#, "params.stream.tokenCoalesceMs"),
        (#"{"tokenCoalesceMs": true}"#, "params.stream.tokenCoalesceMs"),
        (#"5"#, "params.stream"),
        (#"[]"#, "params.stream"),
    ])
    func malformedStreamIsInvalidParamsNamingTheMember(stream: String, field: String) async throws {
        let client = TestClient()
        let value = try JSONValue.parse(stream, allowScalars: true)
        let requests: [(String, JSONValue)] = [
            ("initialize", ["stream": value]),
            ("agent/run", ["agent": "echo", "input": "x", "stream": value]),
            ("workflow/run", ["workflow": "pipeline", "input": "x", "stream": value]),
            ("coordinator/sequential", ["input": "x", "steps": [["agent": "echo"]], "stream": value]),
            ("coordinator/parallel", ["input": "x", "tasks": [["agent": "echo"]], "stream": value]),
            (
                "coordinator/hierarchical",
                ["input": "x", "master": ["agent": "echo"], "subAgents": [["agent": "echo"]], "stream": value]
            ),
        ]
        for (method, params) in requests {
            let reply = try await client.request(method, params)
            #expect(reply["error", "code"] == -32602, "\(method): \(reply.jsonString)")
            #expect(reply["error", "data", "field"] == .string(field), "\(method)")
        }
        #expect(client.notifications("run/started").isEmpty)
        // A refused initialize leaves the connection's choice alone.
        let (_, runId) = try await client.requestRun("agent/run", ["agent": "echo", "input": "still streams"])
        #expect(client.runTokenTexts(runId) == ["still ", "streams"])
    }
}
