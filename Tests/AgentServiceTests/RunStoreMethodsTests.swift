import AgentCore
import AgentService
import AgentStore
import Foundation
import JSONCore
import JSONRPC
import Testing

// The run store as a client sees it, in process: `agent/start` and `workflow/start`, `run/status`, `run/get`,
// `run/list`, `run/delete` and unknown runs. Most tests run on a SQLite file and on the memory store.

@Suite struct RunStoreMethodsTests {
    // MARK: agent/start, workflow/start, run/status, run/get

    @Test(arguments: RunStoreKind.allCases)
    func agentStartAnswersFirstAndTheRunIsKept(kind: RunStoreKind) async throws {
        let directory = try StoreTestDirectory()
        let client = TestClient(config: try storeTestConfig(delayMs: 20), store: try kind.open(in: directory))
        let input = String.numberedWords(20)
        let (runId, replyIndex) = try await client.startDetached(["agent": "slow", "input": .string(input)])

        // In the store before the reply, running and live.
        let running = try await client.storeResult("run/status", ["runId": .string(runId)])
        #expect(running["status"] == "running", "\(running.jsonString)")
        #expect(running["live"] == true)
        #expect(running["kind"] == "agent")
        #expect(running["agent"] == "slow")
        #expect(running["usage"] == ["outputTokens": 0])
        #expect(running.objectValue?.keys == ["runId", "kind", "agent", "status", "live", "startedAt", "usage"])
        let runningDetails = try await client.storeResult("run/get", ["runId": .string(runId)])
        #expect(runningDetails["output"] == .null)
        #expect(runningDetails["input"] == .string(input))

        let done = try await client.awaitRunStatus(runId)
        let status = done.message["result"]!
        #expect(status["status"] == "completed")
        #expect(status["live"] == false)
        #expect(status["usage"] == ["outputTokens": 20, "modelCalls": 1, "source": "counted"])
        #expect((status["durationMs"]?.integerValue ?? -1) >= 0)
        #expect(
            status.objectValue?.keys
                == ["runId", "kind", "agent", "status", "live", "startedAt", "endedAt", "durationMs", "usage"]
        )

        // Every notification came after the reply and before the completed status was read.
        let notes = client.runNotifications(runId)
        #expect(notes.count == 23)  // started, step started, 20 tokens, step completed
        #expect(notes.allSatisfy { $0.index > replyIndex && $0.index < done.index })
        #expect(notes.first?.message["method"] == "run/started")
        #expect(notes.map { $0.message["params", "seq"]?.integerValue ?? 0 } == seqRange(1, 23))

        let details = try await client.storeResult("run/get", ["runId": .string(runId)])
        #expect(details["input"] == .string(input))
        #expect(details["output"] == .string(input))
        #expect(details["status"] == "completed")
        #expect(details["eventCount"] == 23)
        var lastStep = try #require(client.runNotificationParams(runId, method: "run/step").last?.objectValue)
        lastStep["runId"] = nil
        lastStep["seq"] = nil
        #expect(details["steps"] == [.object(lastStep)])
        #expect(details["steps"]?.arrayValue?.first?["status"] == "completed")
        #expect(
            details.objectValue?.keys == [
                "runId", "kind", "agent", "status", "live", "startedAt", "endedAt", "durationMs", "usage", "input",
                "output", "steps", "eventCount",
            ]
        )
        // run/status and run/get agree on the members they share.
        for key in ["runId", "kind", "agent", "status", "live", "startedAt", "endedAt", "durationMs", "usage"] {
            #expect(details[key] == status[key], "\(key)")
        }
    }

    @Test(arguments: RunStoreKind.allCases)
    func workflowStartAnswersFirstAndTheRunIsKept(kind: RunStoreKind) async throws {
        let directory = try StoreTestDirectory()
        let client = TestClient(store: try kind.open(in: directory))
        let (runId, replyIndex) = try await client.startDetached(
            ["workflow": "pipeline", "input": "draft"],
            method: "workflow/start"
        )
        let done = try await client.awaitRunStatus(runId)
        let status = done.message["result"]!
        #expect(status["status"] == "completed")
        #expect(status["kind"] == "workflow")
        #expect(status["workflow"] == "pipeline")
        #expect(status["strategy"] == "sequential")
        #expect(status["agent"] == nil)
        #expect(status["usage"] == ["outputTokens": 3, "modelCalls": 2, "source": "counted"])

        let notes = client.runNotifications(runId)
        #expect(!notes.isEmpty)
        #expect(notes.allSatisfy { $0.index > replyIndex && $0.index < done.index })
        #expect(notes.first?.message["params", "workflow"] == "pipeline")

        let details = try await client.storeResult("run/get", ["runId": .string(runId)])
        #expect(details["input"] == "draft")
        #expect(details["output"] == "reviewed: draft")
        let steps = details["steps"]?.arrayValue ?? []
        #expect(steps.map { $0["stepId"] } == ["1", "1.1", "1.2"])
        #expect(steps.allSatisfy { $0["status"] == "completed" })
        #expect(details["eventCount"] == .int(notes.count))
        // The run's events are the notifications that were streamed.
        let events = try await client.storedEvents(runId)
        #expect(events.map { $0["params"] } == notes.map { $0.message["params"] })
    }

    @Test func startErrorsAreAnsweredAndStartNoRun() async throws {
        let directory = try StoreTestDirectory()
        let client = TestClient(store: try RunStoreKind.sqlite.open(in: directory))
        let unknownAgent = try await client.storeError("agent/start", ["agent": "nosuch", "input": "x"], code: -32001)
        #expect(unknownAgent["data", "agent"] == "nosuch")
        let unknownWorkflow = try await client.storeError(
            "workflow/start",
            ["workflow": "nosuch", "input": "x"],
            code: -32001
        )
        #expect(unknownWorkflow["data", "workflow"] == "nosuch")
        let missing = try await client.storeError("agent/start", ["agent": "echo"], code: -32602)
        #expect(missing["data", "field"] == "params.input")
        let list = try await client.storeResult("run/list", [:])
        #expect(list["runs"] == [])
    }

    // MARK: run/list

    @Test(arguments: RunStoreKind.allCases)
    func runListFiltersAndPagesWithoutRepeatsOrGaps(kind: RunStoreKind) async throws {
        let directory = try StoreTestDirectory()
        let client = TestClient(config: try storeTestConfig(delayMs: 20), store: try kind.open(in: directory))
        var created: [String] = []  // oldest first
        var echo: [String] = []
        var history: [String] = []
        var pipeline: [String] = []
        var fanout: [String] = []
        func run(_ method: String, _ params: JSONValue) async throws -> String {
            let (_, runId) = try await client.requestRun(method, params)
            created.append(runId)
            return runId
        }
        for i in 0..<6 { echo.append(try await run("agent/run", ["agent": "echo", "input": .string("echo \(i)")])) }
        pipeline.append(try await run("workflow/run", ["workflow": "pipeline", "input": "p0"]))
        for i in 0..<3 {
            history.append(try await run("agent/run", ["agent": "echo-history", "input": .string("h \(i)")]))
        }
        fanout.append(try await run("workflow/run", ["workflow": "fanout", "input": "f0"]))
        pipeline.append(try await run("workflow/run", ["workflow": "pipeline", "input": "p1"]))
        let coordinator = try await run("coordinator/sequential", ["steps": [["agent": "echo"]], "input": "c"])
        fanout.append(try await run("workflow/run", ["workflow": "fanout", "input": "f1"]))
        // A failed run (timed out) and a cancelled one.
        let failedReply = try await client.request(
            "agent/run",
            ["agent": "slow", "input": .string(.numberedWords(100)), "timeoutMs": 60]
        )
        #expect(failedReply["error", "code"] == -32005, "\(failedReply.jsonString)")
        let failed = try #require(failedReply["error", "data", "runId"]?.stringValue)
        created.append(failed)
        let mark = client.messages.count
        let cancelId = client.sendRequest("agent/run", ["agent": "slow", "input": .string(.numberedWords(100))])
        let (_, cancelled) = try await client.waitForRunStarted(from: mark)
        created.append(cancelled)
        try await client.waitForTokens(runId: cancelled, count: 2)
        #expect(try await client.storeResult("run/cancel", ["runId": .string(cancelled)]) == ["cancelled": true])
        let cancelledReply = try await client.response(to: cancelId)
        #expect(cancelledReply.message["result", "stopReason"] == "cancelled")
        // One still running.
        let (running, _) = try await client.startDetached(["agent": "slow", "input": .string(.numberedWords(2000))])
        created.append(running)

        func list(_ params: JSONObject) async throws -> [String] {
            var all: [String] = []
            var cursor: JSONValue? = nil
            var pages = 0
            repeat {
                var query = params
                if let cursor { query["cursor"] = cursor }
                let page = try await client.storeResult("run/list", .object(query))
                let runs = page["runs"]?.arrayValue ?? []
                let limit = params["limit"]?.integerValue ?? 50
                cursor = page["nextCursor"]
                #expect(runs.count <= Int(limit))
                if cursor != nil { #expect(runs.count == Int(limit), "a page with a next cursor is full") }
                all += runs.compactMap { $0["runId"]?.stringValue }
                pages += 1
            } while cursor != nil && pages < 1000
            return all
        }

        let newestFirst = Array(created.reversed())
        #expect(try await list([:]) == newestFirst)
        #expect(try await list(["limit": 500]) == newestFirst)
        // Every entry is a run/status.
        let page = try await client.storeResult("run/list", ["limit": 500])
        for entry in page["runs"]?.arrayValue ?? [] {
            let status = try await client.storeResult("run/status", ["runId": entry["runId"] ?? .null])
            #expect(entry == status, "\(entry.jsonString)")
        }

        // Filters, alone and together.
        #expect(try await list(["status": "failed"]) == [failed])
        #expect(try await list(["status": "cancelled"]) == [cancelled])
        #expect(try await list(["status": "running"]) == [running])
        #expect(try await list(["status": "interrupted"]) == [])
        let finished = Set([failed, cancelled, running])
        #expect(try await list(["status": "completed"]) == newestFirst.filter { !finished.contains($0) })
        #expect(try await list(["agent": "echo"]) == echo.reversed())
        #expect(try await list(["agent": "echo-history"]) == history.reversed())
        #expect(try await list(["agent": "slow"]) == [running, cancelled, failed])
        #expect(try await list(["agent": "slow", "status": "completed"]) == [])
        #expect(try await list(["workflow": "pipeline"]) == pipeline.reversed())
        #expect(try await list(["workflow": "fanout", "status": "completed"]) == fanout.reversed())
        #expect(try await list(["workflow": "sequential"]) == [coordinator])
        #expect(try await list(["agent": "nosuch"]) == [])
        #expect(try await list(["agent": "echo", "workflow": "pipeline"]) == [])

        // Pages of every size give the same listing.
        for limit in [1, 2, 3, 5, 7, 16, 17] {
            #expect(try await list(["limit": .int(limit)]) == newestFirst, "limit \(limit)")
            #expect(try await list(["limit": .int(limit), "agent": "echo"]) == echo.reversed(), "limit \(limit)")
            #expect(
                try await list(["limit": .int(limit), "status": "completed"])
                    == newestFirst.filter { !finished.contains($0) },
                "limit \(limit)"
            )
        }

        // Runs added and deleted between pages: no repeat, no gap; new runs belong before the first page.
        let first = try await client.storeResult("run/list", ["limit": 4])
        #expect(first["runs"]?.arrayValue?.compactMap { $0["runId"]?.stringValue } == Array(newestFirst.prefix(4)))
        let added = try await run("agent/run", ["agent": "echo", "input": "late"])
        let deleted = newestFirst[6]
        #expect(try await client.storeResult("run/delete", ["runId": .string(deleted)]) == ["deleted": true])
        var rest: [String] = []
        var cursor = first["nextCursor"]
        while let next = cursor, next != .null {
            let page = try await client.storeResult("run/list", ["limit": 4, "cursor": next])
            rest += page["runs"]?.arrayValue?.compactMap { $0["runId"]?.stringValue } ?? []
            cursor = page["nextCursor"]
        }
        #expect(rest == newestFirst.dropFirst(4).filter { $0 != deleted })
        #expect(!rest.contains(added))
        #expect(try await list([:]).first == added)

        // Bad params.
        let badStatus = try await client.storeError("run/list", ["status": "done"], code: -32602)
        #expect(badStatus["data", "field"] == "params.status")
        for limit: JSONValue in [0, 501, "5", 2.5] {
            let error = try await client.storeError("run/list", ["limit": limit], code: -32602)
            #expect(error["data", "field"] == "params.limit")
        }
        for key in ["agent", "workflow", "cursor"] {
            let error = try await client.storeError("run/list", [key: 5], code: -32602)
            #expect(error["data", "field"] == .string("params.\(key)"))
        }
        let badCursor = try await client.storeError("run/list", ["cursor": "not a cursor"], code: -32602)
        #expect(badCursor["data", "field"] == "params.cursor")
        #expect(badCursor["data", "detail"]?.stringValue?.contains("nextCursor") == true)

        #expect(try await client.storeResult("run/cancel", ["runId": .string(running)]) == ["cancelled": true])
        _ = try await client.awaitRunStatus(running)
    }

    // MARK: run/delete and unknown runs

    @Test(arguments: RunStoreKind.allCases)
    func deleteRemovesAFinishedRunAndRefusesARunningOne(kind: RunStoreKind) async throws {
        let directory = try StoreTestDirectory()
        let client = TestClient(config: try storeTestConfig(delayMs: 20), store: try kind.open(in: directory))
        let (_, done) = try await client.requestRun("agent/run", ["agent": "echo", "input": "a b c"])
        let (running, _) = try await client.startDetached(["agent": "slow", "input": .string(.numberedWords(500))])

        let refused = try await client.storeError("run/delete", ["runId": .string(running)], code: -32602)
        #expect(refused["data", "field"] == "params.runId")
        #expect(try await client.storeResult("run/status", ["runId": .string(running)])["status"] == "running")

        #expect(try await client.storeResult("run/delete", ["runId": .string(done)]) == ["deleted": true])
        for method in ["run/status", "run/get", "run/events", "run/delete", "run/cancel"] {
            let error = try await client.storeError(method, ["runId": .string(done)], code: -32001)
            #expect(error["data", "runId"] == .string(done), "\(method)")
        }
        let follow = try await client.storeError(
            "run/events",
            ["runId": .string(done), "follow": true],
            code: -32001
        )
        #expect(follow["data", "runId"] == .string(done))
        _ = try await client.storeError("run/cancel", ["runId": .string(done)], code: -32001)
        #expect(try await client.storeResult("run/list", [:])["runs"]?.arrayValue?.count == 1)

        // Once cancelled, the running one can be deleted too.
        #expect(try await client.storeResult("run/cancel", ["runId": .string(running)]) == ["cancelled": true])
        #expect(try await client.awaitRunStatus(running).message["result", "status"] == "cancelled")
        #expect(try await client.storeResult("run/delete", ["runId": .string(running)]) == ["deleted": true])
        #expect(try await client.storeResult("run/list", [:])["runs"] == [])
    }

    @Test func unknownRunsAreNotFoundAndBadParamsNameTheField() async throws {
        let directory = try StoreTestDirectory()
        let client = TestClient(store: try RunStoreKind.sqlite.open(in: directory))
        let unknown = "run_0000000000000000"
        for method in ["run/status", "run/get", "run/events", "run/delete", "run/cancel"] {
            let error = try await client.storeError(method, ["runId": .string(unknown)], code: -32001)
            #expect(error["data", "runId"] == .string(unknown), "\(method)")
            // Positional params work too.
            let positional = try await client.storeError(method, [.string(unknown)], code: -32001)
            #expect(positional["data", "runId"] == .string(unknown), "\(method)")
            let missing = try await client.storeError(method, [:], code: -32602)
            #expect(missing["data", "field"] == "params.runId", "\(method)")
        }

        let (_, runId) = try await client.requestRun("agent/run", ["agent": "echo", "input": "a b"])
        let cases: [(JSONValue, String)] = [
            (["afterSeq": -1], "params.afterSeq"), (["afterSeq": "1"], "params.afterSeq"),
            (["limit": 0], "params.limit"), (["limit": 10_001], "params.limit"), (["follow": "yes"], "params.follow"),
        ]
        for (extra, field) in cases {
            var params = extra.objectValue!
            params["runId"] = .string(runId)
            let error = try await client.storeError("run/events", .object(params), code: -32602)
            #expect(error["data", "field"] == .string(field), "\(extra.jsonString)")
        }
    }
}
