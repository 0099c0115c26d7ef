import AgentCore
import AgentService
import AgentStore
import Foundation
import JSONCore
import JSONRPC
import Testing

// The run store beyond one server, in process: runs left by a process that is gone (`run/cancel` and follow),
// sessions across a restart, and two servers on one SQLite file.

@Suite struct RunStoreAcrossProcessesTests {
    // MARK: Runs of a process that is gone

    @Test func aRunLeftByAGoneProcessIsInterruptedByCancelAndByFollow() async throws {
        let directory = try StoreTestDirectory()
        let store = try SQLiteRunStore(path: directory.path("runs.sqlite"))
        let gone = RunOwner(pid: Int32.max, instance: "gone")  // above any pid_max: no such process
        for id in ["run_gone000000000001", "run_gone000000000002"] {
            try store.insertRun(
                StoredRun(id: id, kind: "agent", name: "echo", agent: "echo", input: "left behind", owner: gone)
            )
        }
        let client = TestClient(store: store)
        let status = try await client.storeResult("run/status", ["runId": "run_gone000000000001"])
        #expect(status["status"] == "running")
        #expect(status["live"] == false)
        let refused = try await client.storeError("run/delete", ["runId": "run_gone000000000001"], code: -32602)
        #expect(refused["data", "field"] == "params.runId")

        #expect(
            try await client.storeResult("run/cancel", ["runId": "run_gone000000000001"])
                == ["cancelled": true, "status": "interrupted"]
        )
        let interrupted = try await client.storeResult("run/get", ["runId": "run_gone000000000001"])
        #expect(interrupted["status"] == "interrupted")
        #expect(interrupted["output"] == .null)
        #expect(interrupted["endedAt"] != nil)
        #expect(interrupted["eventCount"] == 0)
        #expect(try await client.storeResult("run/cancel", ["runId": "run_gone000000000001"]) == ["cancelled": false])

        // Every run of the gone process was marked: a follow of the other ends at once.
        let follow = try await client.storeResult("run/events", ["runId": "run_gone000000000002", "follow": true])
        #expect(
            follow == ["runId": "run_gone000000000002", "followed": true, "lastSeq": 0, "status": "interrupted"]
        )
        #expect(try await client.storeResult("run/delete", ["runId": "run_gone000000000001"]) == ["deleted": true])
    }

    @Test func followOfARunWhoseProcessIsGoneEndsInterrupted() async throws {
        let directory = try StoreTestDirectory()
        let store = try SQLiteRunStore(path: directory.path("runs.sqlite"))
        try store.insertRun(
            StoredRun(
                id: "run_gone000000000003",
                kind: "agent",
                name: "echo",
                agent: "echo",
                input: "x",
                owner: RunOwner(pid: Int32.max, instance: "gone")
            )
        )
        let client = TestClient(store: store)
        let reply = try await client.storeResult(
            "run/events",
            ["runId": "run_gone000000000003", "afterSeq": 5, "follow": true]
        )
        #expect(reply == ["runId": "run_gone000000000003", "followed": true, "lastSeq": 5, "status": "interrupted"])
        #expect(client.runNotifications("run_gone000000000003").isEmpty)
    }

    // MARK: Sessions

    @Test func sessionsSurviveARestartOnTheSameFile() async throws {
        let directory = try StoreTestDirectory()
        let first = TestClient(store: try RunStoreKind.sqlite.open(in: directory))
        let created = try await first.storeResult("session/new", ["agent": "echo-history"])
        let sessionId = try #require(created["sessionId"]?.stringValue)
        let turn = try await first.storeResult(
            "session/prompt",
            ["sessionId": .string(sessionId), "input": "first question"]
        )
        #expect(turn["output"] == "first question")
        let firstRun = try #require(turn["runId"]?.stringValue)
        first.closeInput()
        #expect(try await first.waitForExit() == 0)

        let second = TestClient(store: try RunStoreKind.sqlite.open(in: directory))
        let next = try await second.storeResult(
            "session/prompt",
            ["sessionId": .string(sessionId), "input": "second question"]
        )
        #expect(next["output"] == "first question\nsecond question")
        #expect(next["agent"] == "echo-history")
        let third = try await second.storeResult("session/prompt", ["sessionId": .string(sessionId), "input": "third"])
        #expect(third["output"] == "first question\nsecond question\nthird")

        // Both turns are runs of the store, kind session, with their session.
        let firstDetails = try await second.storeResult("run/get", ["runId": .string(firstRun)])
        #expect(firstDetails["kind"] == "session")
        #expect(firstDetails["sessionId"] == .string(sessionId))
        #expect(firstDetails["input"] == "first question")
        #expect(firstDetails["live"] == false)
        let sessions = try await second.storeResult("run/list", ["agent": "echo-history"])
        #expect(sessions["runs"]?.arrayValue?.count == 3)

        // Closed in one process, gone for the next.
        #expect(try await second.storeResult("session/close", ["sessionId": .string(sessionId)]) == ["closed": true])
        second.closeInput()
        #expect(try await second.waitForExit() == 0)
        let restarted = TestClient(store: try RunStoreKind.sqlite.open(in: directory))
        let error = try await restarted.storeError(
            "session/prompt",
            ["sessionId": .string(sessionId), "input": "again"],
            code: -32001
        )
        #expect(error["data", "sessionId"] == .string(sessionId))
    }

    @Test func aMemoryStoreForgetsSessionsWithTheProcess() async throws {
        let first = TestClient(store: MemoryRunStore())
        let created = try await first.storeResult("session/new", ["agent": "echo-history"])
        let sessionId = try #require(created["sessionId"]?.stringValue)
        _ = try await first.storeResult("session/prompt", ["sessionId": .string(sessionId), "input": "hello"])
        let second = TestClient(store: MemoryRunStore())
        try await second.storeError(
            "session/prompt",
            ["sessionId": .string(sessionId), "input": "again"],
            code: -32001
        )
    }

    // MARK: Two servers on one file

    @Test func aSecondServerSeesTheRunsOfTheFirst() async throws {
        let directory = try StoreTestDirectory()
        let config = try storeTestConfig(delayMs: 10)
        let a = TestClient(config: config, store: try RunStoreKind.sqlite.open(in: directory))
        let b = TestClient(config: config, store: try RunStoreKind.sqlite.open(in: directory))
        // Five seconds of tokens: the run is still live when a busy machine gets to the checks below.
        let (running, _) = try await a.startDetached(["agent": "slow", "input": .string(.numberedWords(500))])
        try await a.waitForTokens(runId: running, count: 5)
        let seenByB = try await b.storeResult("run/status", ["runId": .string(running)])
        #expect(seenByB["status"] == "running")
        #expect(seenByB["live"] == false)
        #expect(try await a.storeResult("run/status", ["runId": .string(running)])["live"] == true)
        let listed = try await b.storeResult("run/list", [:])
        #expect(listed["runs"]?.arrayValue?.first?["runId"] == .string(running))
        #expect(listed["runs"]?.arrayValue?.first?["live"] == false)

        _ = try await a.awaitRunStatus(running)
        let details = try await b.storeResult("run/get", ["runId": .string(running)])
        #expect(details["status"] == "completed")
        #expect(details["output"] == .string(.numberedWords(500)))
        #expect(details["eventCount"] == 503)
        let events = try await b.storedEvents(running)
        #expect(events.map { $0["params"] } == a.runNotifications(running).map { $0.message["params"] })
    }
}
