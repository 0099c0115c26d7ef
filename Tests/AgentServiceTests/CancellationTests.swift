import AgentCore
import AgentService
import Foundation
import JSONCore
import JSONRPC
import Testing

/// A run of `slow` (20 ms per token) on 500 words, caught mid-stream.
private struct MidStreamRun {
    let client: TestClient
    let id: RequestID
    let runId: String
    let input: String

    /// Starts the run and returns once a few of its tokens have arrived.
    static func start(_ client: TestClient, id: RequestID? = nil) async throws -> MidStreamRun {
        let input = String.numberedWords(500)
        let id = client.sendRequest("agent/run", ["agent": "slow", "input": .string(input)], id: id)
        let (_, runId) = try await client.waitForRunStarted()
        try await client.waitForTokens(runId: runId, count: 3)
        return MidStreamRun(client: client, id: id, runId: runId, input: input)
    }

    /// Asserts `partial` is what a cancelled run should report: a non-empty proper prefix of the input,
    /// cut at a token boundary, equal to the tokens streamed.
    func expectPartial(_ partial: String?, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let partial else {
            Issue.record("no partial output", sourceLocation: sourceLocation)
            return
        }
        #expect(!partial.isEmpty, sourceLocation: sourceLocation)
        #expect(input.hasPrefix(partial), sourceLocation: sourceLocation)
        #expect(partial.count < input.count, sourceLocation: sourceLocation)
        #expect(partial == client.runTokenTexts(runId).joined(), sourceLocation: sourceLocation)
    }

    /// The run's last `run/step` notification.
    var lastStep: JSONValue? {
        client.runNotifications(runId).last { $0.message["method"] == "run/step" }?.message
    }
}

@Suite struct CancellationTests {
    // MARK: LSP and ACP: error -32800 with the partial output

    @Test(arguments: [
        ("$/cancelRequest", "id", RequestID.integer(7)),
        ("$/cancelRequest", "id", RequestID.string("run-α")),
        ("$/cancel_request", "requestId", RequestID.integer(8)),
        ("$/cancel_request", "requestId", RequestID.string("acp-1")),
    ])
    func cancelByRequestIdAnswersRequestCancelledWithPartialOutput(
        method: String,
        key: String,
        id: RequestID
    ) async throws {
        let client = TestClient(config: .withSlowAgent())
        let run = try await MidStreamRun.start(client, id: id)
        client.notify(method, .object([key: id.json]))

        let reply = try await client.response(to: run.id)
        #expect(reply.message["result"] == nil)
        #expect(reply.message["id"] == id.json)
        #expect(reply.message["error", "code"] == -32800)
        #expect(reply.message["error", "data", "runId"] == .string(run.runId))
        run.expectPartial(reply.message["error", "data", "partialOutput"]?.stringValue)
        #expect(run.lastStep?["params", "status"] == "cancelled")
        // Nothing of the run comes after its reply.
        #expect(client.runNotifications(run.runId).allSatisfy { $0.index < reply.index })

        // Exactly one reply, and the server keeps serving.
        #expect(try await client.request("ping")["result"] == .object([:]))
        #expect(client.replies(to: run.id).count == 1)
    }

    // MARK: MCP: no reply at all

    @Test func mcpCancelledNotificationGetsNoReply() async throws {
        let client = TestClient(config: .withSlowAgent())
        let run = try await MidStreamRun.start(client)
        client.notify("notifications/cancelled", ["requestId": run.id.json, "reason": "user pressed stop"])

        // The run reports its step cancelled …
        _ = try await client.waitFor {
            $0["method"] == "run/step" && $0["params", "runId"] == .string(run.runId)
                && $0["params", "status"] == "cancelled"
        }
        // … and is settled once `run/cancel` no longer finds it. A reply, if any, would be queued before then.
        var settled = false
        for _ in 0..<1000 where !settled {
            let answer = try await client.request("run/cancel", ["runId": .string(run.runId)])
            settled = answer["result", "cancelled"] == false
            if !settled { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(settled)
        let ping = try await client.response(to: client.sendRequest("ping"))
        #expect(ping.message["result"] == .object([:]))

        #expect(client.replies(to: run.id).isEmpty, "\(client.replies(to: run.id).map(\.message.jsonString))")
        // The tokens stopped: fewer than the input's words, and they are a prefix of it.
        let streamed = client.runTokenTexts(run.runId)
        #expect(streamed.count < 500)
        #expect(run.input.hasPrefix(streamed.joined()))
        #expect(client.runNotifications(run.runId).allSatisfy { $0.index < ping.index })
        #expect(run.lastStep?["params", "status"] == "cancelled")
    }

    // MARK: run/cancel: a normal result with stopReason "cancelled"

    @Test func runCancelAnswersTrueAndRunEndsWithCancelledStopReason() async throws {
        let client = TestClient(config: .withSlowAgent())
        let run = try await MidStreamRun.start(client)

        let cancel = try await client.request("run/cancel", ["runId": .string(run.runId)])
        #expect(cancel["result"] == ["cancelled": true])

        let reply = try await client.response(to: run.id)
        let result = try #require(reply.message["result"], "\(reply.message.jsonString)")
        #expect(result["runId"] == .string(run.runId))
        #expect(result["stopReason"] == "cancelled")
        run.expectPartial(result["output"]?.stringValue)
        #expect(result["usage", "outputTokens"] == .int(client.runTokenTexts(run.runId).count))
        #expect((result["durationMs"]?.integerValue ?? -1) >= 0)
        #expect(run.lastStep?["params", "status"] == "cancelled")
        #expect(client.runNotifications(run.runId).allSatisfy { $0.index < reply.index })

        // Once finished, the run is no longer cancellable.
        let again = try await client.request("run/cancel", ["runId": .string(run.runId)])
        #expect(again["result"] == ["cancelled": false])
        #expect(client.replies(to: run.id).count == 1)
    }

    // MARK: Harmless cancels

    @Test func cancellingUnknownRequestsAndRunsIsHarmless() async throws {
        let client = TestClient(config: .withSlowAgent())
        client.notify("$/cancelRequest", ["id": 987_654])
        client.notify("$/cancel_request", ["requestId": "no-such-request"])
        client.notify("notifications/cancelled", ["requestId": 424_242, "reason": "nothing"])
        client.notify("$/cancelRequest")  // malformed: no id
        client.notify("notifications/cancelled", ["requestId": ["not", "an", "id"]])

        // An unknown run is -32001, as run/get answers; the connection goes on.
        let unknownRun = try await client.request("run/cancel", ["runId": "run_doesnotexist00"])
        #expect(unknownRun["error", "code"] == -32001)
        #expect(unknownRun["error", "data", "runId"] == "run_doesnotexist00")

        // A finished run: by run id and by request id.
        let finishedId = client.sendRequest("agent/run", ["agent": "echo", "input": "all done here"])
        let finished = try await client.response(to: finishedId)
        let runId = try #require(finished.message["result", "runId"]?.stringValue)
        let lateCancel = try await client.request("run/cancel", ["runId": .string(runId)])
        #expect(lateCancel["result"] == ["cancelled": false])
        client.notify("$/cancelRequest", ["id": finishedId.json])
        client.notify("notifications/cancelled", ["requestId": finishedId.json])

        // Still serving, and runs still complete normally.
        #expect(try await client.request("ping")["result"] == .object([:]))
        let next = try await client.request("agent/run", ["agent": "slow", "input": "still serving"])
        #expect(next["result", "output"] == "still serving")
        #expect(next["result", "stopReason"] == "end_turn")
        #expect(client.replies(to: finishedId).count == 1)
        #expect(finished.message["result", "stopReason"] == "end_turn")
        // Nothing unexpected was sent back (no errors with a null id for the notifications).
        #expect(client.messages.allSatisfy { $0["error"] == nil || $0["id"] != .null })
    }

    // MARK: Fast runs

    @Test(arguments: ["$/cancelRequest", "run/cancel"])
    func cancellingAVeryLongNoDelayEchoRunStopsIt(form: String) async throws {
        let client = TestClient()
        let input = String.numberedWords(200_000)
        let id = client.sendRequest("agent/run", ["agent": "echo", "input": .string(input)])
        // The cancel goes out as soon as the first token is in. A run without delays gives up its thread only
        // at its checkpoints, which is when this test's polling gets a turn.
        let (_, runId) = try await client.waitForRunStarted()
        _ = try await client.waitFor { $0["method"] == "run/token" }
        if form == "run/cancel" {
            client.sendRequest("run/cancel", ["runId": .string(runId)])
        } else {
            client.notify(form, ["id": id.json])
        }

        let reply = try await client.response(to: id, timeout: .seconds(120))
        let partial: String?
        if form == "run/cancel" {
            #expect(reply.message["result", "stopReason"] == "cancelled", "\(reply.message["error"]?.jsonString ?? "")")
            partial = reply.message["result", "output"]?.stringValue
        } else {
            #expect(
                reply.message["error", "code"] == -32800,
                "\(reply.message["result", "stopReason"]?.jsonString ?? "")"
            )
            #expect(reply.message["error", "data", "runId"] == .string(runId))
            partial = reply.message["error", "data", "partialOutput"]?.stringValue
        }
        let output = try #require(partial)
        #expect(output.utf8.count < input.utf8.count)
        #expect(input.hasPrefix(output))
        #expect(output == client.runTokenTexts(runId).joined())
    }

    // MARK: Two runs

    @Test func cancellingOneOfTwoRunsLetsTheOtherComplete() async throws {
        let client = TestClient(config: .withSlowAgent())
        let cancelled = try await MidStreamRun.start(client)
        let startedIndex = client.runNotifications(cancelled.runId)[0].index
        let otherInput = String.numberedWords(30, prefix: "other")
        let otherId = client.sendRequest("agent/run", ["agent": "slow", "input": .string(otherInput)])
        let (_, otherRunId) = try await client.waitForRunStarted(from: startedIndex + 1)
        #expect(otherRunId != cancelled.runId)
        try await client.waitForTokens(runId: otherRunId, count: 2)

        client.notify("$/cancelRequest", ["id": cancelled.id.json])
        let cancelledReply = try await client.response(to: cancelled.id)
        #expect(cancelledReply.message["error", "code"] == -32800)
        cancelled.expectPartial(cancelledReply.message["error", "data", "partialOutput"]?.stringValue)

        let otherReply = try await client.response(to: otherId)
        let result = try #require(otherReply.message["result"], "\(otherReply.message.jsonString)")
        #expect(result["runId"] == .string(otherRunId))
        #expect(result["stopReason"] == "end_turn")
        #expect(result["output"] == .string(otherInput))
        #expect(result["usage", "outputTokens"] == 30)
        #expect(client.runTokenTexts(otherRunId).joined() == otherInput)
        #expect(
            client.runNotifications(otherRunId).last { $0.message["method"] == "run/step" }?.message["params", "status"]
                == "completed"
        )
    }
}
