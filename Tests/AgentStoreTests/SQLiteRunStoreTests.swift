import AgentCore
import AgentStore
import Foundation
import Synchronization
import Testing

/// A temporary directory, removed when the test ends.
private final class TempDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("agentwire-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit {
        // Undo any read-only mode a test set, so the directory can go.
        if let files = try? FileManager.default.subpathsOfDirectory(atPath: url.path) {
            for file in files {
                try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path(file))
            }
        }
        try? FileManager.default.removeItem(at: url)
    }
}

@Suite struct SQLiteRunStoreTests {
    @Test func everythingSurvivesClosingAndReopening() throws {
        let directory = try TempDirectory()
        let path = directory.path("runs.sqlite")
        let run = makeRun("r", startedAt: base.addingTimeInterval(0.25), agent: "echo", owner: ownerB)
        let batches = makeBatches("r", batches: 5, eventsPerBatch: 4)
        let outcome = RunOutcome(
            status: .completed,
            output: "done",
            outputTokens: 20,
            endedAt: base.addingTimeInterval(3)
        )
        do {
            let store = try SQLiteRunStore(path: path)
            try store.insertRun(run)
            try store.insertRun(makeRun("still-running", owner: ownerB))
            try store.appendEventBatches(batches)
            try store.finishRun("r", outcome: outcome)
            try store.requestCancel("still-running")
            try store.insertSession(
                StoredSession(id: "s", agent: "echo", createdAt: base, turns: [Turn(input: "a", output: "b")])
            )
            try store.close()
        }

        let store = try SQLiteRunStore(path: path)
        var expected = run
        expected.status = .completed
        expected.output = "done"
        expected.outputTokens = 20
        expected.endedAt = outcome.endedAt
        #expect(try store.run("r") == expected)
        #expect(try store.eventBatches(runId: "r", afterSeq: 0, limit: 100) == batches)
        #expect(try store.listRuns(RunQuery()).runs.map(\.id) == ["r", "still-running"])
        #expect(try store.cancelRequests(owner: ownerB) == ["still-running"])
        #expect(try store.session("s")?.turns == [Turn(input: "a", output: "b")])
    }

    @Test func journalModeIsWAL() throws {
        let directory = try TempDirectory()
        let store = try SQLiteRunStore(path: directory.path("runs.sqlite"))
        #expect(try store.journalMode() == "wal")
        // And it stays so for the next process.
        try store.close()
        #expect(try SQLiteRunStore(path: directory.path("runs.sqlite")).journalMode() == "wal")
    }

    @Test func twoStoresOnOneFileWriteConcurrently() throws {
        let directory = try TempDirectory()
        let path = directory.path("shared.sqlite")
        // As two service processes would: two pools, each with its own connections, on one file.
        let stores = [try SQLiteRunStore(path: path), try SQLiteRunStore(path: path)]
        let writersPerStore = 2
        let eventsPerRun = 2000
        let eventsPerBatch = 20
        let batchesPerCall = 5
        let errors = Mutex<[String]>([])

        DispatchQueue.concurrentPerform(iterations: stores.count * writersPerStore + 1) { worker in
            do {
                if worker == stores.count * writersPerStore {
                    // A reader that lists and reads while the writers write.
                    for _ in 0..<50 {
                        for run in try stores[0].listRuns(RunQuery(limit: 10)).runs {
                            _ = try stores[1].eventBatches(runId: run.id, afterSeq: 0, limit: 500)
                        }
                    }
                    return
                }
                let store = stores[worker % stores.count]
                let runId = "run-\(worker)"
                let owner = RunOwner(pid: Int32(1000 + worker), instance: "w\(worker)")
                try store.insertRun(makeRun(runId, startedAt: base.addingTimeInterval(Double(worker)), owner: owner))
                let batches = makeBatches(runId, batches: eventsPerRun / eventsPerBatch, eventsPerBatch: eventsPerBatch)
                for start in stride(from: 0, to: batches.count, by: batchesPerCall) {
                    try store.appendEventBatches(Array(batches[start..<min(start + batchesPerCall, batches.count)]))
                }
                try store.finishRun(
                    runId,
                    outcome: RunOutcome(status: .completed, output: "ok", outputTokens: eventsPerRun)
                )
            } catch {
                errors.withLock { $0.append("worker \(worker): \(error)") }
            }
        }

        #expect(errors.withLock { $0 } == [])
        for store in stores { try store.close() }
        let check = try SQLiteRunStore(path: path)
        let runs = try check.listRuns(RunQuery(limit: 500)).runs
        #expect(runs.count == stores.count * writersPerStore)
        for run in runs {
            #expect(run.status == .completed)
            let batches = try check.eventBatches(runId: run.id, afterSeq: 0, limit: 1000)
            #expect(
                batches == makeBatches(run.id, batches: eventsPerRun / eventsPerBatch, eventsPerBatch: eventsPerBatch)
            )
            #expect(batches.last?.lastSeq == UInt64(eventsPerRun))
        }
    }

    @Test func storesOpeningANewFileAtOnceAllSucceed() throws {
        // Two service processes started together on a new file: both switch it to WAL and migrate it.
        let directory = try TempDirectory()
        let errors = Mutex<[String]>([])
        for file in 0..<50 {
            let path = directory.path("new-\(file).sqlite")
            DispatchQueue.concurrentPerform(iterations: 4) { opener in
                do {
                    let store = try SQLiteRunStore(path: path)
                    try store.insertRun(makeRun("run-\(opener)"))
                } catch {
                    errors.withLock { $0.append("file \(file), opener \(opener): \(error)") }
                }
            }
            #expect(try SQLiteRunStore(path: path).listRuns(RunQuery()).runs.count == 4)
        }
        #expect(errors.withLock { $0 } == [])
    }

    @Test func missingDirectoriesAreCreated() throws {
        let directory = try TempDirectory()
        let path = directory.path("a/b/c/runs.sqlite")
        let store = try SQLiteRunStore(path: path)
        try store.insertRun(makeRun("r"))
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test func aDirectoryThatCannotBeCreatedIsAStoreErrorNamingThePath() throws {
        let directory = try TempDirectory()
        // A regular file where a directory should be: not even root can create a directory under it.
        try Data("not a directory".utf8).write(to: directory.url.appendingPathComponent("file"))
        let path = directory.path("file/sub/runs.sqlite")
        let error = #expect(throws: StoreError.self) { try SQLiteRunStore(path: path) }
        #expect(error?.message.contains(path) == true, "\(error?.message ?? "")")
    }

    @Test func aFileThatIsNotADatabaseIsAStoreErrorNamingThePath() throws {
        let directory = try TempDirectory()
        let path = directory.path("runs.sqlite")
        try Data(String(repeating: "definitely not SQLite ", count: 100).utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: StoreError.self) { try SQLiteRunStore(path: path) }
        #expect(error?.message.contains(path) == true, "\(error?.message ?? "")")
    }

    @Test func writingToAReadOnlyStoreIsAStoreError() throws {
        let directory = try TempDirectory()
        let path = directory.path("runs.sqlite")
        do {
            let store = try SQLiteRunStore(path: path)
            try store.insertRun(makeRun("r"))
            try store.close()
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)

        // A file the process may not write: the OS refuses, at opening or at the first write. Root
        // ignores file modes, so this part only runs as another user.
        if geteuid() != 0 {
            do {
                let store = try SQLiteRunStore(path: path)
                #expect(throws: StoreError.self) { try store.insertRun(makeRun("r2")) }
            } catch {
                #expect(error.message.contains(path), "\(error.message)")
            }
        }

        // Opened read-only: reads work, every write is a StoreError (never a crash), whoever runs this.
        let store = try SQLiteRunStore(path: path, readOnly: true)
        #expect(try store.run("r")?.id == "r")
        let error = #expect(throws: StoreError.self) { try store.insertRun(makeRun("r2")) }
        #expect(error?.message.contains(path) == true, "\(error?.message ?? "")")
        #expect(throws: StoreError.self) {
            try store.appendEventBatches(makeBatches("r", batches: 1, eventsPerBatch: 1))
        }
        #expect(throws: StoreError.self) {
            try store.finishRun("r", outcome: RunOutcome(status: .completed, output: "", outputTokens: 0))
        }
        #expect(throws: StoreError.self) { try store.insertSession(StoredSession(id: "s", agent: "echo")) }
        #expect(throws: StoreError.self) { try store.markInterrupted { _ in false } }
        #expect(try store.run("r2") == nil)
    }

    @Test func openingReadOnlyAFileWithoutTablesIsAStoreError() throws {
        let directory = try TempDirectory()
        let path = directory.path("missing.sqlite")
        #expect(throws: StoreError.self) { try SQLiteRunStore(path: path, readOnly: true) }
    }
}
