import AgentCore
import AgentService
import AgentStore
import FakeModelServer
import Foundation
import JSONCore
import Synchronization
import Testing

// `run/resume` of the other strategies and of a resumed run, with the runs kept in SQLite, so that
// what a resumed run reuses is read back from the store.

/// A model server whose agents are told apart by the model they name: each model's requests listed in
/// `failing` (counting from 1) fail with HTTP 500, after `failAfterMs`; every other request answers
/// `replies[model]`, or `MODEL N` (N counting that model's requests).
private final class ModelsByName: Sendable {
    let failing: [String: Set<Int>]
    let replies: [String: String]
    let failAfterMs: Int
    private let counts = Mutex<[String: Int]>([:])

    init(failing: [String: Set<Int>], replies: [String: String] = [:], failAfterMs: Int = 0) {
        self.failing = failing
        self.replies = replies
        self.failAfterMs = failAfterMs
    }

    /// How many requests named `model`.
    func calls(_ model: String) -> Int { counts.withLock { $0[model] ?? 0 } }

    func start() async throws -> FakeModelServer {
        try await FakeModelServer.start { [self] request in
            let model = (try? JSONValue.parse(request.bodyText))?["model"]?.stringValue ?? "?"
            let number = counts.withLock { counts -> Int in
                counts[model, default: 0] += 1
                return counts[model] ?? 0
            }
            if failing[model]?.contains(number) == true {
                let body = StreamScript.response(
                    status: 500,
                    reason: "Internal Server Error",
                    body: #"{"error":"boom"}"#
                )
                return [.pause(milliseconds: failAfterMs), .send(Array(body.utf8))]
            }
            let reply = StreamScript.eventStreamHead + StreamScript.reply([replies[model] ?? "\(model) \(number)"])
            return [.send(Array(reply.utf8))]
        }
    }
}

/// A client of a server whose agents ask `server`'s models, keeping its runs in a SQLite file in `directory`
/// (so a resumption reads them back from the store).
private func storedClient(
    _ server: FakeModelServer,
    agents: [String],
    workflows: String,
    in directory: StoreTestDirectory
) throws -> TestClient {
    TestClient(
        config: try modelsConfig(server, agents: agents, workflows: workflows),
        store: try SQLiteRunStore(path: directory.path("runs.sqlite"))
    )
}

/// Agents named after their models, all served by `server`, and `workflows` (a JSON object's members).
private func modelsConfig(_ server: FakeModelServer, agents: [String], workflows: String) throws -> AgentConfig {
    let agentMembers = agents.map {
        #""\#($0)": {"provider": {"type": "openai", "baseURL": "\#(server.baseURL)", "model": "\#($0)", "retries": 0}}"#
    }
    return try .mergedOverBuiltIns(
        #"{"agents": {\#(agentMembers.joined(separator: ", "))}, "workflows": {\#(workflows)}}"#,
        file: "resume-strategies-tests.json"
    )
}

extension TestClient {
    /// `STEPID STATUS` of each `run/step` notification of run `runId` about an agent call (not step `1`).
    fileprivate func agentSteps(_ runId: String) -> [String] {
        runNotificationParams(runId, method: "run/step").filter { $0["stepId"] != "1" }.map {
            "\($0["stepId"]?.stringValue ?? "") \($0["status"]?.stringValue ?? "")"
        }
    }

    /// Every `run/step` status reported for step `stepId` of run `runId`, in order.
    fileprivate func stepStatuses(_ runId: String, stepId: String) -> [String] {
        runNotificationParams(runId, method: "run/step").filter { $0["stepId"]?.stringValue == stepId }.compactMap {
            $0["status"]?.stringValue
        }
    }

    /// `STEPID AGENT` of each agent call of run `runId`, in step order, once each.
    fileprivate func agentCalls(_ runId: String) -> [String] {
        let calls = runNotificationParams(runId, method: "run/step").filter { $0["stepId"] != "1" }.map {
            "\($0["stepId"]?.stringValue ?? "") \($0["agent"]?.stringValue ?? "")"
        }
        return Array(Set(calls)).sorted()
    }
}

@Suite struct RunResumeStrategiesTests {
    @Test func aResumedRunThatFailedAgainResumesFromEverythingEitherRunCompleted() async throws {
        let models = ModelsByName(failing: ["two": [1], "three": [1]])
        let server = try await models.start()
        defer { Task { await server.stop() } }
        let directory = try StoreTestDirectory()
        let client = try storedClient(
            server,
            agents: ["one", "two", "three"],
            workflows:
                #""chain": {"strategy": "sequential", "steps": [{"agent": "one"}, {"agent": "two"}, {"agent": "three"}]}"#,
            in: directory
        )

        let failed = try await client.request("workflow/run", ["workflow": "chain", "input": "go"])
        #expect(failed["error", "code"] == -32010, "\(failed.jsonString)")
        let original = try #require(failed["error", "data", "runId"]?.stringValue)
        #expect(failed["error", "data", "stepId"] == "1.2")

        // The first resumption gets past step 2 and fails at step 3.
        let failedAgain = try await client.request("run/resume", ["runId": .string(original)])
        #expect(failedAgain["error", "code"] == -32010, "\(failedAgain.jsonString)")
        #expect(failedAgain["error", "data", "stepId"] == "1.3")
        let resumed = try #require(failedAgain["error", "data", "runId"]?.stringValue)
        #expect(resumed != original)
        #expect(
            client.agentSteps(resumed) == ["1.1 reused", "1.2 started", "1.2 completed", "1.3 started", "1.3 failed"]
        )

        // Resuming the resumed run reuses step 1 (which that run itself reused) and step 2.
        let (result, runId) = try await client.requestRun("run/resume", ["runId": .string(resumed)])
        #expect(result["output"] == "three 2")
        #expect(result["branches"]?.arrayValue?.map { $0["status"] } == ["reused", "reused", "completed"])
        #expect(result["branches"]?.arrayValue?.map { $0["output"] } == ["one 1", "two 2", "three 2"])
        #expect(client.agentSteps(runId) == ["1.1 reused", "1.2 reused", "1.3 started", "1.3 completed"])
        #expect(models.calls("one") == 1)
        #expect(models.calls("two") == 2)
        #expect(models.calls("three") == 2)
        let info = try await client.storeResult("run/get", ["runId": .string(runId)])
        #expect(info["resumedFrom"] == .string(resumed))
        #expect(info["status"] == "completed")
    }

    @Test func aParallelRunResumesItsFailedBranchOnly() async throws {
        // Branch two fails once, well after its siblings have answered (they answer at once).
        let models = ModelsByName(failing: ["two": [1]], failAfterMs: 500)
        let server = try await models.start()
        defer { Task { await server.stop() } }
        let directory = try StoreTestDirectory()
        let client = try storedClient(
            server,
            agents: ["one", "two", "three"],
            workflows:
                #""fan": {"strategy": "parallel", "tasks": [{"agent": "one"}, {"agent": "two"}, {"agent": "three"}], "aggregate": "list"}"#,
            in: directory
        )

        let failed = try await client.request("workflow/run", ["workflow": "fan", "input": "go"])
        #expect(failed["error", "code"] == -32010, "\(failed.jsonString)")
        let original = try #require(failed["error", "data", "runId"]?.stringValue)
        try #require(client.lastStepStatus(original, stepId: "1.1") == "completed")
        try #require(client.lastStepStatus(original, stepId: "1.3") == "completed")
        #expect(client.lastStepStatus(original, stepId: "1.2") == "failed")

        let (result, runId) = try await client.requestRun("run/resume", ["runId": .string(original)])
        #expect(result["output"] == "1. one 1\n2. two 2\n3. three 1")
        let branches = result["branches"]?.arrayValue ?? []
        #expect(branches.map { $0["stepId"] } == ["1.1", "1.2", "1.3"])
        #expect(branches.map { $0["status"] } == ["reused", "completed", "reused"])
        #expect(client.agentCalls(runId) == client.agentCalls(original))
        #expect(client.stepStatuses(runId, stepId: "1.1") == ["reused"])
        #expect(client.stepStatuses(runId, stepId: "1.2") == ["started", "completed"])
        #expect(client.stepStatuses(runId, stepId: "1.3") == ["reused"])
        #expect(models.calls("one") == 1)
        #expect(models.calls("two") == 2)
        #expect(models.calls("three") == 1)
    }

    @Test func aHierarchicalRunResumesWithTheMastersPlanReused() async throws {
        // The planner's plan gives `left` the line "a" and `right` the line "b"; `right` fails once, well
        // after `left` has answered.
        let models = ModelsByName(failing: ["right": [1]], replies: ["planner": "a\nb"], failAfterMs: 500)
        let server = try await models.start()
        defer { Task { await server.stop() } }
        let directory = try StoreTestDirectory()
        let client = try storedClient(
            server,
            agents: ["planner", "left", "right"],
            workflows:
                #""delegate": {"strategy": "hierarchical", "master": {"agent": "planner"}, "subAgents": [{"agent": "left"}, {"agent": "right"}]}"#,
            in: directory
        )

        let failed = try await client.request("workflow/run", ["workflow": "delegate", "input": "plan it"])
        #expect(failed["error", "code"] == -32010, "\(failed.jsonString)")
        let original = try #require(failed["error", "data", "runId"]?.stringValue)
        #expect(failed["error", "data", "stepId"] == "1.3")
        try #require(client.lastStepStatus(original, stepId: "1.2") == "completed")

        let (result, runId) = try await client.requestRun("run/resume", ["runId": .string(original)])
        #expect(result["output"] == "left 1\n\nright 2")
        let branches = result["branches"]?.arrayValue ?? []
        #expect(branches.map { $0["stepId"] } == ["1.1", "1.2", "1.3"])
        #expect(branches.map { $0["agent"] } == ["planner", "left", "right"])
        #expect(branches.map { $0["status"] } == ["reused", "reused", "completed"])
        #expect(client.agentCalls(runId) == client.agentCalls(original))
        #expect(client.stepStatuses(runId, stepId: "1.1") == ["reused"])
        #expect(client.stepStatuses(runId, stepId: "1.2") == ["reused"])
        #expect(client.stepStatuses(runId, stepId: "1.3") == ["started", "completed"])
        #expect(models.calls("planner") == 1)
        #expect(models.calls("left") == 1)
        #expect(models.calls("right") == 2)
        // The sub-agent that ran again got the line of the plan it got the first time.
        let bodies = server.requests.compactMap { try? JSONValue.parse($0.bodyText) }
        let inputs = bodies.filter { $0["model"] == "right" }.map { $0["messages"]?.arrayValue?.last?["content"] }
        #expect(inputs == ["b", "b"])
    }
}
