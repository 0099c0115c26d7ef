import AgentCore
import Foundation
import JSONCore
import Logging
import PostgresNIO

/// Runs and their event batches.
extension PostgresRunStore {
    public func insertRun(_ run: StoredRun) throws(StoreError) {
        let (logger, host) = (queryLogger, host)
        try transaction("insert run '\(run.id)'") { connection in
            guard try await Self.insert(run, host: host, connection, logger) else {
                throw StoreError("Run '\(run.id)' already exists")
            }
            try await Self.notifyWrites(of: [run.id], connection, logger)
        }
    }

    public func appendEventBatches(_ batches: [EventBatch]) throws(StoreError) {
        guard !batches.isEmpty else { return }
        let logger = queryLogger
        try transaction("append \(batches.count) event batches") { connection in
            try await Self.append(batches, connection, logger)
            try await Self.notifyWrites(of: batches.map(\.runId), connection, logger)
        }
    }

    public func finishRun(_ runId: String, outcome: RunOutcome) throws(StoreError) {
        let logger = queryLogger
        try transaction("finish run '\(runId)'") { connection in
            if try await Self.finish(runId, outcome, connection, logger) {
                try await Self.notifyWrites(of: [runId], connection, logger)
            }
        }
    }

    /// One transaction: new runs (a run there already is left as it is: a retried write), then batches,
    /// then outcomes; a run that starts and ends in the same changes is inserted as it ended. Followers
    /// of every run written hear of it when the transaction commits.
    public func write(_ changes: RunChanges) throws(StoreError) {
        guard !changes.isEmpty else { return }
        let action =
            "write \(changes.runs.count) new runs, \(changes.eventBatches.count) event batches "
            + "and \(changes.outcomes.count) outcomes"
        let (logger, host) = (queryLogger, host)
        try transaction(action) { connection in
            try await Self.commitWithoutWaitingForTheDisk(connection, logger)
            var outcomes: [String: RunOutcome] = [:]
            for (runId, outcome) in changes.outcomes { outcomes[runId] = outcome }
            var inserted: Set<String> = []
            for var run in changes.runs {
                if let outcome = outcomes[run.id] { run.apply(outcome) }
                if try await Self.insert(run, host: host, connection, logger) { inserted.insert(run.id) }
            }
            try await Self.append(changes.eventBatches, connection, logger)
            for (runId, outcome) in changes.outcomes where !inserted.contains(runId) {
                _ = try await Self.finish(runId, outcome, connection, logger)
            }
            try await Self.notifyWrites(
                of: changes.runs.map(\.id) + changes.eventBatches.map(\.runId) + changes.outcomes.map(\.runId),
                connection,
                logger
            )
        }
    }

    public func run(_ runId: String) throws(StoreError) -> StoredRun? {
        let logger = queryLogger
        return try connection("read run '\(runId)'") { connection in
            var runs: [StoredRun] = []
            for try await row in try await connection.query(
                "SELECT \(unescaped: Self.runColumns) FROM runs WHERE id = \(runId)",
                logger: logger
            ) {
                runs.append(try Self.decodeRun(row))
            }
            return runs.first
        }
    }

    public func eventBatches(runId: String, afterSeq: UInt64, limit: Int) throws(StoreError) -> [EventBatch] {
        guard limit > 0 else { return [] }
        let logger = queryLogger
        let after = Int64(clamping: afterSeq)
        return try connection("read the events of run '\(runId)'") { connection in
            // Seeks the primary key to the last batch that starts at or before `afterSeq` (it may hold
            // later events too), rather than filtering every batch of the run on `last_seq`.
            var batches: [EventBatch] = []
            for try await (first, last, payload) in try await connection.query(
                """
                SELECT first_seq, last_seq, payload FROM event_batches
                WHERE run_id = \(runId) AND last_seq > \(after) AND first_seq >= COALESCE(
                    (SELECT MAX(first_seq) FROM event_batches WHERE run_id = \(runId) AND first_seq <= \(after)), 0)
                ORDER BY first_seq LIMIT \(limit)
                """,
                logger: logger
            ).decode((Int64, Int64, ByteBuffer).self) {
                batches.append(
                    EventBatch(
                        runId: runId,
                        firstSeq: UInt64(clamping: first),
                        lastSeq: UInt64(clamping: last),
                        payload: Array(payload.readableBytesView)
                    )
                )
            }
            return batches
        }
    }

    public func listRuns(_ query: RunQuery) throws(StoreError) -> RunPage {
        let limit = RunCursor.clampedLimit(query.limit)
        let cursor = try query.cursor.map { encoded throws(StoreError) in try RunCursor(encoded: encoded) }
        var binds = PostgresBindings()
        func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        var conditions: [String] = []
        if let status = query.status { conditions.append("status = \(bind(status.rawValue))") }
        if let agent = query.agent { conditions.append("agent = \(bind(agent))") }
        if let workflow = query.workflow { conditions.append("workflow = \(bind(workflow))") }
        if let cursor {
            // Strictly after the previous page's last run, newest first: the keyset.
            conditions.append(
                "(started_at, id) < (\(bind(cursor.startedAt.timeIntervalSinceReferenceDate)), \(bind(cursor.id)))"
            )
        }
        let sql = """
            SELECT \(Self.runColumns) FROM runs
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY started_at DESC, id DESC LIMIT \(bind(limit + 1))
            """  // one more tells whether another page follows
        let statement = PostgresQuery(unsafeSQL: sql, binds: binds)
        let logger = queryLogger
        let runs = try connection("list runs") { connection in
            var runs: [StoredRun] = []
            for try await row in try await connection.query(statement, logger: logger) {
                runs.append(try Self.decodeRun(row))
            }
            return runs
        }
        let page = Array(runs.prefix(limit))
        let more = runs.count > limit
        return RunPage(runs: page, nextCursor: more ? page.last.map { RunCursor(of: $0).encoded } : nil)
    }

    public func deleteRun(_ runId: String) throws(StoreError) -> Bool {
        let logger = queryLogger
        return try connection("delete run '\(runId)'") { connection in
            try await connection.query(
                """
                WITH gone AS (DELETE FROM runs WHERE id = \(runId) RETURNING id),
                    batches AS (DELETE FROM event_batches WHERE run_id = \(runId))
                SELECT count(*) FROM gone
                """,
                logger: logger
            ).count() > 0
        }
    }

    public func pruneRuns(endedBefore date: Date) throws(StoreError) -> Int {
        let logger = queryLogger
        let before = date.timeIntervalSinceReferenceDate
        return try connection("prune runs") { connection in
            try await connection.query(
                """
                WITH gone AS (
                    DELETE FROM runs
                    WHERE status <> 'running' AND ended_at IS NOT NULL AND ended_at < \(before)
                    RETURNING id
                ),
                    batches AS (DELETE FROM event_batches WHERE run_id IN (SELECT id FROM gone))
                SELECT count(*) FROM gone
                """,
                logger: logger
            ).count()
        }
    }

    // MARK: Statements

    /// The columns ``decodeRun(_:)`` reads.
    static let runColumns = """
        id, kind, name, agent, workflow, strategy, session_id, input, status, output, error_code, \
        error_message, output_tokens, started_at, ended_at, owner_pid, owner_instance, usage, resumed_from, \
        definition
        """

    /// Inserts `run` unless a run with its id is there; whether it did.
    static func insert(
        _ run: StoredRun,
        host: String,
        _ connection: PostgresConnection,
        _ logger: Logger
    )
        async throws -> Bool
    {
        let usage = run.usage.map { StoredUsage.json($0).jsonString }
        let definition = run.definition?.jsonString
        return try await !connection.query(
            """
            INSERT INTO runs (id, kind, name, agent, workflow, strategy, session_id, input, status, output,
                error_code, error_message, output_tokens, started_at, ended_at, owner_pid, owner_instance,
                owner_host, usage, resumed_from, definition)
            VALUES (\(run.id), \(run.kind), \(run.name), \(run.agent), \(run.workflow), \(run.strategy),
                \(run.sessionId), \(bytes(run.input)), \(run.status.rawValue), \(run.output.map(bytes)),
                \(run.errorCode), \(run.errorMessage.map(bytes)), \(run.outputTokens), \(run.startedAt.timeIntervalSinceReferenceDate),
                \(run.endedAt?.timeIntervalSinceReferenceDate), \(run.owner.pid), \(run.owner.instance), \(host),
                \(usage), \(run.resumedFrom), \(definition))
            ON CONFLICT (id) DO NOTHING
            RETURNING id
            """,
            logger: logger
        ).strings().isEmpty
    }

    /// The recorder's writes, every 50 ms, commit without waiting for the WAL to reach the disk, as the
    /// SQLite store's (WAL, `synchronous = NORMAL`) do: a crash of this process loses nothing committed;
    /// a crash of the database server itself may lose its last fraction of a second of events.
    static func commitWithoutWaitingForTheDisk(_ connection: PostgresConnection, _ logger: Logger) async throws {
        _ = try await connection.query("SET LOCAL synchronous_commit TO OFF", logger: logger).collect()
    }

    /// Skips batches already there (a retried write) and batches of runs that are not there; one
    /// statement for them all, in order (of two with the same `(runId, firstSeq)`, the first stays).
    static func append(_ batches: [EventBatch], _ connection: PostgresConnection, _ logger: Logger) async throws {
        guard !batches.isEmpty else { return }
        let runIds = batches.map(\.runId)
        let firsts = batches.map { Int64(clamping: $0.firstSeq) }
        let lasts = batches.map { Int64(clamping: $0.lastSeq) }
        let payloads = batches.map { ByteBuffer(bytes: $0.payload) }
        _ = try await connection.query(
            """
            INSERT INTO event_batches (run_id, first_seq, last_seq, payload)
            SELECT b.run_id, b.first_seq, b.last_seq, b.payload
            FROM unnest(\(runIds)::text[], \(firsts)::int8[], \(lasts)::int8[], \(payloads)::bytea[])
                WITH ORDINALITY AS b(run_id, first_seq, last_seq, payload, n)
            WHERE EXISTS (SELECT 1 FROM runs WHERE runs.id = b.run_id)
            ORDER BY b.n
            ON CONFLICT (run_id, first_seq) DO NOTHING
            """,
            logger: logger
        ).collect()
    }

    /// Records the outcome of `runId`; whether the run was there.
    static func finish(
        _ runId: String,
        _ outcome: RunOutcome,
        _ connection: PostgresConnection,
        _ logger: Logger
    )
        async throws -> Bool
    {
        let usage = outcome.usage.map { StoredUsage.json($0).jsonString }
        return try await !connection.query(
            """
            UPDATE runs SET status = \(outcome.status.rawValue), output = \(bytes(outcome.output)),
                error_code = \(outcome.errorCode), error_message = \(outcome.errorMessage.map(bytes)),
                output_tokens = \(outcome.outputTokens), ended_at = \(outcome.endedAt.timeIntervalSinceReferenceDate),
                usage = \(usage)
            WHERE id = \(runId)
            RETURNING id
            """,
            logger: logger
        ).strings().isEmpty
    }

    /// A row of ``runColumns``.
    static func decodeRun(_ row: PostgresRow) throws -> StoredRun {
        let row = row.makeRandomAccess()
        func column<T: PostgresDecodable>(_ name: String, _ type: T.Type = T.self) throws -> T {
            try row[name].decode(T.self)
        }
        let id: String = try column("id")
        let statusText: String = try column("status")
        guard let status = RunStatus(rawValue: statusText) else {
            throw StoreError("Run '\(id)' has an unknown status '\(statusText)'")
        }
        let endedAt: Double? = try column("ended_at")
        return StoredRun(
            id: id,
            kind: try column("kind"),
            name: try column("name"),
            agent: try column("agent"),
            workflow: try column("workflow"),
            strategy: try column("strategy"),
            sessionId: try column("session_id"),
            input: text(try column("input", ByteBuffer.self)),
            status: status,
            output: try column("output", ByteBuffer?.self).map(text),
            errorCode: try column("error_code", Int?.self),
            errorMessage: try column("error_message", ByteBuffer?.self).map(text),
            outputTokens: try column("output_tokens", Int.self),
            usage: try column("usage", String?.self).flatMap { try? JSONValue.parse($0) }.flatMap(StoredUsage.usage),
            resumedFrom: try column("resumed_from"),
            definition: try column("definition", String?.self).flatMap { try? JSONValue.parse($0) },
            startedAt: Date(timeIntervalSinceReferenceDate: try column("started_at", Double.self)),
            endedAt: endedAt.map(Date.init(timeIntervalSinceReferenceDate:)),
            owner: RunOwner(pid: try column("owner_pid", Int32.self), instance: try column("owner_instance"))
        )
    }
}

/// A string as the store keeps what people and models write: its UTF-8, in `bytea` (see the schema).
func bytes(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

/// A string kept by ``bytes(_:)``.
func text(_ bytes: ByteBuffer) -> String { String(buffer: bytes) }

extension PostgresRowSequence {
    /// The integer in the first column of the first row (a `count(*)`).
    func count() async throws -> Int {
        var value = 0
        for try await count in decode(Int.self) { value = count }
        return value
    }
}
