import AgentCore
import AgentPostgres
import AgentStore
import Foundation
import JSONCore
import Synchronization
import Testing

/// The stores every contract test runs against: PostgreSQL too when the test server is set
/// (`AGENTWIRE_TEST_POSTGRES_URL`); without it, its cases are left out and stderr says so once.
enum StoreKind: String, CustomTestStringConvertible {
    case memory, sqlite, postgres

    static let allCases: [StoreKind] = {
        guard PostgresTestDatabase.url != nil else {
            PostgresTestDatabase.sayWhySkipped("the postgres cases of the store contract tests")
            return [.memory, .sqlite]
        }
        return [.memory, .sqlite, .postgres]
    }()

    var testDescription: String { rawValue }
}

/// A fresh store of one kind; a SQLite store lives in a temporary directory removed at the end, a
/// PostgreSQL store in a database of its own on the test server, dropped at the end.
final class StoreFixture {
    let kind: StoreKind
    let directory: URL
    let path: String
    private let database: PostgresTestDatabase?
    private(set) var store: any RunStore

    init(_ kind: StoreKind) throws {
        self.kind = kind
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "agentwire-store-\(UUID().uuidString)"
        )
        path = directory.appendingPathComponent("runs.sqlite").path
        switch kind {
        case .memory:
            database = nil
            store = MemoryRunStore()
        case .sqlite:
            database = nil
            store = try SQLiteRunStore(path: path)
        case .postgres:
            let database = try PostgresTestDatabase()
            self.database = database
            store = try database.openStore()
        }
    }

    /// The store as the next process sees it: the SQLite file or PostgreSQL connections closed and opened
    /// again; the memory store is the same object (it has nothing to reopen).
    func reopen() throws -> any RunStore {
        switch kind {
        case .memory:
            break
        case .sqlite:
            try (store as? SQLiteRunStore)?.close()
            store = try SQLiteRunStore(path: path)
        case .postgres:
            try store.close()
            store = try database!.openStore()
        }
        return store
    }

    deinit {
        if kind == .postgres { try? store.close() }
        try? FileManager.default.removeItem(at: directory)
    }
}

let base = Date(timeIntervalSince1970: 1_750_000_000)
let ownerA = RunOwner(pid: 101, instance: "instance-a")
let ownerB = RunOwner(pid: 202, instance: "instance-b")

func makeRun(
    _ id: String,
    startedAt: Date = base,
    agent: String? = "echo",
    workflow: String? = nil,
    status: RunStatus = .running,
    endedAt: Date? = nil,
    owner: RunOwner = ownerA
) -> StoredRun {
    StoredRun(
        id: id,
        kind: workflow == nil ? "agent" : "workflow",
        name: workflow ?? agent ?? "?",
        agent: agent,
        workflow: workflow,
        input: "input of \(id)",
        status: status,
        startedAt: startedAt,
        endedAt: endedAt,
        owner: owner
    )
}

/// Batches of `count` events each covering `1...batches * count`, with distinct payloads.
func makeBatches(_ runId: String, batches: Int, eventsPerBatch count: Int, from first: UInt64 = 1) -> [EventBatch] {
    (0..<batches).map { index in
        let firstSeq = first + UInt64(index * count)
        return EventBatch(
            runId: runId,
            firstSeq: firstSeq,
            lastSeq: firstSeq + UInt64(count) - 1,
            payload: Array("\(runId)#\(firstSeq)".utf8)
        )
    }
}

@Suite struct RunStoreContractTests {
    // MARK: Runs

    @Test(arguments: StoreKind.allCases) func insertedRunReadsBackEqual(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        let run = StoredRun(
            id: "run_1",
            kind: "workflow",
            name: "review",
            agent: nil,
            workflow: "review",
            strategy: "sequential",
            sessionId: "ses_1",
            input: "héllo \"world\"\n",
            status: .running,
            output: nil,
            errorCode: nil,
            errorMessage: nil,
            outputTokens: 0,
            startedAt: base.addingTimeInterval(0.123),
            endedAt: nil,
            owner: RunOwner(pid: 4242, instance: "abc-def")
        )
        try store.insertRun(run)
        #expect(try store.run("run_1") == run)
        #expect(try store.run("run_2") == nil)
        #expect(throws: StoreError.self) { try store.insertRun(run) }
    }

    @Test(arguments: StoreKind.allCases) func datesReadBackExactly(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        let dates = [
            Date(), base.addingTimeInterval(0.123_456_789), Date(timeIntervalSinceReferenceDate: 0.1),
            Date(timeIntervalSince1970: 0), Date(timeIntervalSinceReferenceDate: 123_456_789.000_000_1),
        ]
        for (index, date) in dates.enumerated() {
            try store.insertRun(
                makeRun("r\(index)", startedAt: date, status: .completed, endedAt: date.addingTimeInterval(1e-6))
            )
            try store.insertSession(StoredSession(id: "s\(index)", agent: "echo", createdAt: date))
            let run = try #require(try store.run("r\(index)"))
            #expect(run.startedAt == date)
            #expect(run.endedAt == date.addingTimeInterval(1e-6))
            #expect(try store.session("s\(index)")?.createdAt == date)
        }
        // Runs a microsecond apart still list in order.
        #expect(try store.listRuns(RunQuery(limit: 1)).runs.map(\.id) == ["r0"])
    }

    @Test(arguments: StoreKind.allCases) func finishRecordsTheOutcome(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        let run = makeRun("r")
        try store.insertRun(run)
        let ended = base.addingTimeInterval(12.5)
        try store.finishRun(
            "r",
            outcome: RunOutcome(
                status: .failed,
                output: "partial",
                errorCode: -32001,
                errorMessage: "provider down",
                outputTokens: 17,
                endedAt: ended
            )
        )
        var expected = run
        expected.status = .failed
        expected.output = "partial"
        expected.errorCode = -32001
        expected.errorMessage = "provider down"
        expected.outputTokens = 17
        expected.endedAt = ended
        #expect(try store.run("r") == expected)
        try store.finishRun("missing", outcome: RunOutcome(status: .completed, output: "", outputTokens: 0))
        #expect(try store.run("missing") == nil)
    }

    @Test(arguments: StoreKind.allCases) func usageResumptionAndDefinitionReadBackEqual(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        var run = makeRun("wf", workflow: "review")
        run.resumedFrom = "wf-before"
        run.definition = ["strategy": "sequential", "steps": [["agent": "echo", "input": "{{input}}"]], "n": 2]
        try store.insertRun(run)
        #expect(try store.run("wf") == run)

        let usage = Usage(
            inputTokens: 1200,
            outputTokens: 340,
            cachedInputTokens: 100,
            reasoningTokens: 20,
            cost: USD(nanos: 1_234_567),
            modelCalls: 3,
            reported: true,
            model: "gpt-test"
        )
        let outcome = RunOutcome(status: .completed, output: "done", outputTokens: 340, usage: usage, endedAt: base)
        try store.finishRun("wf", outcome: outcome)
        run.apply(outcome)
        #expect(try store.run("wf") == run)
        #expect(try store.listRuns(RunQuery(workflow: "review")).runs == [run])

        // Without a cost or input figures (a provider that reports nothing), and a run that starts and
        // ends in one write.
        var quiet = makeRun("quiet")
        let partial = RunOutcome(
            status: .failed,
            output: "",
            outputTokens: 7,
            usage: Usage(outputTokens: 7, modelCalls: 1),
            endedAt: base.addingTimeInterval(1)
        )
        try store.write(RunChanges(runs: [quiet], outcomes: [("quiet", partial)]))
        quiet.apply(partial)
        #expect(try store.run("quiet") == quiet)
    }

    /// What people and models write comes back as it was, whatever its characters. (U+0000 is not here:
    /// the SQLite store cuts a text there; PostgresRunStoreTests checks the PostgreSQL store keeps it.)
    @Test(arguments: StoreKind.allCases) func everyCharacterOfTheTextsIsKept(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try checkTextsAreKept(
            in: fixture.store,
            "tab\t, newline\n, emoji 🧪, combining e\u{301}, quote ' \" and \\ backslash, \u{7f}\u{1}"
        )
    }

    /// CI promises a PostgreSQL server (`AGENTWIRE_REQUIRE_POSTGRES=1`): then leaving its cases out fails.
    @Test func postgresCasesRunWhenRequired() {
        #expect(
            !PostgresTestDatabase.required || StoreKind.allCases.contains(.postgres),
            "AGENTWIRE_REQUIRE_POSTGRES=1 but AGENTWIRE_TEST_POSTGRES_URL is not set: the PostgreSQL store is untested"
        )
    }

    // MARK: Events

    @Test(arguments: StoreKind.allCases) func batchesReadBackInOrderAfterASeq(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        try store.insertRun(makeRun("a"))
        try store.insertRun(makeRun("b"))
        let a = makeBatches("a", batches: 10, eventsPerBatch: 5)  // 1...50
        let b = makeBatches("b", batches: 4, eventsPerBatch: 1)
        // Several calls, one of them mixing both runs.
        try store.appendEventBatches(Array(a[0..<3]))
        try store.appendEventBatches(Array(a[3..<6]) + Array(b[0..<2]))
        try store.appendEventBatches(Array(a[6...]))
        try store.appendEventBatches(Array(b[2...]))

        #expect(try store.eventBatches(runId: "a", afterSeq: 0, limit: 100) == a)
        #expect(try store.eventBatches(runId: "b", afterSeq: 0, limit: 100) == b)
        // A batch that holds an event after `afterSeq` comes whole.
        #expect(try store.eventBatches(runId: "a", afterSeq: 7, limit: 100) == Array(a[1...]))
        #expect(try store.eventBatches(runId: "a", afterSeq: 10, limit: 100) == Array(a[2...]))
        #expect(try store.eventBatches(runId: "a", afterSeq: 11, limit: 2) == Array(a[2..<4]))
        #expect(try store.eventBatches(runId: "a", afterSeq: 50, limit: 100) == [])
        #expect(try store.eventBatches(runId: "a", afterSeq: .max, limit: 100) == [])
        #expect(try store.eventBatches(runId: "a", afterSeq: 0, limit: 0) == [])
        #expect(try store.eventBatches(runId: "nobody", afterSeq: 0, limit: 100) == [])

        // Following `lastSeq` page by page gives every batch once.
        var read: [EventBatch] = []
        var after: UInt64 = 0
        while true {
            let page = try store.eventBatches(runId: "a", afterSeq: after, limit: 3)
            guard let last = page.last else { break }
            read += page
            after = last.lastSeq
        }
        #expect(read == a)
    }

    @Test(arguments: StoreKind.allCases) func payloadIsKeptByteForByte(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        try store.insertRun(makeRun("r"))
        let batches = [
            EventBatch(runId: "r", firstSeq: 1, lastSeq: 1, payload: []),
            EventBatch(runId: "r", firstSeq: 2, lastSeq: 257, payload: (0...255).map(UInt8.init)),
            EventBatch(runId: "r", firstSeq: 258, lastSeq: 258, payload: [0, 0, 0xff, 0]),
        ]
        try store.appendEventBatches(batches)
        #expect(try store.eventBatches(runId: "r", afterSeq: 0, limit: 10) == batches)
    }

    @Test(arguments: StoreKind.allCases) func aBatchThatIsThereAlreadyIsIgnored(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        try store.insertRun(makeRun("r"))
        let batches = makeBatches("r", batches: 4, eventsPerBatch: 3)
        try store.appendEventBatches(Array(batches[0..<2]))
        // A retried write: the first two again, with a new one.
        try store.appendEventBatches(Array(batches[0..<3]))
        // The same (runId, firstSeq) with another payload keeps the first.
        var changed = batches[1]
        changed.payload = [1, 2, 3]
        try store.appendEventBatches([changed, batches[3]])
        #expect(try store.eventBatches(runId: "r", afterSeq: 0, limit: 10) == batches)
    }

    @Test(arguments: StoreKind.allCases) func batchesOfAnUnknownRunAreIgnored(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        try store.insertRun(makeRun("r"))
        try store.appendEventBatches(
            makeBatches("ghost", batches: 2, eventsPerBatch: 1) + makeBatches("r", batches: 1, eventsPerBatch: 1)
        )
        #expect(try store.eventBatches(runId: "ghost", afterSeq: 0, limit: 10) == [])
        #expect(try store.eventBatches(runId: "r", afterSeq: 0, limit: 10).count == 1)
        try store.appendEventBatches([])
    }

    @Test(arguments: StoreKind.allCases) func concurrentWritersLoseNothing(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        let errors = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            do {
                let runId = "run-\(worker)"
                try store.insertRun(makeRun(runId, startedAt: base.addingTimeInterval(Double(worker))))
                for batch in makeBatches(runId, batches: 50, eventsPerBatch: 10) {
                    try store.appendEventBatches([batch])
                    _ = try store.listRuns(RunQuery(limit: 2))
                }
                try store.finishRun(runId, outcome: RunOutcome(status: .completed, output: "ok", outputTokens: 500))
            } catch {
                errors.withLock { $0.append("worker \(worker): \(error)") }
            }
        }
        #expect(errors.withLock { $0 } == [])
        for worker in 0..<4 {
            let runId = "run-\(worker)"
            #expect(try store.run(runId)?.status == .completed)
            #expect(
                try store.eventBatches(runId: runId, afterSeq: 0, limit: 100)
                    == makeBatches(runId, batches: 50, eventsPerBatch: 10)
            )
        }
    }

    // MARK: Listing

    /// 120 runs; three share each start second, so the id orders them within it.
    private func insertListingRuns(_ store: any RunStore) throws -> [StoredRun] {
        var runs: [StoredRun] = []
        for index in 0..<120 {
            let id = String(format: "run_%03d", (index * 37) % 120)  // ids not in start order
            var run = makeRun(
                id,
                startedAt: base.addingTimeInterval(Double(index / 3)),
                agent: index % 4 == 3 ? nil : (index % 2 == 0 ? "alpha" : "beta"),
                workflow: index % 4 == 3 ? "review" : nil
            )
            if index % 5 == 0 {
                run.status = .completed
                run.endedAt = run.startedAt.addingTimeInterval(1)
            }
            try store.insertRun(run)
            runs.append(run)
        }
        return runs
    }

    private func newestFirst(_ runs: [StoredRun]) -> [StoredRun] {
        runs.sorted { ($0.startedAt, $0.id) > ($1.startedAt, $1.id) }
    }

    /// Every page of `query`, following the cursors.
    private func allPages(_ store: any RunStore, _ query: RunQuery) throws -> [RunPage] {
        var pages: [RunPage] = []
        var query = query
        repeat {
            let page = try store.listRuns(query)
            pages.append(page)
            query.cursor = page.nextCursor
        } while query.cursor != nil && pages.count < 1000
        return pages
    }

    @Test(arguments: StoreKind.allCases) func pagesCoverEveryRunOnceNewestFirst(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        let runs = try insertListingRuns(store)
        let pages = try allPages(store, RunQuery(limit: 50))
        #expect(pages.map(\.runs.count) == [50, 50, 20])
        #expect(pages.map { $0.nextCursor == nil } == [false, false, true])
        let listed = pages.flatMap(\.runs)
        #expect(listed == newestFirst(runs))
        #expect(Set(listed.map(\.id)).count == 120)

        // An exact multiple of the page size ends without an empty page.
        #expect(try allPages(store, RunQuery(limit: 40)).map(\.runs.count) == [40, 40, 40])
    }

    @Test(arguments: StoreKind.allCases) func filtersCombineWithPages(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        let runs = try insertListingRuns(store)
        let queries: [(RunQuery, (StoredRun) -> Bool)] = [
            (RunQuery(status: .completed, limit: 7), { $0.status == .completed }),
            (RunQuery(status: .running, limit: 50), { $0.status == .running }),
            (RunQuery(agent: "alpha", limit: 11), { $0.agent == "alpha" }),
            (RunQuery(workflow: "review", limit: 9), { $0.workflow == "review" }),
            (
                RunQuery(status: .completed, agent: "alpha", limit: 2),
                { $0.status == .completed && $0.agent == "alpha" }
            ),
            (RunQuery(agent: "nobody"), { _ in false }),
        ]
        for (query, matches) in queries {
            let listed = try allPages(store, query).flatMap(\.runs)
            #expect(listed == newestFirst(runs.filter(matches)), "\(query)")
        }
        #expect(try store.listRuns(RunQuery(agent: "nobody")) == RunPage(runs: [], nextCursor: nil))
    }

    @Test(arguments: StoreKind.allCases) func limitIsClampedAndBadCursorsRejected(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        let runs = try insertListingRuns(store)
        #expect(try store.listRuns(RunQuery(limit: 0)).runs == Array(newestFirst(runs).prefix(1)))
        #expect(try store.listRuns(RunQuery(limit: -5)).runs.count == 1)
        let all = try store.listRuns(RunQuery(limit: 100_000))
        #expect(all.runs.count == 120)
        #expect(all.nextCursor == nil)
        #expect(throws: StoreError.self) { try store.listRuns(RunQuery(cursor: "not a cursor!")) }
        #expect(throws: StoreError.self) { try store.listRuns(RunQuery(cursor: "")) }
    }

    @Test(arguments: StoreKind.allCases) func pagesStayConsistentWhileRunsChange(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        let runs = newestFirst(try insertListingRuns(store))
        let first = try store.listRuns(RunQuery(limit: 50))
        // A new run starts and an already listed one is deleted: the next pages neither repeat nor skip.
        try store.insertRun(makeRun("newest", startedAt: base.addingTimeInterval(10_000)))
        #expect(try store.deleteRun(first.runs[10].id))
        var rest: [StoredRun] = []
        var cursor = first.nextCursor
        while let next = cursor {
            let page = try store.listRuns(RunQuery(limit: 50, cursor: next))
            rest += page.runs
            cursor = page.nextCursor
        }
        #expect(first.runs + rest == runs)
    }

    // MARK: Removal

    @Test(arguments: StoreKind.allCases) func deleteRemovesTheRunAndItsEvents(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        try store.insertRun(makeRun("r"))
        try store.insertRun(makeRun("other"))
        try store.appendEventBatches(makeBatches("r", batches: 3, eventsPerBatch: 2))
        try store.appendEventBatches(makeBatches("other", batches: 2, eventsPerBatch: 2))
        #expect(try store.deleteRun("r"))
        #expect(try store.run("r") == nil)
        #expect(try store.eventBatches(runId: "r", afterSeq: 0, limit: 10) == [])
        #expect(try store.deleteRun("r") == false)
        // A new run with the same id starts empty, and late batches of the old one are dropped.
        try store.insertRun(makeRun("r"))
        #expect(try store.eventBatches(runId: "r", afterSeq: 0, limit: 10) == [])
        #expect(try store.eventBatches(runId: "other", afterSeq: 0, limit: 10).count == 2)
    }

    @Test(arguments: StoreKind.allCases) func pruneRemovesFinishedRunsEndedBeforeTheDate(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        let cutoff = base.addingTimeInterval(1000)
        try store.insertRun(makeRun("old-done", status: .completed, endedAt: base.addingTimeInterval(10)))
        try store.insertRun(makeRun("old-failed", startedAt: base.addingTimeInterval(5)))
        try store.finishRun(
            "old-failed",
            outcome: RunOutcome(status: .failed, output: "", outputTokens: 0, endedAt: base.addingTimeInterval(999.999))
        )
        try store.insertRun(makeRun("old-running"))  // started long ago, still running
        try store.insertRun(makeRun("at-cutoff"))
        try store.finishRun(
            "at-cutoff",
            outcome: RunOutcome(status: .cancelled, output: "", outputTokens: 0, endedAt: cutoff)
        )
        try store.insertRun(makeRun("recent", status: .completed, endedAt: cutoff.addingTimeInterval(60)))
        for id in ["old-done", "old-failed", "old-running", "recent"] {
            try store.appendEventBatches(makeBatches(id, batches: 2, eventsPerBatch: 1))
        }

        #expect(try store.pruneRuns(endedBefore: cutoff) == 2)
        #expect(try store.run("old-done") == nil)
        #expect(try store.run("old-failed") == nil)
        #expect(try store.eventBatches(runId: "old-done", afterSeq: 0, limit: 10) == [])
        #expect(try store.eventBatches(runId: "old-failed", afterSeq: 0, limit: 10) == [])
        #expect(try store.run("old-running") != nil)
        #expect(try store.eventBatches(runId: "old-running", afterSeq: 0, limit: 10).count == 2)
        #expect(try store.run("at-cutoff") != nil)
        #expect(try store.eventBatches(runId: "recent", afterSeq: 0, limit: 10).count == 2)
        #expect(try store.pruneRuns(endedBefore: cutoff) == 0)
    }

    // MARK: Owners

    @Test(arguments: StoreKind.allCases) func cancelRequestsReachOnlyTheOwner(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        try store.insertRun(makeRun("a1", startedAt: base, owner: ownerA))
        try store.insertRun(makeRun("a2", startedAt: base.addingTimeInterval(1), owner: ownerA))
        try store.insertRun(makeRun("a3", owner: ownerA))
        try store.insertRun(makeRun("b1", owner: ownerB))
        try store.insertRun(makeRun("done", status: .completed, endedAt: base, owner: ownerA))
        #expect(try store.cancelRequests(owner: ownerA) == [])

        try store.requestCancel("a2")
        try store.requestCancel("a1")
        try store.requestCancel("b1")
        try store.requestCancel("done")  // finished: nothing to cancel
        try store.requestCancel("missing")
        #expect(try store.cancelRequests(owner: ownerA) == ["a1", "a2"])
        #expect(try store.cancelRequests(owner: ownerB) == ["b1"])
        // Same pid, another start of the process: not its runs.
        #expect(try store.cancelRequests(owner: RunOwner(pid: ownerA.pid, instance: "restarted")) == [])

        try store.finishRun("a1", outcome: RunOutcome(status: .cancelled, output: "", outputTokens: 0))
        #expect(try store.cancelRequests(owner: ownerA) == ["a2"])
    }

    @Test(arguments: StoreKind.allCases) func runsOfDeadOwnersAreMarkedInterrupted(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        let ownerC = RunOwner(pid: ownerA.pid, instance: "earlier-start")  // pid reused
        try store.insertRun(makeRun("a", owner: ownerA))
        try store.insertRun(makeRun("b1", startedAt: base, owner: ownerB))
        try store.insertRun(makeRun("b2", startedAt: base.addingTimeInterval(1), owner: ownerB))
        try store.insertRun(makeRun("b-done", status: .completed, endedAt: base.addingTimeInterval(2), owner: ownerB))
        try store.insertRun(makeRun("c", owner: ownerC))

        var asked: [RunOwner] = []
        let before = Date()
        let interrupted = try store.markInterrupted { owner in
            asked.append(owner)
            return owner == ownerA
        }
        #expect(Set(interrupted) == ["b1", "b2", "c"])
        #expect(Set(asked) == [ownerA, ownerB, ownerC])
        #expect(asked.count == 3)
        for id in ["b1", "b2", "c"] {
            let run = try #require(try store.run(id))
            #expect(run.status == .interrupted)
            #expect(try #require(run.endedAt) >= before)
        }
        #expect(try store.run("a")?.status == .running)
        #expect(try store.run("b-done")?.status == .completed)
        #expect(try store.run("b-done")?.endedAt == base.addingTimeInterval(2))
        #expect(try store.markInterrupted { $0 == ownerA } == [])
        #expect(try store.markInterrupted { _ in true } == [])
    }

    // MARK: Sessions

    @Test(arguments: StoreKind.allCases) func sessionsKeepTheirTurnsInOrderAcrossReopen(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        let first = Turn(input: "hi", output: "hello")
        let session = StoredSession(id: "ses_1", agent: "echo", createdAt: base, turns: [first])
        try store.insertSession(session)
        try store.insertSession(StoredSession(id: "ses_2", agent: "other", createdAt: base))
        #expect(throws: StoreError.self) { try store.insertSession(session) }
        let turns = [first] + (1...5).map { Turn(input: "q\($0)", output: "a\($0)") }
        for turn in turns.dropFirst() {
            try store.appendTurn(sessionId: "ses_1", turn: turn)
        }
        try store.appendTurn(sessionId: "ses_2", turn: Turn(input: "x", output: "y"))
        try store.appendTurn(sessionId: "missing", turn: Turn(input: "x", output: "y"))
        #expect(try store.session("missing") == nil)

        let reopened = try fixture.reopen()
        #expect(
            try reopened.session("ses_1") == StoredSession(id: "ses_1", agent: "echo", createdAt: base, turns: turns)
        )
        #expect(try reopened.session("ses_2")?.turns == [Turn(input: "x", output: "y")])
        try reopened.appendTurn(sessionId: "ses_1", turn: Turn(input: "after", output: "reopen"))
        #expect(try reopened.session("ses_1")?.turns.last == Turn(input: "after", output: "reopen"))
        #expect(try reopened.session("ses_1")?.turns.count == 7)

        #expect(try reopened.deleteSession("ses_1"))
        #expect(try reopened.session("ses_1") == nil)
        #expect(try reopened.deleteSession("ses_1") == false)
        // A session created again under the same id starts without the old turns.
        try reopened.insertSession(StoredSession(id: "ses_1", agent: "echo", createdAt: base))
        #expect(try reopened.session("ses_1")?.turns == [])
        #expect(try reopened.session("ses_2") != nil)
    }

    @Test(arguments: StoreKind.allCases) func aTurnsUsageReadsBackEqual(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        let priced = Usage(
            inputTokens: 1000,
            outputTokens: 4,
            cachedInputTokens: 120,
            reasoningTokens: 2,
            cost: USD(nanos: 2_390_000),
            modelCalls: 2,
            reported: true,
            model: "small"
        )
        let counted = Usage(outputTokens: 3, reported: false)
        let turns = [
            Turn(input: "one", output: "1", usage: priced),
            Turn(input: "two", output: "2"),
            Turn(input: "three", output: "3", usage: counted),
        ]
        // Inserted with the session (as a fork is kept) and appended one by one (as turns end).
        try store.insertSession(StoredSession(id: "forked", agent: "echo", createdAt: base, turns: turns))
        try store.insertSession(StoredSession(id: "grown", agent: "echo", createdAt: base))
        for turn in turns { try store.appendTurn(sessionId: "grown", turn: turn) }
        #expect(try store.session("forked")?.turns == turns)
        #expect(try store.session("grown")?.turns == turns)

        let reopened = try fixture.reopen()
        #expect(try reopened.session("forked")?.turns == turns)
        #expect(try reopened.session("grown")?.turns.map(\.usage) == [priced, nil, counted])
    }
}

/// Writes `odd` in every free text a store keeps (a run's input, output and error, a session's turns) and
/// expects it back as it was.
func checkTextsAreKept(in store: any RunStore, _ odd: String) throws {
    var run = makeRun("r")
    run.input = odd
    try store.insertRun(run)
    let outcome = RunOutcome(
        status: .failed,
        output: odd + " out",
        errorCode: -32000,
        errorMessage: odd + " error",
        outputTokens: 1,
        endedAt: base
    )
    try store.finishRun("r", outcome: outcome)
    run.apply(outcome)
    #expect(try store.run("r") == run)
    let turns = [Turn(input: odd, output: ""), Turn(input: "", output: odd)]
    try store.insertSession(StoredSession(id: "s", agent: "echo", createdAt: base, turns: [turns[0]]))
    try store.appendTurn(sessionId: "s", turn: turns[1])
    #expect(try store.session("s")?.turns == turns)
}
