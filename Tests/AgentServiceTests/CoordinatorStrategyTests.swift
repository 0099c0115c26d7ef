import AgentCore
import AgentService
import Foundation
import JSONCore
import JSONRPC
import Testing

// Coordinator runs over the wire: `coordinator/sequential`, `coordinator/parallel`,
// `coordinator/hierarchical`, the built-in and configured workflows of `workflow/run` and `workflows/list`,
// their step nesting and progress. Helpers are in Support/CoordinatorFixtures.swift.

@Suite struct CoordinatorStrategyTests {
    // MARK: Sequential

    @Test func sequentialPassesEachStepThePreviousOutput() async throws {
        let client = TestClient()
        let (result, runId) = try await client.requestRun(
            "coordinator/sequential",
            try JSONValue.parse(
                #"{"input": "hello", "steps": [{"agent": "echo", "transform": "1:{{previous}}"}, {"agent": "echo"}, {"agent": "echo", "transform": "3:{{previous}}"}]}"#
            )
        )
        #expect(result["workflow"] == "sequential")
        #expect(result["strategy"] == "sequential")
        #expect(result["output"] == "3:1:hello")
        #expect(result["stopReason"] == "end_turn")
        let branches = try #require(result["branches"]?.arrayValue)
        #expect(branches.map { $0["stepId"] } == ["1.1", "1.2", "1.3"])
        #expect(branches.map { $0["agent"] } == ["echo", "echo", "echo"])
        #expect(branches.map { $0["status"] } == ["completed", "completed", "completed"])
        // Step 2 has no transform: it gets step 1's output as is.
        #expect(branches.map { $0["output"] } == ["1:hello", "1:hello", "3:1:hello"])
        #expect(result["usage", "outputTokens"] == 3)
        expectBranchOutputsMatchTokens(client, runId: runId, result: result)
        expectWellNestedSteps(client, runId: runId, strategy: "sequential", workflow: "sequential")
    }

    @Test func sequentialTransformsRenderInputAndPreviousExactly() async throws {
        let client = TestClient()
        let (result, runId) = try await client.requestRun(
            "coordinator/sequential",
            try JSONValue.parse(
                #"{"input": "x y", "steps": [{"agent": "echo", "transform": "A {{previous}}/{{input}}"}, {"agent": "echo", "transform": "[{{ previous }}] from {{input}}{{input}}"}, {"agent": "echo"}]}"#
            )
        )
        // In the first step {{previous}} is the workflow input.
        let first = "A x y/x y"
        let second = "[\(first)] from x yx y"
        #expect(result.branch("1.1")?["output"] == .string(first))
        #expect(result.branch("1.2")?["output"] == .string(second))
        #expect(result.branch("1.3")?["output"] == .string(second))
        #expect(result["output"] == .string(second))
        #expect(result["usage", "outputTokens"] == .int(echoWordCount(first) + 2 * echoWordCount(second)))
        #expect(client.stepText(runId, stepId: "1.1") == first)
        expectWellNestedSteps(client, runId: runId, strategy: "sequential", workflow: "sequential")
    }

    // MARK: Parallel

    static let parallelTasks =
        #"[{"agent": "echo"}, {"agent": "w1", "input": "second: {{input}}"}, {"agent": "echo-thinking", "input": "{{previous}}!"}]"#

    @Test func parallelBranchesAreInNumericStepOrder() async throws {
        let client = TestClient(config: try coordinatorConfig())
        let tasks = (1...12).map { #"{"agent": "echo", "input": "task \#($0)"}"# }.joined(separator: ",")
        let (result, _) = try await client.requestRun(
            "coordinator/parallel",
            try JSONValue.parse(#"{"input": "go", "tasks": [\#(tasks)]}"#)
        )
        let branches = try #require(result["branches"]?.arrayValue)
        #expect(branches.compactMap { $0["stepId"]?.stringValue } == (1...12).map { "1.\($0)" })
        #expect(branches.compactMap { $0["output"]?.stringValue } == (1...12).map { "task \($0)" })
    }

    @Test func parallelConcatenatesInTaskOrderByDefault() async throws {
        let client = TestClient(config: try coordinatorConfig())
        let (result, runId) = try await client.requestRun(
            "coordinator/parallel",
            try JSONValue.parse(#"{"input": "go", "tasks": \#(Self.parallelTasks)}"#)
        )
        #expect(result["workflow"] == "parallel")
        #expect(result["strategy"] == "parallel")
        #expect(result["output"] == "go\n\nsecond: go\n\ngo!")
        #expect(result["stopReason"] == "end_turn")
        // Branches are in task order, whichever started first.
        let branches = try #require(result["branches"]?.arrayValue)
        #expect(branches.compactMap { $0["stepId"]?.stringValue } == ["1.1", "1.2", "1.3"])
        #expect(result.branch("1.1")?["agent"] == "echo")
        #expect(result.branch("1.2")?["agent"] == "w1")
        #expect(result.branch("1.3")?["agent"] == "echo-thinking")
        #expect(result.branch("1.2")?["output"] == "second: go")
        #expect(result.branch("1.3")?["output"] == "go!")
        #expect(branches.allSatisfy { $0["status"] == "completed" && $0["error"] == nil })
        #expect(result["usage", "outputTokens"] == 4)
        expectBranchOutputsMatchTokens(client, runId: runId, result: result)
        expectWellNestedSteps(client, runId: runId, strategy: "parallel", workflow: "parallel")
        // The thinking agent reasons on its own step.
        let thinking = client.runNotificationParams(runId, method: "run/thinking")
        #expect(thinking.count == 1)
        #expect(thinking.first?["stepId"] == "1.3")
    }

    @Test func parallelListAggregate() async throws {
        let client = TestClient(config: try coordinatorConfig())
        let reply = try await client.request(
            "coordinator/parallel",
            try JSONValue.parse(#"{"input": "go", "tasks": \#(Self.parallelTasks), "aggregate": "list"}"#)
        )
        let result = try #require(reply["result"], "\(reply.jsonString)")
        #expect(result["output"] == "1. go\n2. second: go\n3. go!")
        #expect(result["branches"]?.arrayValue?.count == 3)
    }

    @Test func parallelAggregatorAgentRunsLastOnTheConcatenation() async throws {
        let client = TestClient(config: try coordinatorConfig())
        let (result, runId) = try await client.requestRun(
            "coordinator/parallel",
            try JSONValue.parse(#"{"input": "go", "tasks": \#(Self.parallelTasks), "aggregate": {"agent": "w2"}}"#)
        )
        let combined = "go\n\nsecond: go\n\ngo!"
        #expect(result["output"] == .string(combined))
        let aggregator = try #require(result.branch("1.4"))
        #expect(aggregator["agent"] == "w2")
        #expect(aggregator["output"] == .string(combined))
        #expect(aggregator["status"] == "completed")
        #expect(result["branches"]?.arrayValue?.count == 4)
        // The aggregator is the last agent call: it starts after the three tasks have ended.
        let steps = client.runNotificationParams(runId, method: "run/step")
        let aggregatorStart = try #require(steps.firstIndex { $0["stepId"] == "1.4" && $0["status"] == "started" })
        for task in ["1.1", "1.2", "1.3"] {
            let end = try #require(steps.firstIndex { $0["stepId"] == .string(task) && $0["status"] != "started" })
            #expect(end < aggregatorStart)
        }
        expectBranchOutputsMatchTokens(client, runId: runId, result: result)
        expectWellNestedSteps(client, runId: runId, strategy: "parallel", workflow: "parallel")
    }

    // MARK: Hierarchical

    @Test func hierarchicalDelegatesLinesRoundRobin() async throws {
        let client = TestClient(config: try coordinatorConfig())
        let (result, runId) = try await client.requestRun(
            "coordinator/hierarchical",
            try JSONValue.parse(
                #"{"input": "a\nb\nc", "master": {"agent": "echo"}, "subAgents": [{"agent": "w1"}, {"agent": "w2"}]}"#
            )
        )
        #expect(result["workflow"] == "hierarchical")
        #expect(result["strategy"] == "hierarchical")
        #expect(result.branch("1.1")?["agent"] == "echo")
        #expect(result.branch("1.1")?["output"] == "a\nb\nc")
        #expect(result.branch("1.2")?["agent"] == "w1")
        #expect(result.branch("1.2")?["output"] == "a\nc")
        #expect(result.branch("1.3")?["agent"] == "w2")
        #expect(result.branch("1.3")?["output"] == "b")
        #expect(result["branches"]?.arrayValue?.count == 3)
        #expect(result["output"] == "a\nc\n\nb")
        // The master ends before any sub-agent starts.
        let steps = client.runNotificationParams(runId, method: "run/step")
        let masterEnd = try #require(steps.firstIndex { $0["stepId"] == "1.1" && $0["status"] != "started" })
        let firstSub = try #require(
            steps.firstIndex { ($0["stepId"] == "1.2" || $0["stepId"] == "1.3") && $0["status"] == "started" }
        )
        #expect(masterEnd < firstSub)
        expectBranchOutputsMatchTokens(client, runId: runId, result: result)
        expectWellNestedSteps(client, runId: runId, strategy: "hierarchical", workflow: "hierarchical")
    }

    @Test func hierarchicalAggregatorAgentAndList() async throws {
        let client = TestClient(config: try coordinatorConfig())
        let (result, runId) = try await client.requestRun(
            "coordinator/hierarchical",
            try JSONValue.parse(
                #"{"input": "a\nb\nc", "master": {"agent": "echo"}, "subAgents": [{"agent": "w1"}, {"agent": "w2"}], "aggregator": {"agent": "echo-thinking"}}"#
            )
        )
        #expect(result.branch("1.4")?["agent"] == "echo-thinking")
        #expect(result.branch("1.4")?["output"] == "a\nc\n\nb")
        #expect(result["output"] == "a\nc\n\nb")
        expectWellNestedSteps(client, runId: runId, strategy: "hierarchical", workflow: "hierarchical")

        let listed = try await client.request(
            "coordinator/hierarchical",
            try JSONValue.parse(
                #"{"input": "a\nb\nc", "master": {"agent": "echo"}, "subAgents": [{"agent": "w1"}, {"agent": "w2"}], "aggregator": "list"}"#
            )
        )
        #expect(listed["result", "output"] == "1. a\nc\n2. b")
    }

    @Test func hierarchicalOneLinePlanGoesToTheFirstSubAgentOnly() async throws {
        let client = TestClient(config: try coordinatorConfig())
        let (result, runId) = try await client.requestRun(
            "coordinator/hierarchical",
            try JSONValue.parse(
                #"{"input": "only line", "master": {"agent": "echo"}, "subAgents": [{"agent": "w1"}, {"agent": "w2"}]}"#
            )
        )
        #expect(result["output"] == "only line")
        #expect(result["branches"]?.arrayValue?.compactMap { $0["stepId"]?.stringValue } == ["1.1", "1.2"])
        #expect(result.branch("1.2")?["agent"] == "w1")
        #expect(!client.runNotificationParams(runId, method: "run/step").contains { $0["agent"] == "w2" })
        expectWellNestedSteps(client, runId: runId, strategy: "hierarchical", workflow: "hierarchical")
    }

    @Test func hierarchicalAggregatorIsTheStepAfterTheLastSubTask() async throws {
        let client = TestClient(config: try coordinatorConfig())
        let (result, runId) = try await client.requestRun(
            "coordinator/hierarchical",
            try JSONValue.parse(
                #"{"input": "one line", "master": {"agent": "echo"}, "subAgents": [{"agent": "w1"}, {"agent": "w2"}], "aggregator": {"agent": "echo-thinking"}}"#
            )
        )
        #expect(result["branches"]?.arrayValue?.compactMap { $0["stepId"]?.stringValue } == ["1.1", "1.2", "1.3"])
        #expect(result.branch("1.3")?["agent"] == "echo-thinking")
        #expect(result["output"] == "one line")
        // The aggregator is not counted in the progress.
        #expect(client.progressPercents(runId) == [50, 100])
        expectWellNestedSteps(client, runId: runId, strategy: "hierarchical", workflow: "hierarchical")
    }

    @Test func hierarchicalBlankPlanDelegatesNothing() async throws {
        let client = TestClient(config: try coordinatorConfig())
        let (result, runId) = try await client.requestRun(
            "coordinator/hierarchical",
            try JSONValue.parse(
                #"{"input": "\n  \n\t\n", "master": {"agent": "echo"}, "subAgents": [{"agent": "w1"}]}"#
            )
        )
        #expect(result["output"] == "")
        #expect(result["stopReason"] == "end_turn")
        #expect(result["branches"]?.arrayValue?.compactMap { $0["stepId"]?.stringValue } == ["1.1"])
        #expect(client.progressPercents(runId).last == 100)
        expectWellNestedSteps(client, runId: runId, strategy: "hierarchical", workflow: "hierarchical")
    }

    // MARK: Built-in workflows

    @Test func builtInPipeline() async throws {
        let client = TestClient()
        let (result, runId) = try await client.requestRun("workflow/run", ["workflow": "pipeline", "input": "draft"])
        #expect(result["workflow"] == "pipeline")
        #expect(result["strategy"] == "sequential")
        #expect(result["output"] == "reviewed: draft")
        #expect(result["stopReason"] == "end_turn")
        #expect(result["usage", "outputTokens"] == 3)
        let branches = try #require(result["branches"]?.arrayValue)
        #expect(branches.map { $0["stepId"] } == ["1.1", "1.2"])
        #expect(branches.map { $0["agent"] } == ["echo", "echo"])
        #expect(branches.map { $0["output"] } == ["draft", "reviewed: draft"])
        expectBranchOutputsMatchTokens(client, runId: runId, result: result)
        expectWellNestedSteps(client, runId: runId, strategy: "sequential", workflow: "pipeline")
        let started = client.runNotifications(runId).first?.message
        #expect(started?["params", "workflow"] == "pipeline")
        #expect(started?["params", "strategy"] == "sequential")
    }

    @Test func builtInFanout() async throws {
        let client = TestClient()
        let (result, runId) = try await client.requestRun(
            "workflow/run",
            ["workflow": "fanout", "input": "hello world"]
        )
        #expect(result["workflow"] == "fanout")
        #expect(result["strategy"] == "parallel")
        #expect(result["output"] == "1. hello world\n2. hello world")
        #expect(result.branch("1.1")?["agent"] == "echo")
        #expect(result.branch("1.2")?["agent"] == "echo-thinking")
        #expect(result["usage", "outputTokens"] == 4)
        let thinking = client.runNotificationParams(runId, method: "run/thinking")
        #expect(thinking.count == 1)
        #expect(thinking.first?["agent"] == "echo-thinking")
        expectBranchOutputsMatchTokens(client, runId: runId, result: result)
        expectWellNestedSteps(client, runId: runId, strategy: "parallel", workflow: "fanout")
    }

    @Test func builtInDelegate() async throws {
        let client = TestClient()
        let (result, runId) = try await client.requestRun("workflow/run", ["workflow": "delegate", "input": "a\nb\nc"])
        #expect(result["workflow"] == "delegate")
        #expect(result["strategy"] == "hierarchical")
        #expect(result["output"] == "a\nc\n\nb")
        #expect(result.branch("1.1")?["agent"] == "echo")
        #expect(result.branch("1.1")?["output"] == "a\nb\nc")
        #expect(result.branch("1.2")?["agent"] == "echo")
        #expect(result.branch("1.2")?["output"] == "a\nc")
        #expect(result.branch("1.3")?["agent"] == "echo-slow")
        #expect(result.branch("1.3")?["output"] == "b")
        expectBranchOutputsMatchTokens(client, runId: runId, result: result)
        expectWellNestedSteps(client, runId: runId, strategy: "hierarchical", workflow: "delegate")
    }

    @Test func workflowRunTakesPositionalParams() async throws {
        let client = TestClient()
        let reply = try await client.request("workflow/run", ["pipeline", "draft"])
        #expect(reply["result", "output"] == "reviewed: draft", "\(reply.jsonString)")
    }

    @Test func workflowsListShowsTheBuiltInWorkflows() async throws {
        let client = TestClient()
        let reply = try await client.request("workflows/list")
        let workflows = try #require(reply["result", "workflows"]?.arrayValue, "\(reply.jsonString)")
        #expect(workflows.map { $0["name"] } == ["pipeline", "fanout", "delegate"])
        #expect(workflows.map { $0["strategy"] } == ["sequential", "parallel", "hierarchical"])
        #expect(workflows.map { $0["agents"] } == [["echo"], ["echo", "echo-thinking"], ["echo", "echo-slow"]])
        #expect(workflows.map { $0["onError"] } == ["fail", "fail", "fail"])
        #expect(workflows.allSatisfy { $0["description"]?.stringValue?.isEmpty == false })
        #expect(
            workflows.allSatisfy {
                Set($0.objectValue?.keys ?? []) == ["name", "description", "strategy", "agents", "onError"]
            }
        )
    }

    @Test func workflowsListIncludesConfiguredWorkflows() async throws {
        let config = try coordinatorConfig(
            extra: #", "workflows": {"review": {"description": "two workers and a judge", "strategy": "parallel", "#
                + #""tasks": [{"agent": "w1"}, {"agent": "w2"}, {"agent": "w1"}], "aggregate": {"agent": "echo-thinking"}, "onError": "continue"},"#
                + #" "pipeline": {"strategy": "sequential", "steps": [{"agent": "w2"}]}}"#
        )
        let client = TestClient(config: config)
        let reply = try await client.request("workflows/list")
        let workflows = try #require(reply["result", "workflows"]?.arrayValue, "\(reply.jsonString)")
        // A configured workflow replaces the built-in one of the same name, in place.
        #expect(workflows.map { $0["name"] } == ["pipeline", "fanout", "delegate", "review"])
        let pipeline = try #require(workflows.first)
        #expect(pipeline["agents"] == ["w2"])
        #expect(pipeline["description"] == "")
        let review = try #require(workflows.last)
        #expect(review["description"] == "two workers and a judge")
        #expect(review["strategy"] == "parallel")
        #expect(review["agents"] == ["w1", "w2", "echo-thinking"])
        #expect(review["onError"] == "continue")

        let run = try await client.request("workflow/run", ["workflow": "pipeline", "input": "replaced"])
        #expect(run["result", "output"] == "replaced")
        #expect(run["result", "branches"]?.arrayValue?.first?["agent"] == "w2")
    }

    // MARK: Progress

    @Test(arguments: [
        (
            "coordinator/sequential", #"{"input": "p q", "steps": [{"agent": "echo"}, {"agent": "echo"}]}"#,
            [50, 100] as [Int64]
        ),
        (
            "coordinator/parallel",
            #"{"input": "p q", "tasks": [{"agent": "echo"}, {"agent": "w1"}, {"agent": "w2"}], "aggregate": {"agent": "echo"}}"#,
            [33, 66, 100]
        ),
        (
            "coordinator/hierarchical",
            #"{"input": "a\nb\nc", "master": {"agent": "echo"}, "subAgents": [{"agent": "w1"}, {"agent": "w2"}]}"#,
            [33, 66, 100]
        ),
    ])
    func progressRisesAndEndsAt100(method: String, params: String, expected: [Int64]) async throws {
        let client = TestClient(config: try coordinatorConfig())
        let reply = try await client.request(method, try JSONValue.parse(params))
        let runId = try #require(reply["result", "runId"]?.stringValue, "\(reply.jsonString)")
        let percents = client.progressPercents(runId)
        #expect(percents == expected)
        #expect(zip(percents, percents.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(percents.last == 100)
        for progress in client.runNotificationParams(runId, method: "run/progress") {
            #expect(progress["message"]?.stringValue?.isEmpty == false)
        }
        expectWellNestedSteps(
            client,
            runId: runId,
            strategy: String(method.dropFirst("coordinator/".count)),
            workflow: String(method.dropFirst("coordinator/".count))
        )
    }

    @Test func agentRunsSendNoProgress() async throws {
        let client = TestClient()
        let reply = try await client.request("agent/run", ["agent": "echo", "input": "a b"])
        let runId = try #require(reply["result", "runId"]?.stringValue)
        #expect(client.runNotificationParams(runId, method: "run/progress").isEmpty)
        // An agent run is the single step 1, with no parent and no strategy.
        let steps = client.runNotificationParams(runId, method: "run/step")
        #expect(steps.map { $0["stepId"] } == ["1", "1"])
        #expect(steps.allSatisfy { $0["parentStepId"] == nil && $0["strategy"] == nil })
    }
}
