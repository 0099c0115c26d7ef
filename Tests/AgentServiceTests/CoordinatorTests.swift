import AgentCore
import AgentService
import Foundation
import JSONCore
import JSONRPC
import Testing

// Coordinator runs over the wire: `coordinator/sequential`, `coordinator/parallel`,
// `coordinator/hierarchical` and `workflow/run`, their step nesting, progress, error policies, timeouts,
// cancellation and parameter validation.

// MARK: Helpers

/// The built-in config plus agents for coordinator tests:
/// - `w1`, `w2`: plain echo workers (distinguishable by name);
/// - `drip`: echo with 20 ms before each word (a run of 200 words takes seconds);
/// - `sleepy`: echo with 10 s before each word (never gets a word out before any limit used here);
/// - `fragile`: like `sleepy`, with its own call limit of 300 ms (`limits.timeoutMs`), so it fails while
///   siblings without a limit go on (a workflow's `stepTimeoutMs` would limit every sibling alike).
private func coordinatorConfig(extra: String = "") throws -> AgentConfig {
    let text = """
        {"agents": {
          "w1": {"description": "worker one", "provider": {"type": "echo"}},
          "w2": {"description": "worker two", "provider": {"type": "echo"}},
          "drip": {"provider": {"type": "echo", "delayMs": 20}},
          "sleepy": {"provider": {"type": "echo", "delayMs": 10000}},
          "fragile": {"provider": {"type": "echo", "delayMs": 10000}, "limits": {"timeoutMs": 300}}
        }\(extra)}
        """
    return try .mergedOverBuiltIns(text, file: "coordinator-tests.json")
}

extension TestClient {
    /// Token texts of step `stepId` of run `runId`, in order, joined.
    fileprivate func stepText(_ runId: String, stepId: String) -> String {
        runNotificationParams(runId, method: "run/token").filter { $0["stepId"]?.stringValue == stepId }
            .compactMap { $0["text"]?.stringValue }.joined()
    }

    /// The last `run/step` status reported for step `stepId` of run `runId`.
    fileprivate func lastStepStatus(_ runId: String, stepId: String) -> String? {
        runNotificationParams(runId, method: "run/step").last { $0["stepId"]?.stringValue == stepId }?["status"]?
            .stringValue
    }

    /// The `percent` of each `run/progress` notification of run `runId`, in order.
    fileprivate func progressPercents(_ runId: String) -> [Int64] {
        runNotificationParams(runId, method: "run/progress").compactMap { $0["percent"]?.integerValue }
    }
}

extension JSONValue {
    /// The branch with `stepId` in a workflow result.
    fileprivate func branch(_ stepId: String) -> JSONValue? {
        self["branches"]?.arrayValue?.first { $0["stepId"]?.stringValue == stepId }
    }
}

/// Checks the nesting rules of a workflow run's steps and tokens:
/// step `1` is the workflow (first started, last ended, with the strategy and the workflow name as agent, no
/// parent); every agent call is `1.N` with `parentStepId: "1"` and the strategy; every started step ends
/// exactly once (with `durationMs`, and `error` when failed); every token and thinking names a started agent
/// call and its agent, and arrives between that step's start and end; seqs strictly increase.
private func expectWellNestedSteps(
    _ client: TestClient,
    runId: String,
    strategy: String,
    workflow: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let all = client.runNotifications(runId).map(\.message)
    let seqs = client.runSeqs(runId)
    #expect(seqs.count == all.count, sourceLocation: sourceLocation)
    #expect(seqs.isStrictlyIncreasing, "seqs \(seqs)", sourceLocation: sourceLocation)
    #expect(all.first?["method"] == "run/started", sourceLocation: sourceLocation)
    #expect(all.first?["params", "workflow"] == .string(workflow), sourceLocation: sourceLocation)
    #expect(all.first?["params", "strategy"] == .string(strategy), sourceLocation: sourceLocation)

    let steps = client.runNotificationParams(runId, method: "run/step")
    guard let first = steps.first, let last = steps.last else {
        Issue.record("no run/step notifications", sourceLocation: sourceLocation)
        return
    }
    #expect(
        first["stepId"] == "1" && first["status"] == "started",
        "\(first.jsonString)",
        sourceLocation: sourceLocation
    )
    #expect(first["agent"] == .string(workflow), sourceLocation: sourceLocation)
    #expect(first["parentStepId"] == nil, sourceLocation: sourceLocation)
    #expect(first["name"]?.stringValue?.isEmpty == false, sourceLocation: sourceLocation)
    #expect(last["stepId"] == "1" && last["status"] != "started", "\(last.jsonString)", sourceLocation: sourceLocation)
    for step in steps {
        #expect(step["strategy"] == .string(strategy), "\(step.jsonString)", sourceLocation: sourceLocation)
        let id = step["stepId"]?.stringValue ?? ""
        if id != "1" {
            #expect(id.wholeMatch(of: /1\.[1-9][0-9]*/) != nil, "step id \(id)", sourceLocation: sourceLocation)
            #expect(step["parentStepId"] == "1", "\(step.jsonString)", sourceLocation: sourceLocation)
        }
        if step["status"] != "started" {
            #expect(
                step["durationMs"]?.integerValue.map { $0 >= 0 } == true,
                "\(step.jsonString)",
                sourceLocation: sourceLocation
            )
        }
        if step["status"] == "failed" {
            #expect(step["error"]?.stringValue?.isEmpty == false, "\(step.jsonString)", sourceLocation: sourceLocation)
        }
    }
    // Every started step ends exactly once, after it started.
    let ids = Set(steps.compactMap { $0["stepId"]?.stringValue })
    var window: [String: (agent: String, start: Int64, end: Int64)] = [:]
    for id in ids {
        let mine = steps.filter { $0["stepId"]?.stringValue == id }
        let statuses = mine.compactMap { $0["status"]?.stringValue }
        #expect(
            statuses.count == 2 && statuses[0] == "started" && statuses[1] != "started",
            "step \(id): \(statuses)",
            sourceLocation: sourceLocation
        )
        if let start = mine.first?["seq"]?.integerValue, let end = mine.last?["seq"]?.integerValue {
            window[id] = (mine.first?["agent"]?.stringValue ?? "", start, end)
        }
    }
    // Tokens and thinking belong to agent calls, not to the workflow step.
    for kind in ["run/token", "run/thinking"] {
        for token in client.runNotificationParams(runId, method: kind) {
            let stepId = token["stepId"]?.stringValue ?? ""
            #expect(stepId != "1", "\(kind) on the workflow step", sourceLocation: sourceLocation)
            guard let step = window[stepId] else {
                Issue.record("\(kind) names step \(stepId), which never started", sourceLocation: sourceLocation)
                continue
            }
            #expect(token["agent"] == .string(step.agent), "\(token.jsonString)", sourceLocation: sourceLocation)
            let seq = token["seq"]?.integerValue ?? -1
            #expect(
                seq > step.start && seq < step.end,
                "\(kind) seq \(seq) outside its step",
                sourceLocation: sourceLocation
            )
        }
    }
}

/// Checks that each branch's output equals the text of its step's tokens.
private func expectBranchOutputsMatchTokens(
    _ client: TestClient,
    runId: String,
    result: JSONValue,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    for branch in result["branches"]?.arrayValue ?? [] {
        let stepId = branch["stepId"]?.stringValue ?? ""
        #expect(
            branch["output"] == .string(client.stepText(runId, stepId: stepId)),
            "branch \(stepId)",
            sourceLocation: sourceLocation
        )
    }
}

@Suite struct CoordinatorTests {
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
        // Branches may be in start order; each is there once.
        let branches = try #require(result["branches"]?.arrayValue)
        #expect(Set(branches.compactMap { $0["stepId"]?.stringValue }) == ["1.1", "1.2", "1.3"])
        #expect(branches.count == 3)
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
        // Common members first, in the documented order.
        #expect(data.objectValue?.keys == ["runId", "stepId", "retryable", "suggestions", "partialOutput"])
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
                #", "workflows": {"tolerant": {"strategy": "parallel", "tasks": [{"agent": "sleepy"}, {"agent": "echo"}], "onError": "continue", "stepTimeoutMs": 500}}"#
        )
        let client = TestClient(config: config)
        let (result, runId) = try await client.requestRun(
            "workflow/run",
            ["workflow": "tolerant", "input": "survivor"]
        )
        #expect(result["workflow"] == "tolerant")
        #expect(result["output"] == "survivor")
        #expect(result.branch("1.1")?["status"] == "failed")
        #expect(result.branch("1.1")?["error"] == "timed out after 500 ms")
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
                #"{"input": "first words", "steps": [{"agent": "echo"}, {"agent": "sleepy"}, {"agent": "echo"}], "stepTimeoutMs": 500}"#
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
                #"{"input": "in", "steps": [{"agent": "sleepy"}, {"agent": "echo", "transform": "got: {{previous}}"}], "onError": "continue", "stepTimeoutMs": 500}"#
            )
        )
        // The next step gets the last good output: the workflow input.
        #expect(result["output"] == "got: in")
        #expect(result.branch("1.1")?["status"] == "failed")
        #expect(result.branch("1.1")?["error"] == "timed out after 500 ms")
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
        #expect(error["data"]?.objectValue?.keys == ["runId", "retryable", "suggestions", "partialOutput"])
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
        // The output is every call's output so far, in start order, separated by blank lines.
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
        // Both branches' output so far, in start order, separated by a blank line.
        let first = client.stepText(runId, stepId: "1.1")
        let second = client.stepText(runId, stepId: "1.2")
        #expect(partial == first + "\n\n" + second || partial == second + "\n\n" + first, "\(partial)")
        #expect(client.lastStepStatus(runId, stepId: "1.1") == "cancelled")
        #expect(client.lastStepStatus(runId, stepId: "1.2") == "cancelled")
        expectWellNestedSteps(client, runId: runId, strategy: "parallel", workflow: "parallel")
    }

    // MARK: Request errors

    @Test(arguments: [
        ("coordinator/sequential", #"{"input": "x", "steps": [{"agent": "echo"}, {"agent": "ghost"}]}"#),
        ("coordinator/parallel", #"{"input": "x", "tasks": [{"agent": "ghost"}]}"#),
        ("coordinator/parallel", #"{"input": "x", "tasks": [{"agent": "echo"}], "aggregate": {"agent": "ghost"}}"#),
        (
            "coordinator/hierarchical",
            #"{"input": "x", "master": {"agent": "ghost"}, "subAgents": [{"agent": "echo"}]}"#
        ),
        (
            "coordinator/hierarchical",
            #"{"input": "x", "master": {"agent": "echo"}, "subAgents": [{"agent": "ghost"}]}"#
        ),
        (
            "coordinator/hierarchical",
            #"{"input": "x", "master": {"agent": "echo"}, "subAgents": [{"agent": "echo"}], "aggregator": {"agent": "ghost"}}"#
        ),
    ])
    func unknownAgentIsNotFoundAndNamed(method: String, params: String) async throws {
        let client = TestClient()
        let reply = try await client.request(method, try JSONValue.parse(params))
        let error = try #require(reply["error"], "\(reply.jsonString)")
        #expect(error["code"] == -32001)
        #expect(error["data", "agent"] == "ghost")
        #expect(error["data", "available"]?.arrayValue?.contains("echo") == true)
        #expect(error["data", "retryable"] == false)
        #expect(error["data"]?.objectValue?.keys == ["retryable", "suggestions", "agent", "available"])
        #expect(error["message"]?.stringValue?.contains("ghost") == true)
        // No run was started.
        #expect(client.notifications("run/started").isEmpty)
    }

    @Test(arguments: [
        ("coordinator/sequential", #"{"steps": [{"agent": "echo"}]}"#, "params.input"),
        ("coordinator/sequential", #"{"input": 3, "steps": [{"agent": "echo"}]}"#, "params.input"),
        ("coordinator/sequential", #"{"input": "x"}"#, "params.steps"),
        ("coordinator/sequential", #"{"input": "x", "steps": []}"#, "params.steps"),
        ("coordinator/sequential", #"{"input": "x", "steps": {"agent": "echo"}}"#, "params.steps"),
        ("coordinator/sequential", #"{"input": "x", "steps": [{}]}"#, "params.steps[0].agent"),
        (
            "coordinator/sequential", #"{"input": "x", "steps": [{"agent": "echo"}, {"agent": 7}]}"#,
            "params.steps[1].agent"
        ),
        ("coordinator/sequential", #"{"input": "x", "steps": ["echo"]}"#, "params.steps[0]"),
        (
            "coordinator/sequential", #"{"input": "x", "steps": [{"agent": "echo", "model": "big"}]}"#,
            "params.steps[0].model"
        ),
        (
            "coordinator/sequential",
            #"{"input": "x", "steps": [{"agent": "echo"}, {"agent": "echo", "transform": "{{nope}}"}]}"#,
            "params.steps[1].transform"
        ),
        (
            "coordinator/sequential", #"{"input": "x", "steps": [{"agent": "echo", "transform": "{{input"}]}"#,
            "params.steps[0].transform"
        ),
        ("coordinator/sequential", #"{"input": "x", "steps": [{"agent": "echo"}], "bogus": true}"#, "params.bogus"),
        ("coordinator/sequential", #"{"input": "x", "steps": [{"agent": "echo"}], "tasks": []}"#, "params.tasks"),
        (
            "coordinator/sequential", #"{"input": "x", "steps": [{"agent": "echo"}], "onError": "ignore"}"#,
            "params.onError"
        ),
        (
            "coordinator/sequential", #"{"input": "x", "steps": [{"agent": "echo"}], "stepTimeoutMs": 0}"#,
            "params.stepTimeoutMs"
        ),
        (
            "coordinator/sequential", #"{"input": "x", "steps": [{"agent": "echo"}], "timeoutMs": -5}"#,
            "params.timeoutMs"
        ),
        (
            "coordinator/sequential", #"{"input": "x", "steps": [{"agent": "echo"}], "stream": {"token": false}}"#,
            "params.stream.token"
        ),
        ("coordinator/parallel", #"{"input": "x", "tasks": [{"input": "y"}]}"#, "params.tasks[0].agent"),
        (
            "coordinator/parallel",
            #"{"input": "x", "tasks": [{"agent": "echo"}, {"agent": "echo", "input": "{{prev}}"}]}"#,
            "params.tasks[1].input"
        ),
        (
            "coordinator/parallel", #"{"input": "x", "tasks": [{"agent": "echo"}], "aggregate": "sum"}"#,
            "params.aggregate"
        ),
        (
            "coordinator/parallel", #"{"input": "x", "tasks": [{"agent": "echo"}], "aggregate": {"name": "echo"}}"#,
            "params.aggregate.agent"
        ),
        (
            "coordinator/parallel", #"{"input": "x", "tasks": [{"agent": "echo"}], "aggregator": "list"}"#,
            "params.aggregator"
        ),
        ("coordinator/hierarchical", #"{"input": "x", "subAgents": [{"agent": "echo"}]}"#, "params.master"),
        (
            "coordinator/hierarchical", #"{"input": "x", "master": "echo", "subAgents": [{"agent": "echo"}]}"#,
            "params.master"
        ),
        ("coordinator/hierarchical", #"{"input": "x", "master": {"agent": "echo"}}"#, "params.subAgents"),
        (
            "coordinator/hierarchical", #"{"input": "x", "master": {"agent": "echo"}, "subAgents": ["echo"]}"#,
            "params.subAgents[0]"
        ),
        (
            "coordinator/hierarchical",
            #"{"input": "x", "master": {"agent": "echo"}, "subAgents": [{"agent": "echo"}, {}]}"#,
            "params.subAgents[1].agent"
        ),
        (
            "coordinator/hierarchical",
            #"{"input": "x", "master": {"agent": "echo"}, "subAgents": [{"agent": "echo"}], "aggregator": 5}"#,
            "params.aggregator"
        ),
        (
            "coordinator/hierarchical",
            #"{"input": "x", "master": {"agent": "echo"}, "subAgents": [{"agent": "echo"}], "aggregate": "list"}"#,
            "params.aggregate"
        ),
        ("workflow/run", #"{"input": "x"}"#, "params.workflow"),
        ("workflow/run", #"{"workflow": "pipeline"}"#, "params.input"),
        ("workflow/run", #"{"workflow": "pipeline", "input": "x", "timeoutMs": 0}"#, "params.timeoutMs"),
    ])
    func invalidParamsNameTheField(method: String, params: String, field: String) async throws {
        let client = TestClient()
        let reply = try await client.request(method, try JSONValue.parse(params))
        let error = try #require(reply["error"], "\(reply.jsonString)")
        #expect(error["code"] == -32602)
        #expect(error["data", "field"] == .string(field))
        #expect(error["data", "detail"]?.stringValue?.isEmpty == false)
        #expect(client.notifications("run/started").isEmpty)
    }

    @Test func unknownWorkflowIsNotFoundWithTheAvailableOnes() async throws {
        let client = TestClient()
        let reply = try await client.request("workflow/run", ["workflow": "nope", "input": "x"])
        let error = try #require(reply["error"], "\(reply.jsonString)")
        #expect(error["code"] == -32001)
        #expect(error["data", "workflow"] == "nope")
        #expect(error["data", "available"] == ["pipeline", "fanout", "delegate"])
        #expect(error["data"]?.objectValue?.keys == ["retryable", "suggestions", "available", "workflow"])
        #expect(error["data", "retryable"] == false)
        #expect(error["data", "suggestions"]?.arrayValue?.isEmpty == false)
        #expect(error["message"]?.stringValue?.contains("nope") == true)
    }
}
