import AgentCore
import AgentService
import AgentStore
import FakeModelServer
import Foundation
import JSONCore
import JSONRPC
import Synchronization
import Testing

// `run/resume`: a failed, cancelled or interrupted run done again from its completed agent calls, in this
// process and in another one after the first was killed with SIGKILL.

/// A model server whose second request fails with HTTP 500 (once); every other request answers
/// `reply N` (N counting requests).
private final class FlakyModel: Sendable {
    let requests = Mutex(0)

    func start() async throws -> FakeModelServer {
        try await FakeModelServer.start { [self] _ in
            let number = requests.withLock { count -> Int in
                count += 1
                return count
            }
            if number == 2 {
                let body = StreamScript.response(
                    status: 500,
                    reason: "Internal Server Error",
                    body: #"{"error":"boom"}"#
                )
                return [.send(Array(body.utf8))]
            }
            let reply = StreamScript.eventStreamHead + StreamScript.reply(["reply ", "\(number)"])
            return [.send(Array(reply.utf8))]
        }
    }
}

private func flakyConfig(_ server: FakeModelServer) throws -> AgentConfig {
    try .mergedOverBuiltIns(
        """
        {
          "agents": {
            "first": {"provider": {"type": "openai", "baseURL": "\(server.baseURL)", "model": "m", "retries": 0}},
            "second": {"provider": {"type": "openai", "baseURL": "\(server.baseURL)", "model": "m", "retries": 0}}
          },
          "workflows": {
            "chain": {"strategy": "sequential", "steps": [{"agent": "first"}, {"agent": "second"}]}
          }
        }
        """,
        file: "resume-tests.json"
    )
}

@Suite struct RunResumeTests {
    @Test func aStepThatFailedWithHTTP500RunsAgainAndTheEarlierOneIsReused() async throws {
        let model = FlakyModel()
        let server = try await model.start()
        defer { Task { await server.stop() } }
        let client = TestClient(config: try flakyConfig(server))
        let failed = try await client.request("workflow/run", ["workflow": "chain", "input": "go"])
        #expect(failed["error", "code"] == -32010, "\(failed.jsonString)")
        let original = try #require(failed["error", "data", "runId"]?.stringValue)
        #expect(model.requests.withLock { $0 } == 2)

        let start = client.messages.count
        let (result, runId) = try await client.requestRun("run/resume", ["runId": .string(original)])
        #expect(runId != original)
        // Step 1.1 was reused: its model was not called again; only 1.2 made a request.
        #expect(model.requests.withLock { $0 } == 3)
        #expect(result["output"] == "reply 3")
        #expect(result["branches"]?.arrayValue?.map { $0["status"] } == ["reused", "completed"])
        #expect(result["branches"]?.arrayValue?.first?["output"] == "reply 1")
        #expect(result["usage", "modelCalls"] == 1)
        let started = client.messages[start...].first { $0["method"] == "run/started" }
        #expect(started?["params", "resumedFrom"] == .string(original))
        let steps = client.runNotificationParams(runId, method: "run/step").map {
            "\($0["stepId"]?.stringValue ?? "") \($0["status"]?.stringValue ?? "")"
        }
        #expect(steps == ["1 started", "1.1 reused", "1.2 started", "1.2 completed", "1 completed"])
        #expect(client.runNotificationParams(runId, method: "run/step").allSatisfy { $0["input"] == nil })

        let info = try await client.storeResult("run/get", ["runId": .string(runId)])
        #expect(info["resumedFrom"] == .string(original))
        #expect(info["status"] == "completed")
        let list = try await client.storeResult("run/list", [:])
        #expect(list["runs"]?.arrayValue?.first?["resumedFrom"] == .string(original))
    }

    @Test func whatCannotBeResumedIsRefusedClearly() async throws {
        let client = TestClient()
        let (_, completed) = try await client.requestRun("agent/run", ["agent": "echo", "input": "done"])
        let refused = try await client.storeError("run/resume", ["runId": .string(completed)], code: -32602)
        #expect(refused["data", "reason"] == "completed")
        #expect(refused["data", "field"] == "params.runId")
        let unknown = try await client.storeError("run/resume", ["runId": "run_nothing"], code: -32001)
        #expect(unknown["data", "runId"] == "run_nothing")

        let (running, _) = try await client.startDetached(["agent": "echo-slow", "input": .string(.numberedWords(200))])
        let busy = try await client.storeError("run/resume", ["runId": .string(running)], code: -32602)
        #expect(busy["data", "reason"] == "running")
        _ = try await client.request("run/cancel", ["runId": .string(running)])

        // A cancelled agent run resumes: its cut step runs again from its start.
        var resumed: JSONValue = .null
        for _ in 0..<100 {
            resumed = try await client.request("run/resume", ["runId": .string(running)])
            if resumed["error", "data", "reason"] != "running" { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(resumed["result", "output"] == .string(.numberedWords(200)), "\(resumed.jsonString.prefix(300))")
        #expect(resumed["result", "agent"] == "echo-slow")
    }

    @Test func aChangedWorkflowIsRefusedUnlessForced() async throws {
        let directory = try StoreTestDirectory()
        let store = try SQLiteRunStore(path: directory.path("runs.sqlite"))
        // `late` times out (each word waits 20 ms, its calls may take 30 ms) until the second config
        // gives it time; the workflow's own timeout changes too, which is what makes it "changed".
        func config(agentTimeout: Int, workflowTimeout: Int) throws -> AgentConfig {
            try .mergedOverBuiltIns(
                #"""
                {"agents": {"late": {"provider": {"type": "echo", "delayMs": 20}, "limits": {"timeoutMs": \#(agentTimeout)}}},
                 "workflows": {"flow": {"strategy": "sequential", "steps": [{"agent": "echo"}, {"agent": "late"}],
                                        "timeoutMs": \#(workflowTimeout)}}}
                """#,
                file: "flow.json"
            )
        }
        let before = TestClient(config: try config(agentTimeout: 30, workflowTimeout: 60_000), store: store)
        let timedOut = try await before.request(
            "workflow/run",
            ["workflow": "flow", "input": .string(.numberedWords(20))]
        )
        #expect(timedOut["error", "code"] == -32005, "\(timedOut.jsonString.prefix(300))")
        let original = try #require(timedOut["error", "data", "runId"]?.stringValue)

        let after = TestClient(config: try config(agentTimeout: 60_000, workflowTimeout: 120_000), store: store)
        // The first server writes the run's end within its flush interval.
        for _ in 0..<200 {
            let status = try await after.storeResult("run/status", ["runId": .string(original)])
            if status["status"] != "running" { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        let refused = try await after.storeError("run/resume", ["runId": .string(original)], code: -32602)
        #expect(refused["data", "reason"] == "definitionChanged")
        let forced = try await after.request("run/resume", ["runId": .string(original), "force": true])
        let branches = forced["result", "branches"]?.arrayValue ?? []
        #expect(branches.map { $0["status"] } == ["reused", "completed"], "\(forced.jsonString.prefix(400))")
    }

    @Test func aCoordinatorRunResumesWithItsOwnDefinitionAndDetached() async throws {
        let client = TestClient()
        let id = client.sendRequest(
            "coordinator/sequential",
            ["input": "x y z", "steps": [["agent": "echo"], ["agent": "echo-slow"]]]
        )
        let (_, original) = try await client.waitForRunStarted()
        try await client.waitFor { $0["method"] == "run/step" && $0["params", "stepId"] == "1.2" }
        _ = try await client.request("run/cancel", ["runId": .string(original)])
        let cancelled = try await client.response(to: id).message
        #expect(cancelled["result", "stopReason"] == "cancelled", "\(cancelled.jsonString)")
        let started = try await client.storeResult(
            "run/resume",
            ["runId": .string(original), "detach": true, "timeoutMs": 60_000]
        )
        let runId = try #require(started["runId"]?.stringValue)
        var info: JSONValue = .null
        for _ in 0..<200 {
            info = try await client.storeResult("run/get", ["runId": .string(runId)])
            if info["status"] != "running" { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        #expect(info["status"] == "completed", "\(info.jsonString.prefix(400))")
        #expect(info["steps"]?.arrayValue?.map { $0["status"] } == ["completed", "reused", "completed"])
        #expect(info["output"] == "x y z")
    }
}

@Suite struct RunResumeAcrossProcessesTests {
    @Test func aRunWhoseProcessWasKilledIsResumedByAnother() async throws {
        let directory = try StoreTestDirectory()
        let configPath = directory.path("config.json")
        try Data(
            #"""
            {"agents": {"slow": {"provider": {"type": "echo", "delayMs": 20}}},
             "workflows": {"long": {"strategy": "sequential", "steps": [{"agent": "echo"}, {"agent": "slow"}]}}}
            """#.utf8
        ).write(to: URL(fileURLWithPath: configPath))
        let store = directory.path("runs.sqlite")
        // 30 s of the slow step: it is still running when a loaded machine gets round to the kill.
        let input = String.numberedWords(1500)

        let doomed = try TestClient(binaryArguments: ["--store", store, "--config", configPath])
        let reply = try await doomed.request("workflow/start", ["workflow": "long", "input": .string(input)])
        let runId = try #require(reply["result", "runId"]?.stringValue, "\(reply.jsonString)")
        // Step 1.1 has completed and the slow step is streaming: wait until the store has that much.
        let other = try TestClient(binaryArguments: ["--store", store, "--config", configPath])
        for _ in 0..<400 {
            let details = try await other.storeResult("run/get", ["runId": .string(runId)])
            let steps = details["steps"]?.arrayValue ?? []
            if steps.contains(where: { $0["stepId"] == "1.2" }) { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        let pid = try #require(doomed.binaryProcessID)
        #expect(kill(pid, SIGKILL) == 0)
        #expect(try await doomed.waitForExit() == 128 + SIGKILL)

        let resumed = try await other.request("run/resume", ["runId": .string(runId)], timeout: .seconds(120))
        let result = try #require(resumed["result"], "\(resumed.jsonString.prefix(400))")
        #expect(result["output"] == .string(input))
        #expect(result["branches"]?.arrayValue?.map { $0["status"] } == ["reused", "completed"])
        let original = try await other.storeResult("run/status", ["runId": .string(runId)])
        #expect(original["status"] == "interrupted")
    }
}
