import AgentCore
import AgentService
import AgentStore
import Foundation
import JSONCore
import JSONRPC
import Testing

// The run store as a client sees it, in process: `agent/start` and `workflow/start`, `run/status`,
// `run/get`, `run/list`, `run/events` (pages and follow), `run/delete`, `run/cancel` of a run whose process
// is gone, and sessions across a restart. Most tests run on a SQLite file and on the memory store.

// MARK: Support shared with StoreProcessTests

/// A temporary directory, removed with everything in it when released.
final class StoreTestDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("agentwire-store-tests-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Every file below the directory, as paths relative to it.
    func files() -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: url.path)
        var files: [String] = []
        while let next = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path(next), isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(next)
            }
        }
        return files.sorted()
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

enum RunStoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, memory

    var testDescription: String { rawValue }

    /// A new store: a SQLite file in `directory`, or memory.
    func open(in directory: StoreTestDirectory, file: String = "runs.sqlite") throws -> any RunStore {
        switch self {
        case .sqlite: try SQLiteRunStore(path: directory.path(file))
        case .memory: MemoryRunStore()
        }
    }
}

/// SplitMix64: random test inputs that a seed reproduces.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension TestClient {
    /// Sends a request and requires a result.
    func storeResult(
        _ method: String,
        _ params: JSONValue,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JSONValue {
        let reply = try await request(method, params)
        return try #require(reply["result"], "\(method): \(reply.jsonString)", sourceLocation: sourceLocation)
    }

    /// Sends a request and requires an error with `code`; returns the error object.
    @discardableResult
    func storeError(
        _ method: String,
        _ params: JSONValue,
        code: Int64,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JSONValue {
        let reply = try await request(method, params)
        let error = try #require(reply["error"], "\(method): \(reply.jsonString)", sourceLocation: sourceLocation)
        #expect(error["code"] == .integer(code), "\(method): \(reply.jsonString)", sourceLocation: sourceLocation)
        return error
    }

    /// `agent/start` (or `workflow/start` with `workflow:`); returns the run id and where its reply is.
    func startDetached(
        _ params: JSONValue,
        method: String = "agent/start",
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> (runId: String, replyIndex: Int) {
        let reply = try await response(to: sendRequest(method, params))
        let runId = try #require(
            reply.message["result", "runId"]?.stringValue,
            "\(reply.message.jsonString)",
            sourceLocation: sourceLocation
        )
        #expect(reply.message["result"] == ["runId": .string(runId)], sourceLocation: sourceLocation)
        return (runId, reply.index)
    }

    /// Polls `run/status` until `done` accepts the status; returns that reply.
    func awaitRunStatus(
        _ runId: String,
        timeout: Duration = .seconds(60),
        until done: (String) -> Bool = { $0 != "running" }
    ) async throws -> ReceivedMessage {
        let deadline = ContinuousClock.now + timeout
        while true {
            let reply = try await response(to: sendRequest("run/status", ["runId": .string(runId)]))
            if let status = reply.message["result", "status"]?.stringValue, done(status) { return reply }
            if reply.message["result"] == nil { throw TestClientError.closed(waitingFor: reply.message.jsonString) }
            if ContinuousClock.now > deadline { throw TestClientError.timeout(received: messages.count) }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// A whole `run/events` listing after `afterSeq`, one page of up to 10000.
    func storedEvents(_ runId: String, afterSeq: Int = 0) async throws -> [JSONValue] {
        let page = try await storeResult(
            "run/events",
            ["runId": .string(runId), "afterSeq": .int(afterSeq), "limit": 10_000]
        )
        #expect(page["hasMore"] == false)
        return page["events"]?.arrayValue ?? []
    }

    /// What the server wrote, one line per message (newline-delimited framing), read once traffic is over.
    var rawLines: [[UInt8]] {
        rawBytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).map(Array.init)
    }
}

extension [JSONValue] {
    /// The `seq` member of each element (events of `run/events`, or notification params).
    var seqs: [Int64] { compactMap { $0["seq"]?.integerValue } }
}

/// `seq`s from `first` through `last` (empty when `first > last`).
func seqRange(_ first: Int64, _ last: Int64) -> [Int64] { first <= last ? Array(first...last) : [] }

/// `seq`s as short text: runs of consecutive ones as `a…b`, e.g. `[1…4, 7, 9…12]`.
func describeSeqs(_ seqs: [Int64]) -> String {
    var parts: [String] = []
    var index = 0
    while index < seqs.count {
        var end = index
        while end + 1 < seqs.count && seqs[end + 1] == seqs[end] + 1 { end += 1 }
        parts.append(end == index ? "\(seqs[index])" : "\(seqs[index])…\(seqs[end])")
        index = end + 1
    }
    return "[" + parts.joined(separator: ", ") + "]"
}

/// The raw `params` bytes of a notification line the server wrote: `{"jsonrpc":"2.0","method":M,"params":P}`.
func rawParams(ofNotificationLine line: [UInt8]) -> [UInt8]? {
    let marker = Array(#","params":"#.utf8)
    guard let start = firstIndex(of: marker, in: line, from: 0), line.last == UInt8(ascii: "}") else { return nil }
    return Array(line[(start + marker.count)..<(line.count - 1)])
}

/// Where `needle` first occurs in `haystack` at or after `from`.
func firstIndex(of needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
    guard !needle.isEmpty, haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
    var i = from
    while i <= haystack.count - needle.count {
        if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
        i += 1
    }
    return nil
}

/// Checks that `events` (from `run/events`) are the run's live notifications with the same `seq`s, member for
/// member, and that the reply at `replyLine` holds each of them byte for byte as the notification was written.
func expectEventsMatchLive(
    _ events: [JSONValue],
    live: [ReceivedMessage],
    liveLines: [[UInt8]],
    replyLine: [UInt8]?,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let liveBySeq = Dictionary(
        live.compactMap { note in note.message["params", "seq"]?.integerValue.map { ($0, note) } },
        uniquingKeysWith: { first, _ in first }
    )
    var searchFrom = 0
    for event in events {
        guard let seq = event["seq"]?.integerValue, let note = liveBySeq[seq] else {
            Issue.record("event \(event.jsonString) was not sent live", sourceLocation: sourceLocation)
            continue
        }
        #expect(event["method"] == note.message["method"], sourceLocation: sourceLocation)
        #expect(event["params"] == note.message["params"], "seq \(seq)", sourceLocation: sourceLocation)
        #expect(event.objectValue?.keys == ["seq", "method", "params"], sourceLocation: sourceLocation)
        guard let replyLine, note.index < liveLines.count,
            let params = rawParams(ofNotificationLine: liveLines[note.index]),
            let method = note.message["method"]?.stringValue
        else { continue }
        let expected = Array(#"{"seq":\#(seq),"method":"\#(method)","params":"#.utf8) + params + [UInt8(ascii: "}")]
        if let found = firstIndex(of: expected, in: replyLine, from: searchFrom) {
            searchFrom = found + expected.count
        } else {
            Issue.record(
                "seq \(seq): the reply does not hold the bytes sent live, in order: \(String(decoding: expected, as: UTF8.self))",
                sourceLocation: sourceLocation
            )
        }
    }
}

/// The built-in agents, `slow` (echo, `delayMs` per token), and `slow-history`.
func storeTestConfig(delayMs: Int = 20) throws -> AgentConfig {
    try .mergedOverBuiltIns(
        """
        {"agents": {
            "slow": {"provider": {"type": "echo", "delayMs": \(delayMs)}},
            "slow-history": {"provider": {"type": "echo", "delayMs": \(delayMs), "history": true}}
        }}
        """,
        file: "store-tests.json"
    )
}

// MARK: Tests

@Suite struct RunStoreServiceTests {
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
        #expect(status["usage"] == ["outputTokens": 20])
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
        #expect(status["usage"] == ["outputTokens": 3])

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
        let badCursor = try await client.storeError("run/list", ["cursor": "not a cursor"], code: -32603)
        #expect(badCursor["data", "detail"]?.stringValue != nil)

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
        for method in ["run/status", "run/get", "run/events", "run/delete"] {
            let error = try await client.storeError(method, ["runId": .string(done)], code: -32001)
            #expect(error["data", "runId"] == .string(done), "\(method)")
        }
        let follow = try await client.storeError(
            "run/events",
            ["runId": .string(done), "follow": true],
            code: -32001
        )
        #expect(follow["data", "runId"] == .string(done))
        #expect(try await client.storeResult("run/cancel", ["runId": .string(done)]) == ["cancelled": false])
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
        for method in ["run/status", "run/get", "run/events", "run/delete"] {
            let error = try await client.storeError(method, ["runId": .string(unknown)], code: -32001)
            #expect(error["data", "runId"] == .string(unknown), "\(method)")
            // Positional params work too.
            let positional = try await client.storeError(method, [.string(unknown)], code: -32001)
            #expect(positional["data", "runId"] == .string(unknown), "\(method)")
            let missing = try await client.storeError(method, [:], code: -32602)
            #expect(missing["data", "field"] == "params.runId", "\(method)")
        }
        #expect(try await client.storeResult("run/cancel", ["runId": .string(unknown)]) == ["cancelled": false])

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

    // MARK: run/events pages

    @Test(arguments: RunStoreKind.allCases)
    func eventPagesAreTheLiveNotificationsAfterAfterSeq(kind: RunStoreKind) async throws {
        let directory = try StoreTestDirectory()
        let client = TestClient(store: try kind.open(in: directory))
        let words = 40
        let (_, runId) = try await client.requestRun(
            "agent/run",
            ["agent": "echo-thinking", "input": .string(.numberedWords(words))]
        )
        let live = client.runNotifications(runId)
        let total = Int64(words + 4)  // started, step, thinking, tokens, step
        #expect(live.map { $0.message["params", "seq"]?.integerValue ?? 0 } == seqRange(1, total))

        // All of them, byte for byte as sent.
        let replyId = client.sendRequest("run/events", ["runId": .string(runId), "limit": 10_000])
        let reply = try await client.response(to: replyId)
        let page = try #require(reply.message["result"], "\(reply.message.jsonString)")
        let lines = client.rawLines
        try #require(lines.count >= reply.index + 1)
        let events = page["events"]?.arrayValue ?? []
        #expect(events.seqs == seqRange(1, total))
        expectEventsMatchLive(events, live: live, liveLines: lines, replyLine: lines[reply.index])
        #expect(page["lastSeq"] == .int(total))
        #expect(page["hasMore"] == false)
        #expect(page["status"] == "completed")
        #expect(page.objectValue?.keys == ["runId", "events", "lastSeq", "hasMore", "status"])

        // After any afterSeq: exactly the later ones. Positional [runId, afterSeq] too.
        var random = SeededGenerator(seed: 42)
        let afterSeqs: [Int64] =
            [0, 1, total - 1, total, total + 10] + (0..<8).map { _ in .random(in: 0...total, using: &random) }
        for afterSeq in afterSeqs {
            let page = try await client.storeResult(
                "run/events",
                ["runId": .string(runId), "afterSeq": .int(afterSeq)]
            )
            let events = page["events"]?.arrayValue ?? []
            #expect(events.seqs == seqRange(afterSeq + 1, total), "afterSeq \(afterSeq)")
            expectEventsMatchLive(events, live: live, liveLines: lines, replyLine: nil)
            #expect(page["lastSeq"] == .int(afterSeq < total ? total : afterSeq))
            #expect(page["hasMore"] == false)
            let positional = try await client.storeResult("run/events", [.string(runId), .int(afterSeq)])
            #expect(positional["events"] == page["events"])
        }

        // Pages of `limit`, continued from lastSeq while hasMore.
        for limit in [1, 3, 7, Int(total) - 1, Int(total), Int(total) + 1] {
            var afterSeq: Int64 = 0
            var seen: [JSONValue] = []
            var pages = 0
            while pages < 1000 {
                let page = try await client.storeResult(
                    "run/events",
                    ["runId": .string(runId), "afterSeq": .int(afterSeq), "limit": .int(limit)]
                )
                let events = page["events"]?.arrayValue ?? []
                #expect(events.count <= limit)
                seen += events
                afterSeq = page["lastSeq"]?.integerValue ?? -1
                pages += 1
                if page["hasMore"] != true { break }
                #expect(events.count == limit, "a page with more after it is full")
            }
            #expect(seen == events, "limit \(limit)")
            #expect(pages == (Int(total) + limit - 1) / limit, "limit \(limit)")
        }
    }

    @Test(arguments: RunStoreKind.allCases)
    func everyEventIsKeptWhateverTheStreamOptions(kind: RunStoreKind) async throws {
        let directory = try StoreTestDirectory()
        let client = TestClient(config: try storeTestConfig(delayMs: 2), store: try kind.open(in: directory))
        let input = String.numberedWords(60)

        // Nothing but run/started streamed.
        let (_, quiet) = try await client.requestRun(
            "agent/run",
            [
                "agent": "echo-thinking", "input": .string(input),
                "stream": ["tokens": false, "thinking": false, "steps": false],
            ]
        )
        #expect(client.runNotifications(quiet).count == 1)
        let quietEvents = try await client.storedEvents(quiet)
        #expect(quietEvents.seqs == seqRange(1, 64))
        #expect(quietEvents.filter { $0["method"] == "run/token" }.count == 60)
        #expect(quietEvents.filter { $0["method"] == "run/thinking" }.count == 1)
        #expect(quietEvents.filter { $0["method"] == "run/step" }.count == 2)
        #expect(quietEvents.first?["params"] == client.runNotifications(quiet).first?.message["params"])

        // Tokens merged live, one event per token kept.
        let (_, merged) = try await client.requestRun(
            "agent/run",
            ["agent": "slow", "input": .string(input), "stream": ["tokenCoalesceMs": 15]]
        )
        let liveTokens = client.runNotificationParams(merged, method: "run/token")
        #expect(liveTokens.count < 60)
        let events = try await client.storedEvents(merged)
        #expect(events.seqs == seqRange(1, 63))
        let tokens = events.filter { $0["method"] == "run/token" }
        #expect(tokens.count == 60)
        #expect(tokens.compactMap { $0["params", "text"]?.stringValue }.joined() == input)
        // Each merged notification carries the seq of the last token it merged.
        let tokenSeqs = Set(tokens.compactMap { $0["seq"]?.integerValue })
        #expect(liveTokens.allSatisfy { tokenSeqs.contains($0["seq"]?.integerValue ?? -1) })
    }

    @Test(arguments: RunStoreKind.allCases)
    func eventsOfARunningRunHaveNoGapAndReachWhatWasStreamed(kind: RunStoreKind) async throws {
        let directory = try StoreTestDirectory()
        let client = TestClient(config: try storeTestConfig(delayMs: 5), store: try kind.open(in: directory))
        let (runId, _) = try await client.startDetached(["agent": "slow", "input": .string(.numberedWords(300))])
        var random = SeededGenerator(seed: 7)
        var reads = 0
        var lastCount = 0
        while reads < 12 {
            try await Task.sleep(for: .milliseconds(Int.random(in: 10...120, using: &random)))
            // Everything the client had before asking was recorded, so the events reach at least that far.
            let streamed = client.runSeqs(runId).last ?? 0
            let events = try await client.storedEvents(runId)
            #expect(events.seqs == seqRange(1, Int64(events.count)), "no gap, no duplicate")
            #expect(Int64(events.count) >= streamed)
            #expect(events.count >= lastCount)
            let details = try await client.storeResult("run/get", ["runId": .string(runId)])
            #expect((details["eventCount"]?.integerValue ?? 0) >= Int64(events.count))
            lastCount = events.count
            reads += 1
            if details["status"] != "running" { break }
        }
        _ = try await client.awaitRunStatus(runId)
        let events = try await client.storedEvents(runId)
        #expect(events.seqs == seqRange(1, 303))
        #expect(events.map { $0["params"] } == client.runNotifications(runId).map { $0.message["params"] })
    }

    // MARK: run/events with follow

    enum FollowFrom: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// The client that started the run follows it too: every seq after afterSeq arrives twice.
        case sameClient
        /// A second server on the same SQLite file follows it by reading the store.
        case secondServer
        var testDescription: String { rawValue }
    }

    @Test(arguments: FollowFrom.allCases, [UInt64(1), 2, 3, 4])
    func followAtARandomAfterSeqWhileTheRunStreams(from: FollowFrom, seed: UInt64) async throws {
        var random = SeededGenerator(seed: seed &* 7919)
        let directory = try StoreTestDirectory()
        let config = try storeTestConfig(delayMs: 5)
        let owner = TestClient(config: config, store: try RunStoreKind.sqlite.open(in: directory))
        let follower =
            from == .sameClient ? owner : TestClient(config: config, store: try RunStoreKind.sqlite.open(in: directory))
        let words = 300
        let total = Int64(words + 3)
        let (runId, _) = try await owner.startDetached(["agent": "slow", "input": .string(.numberedWords(words))])
        let streamedFirst = Int.random(in: 0...250, using: &random)
        let afterSeq = Int64.random(in: 0...total, using: &random)
        if streamedFirst > 0 { try await owner.waitForTokens(runId: runId, count: streamedFirst) }

        let start = follower.messages.count
        let followId = follower.sendRequest(
            "run/events",
            ["runId": .string(runId), "afterSeq": .int(afterSeq), "follow": true]
        )
        let reply = try await follower.response(to: followId)
        let context = "\(from), afterSeq \(afterSeq) after \(streamedFirst) tokens"
        #expect(
            reply.message["result"]
                == ["runId": .string(runId), "followed": true, "lastSeq": .int(total), "status": "completed"],
            "\(context): \(reply.message.jsonString)"
        )
        // The outcome was stored before the follow was answered.
        let status = try await follower.storeResult("run/status", ["runId": .string(runId)])
        #expect(status["status"] == "completed", "\(context)")
        #expect(status["live"] == false)

        // Nothing of the run after the reply.
        _ = try await follower.request("ping")
        let notes = follower.runNotifications(runId)
        #expect(notes.allSatisfy { $0.index < reply.index }, "\(context)")
        let ownerLines = owner.rawLines
        let followerLines = from == .sameClient ? ownerLines : follower.rawLines
        let ownerLive: [Int64: [UInt8]]
        let followed: [ReceivedMessage]
        switch from {
        case .secondServer:
            followed = notes.filter { $0.index >= start }
            #expect(followed.count == notes.count, "\(context): notifications before the follow")
            ownerLive = Dictionary(
                owner.runNotifications(runId).compactMap { note in
                    note.message["params", "seq"]?.integerValue.map { ($0, ownerLines[note.index]) }
                },
                uniquingKeysWith: { first, _ in first }
            )
            #expect(ownerLive.count == Int(total))
        case .sameClient:
            // Each seq after afterSeq twice (live and followed), the others once.
            var counts: [Int64: Int] = [:]
            for seq in owner.runSeqs(runId) { counts[seq, default: 0] += 1 }
            let wrong = seqRange(1, total).filter { counts[$0] != ($0 > afterSeq ? 2 : 1) }
            let countsRight = wrong.isEmpty
            #expect(
                countsRight,
                "\(context): seqs seen twice should be those after afterSeq; wrong for \(describeSeqs(wrong))"
            )
            #expect(counts.count == Int(total))
            // Split what came after the request: the live stream goes on from where it was, one by one; the
            // rest is the follow.
            let before = notes.filter { $0.index < start }
            var nextLive = (before.last?.message["params", "seq"]?.integerValue ?? 0) + 1
            var live: [Int64: [UInt8]] = [:]
            for note in before { live[note.message["params", "seq"]!.integerValue!] = ownerLines[note.index] }
            var follow: [ReceivedMessage] = []
            for note in notes where note.index >= start {
                let seq = note.message["params", "seq"]?.integerValue ?? -1
                if seq == nextLive {
                    live[seq] = ownerLines[note.index]
                    nextLive += 1
                } else {
                    follow.append(note)
                }
            }
            #expect(nextLive == total + 1, "\(context): the live stream is complete")
            ownerLive = live
            followed = follow
        }
        let seqs = followed.map { $0.message["params", "seq"]?.integerValue ?? -1 }
        let followedRight = seqs == seqRange(afterSeq + 1, total)
        #expect(
            followedRight,
            "\(context): the follow sent \(describeSeqs(seqs)), expected \(describeSeqs(seqRange(afterSeq + 1, total)))"
        )
        // Exactly the original notifications, byte for byte.
        for note in followed {
            let seq = note.message["params", "seq"]?.integerValue ?? -1
            #expect(followerLines[note.index] == ownerLive[seq], "\(context): seq \(seq) differs")
        }
    }

    /// The contract: a follow sends the events with `seq` above `afterSeq`, also when `afterSeq` is ahead of
    /// what the run has produced so far (they are then all still to come).
    @Test(arguments: RunStoreKind.allCases)
    func followWithAnAfterSeqAheadOfTheRunSendsOnlyTheLaterEvents(kind: RunStoreKind) async throws {
        let directory = try StoreTestDirectory()
        let client = TestClient(config: try storeTestConfig(delayMs: 5), store: try kind.open(in: directory))
        let (runId, _) = try await client.startDetached(["agent": "slow", "input": .string(.numberedWords(100))])
        try await client.waitForTokens(runId: runId, count: 1)
        let afterSeq: Int64 = 90
        let progress = client.runSeqs(runId).last ?? 0
        let reply = try await client.response(
            to: client.sendRequest("run/events", ["runId": .string(runId), "afterSeq": .int(afterSeq), "follow": true])
        )
        #expect(reply.message["result", "lastSeq"] == 103)
        // The live stream sends each seq once; the follow adds 91…103 and nothing else.
        var counts: [Int64: Int] = [:]
        for seq in client.runSeqs(runId) { counts[seq, default: 0] += 1 }
        let twice = counts.filter { $0.value > 1 }.keys.sorted()
        let onlyLater = twice == seqRange(afterSeq + 1, 103)
        #expect(
            onlyLater,
            "the run was at seq \(progress) when asked; the follow sent \(describeSeqs(twice)), expected \(describeSeqs(seqRange(afterSeq + 1, 103)))"
        )
    }

    /// A memory store is not shared, so only a SQLite file is read by a second server.
    @Test(arguments: [(RunStoreKind.sqlite, false), (.sqlite, true), (.memory, false)])
    func followOfAFinishedRunReplaysThenRepliesAtOnce(kind: RunStoreKind, secondServer: Bool) async throws {
        let directory = try StoreTestDirectory()
        let owner = TestClient(store: try kind.open(in: directory))
        let reader = secondServer ? TestClient(store: try kind.open(in: directory)) : owner
        let (_, runId) = try await owner.requestRun(
            "agent/run",
            ["agent": "echo-thinking", "input": .string(.numberedWords(50))]
        )
        let total: Int64 = 54
        let ownerLive = owner.runNotifications(runId)
        let ownerLines = owner.rawLines
        var random = SeededGenerator(seed: secondServer ? 11 : 12)
        for afterSeq in [0, total - 1, total, total + 3, .random(in: 1..<total, using: &random)] {
            let start = reader.messages.count
            let began = ContinuousClock.now
            let reply = try await reader.response(
                to: reader.sendRequest(
                    "run/events",
                    ["runId": .string(runId), "afterSeq": .int(afterSeq), "follow": true]
                )
            )
            let elapsed = ContinuousClock.now - began
            #expect(elapsed < .seconds(2), "the reply comes right after the replay (took \(elapsed))")
            #expect(
                reply.message["result"]
                    == [
                        "runId": .string(runId), "followed": true, "lastSeq": .int(max(total, afterSeq)),
                        "status": "completed",
                    ],
                "\(reply.message.jsonString)"
            )
            _ = try await reader.request("ping")
            let replayed = reader.runNotifications(runId).filter { $0.index >= start }
            #expect(replayed.allSatisfy { $0.index < reply.index })
            #expect(
                replayed.map { $0.message["params", "seq"]?.integerValue ?? -1 } == seqRange(afterSeq + 1, total),
                "afterSeq \(afterSeq)"
            )
            let lines = reader.rawLines
            for note in replayed {
                let seq = note.message["params", "seq"]?.integerValue ?? -1
                let original = ownerLive.first { $0.message["params", "seq"]?.integerValue == seq }
                #expect(original.map { ownerLines[$0.index] } == lines[note.index], "seq \(seq)")
            }
        }
    }

    /// A follow sent as the run ends must still be answered (the run may end between the server's check that
    /// it is running and the follow's registration).
    @Test func followsSentAsRunsEndAreAllAnswered() async throws {
        let directory = try StoreTestDirectory()
        let client = TestClient(
            config: try storeTestConfig(delayMs: 1),
            store: try RunStoreKind.memory.open(in: directory)
        )
        var random = SeededGenerator(seed: 99)
        var follows: [(RequestID, String)] = []
        for _ in 0..<150 {
            let (runId, _) = try await client.startDetached(
                ["agent": "slow", "input": .string(.numberedWords(Int.random(in: 1...4, using: &random)))])
            follows.append((client.sendRequest("run/events", ["runId": .string(runId), "follow": true]), runId))
        }
        var unanswered: [String] = []
        for (id, runId) in follows {
            do {
                let reply = try await client.response(to: id, timeout: .seconds(10))
                #expect(reply.message["result", "status"] == "completed", "\(reply.message.jsonString)")
            } catch {
                unanswered.append(runId)
            }
        }
        #expect(unanswered.isEmpty, "follows never answered: \(unanswered)")
    }

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
        let (running, _) = try await a.startDetached(["agent": "slow", "input": .string(.numberedWords(100))])
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
        #expect(details["output"] == .string(.numberedWords(100)))
        #expect(details["eventCount"] == 103)
        let events = try await b.storedEvents(running)
        #expect(events.map { $0["params"] } == a.runNotifications(running).map { $0.message["params"] })
    }
}
