import AgentCore
import JSONCore
import Testing

// Shared by the coordinator tests (`CoordinatorStrategyTests`, `CoordinatorFailureTests`): the agents they run
// and the checks of a workflow run's steps, tokens and branches.

/// The built-in config plus agents for coordinator tests:
/// - `w1`, `w2`: plain echo workers (distinguishable by name);
/// - `drip`: echo with 20 ms before each word (a run of 200 words takes seconds);
/// - `sleepy`: echo with 10 s before each word (never gets a word out before any limit used here);
/// - `fragile`: like `sleepy`, with its own call limit of 300 ms (`limits.timeoutMs`), so it fails while
///   siblings without a limit go on (a workflow's `stepTimeoutMs` would limit every sibling alike).
func coordinatorConfig(extra: String = "") throws -> AgentConfig {
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
    func stepText(_ runId: String, stepId: String) -> String {
        runNotificationParams(runId, method: "run/token").filter { $0["stepId"]?.stringValue == stepId }
            .compactMap { $0["text"]?.stringValue }.joined()
    }

    /// The last `run/step` status reported for step `stepId` of run `runId`.
    func lastStepStatus(_ runId: String, stepId: String) -> String? {
        runNotificationParams(runId, method: "run/step").last { $0["stepId"]?.stringValue == stepId }?["status"]?
            .stringValue
    }

    /// The `percent` of each `run/progress` notification of run `runId`, in order.
    func progressPercents(_ runId: String) -> [Int64] {
        runNotificationParams(runId, method: "run/progress").compactMap { $0["percent"]?.integerValue }
    }
}

extension JSONValue {
    /// The branch with `stepId` in a workflow result.
    func branch(_ stepId: String) -> JSONValue? {
        self["branches"]?.arrayValue?.first { $0["stepId"]?.stringValue == stepId }
    }
}

/// Checks the nesting rules of a workflow run's steps and tokens:
/// step `1` is the workflow (first started, last ended, with the strategy and the workflow name as agent, no
/// parent); every agent call is `1.N` with `parentStepId: "1"` and the strategy; every started step ends
/// exactly once (with `durationMs`, and `error` when failed); every token and thinking names a started agent
/// call and its agent, and arrives between that step's start and end; seqs strictly increase.
func expectWellNestedSteps(
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
func expectBranchOutputsMatchTokens(
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
