import AgentCore
import Foundation
import GRDB
import JSONCore

/// The schema, one migration per version; a released migration never changes.
///
/// Dates are REAL seconds since 2001-01-01 UTC, Swift's `Date.timeIntervalSinceReferenceDate`: the
/// very `Double` a `Date` holds, so a date reads back equal to the one stored (seconds since 1970 would
/// add 978307200 and round off the last bit), and cursors and comparisons are exact. In the `sqlite3`
/// shell: `datetime(started_at + 978307200, 'unixepoch')`.
/// There are no foreign keys: a run's batches and a session's turns are deleted with it explicitly,
/// and batches of runs that are not there are skipped, so a late batch of a deleted run never fails.
extension SQLiteRunStore {
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE runs (
                        id TEXT NOT NULL PRIMARY KEY,
                        kind TEXT NOT NULL,
                        name TEXT NOT NULL,
                        agent TEXT,
                        workflow TEXT,
                        strategy TEXT,
                        session_id TEXT,
                        input TEXT NOT NULL,
                        status TEXT NOT NULL,
                        output TEXT,
                        error_code INTEGER,
                        error_message TEXT,
                        output_tokens INTEGER NOT NULL DEFAULT 0,
                        started_at REAL NOT NULL,
                        ended_at REAL,
                        owner_pid INTEGER NOT NULL,
                        owner_instance TEXT NOT NULL,
                        cancel_requested INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE INDEX runs_started_at_id ON runs (started_at, id);
                    -- Status first: the running runs (owners, cancellation), and pages of one status
                    -- in order without sorting them all.
                    CREATE INDEX runs_status ON runs (status, started_at, id);

                    -- One row per batch of consecutive events (payload opaque to the store); the
                    -- primary key is the (run_id, first_seq) index that reads seek and appends check.
                    CREATE TABLE event_batches (
                        run_id TEXT NOT NULL,
                        first_seq INTEGER NOT NULL,
                        last_seq INTEGER NOT NULL,
                        payload BLOB NOT NULL,
                        PRIMARY KEY (run_id, first_seq)
                    );

                    CREATE TABLE sessions (
                        id TEXT NOT NULL PRIMARY KEY,
                        agent TEXT NOT NULL,
                        created_at REAL NOT NULL
                    );
                    CREATE TABLE turns (
                        session_id TEXT NOT NULL,
                        idx INTEGER NOT NULL,
                        input TEXT NOT NULL,
                        output TEXT NOT NULL,
                        PRIMARY KEY (session_id, idx)
                    );
                    """
            )
        }
        // A run's input and output live beside its row: the row changes as the run ends (status, times,
        // usage), and SQLite rewrites a whole row on update, megabytes of text included.
        migrator.registerMigration("v2") { db in
            try db.execute(
                sql: """
                    CREATE TABLE run_inputs (run_id TEXT NOT NULL PRIMARY KEY, input TEXT NOT NULL);
                    CREATE TABLE run_outputs (run_id TEXT NOT NULL PRIMARY KEY, output TEXT NOT NULL);
                    INSERT INTO run_inputs SELECT id, input FROM runs;
                    INSERT INTO run_outputs SELECT id, output FROM runs WHERE output IS NOT NULL;
                    UPDATE runs SET input = '', output = NULL;
                    """
            )
        }
        // A run's usage and cost as it ended (StoredUsage's JSON), for `run/get` and `run/list`.
        migrator.registerMigration("v3") { db in
            try db.execute(sql: "ALTER TABLE runs ADD COLUMN usage TEXT")
        }
        // What `run/resume` needs (the run a run resumes, a workflow run's definition as it ran, as JSON),
        // and an index for `session/list`.
        migrator.registerMigration("v4") { db in
            try db.execute(sql: "ALTER TABLE runs ADD COLUMN resumed_from TEXT")
            try db.execute(sql: "ALTER TABLE runs ADD COLUMN definition TEXT")
            // `session/list` pages newest first.
            try db.execute(sql: "CREATE INDEX sessions_created_at_id ON sessions (created_at, id)")
        }
        // A session turn's usage and cost (StoredUsage's JSON), for `session/get`; NULL for earlier turns.
        migrator.registerMigration("v5") { db in
            try db.execute(sql: "ALTER TABLE turns ADD COLUMN usage TEXT")
        }
        return migrator
    }()

    /// Applies the migrations this version knows. Another process opening the same new file may be
    /// applying them at the same moment: then ours fails part-way (its tables appeared meanwhile), and a
    /// retry a few milliseconds later finds them applied.
    func migrate() throws(StoreError) {
        let deadline = Date().addingTimeInterval(Self.busyTimeout)
        while true {
            do {
                try Self.migrator.migrate(pool)
                return
            } catch {
                let migrated = try? pool.read { try Self.migrator.hasCompletedMigrations($0) }
                if migrated == true { return }
                guard Date() < deadline else { throw storeError(error, "create its tables") }
                Thread.sleep(forTimeInterval: .random(in: 0.002...0.02))
            }
        }
    }

    /// Checks a store opened read-only has the tables.
    func checkSchema() throws(StoreError) {
        let migrated = try read("read its schema") { try Self.migrator.hasCompletedMigrations($0) }
        guard migrated else {
            throw StoreError("Cannot open the run store at \(path) read-only: it has no run tables yet")
        }
    }

    /// The columns of a `runs` row as written (input and output go to their own tables).
    static let runColumns = """
        id, kind, name, agent, workflow, strategy, session_id, input, status, error_code, \
        error_message, output_tokens, started_at, ended_at, owner_pid, owner_instance, usage, resumed_from, \
        definition
        """

    /// A run with its input and output, as ``decodeRun(_:)`` reads it; `WHERE` clauses name `runs.`.
    static let selectRuns = """
        SELECT runs.id, kind, name, agent, workflow, strategy, session_id, status, error_code, error_message,
            output_tokens, started_at, ended_at, owner_pid, owner_instance, usage, resumed_from, definition,
            COALESCE(run_inputs.input, runs.input) AS input, run_outputs.output AS output
        FROM runs
        LEFT JOIN run_inputs ON run_inputs.run_id = runs.id
        LEFT JOIN run_outputs ON run_outputs.run_id = runs.id
        """

    /// Inserts a run: its row, its input, and its output when it has ended already.
    static func insert(_ run: StoredRun, into db: Database) throws {
        try db.execute(
            sql: "INSERT INTO runs (\(runColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            arguments: [
                run.id, run.kind, run.name, run.agent, run.workflow, run.strategy, run.sessionId,
                run.status.rawValue, run.errorCode, run.errorMessage, run.outputTokens,
                run.startedAt.storeSeconds, run.endedAt?.storeSeconds, run.owner.pid, run.owner.instance,
                run.usage.map { StoredUsage.json($0).jsonString }, run.resumedFrom, run.definition?.jsonString,
            ]
        )
        try db.execute(sql: "INSERT INTO run_inputs (run_id, input) VALUES (?, ?)", arguments: [run.id, run.input])
        if let output = run.output {
            try db.execute(
                sql: "INSERT OR REPLACE INTO run_outputs (run_id, output) VALUES (?, ?)",
                arguments: [run.id, output]
            )
        }
    }

    /// Removes the input and output of the runs `runsWhere` selects (an SQL condition on `runs`).
    static func deleteTexts(of runsWhere: String, arguments: StatementArguments, in db: Database) throws {
        for table in ["run_inputs", "run_outputs", "event_batches"] {
            try db.execute(
                sql: "DELETE FROM \(table) WHERE run_id IN (SELECT id FROM runs WHERE \(runsWhere))",
                arguments: arguments
            )
        }
    }

    /// A row selected with ``selectRuns``.
    static func decodeRun(_ row: Row) throws -> StoredRun {
        let id: String = try row.decode(forColumn: "id")
        let statusText: String = try row.decode(forColumn: "status")
        guard let status = RunStatus(rawValue: statusText) else {
            throw StoreError("Run '\(id)' has an unknown status '\(statusText)'")
        }
        let startedAt: Double = try row.decode(forColumn: "started_at")
        let endedAt: Double? = try row.decode(forColumn: "ended_at")
        return StoredRun(
            id: id,
            kind: try row.decode(forColumn: "kind"),
            name: try row.decode(forColumn: "name"),
            agent: try row.decode(forColumn: "agent"),
            workflow: try row.decode(forColumn: "workflow"),
            strategy: try row.decode(forColumn: "strategy"),
            sessionId: try row.decode(forColumn: "session_id"),
            input: try row.decode(forColumn: "input"),
            status: status,
            output: try row.decode(forColumn: "output"),
            errorCode: try row.decode(forColumn: "error_code"),
            errorMessage: try row.decode(forColumn: "error_message"),
            outputTokens: try row.decode(forColumn: "output_tokens"),
            usage: (try row.decode(forColumn: "usage") as String?).flatMap { try? JSONValue.parse($0) }
                .flatMap(StoredUsage.usage),
            resumedFrom: try row.decode(forColumn: "resumed_from"),
            definition: (try row.decode(forColumn: "definition") as String?).flatMap { try? JSONValue.parse($0) },
            startedAt: Date(timeIntervalSinceReferenceDate: startedAt),
            endedAt: endedAt.map(Date.init(timeIntervalSinceReferenceDate:)),
            owner: RunOwner(
                pid: try row.decode(forColumn: "owner_pid"),
                instance: try row.decode(forColumn: "owner_instance")
            )
        )
    }

    static func decodeBatch(_ row: Row) throws -> EventBatch {
        let firstSeq: Int64 = try row.decode(forColumn: "first_seq")
        let lastSeq: Int64 = try row.decode(forColumn: "last_seq")
        let payload: Data = try row.decode(forColumn: "payload")
        return EventBatch(
            runId: try row.decode(forColumn: "run_id"),
            firstSeq: UInt64(clamping: firstSeq),
            lastSeq: UInt64(clamping: lastSeq),
            payload: [UInt8](payload)
        )
    }
}

extension Date {
    /// How the store keeps a date: see the schema.
    var storeSeconds: Double { timeIntervalSinceReferenceDate }
}
