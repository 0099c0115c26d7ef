import AgentCore
import AgentService
import Foundation
import JSONCore
import JSONRPC
import Testing

// Coordinator runs that fail or stop early: error policies (`onError`), step, workflow and agent timeouts, and
// cancellation by `run/cancel` and `$/cancelRequest`. Helpers are in Support/CoordinatorFixtures.swift.

@Suite struct CoordinatorFailureTests {
    // MARK: onError

    @Test func parallelFailureCancelsTheSiblingsUnderFail() async throws {
        let client = TestClient(config: try coordinatorConfig())
        // fragile cannot produce a word before its 300 ms call limit; drip needs 200 x 20 ms and is
        // mid-stream when fragile fails.
        let input = String.numberedWords(200)
        let reply = try await client.request(
            "coordinator/parallel",
            try JSONValue.parse(
                #"{"input": "\#(input)", "tasks": [{"agent": "fragile"}, {"agent": "drip"}]}"#
            )
        )
        let error = try #require(reply["error"], "\(reply.jsonString)")
        let runId = try #require(error["data", "runId"]?.stringValue)
        #expect(error["code"] == -32005 || error["code"] == -32010)
        #expect(error["code"] == -32005, "a step timeout is a timeout")
        let data = try #require(error["data"])
        #expect(data["runId"] == .string(runId))
        #expect(data["stepId"] == "1.1")
        #expect(data["retryable"] == true)
        #expect(data["suggestions"]?.arrayValue?.isEmpty == false)
        // Common members first, in the documented order; the run's usage last.
        #expect(data.objectValue?.keys == ["runId", "stepId", "retryable", "suggestions", "partialOutput", "usage"])
        let partial = try #require(data["partialOutput"]?.stringValue)
        // The failed step produced nothing; what drip streamed is kept.
        #expect(partial == client.stepText(runId, stepId: "1.2"))
        #expect(input.hasPrefix(partial))
        #expect(error["message"]?.stringValue?.contains("fragile") == true)

        #expect(client.lastStepStatus(runId, stepId: "1.1") == "failed")
        let failedStep = try #require(
            client.runNotificationParams(runId, method: "run/step").last { $0["stepId"] == "1.1" }
        )
        #expect(failedStep["error"] == "timed out after 300 ms")
        #expect(client.lastStepStatus(runId, stepId: "1.2") == "cancelled")
        #expect(client.lastStepStatus(runId, stepId: "1") == "failed")
        expectWellNestedSteps(client, runId: runId, strategy: "parallel", workflow: "parallel")
    }

    @Test func parallelFailureIsRecordedUnderContinue() async throws {
        let client = TestClient(config: try coordinatorConfig())
        let (result, runId) = try await client.requestRun(
            "coordinator/parallel",
            try JSONValue.parse(
                #"{"input": "still here", "tasks": [{"agent": "fragile"}, {"agent": "echo"}, {"agent": "w1"}], "aggregate": "list", "onError": "continue"}"#
            )
        )
        #expect(result["stopReason"] == "end_turn")
        // Failed branches are left out of the aggregation.
        #expect(result["output"] == "1. still here\n2. still here")
        let failed = try #require(result.branch("1.1"))
        #expect(failed["agent"] == "fragile")
        #expect(failed["status"] == "failed")
        #expect(failed["error"] == "timed out after 300 ms")
        #expect(failed["output"] == "")
        #expect(result.branch("1.2")?["status"] == "completed")
        #expect(result.branch("1.3")?["status"] == "completed")
        #expect(result.branch("1.2")?["error"] == nil)
        #expect(client.lastStepStatus(runId, stepId: "1.1") == "failed")
        #expect(client.lastStepStatus(runId, stepId: "1") == "completed")
        #expect(client.progressPercents(runId).last == 100)
        expectWellNestedSteps(client, runId: runId, strategy: "parallel", workflow: "parallel")
    }

    @Test func hierarchicalSubTaskFailureUnderContinue() async throws {
        let client = TestClient(config: try coordinatorConfig())
        let (result, runId) = try await client.requestRun(
            "coordinator/hierarchical",
            try JSONValue.parse(
                #"{"input": "a\nb\nc", "master": {"agent": "echo"}, "subAgents": [{"agent": "w1"}, {"agent": "fragile"}], "onError": "continue"}"#
            )
        )
        #expect(result["output"] == "a\nc")
        #expect(result.branch("1.3")?["agent"] == "fragile")
        #expect(result.branch("1.3")?["status"] == "failed")
        #expect(result.branch("1.2")?["status"] == "completed")
        expectWellNestedSteps(client, runId: runId, strategy: "hierarchical", workflow: "hierarchical")
    }

    @Test func failingAggregatorFailsTheRunWhateverOnErrorSays() async throws {
        let client = TestClient(config: try coordinatorConfig())
        let reply = try await client.request(
            "coordinator/parallel",
            try JSONValue.parse(
                #"{"input": "kept", "tasks": [{"agent": "echo"}], "aggregate": {"agent": "fragile"}, "onError": "continue"}"#
            )
        )
        let error = try #require(reply["error"], "\(reply.jsonString)")
        #expect(error["code"] == -32005)
        #expect(error["data", "stepId"] == "1.2")
        #expect(error["data", "partialOutput"] == "kept")
        let runId = try #require(error["data", "runId"]?.stringValue)
        #expect(client.lastStepStatus(runId, stepId: "1.1") == "completed")
        #expect(client.lastStepStatus(runId, stepId: "1.2") == "failed")
        #expect(client.lastStepStatus(runId, stepId: "1") == "failed")
        expectWellNestedSteps(client, runId: runId, strategy: "parallel", workflow: "parallel")
    }

    @Test func configuredWorkflowPolicyAndStepLimitApplyToWorkflowRun() async throws {
        let config = try coordinatorConfig(
            extra:
                #", "workflows": {"tolerant": {"strategy": "parallel", "tasks": [{"agent": "sleepy"}, {"agent": "echo"}], "onError": "continue", "stepTimeoutMs": 2000}}"#
        )
        let client = TestClient(config: config)
        let (result, runId) = try await client.requestRun(
            "workflow/run",
            ["workflow": "tolerant", "input": "survivor"]
        )
        #expect(result["workflow"] == "tolerant")
        #expect(result["output"] == "survivor")
        #expect(result.branch("1.1")?["status"] == "failed")
        #expect(result.branch("1.1")?["error"] == "timed out after 2000 ms")
        #expect(result.branch("1.2")?["status"] == "completed")
        expectWellNestedSteps(client, runId: runId, strategy: "parallel", workflow: "tolerant")
    }

    @Test func failingMasterFailsTheRunWhateverOnErrorSays() async throws {
        let client = TestClient(config: try coordinatorConfig())
        let reply = try await client.request(
            "coordinator/hierarchical",
            try JSONValue.parse(
                #"{"input": "a\nb", "master": {"agent": "sleepy"}, "subAgents": [{"agent": "w1"}], "onError": "continue", "stepTimeoutMs": 200}"#
            )
        )
        #expect(reply["error", "code"] == -32005, "\(reply.jsonString)")
        #expect(reply["error", "data", "stepId"] == "1.1")
        #expect(reply["error", "data", "partialOutput"] == "")
    }

    // MARK: Timeouts

    @Test func sequentialStepTimeoutFailsTheRunUnderFail() async throws {
        let client = TestClient(config: try coordinatorConfig())
        let reply = try await client.request(
            "coordinator/sequential",
            try JSONValue.parse(
                #"{"input": "first words", "steps": [{"agent": "echo"}, {"agent": "sleepy"}, {"agent": "echo"}], "stepTimeoutMs": 2000}"#
            )
        )
        let error = try #require(reply["error"], "\(reply.jsonString)")
        let runId = try #require(error["data", "runId"]?.stringValue)
        #expect(error["code"] == -32005)
        #expect(error["data", "stepId"] == "1.2")
        #expect(error["data", "retryable"] == true)
        #expect(error["data", "suggestions"]?.arrayValue?.isEmpty == false)
        // Step 1's output is kept; step 3 never started.
        #expect(error["data", "partialOutput"] == "first words")
        #expect(client.lastStepStatus(runId, stepId: "1.1") == "completed")
        #expect(client.lastStepStatus(runId, stepId: "1.2") == "failed")
        #expect(client.lastStepStatus(runId, stepId: "1.3") == nil)
        expectWellNestedSteps(client, runId: runId, strategy: "sequential", workflow: "sequential")
    }

    @Test func sequentialFailedStepIsSkippedUnderContinue() async throws {
        let client = TestClient(config: try coordinatorConfig())
        let (result, runId) = try await client.requestRun(
            "coordinator/sequential",
            try JSONValue.parse(
                #"{"input": "in", "steps": [{"agent": "sleepy"}, {"agent": "echo", "transform": "got: {{previous}}"}], "onError": "continue", "stepTimeoutMs": 3000}"#
            )
        )
        // The next step gets the last good output: the workflow input.
        #expect(result["output"] == "got: in")
        #expect(result.branch("1.1")?["status"] == "failed")
        #expect(result.branch("1.1")?["error"] == "timed out after 3000 ms")
        #expect(result.branch("1.2")?["status"] == "completed")
        #expect(client.progressPercents(runId) == [50, 100])
        expectWellNestedSteps(client, runId: runId, strategy: "sequential", workflow: "sequential")
    }

    @Test func aFailedLastStepLeavesTheLastGoodOutputUnderContinue() async throws {
        let client = TestClient(config: try coordinatorConfig())
        let reply = try await client.request(
            "coordinator/sequential",
            try JSONValue.parse(
                #"{"input": "in", "steps": [{"agent": "echo", "transform": "good {{input}}"}, {"agent": "fragile"}], "onError": "continue"}"#
            )
        )
        let result = try #require(reply["result"], "\(reply.jsonString)")
        #expect(result["output"] == "good in")
        #expect(result["stopReason"] == "end_turn")
        #expect(result.branch("1.2")?["status"] == "failed")
        #expect(result.branch("1.2")?["error"] == "timed out after 300 ms")
    }

    @Test func agentTimeoutFromConfigLimitsItsCalls() async throws {
        let config = try AgentConfig.mergedOverBuiltIns(
            #"{"agents": {"fragile": {"provider": {"type": "echo", "delayMs": 10000}, "limits": {"timeoutMs": 100}}}}"#,
            file: "t.json"
        )
        let client = TestClient(config: config)
        let reply = try await client.request(
            "coordinator/sequential",
            try JSONValue.parse(#"{"input": "x", "steps": [{"agent": "fragile"}]}"#)
        )
        #expect(reply["error", "code"] == -32005, "\(reply.jsonString)")
        #expect(reply["error", "data", "stepId"] == "1.1")
        let runId = try #require(reply["error", "data", "runId"]?.stringValue)
        let failed = client.runNotificationParams(runId, method: "run/step").last { $0["stepId"] == "1.1" }
        #expect(failed?["error"] == "timed out after 100 ms")
    }

    @Test func workflowTimeoutMsEndsTheRunWithThePartialOutput() async throws {
        let client = TestClient(config: try coordinatorConfig())
        let input = String.numberedWords(200)
        let reply = try await client.request(
            "coordinator/sequential",
            try JSONValue.parse(#"{"input": "\#(input)", "steps": [{"agent": "drip"}], "timeoutMs": 300}"#)
        )
        let error = try #require(reply["error"], "\(reply.jsonString)")
        #expect(error["code"] == -32005)
        let runId = try #require(error["data", "runId"]?.stringValue)
        #expect(error["data", "stepId"] == nil, "the whole run timed out, not one step")
        #expect(error["data"]?.objectValue?.keys == ["runId", "retryable", "suggestions", "partialOutput", "usage"])
        #expect(error["data", "retryable"] == true)
        #expect(error["data", "suggestions"]?.arrayValue?.isEmpty == false)
        let partial = try #require(error["data", "partialOutput"]?.stringValue)
        #expect(partial == client.runTokenTexts(runId).joined())
        #expect(input.hasPrefix(partial))
        #expect(partial.count < input.count)
        expectWellNestedSteps(client, runId: runId, strategy: "sequential", workflow: "sequential")
    }

    @Test func configuredWorkflowTimeoutAppliesWhenSmallerThanTheRequests() async throws {
        let config = try coordinatorConfig(
            extra:
                #", "workflows": {"slowflow": {"strategy": "sequential", "steps": [{"agent": "drip"}], "timeoutMs": 300}}"#
        )
        let client = TestClient(config: config)
        let input = String.numberedWords(200)
        let reply = try await client.request(
            "workflow/run",
            ["workflow": "slowflow", "input": .string(input), "timeoutMs": 600_000]
        )
        let error = try #require(reply["error"], "\(reply.jsonString)")
        #expect(error["code"] == -32005)
        let runId = try #require(error["data", "runId"]?.stringValue)
        let partial = try #require(error["data", "partialOutput"]?.stringValue)
        #expect(partial == client.runTokenTexts(runId).joined())
        #expect(input.hasPrefix(partial))
        expectWellNestedSteps(client, runId: runId, strategy: "sequential", workflow: "slowflow")
    }

    @Test func agentRunTimeoutMsKeepsThePartialOutput() async throws {
        let client = TestClient(config: try coordinatorConfig())
        let input = String.numberedWords(200)
        let reply = try await client.request("agent/run", ["agent": "drip", "input": .string(input), "timeoutMs": 300])
        let error = try #require(reply["error"], "\(reply.jsonString)")
        #expect(error["code"] == -32005)
        let runId = try #require(error["data", "runId"]?.stringValue)
        #expect(error["data", "retryable"] == true)
        let partial = try #require(error["data", "partialOutput"]?.stringValue)
        #expect(partial == client.runTokenTexts(runId).joined())
        #expect(input.hasPrefix(partial))
        #expect(partial.count < input.count)
        // The step still ends.
        #expect(client.runNotificationParams(runId, method: "run/step").map { $0["status"] }.first == "started")
        #expect(client.runNotificationParams(runId, method: "run/step").count == 2)
    }

    // MARK: Cancellation

    @Test func runCancelMidParallelCancelsEveryBranch() async throws {
        let client = TestClient(config: try coordinatorConfig())
        let input = String.numberedWords(200)
        let id = client.sendRequest(
            "coordinator/parallel",
            try JSONValue.parse(
                #"{"input": "\#(input)", "tasks": [{"agent": "drip"}, {"agent": "drip"}, {"agent": "drip"}]}"#
            )
        )
        let (_, runId) = try await client.waitForRunStarted()
        // Wait until every branch has streamed.
        var streaming: Set<String> = []
        _ = try await client.waitFor { message in
            if message["method"] == "run/token", message["params", "runId"] == .string(runId),
                let step = message["params", "stepId"]?.stringValue
            {
                streaming.insert(step)
            }
            return streaming.count == 3
        }
        let cancel = try await client.request("run/cancel", ["runId": .string(runId)])
        #expect(cancel["result"] == ["cancelled": true])

        let reply = try await client.response(to: id).message
        let result = try #require(reply["result"], "\(reply.jsonString)")
        #expect(result["stopReason"] == "cancelled")
        let branches = try #require(result["branches"]?.arrayValue)
        #expect(branches.count == 3)
        #expect(branches.allSatisfy { $0["status"] == "cancelled" })
        for step in ["1.1", "1.2", "1.3"] {
            #expect(client.lastStepStatus(runId, stepId: step) == "cancelled", "step \(step)")
            let text = client.stepText(runId, stepId: step)
            #expect(!text.isEmpty && input.hasPrefix(text))
            #expect(result.branch(step)?["output"] == .string(text))
        }
        #expect(client.lastStepStatus(runId, stepId: "1") == "cancelled")
        // The output is every call's output so far, in step order, separated by blank lines.
        let expected = branches.compactMap { $0["output"]?.stringValue }.filter { !$0.isEmpty }.joined(
            separator: "\n\n"
        )
        #expect(result["output"] == .string(expected))
        expectWellNestedSteps(client, runId: runId, strategy: "parallel", workflow: "parallel")

        // Cancelling again is harmless.
        let again = try await client.request("run/cancel", ["runId": .string(runId)])
        #expect(again["result"] == ["cancelled": false])
    }

    @Test func runCancelMidSequentialStopsBeforeTheNextStep() async throws {
        let client = TestClient(config: try coordinatorConfig())
        let input = String.numberedWords(200)
        let id = client.sendRequest(
            "coordinator/sequential",
            try JSONValue.parse(#"{"input": "\#(input)", "steps": [{"agent": "drip"}, {"agent": "echo"}]}"#)
        )
        let (_, runId) = try await client.waitForRunStarted()
        try await client.waitForTokens(runId: runId, count: 2)
        let cancel = try await client.request("run/cancel", ["runId": .string(runId)])
        #expect(cancel["result", "cancelled"] == true)
        let reply = try await client.response(to: id).message
        let result = try #require(reply["result"], "\(reply.jsonString)")
        #expect(result["stopReason"] == "cancelled")
        let partial = client.stepText(runId, stepId: "1.1")
        #expect(result["output"] == .string(partial))
        #expect(!partial.isEmpty && input.hasPrefix(partial) && partial.count < input.count)
        #expect(result["branches"]?.arrayValue?.count == 1)
        #expect(result.branch("1.1")?["status"] == "cancelled")
        #expect(client.lastStepStatus(runId, stepId: "1.1") == "cancelled")
        #expect(client.lastStepStatus(runId, stepId: "1.2") == nil)
        #expect(client.lastStepStatus(runId, stepId: "1") == "cancelled")
        expectWellNestedSteps(client, runId: runId, strategy: "sequential", workflow: "sequential")
    }

    @Test func lspCancelOfAWorkflowAnswersWithThePartialOutput() async throws {
        let client = TestClient(config: try coordinatorConfig())
        let input = String.numberedWords(200)
        let id = client.sendRequest(
            "coordinator/parallel",
            try JSONValue.parse(#"{"input": "\#(input)", "tasks": [{"agent": "drip"}, {"agent": "drip"}]}"#)
        )
        let (_, runId) = try await client.waitForRunStarted()
        var streaming: Set<String> = []
        _ = try await client.waitFor { message in
            if message["method"] == "run/token", let step = message["params", "stepId"]?.stringValue {
                streaming.insert(step)
            }
            return streaming.count == 2
        }
        client.notify("$/cancelRequest", ["id": id.json])
        let reply = try await client.response(to: id).message
        let error = try #require(reply["error"], "\(reply.jsonString)")
        #expect(error["code"] == -32800)
        #expect(error["data", "runId"] == .string(runId))
        let partial = try #require(error["data", "partialOutput"]?.stringValue)
        // Both branches' output so far, in step order, separated by a blank line.
        let first = client.stepText(runId, stepId: "1.1")
        let second = client.stepText(runId, stepId: "1.2")
        #expect(partial == first + "\n\n" + second || partial == second + "\n\n" + first, "\(partial)")
        #expect(client.lastStepStatus(runId, stepId: "1.1") == "cancelled")
        #expect(client.lastStepStatus(runId, stepId: "1.2") == "cancelled")
        expectWellNestedSteps(client, runId: runId, strategy: "parallel", workflow: "parallel")
    }
}
