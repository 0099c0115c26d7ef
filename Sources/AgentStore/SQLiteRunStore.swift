import AgentCore
import Foundation
import GRDB

/// The default ``RunStore``: one SQLite file, shared by every service process that opens it.
///
/// A GRDB `DatabasePool` in WAL mode: readers never wait for writers, and a writer waits up to
/// ``busyTimeout`` for another process's write before giving up with a ``StoreError``. Each call is one
/// transaction (writes `BEGIN IMMEDIATE`, so two processes never deadlock upgrading a read lock).
/// Dates read back exactly as stored (see the schema), like ``MemoryRunStore``.
public final class SQLiteRunStore: RunStore {
    /// How long a write waits for another connection's write.
    public static let busyTimeout: TimeInterval = 5

    public let path: String
    let pool: DatabasePool

    /// Opens (creating it and its directory when missing) and migrates the store at `path`.
    /// - Parameter readOnly: open without writing anything; the file must exist and have the tables.
    public init(path: String, readOnly: Bool = false) throws(StoreError) {
        self.path = path
        if !readOnly {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw StoreError(
                    "Cannot open the run store at \(path): cannot create the directory \(directory.path) "
                        + "(\(Self.describe(error)))"
                )
            }
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.readonly = readOnly
        configuration.label = "agentwire.runs"
        // In WAL mode, NORMAL keeps the database consistent across crashes and skips an fsync per commit;
        // a power cut may lose the last commits, which the 50 ms flush bound already allows for.
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 16384")
        }
        pool = try Self.openPool(path: path, configuration: configuration)
        if readOnly { try checkSchema() } else { try migrate() }
    }

    /// Opens the pool. Switching a new file to WAL fails at once, without waiting, when another process
    /// opens it at the same moment; a few tries a few milliseconds apart get past that.
    private static func openPool(path: String, configuration: Configuration) throws(StoreError) -> DatabasePool {
        let deadline = Date().addingTimeInterval(busyTimeout)
        while true {
            do {
                return try DatabasePool(path: path, configuration: configuration)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Date() < deadline {
                Thread.sleep(forTimeInterval: .random(in: 0.002...0.02))
            } catch {
                throw StoreError("Cannot open the run store at \(path): \(describe(error))")
            }
        }
    }

    /// Closes the connections; any later call fails with a ``StoreError``. Releasing the store closes
    /// them too.
    public func close() throws(StoreError) {
        do { try pool.close() } catch { throw storeError(error, "close") }
    }

    /// SQLite's journal mode, `wal` unless the store was opened read-only on a file in another mode.
    public func journalMode() throws(StoreError) -> String {
        try read("read its journal mode") { try String.fetchOne($0, sql: "PRAGMA journal_mode") ?? "" }
    }

    // MARK: Runs

    public func insertRun(_ run: StoredRun) throws(StoreError) {
        try write("insert run '\(run.id)'") { db in try Self.insertNew(run, db) }
    }

    public func appendEventBatches(_ batches: [EventBatch]) throws(StoreError) {
        guard !batches.isEmpty else { return }
        try write("append \(batches.count) event batches") { db in try Self.append(batches, db) }
    }

    public func finishRun(_ runId: String, outcome: RunOutcome) throws(StoreError) {
        try write("finish run '\(runId)'") { db in try Self.finish(runId, outcome, db) }
    }

    /// One transaction. A run that starts and ends in the same changes is inserted as it ended.
    public func write(_ changes: RunChanges) throws(StoreError) {
        guard !changes.isEmpty else { return }
        let action =
            "write \(changes.runs.count) new runs, \(changes.eventBatches.count) event batches "
            + "and \(changes.outcomes.count) outcomes"
        try write(action) { db in
            var outcomes: [String: RunOutcome] = [:]
            for (runId, outcome) in changes.outcomes { outcomes[runId] = outcome }
            var inserted: Set<String> = []
            for var run in changes.runs {
                // There already: a write retried after its commit went through (see `RunStore.write`).
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM runs WHERE id = ?", arguments: [run.id]) == true {
                    continue
                }
                if let outcome = outcomes[run.id] { run.apply(outcome) }
                try Self.insert(run, into: db)
                inserted.insert(run.id)
            }
            try Self.append(changes.eventBatches, db)
            for (runId, outcome) in changes.outcomes where !inserted.contains(runId) {
                try Self.finish(runId, outcome, db)
            }
        }
    }

    private static func insertNew(_ run: StoredRun, _ db: Database) throws {
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM runs WHERE id = ?", arguments: [run.id]) == true {
            throw StoreError("Run '\(run.id)' already exists")
        }
        try insert(run, into: db)
    }

    /// Skips batches already there (a retried write) and batches of runs that are not there.
    private static func append(_ batches: [EventBatch], _ db: Database) throws {
        guard !batches.isEmpty else { return }
        let statement = try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO event_batches (run_id, first_seq, last_seq, payload)
                SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM runs WHERE id = ?1)
                """
        )
        for batch in batches {
            try statement.execute(arguments: [
                batch.runId, Int64(clamping: batch.firstSeq), Int64(clamping: batch.lastSeq), Data(batch.payload),
            ])
        }
    }

    private static func finish(_ runId: String, _ outcome: RunOutcome, _ db: Database) throws {
        try db.execute(
            sql: """
                UPDATE runs SET status = ?, error_code = ?, error_message = ?, output_tokens = ?, ended_at = ?,
                    usage = ?
                WHERE id = ?
                """,
            arguments: [
                outcome.status.rawValue, outcome.errorCode, outcome.errorMessage, outcome.outputTokens,
                outcome.endedAt.storeSeconds, outcome.usage.map { StoredUsage.json($0).jsonString }, runId,
            ]
        )
        guard db.changesCount > 0 else { return }
        try db.execute(
            sql: "INSERT OR REPLACE INTO run_outputs (run_id, output) VALUES (?, ?)",
            arguments: [runId, outcome.output]
        )
    }

    public func run(_ runId: String) throws(StoreError) -> StoredRun? {
        try read("read run '\(runId)'") { db in
            try Row.fetchOne(db, sql: "\(Self.selectRuns) WHERE runs.id = ?", arguments: [runId])
                .map(Self.decodeRun)
        }
    }

    public func eventBatches(runId: String, afterSeq: UInt64, limit: Int) throws(StoreError) -> [EventBatch] {
        guard limit > 0 else { return [] }
        return try read("read the events of run '\(runId)'") { db in
            // Seeks the primary key to the last batch that starts at or before `afterSeq` (it may hold
            // later events too), rather than filtering every batch of the run on `last_seq`.
            try Row.fetchAll(
                db,
                sql: """
                    SELECT run_id, first_seq, last_seq, payload FROM event_batches
                    WHERE run_id = ?1 AND last_seq > ?2 AND first_seq >= COALESCE(
                        (SELECT MAX(first_seq) FROM event_batches WHERE run_id = ?1 AND first_seq <= ?2), 0)
                    ORDER BY first_seq LIMIT ?3
                    """,
                arguments: [runId, Int64(clamping: afterSeq), limit]
            ).map(Self.decodeBatch)
        }
    }

    public func listRuns(_ query: RunQuery) throws(StoreError) -> RunPage {
        let limit = RunCursor.clampedLimit(query.limit)
        let cursor = try query.cursor.map { encoded throws(StoreError) in try RunCursor(encoded: encoded) }
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let status = query.status {
            conditions.append("status = ?")
            arguments += [status.rawValue]
        }
        if let agent = query.agent {
            conditions.append("agent = ?")
            arguments += [agent]
        }
        if let workflow = query.workflow {
            conditions.append("workflow = ?")
            arguments += [workflow]
        }
        if let cursor {
            // Strictly after the previous page's last run, newest first: the keyset.
            conditions.append("(started_at, runs.id) < (?, ?)")
            arguments += [cursor.startedAt.storeSeconds, cursor.id]
        }
        arguments += [limit + 1]  // one more tells whether another page follows
        let sql = """
            \(Self.selectRuns)
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY started_at DESC, runs.id DESC LIMIT ?
            """
        let runs = try read("list runs") { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.decodeRun)
        }
        let page = Array(runs.prefix(limit))
        let more = runs.count > limit
        return RunPage(runs: page, nextCursor: more ? page.last.map { RunCursor(of: $0).encoded } : nil)
    }

    public func deleteRun(_ runId: String) throws(StoreError) -> Bool {
        try write("delete run '\(runId)'") { db in
            try Self.deleteTexts(of: "id = ?", arguments: [runId], in: db)
            try db.execute(sql: "DELETE FROM runs WHERE id = ?", arguments: [runId])
            return db.changesCount > 0
        }
    }

    public func pruneRuns(endedBefore date: Date) throws(StoreError) -> Int {
        try write("prune runs") { db in
            let finished = "status != 'running' AND ended_at IS NOT NULL AND ended_at < ?"
            let arguments: StatementArguments = [date.storeSeconds]
            try Self.deleteTexts(of: finished, arguments: arguments, in: db)
            try db.execute(sql: "DELETE FROM runs WHERE \(finished)", arguments: arguments)
            return db.changesCount
        }
    }

    // MARK: Access

    func read<T>(_ action: @autoclosure () -> String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try pool.read(body) } catch { throw storeError(error, action()) }
    }

    func write<T>(_ action: @autoclosure () -> String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try pool.write(body) } catch { throw storeError(error, action()) }
    }

    /// A ``StoreError`` that says what failed, where, and SQLite's reason.
    func storeError(_ error: any Error, _ action: String) -> StoreError {
        if let error = error as? StoreError { return error }
        return StoreError("Run store \(path): cannot \(action): \(Self.describe(error))")
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? DatabaseError else {
            // Foundation's file errors wrap the system's, which says what went wrong.
            var error: any Error = error
            while let underlying = (error as? CocoaError)?.underlying { error = underlying }
            if let error = error as? POSIXError { return String(cString: strerror(error.code.rawValue)) }
            let nsError = error as NSError
            if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
            return nsError.localizedDescription
        }
        let message = error.message ?? "SQLite error"
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return "\(message): another connection kept it locked (waited up to \(Int(busyTimeout)) s)"
        case .SQLITE_READONLY:
            return "\(message): the file or its directory is read-only"
        default:
            return "\(message) (SQLite code \(error.extendedResultCode.rawValue))"
        }
    }
}
