import AgentCore
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Which process runs what, across machines: leases, cancellation, abandoned runs, and the notifications
/// that carry cancellations and writes.
extension PostgresRunStore {
    /// Flags the run (when it is running) and notifies its owner on `agentwire_cancel`, in one statement:
    /// the notification goes out when the flag is committed.
    public func requestCancel(_ runId: String) throws(StoreError) {
        let logger = queryLogger
        try connection("request the cancellation of run '\(runId)'") { connection in
            _ = try await connection.query(
                """
                WITH flagged AS (
                    UPDATE runs SET cancel_requested = true WHERE id = \(runId) AND status = 'running'
                    RETURNING id, owner_instance
                )
                SELECT pg_notify(\(Listener.cancelChannel), owner_instance || ':' || id) FROM flagged
                """,
                logger: logger
            ).collect()
        }
    }

    public func cancelRequests(owner: RunOwner) throws(StoreError) -> [String] {
        let logger = queryLogger
        return try connection("read cancellation requests") { connection in
            try await connection.query(
                """
                SELECT id FROM runs
                WHERE status = 'running' AND cancel_requested AND owner_pid = \(owner.pid)
                    AND owner_instance = \(owner.instance)
                ORDER BY started_at, id
                """,
                logger: logger
            ).strings()
        }
    }

    /// As the SQLite store: `isAlive` is asked about each owner of running runs (outside any transaction),
    /// then the runs of those it calls gone are interrupted in one transaction. Each `UPDATE` matches only
    /// runs still running, so concurrent callers get disjoint ids.
    public func markInterrupted(isAlive: (RunOwner) -> Bool) throws(StoreError) -> [String] {
        let logger = queryLogger
        let owners = try connection("read the owners of running runs") { connection in
            var owners: [RunOwner] = []
            for try await (pid, instance) in try await connection.query(
                "SELECT DISTINCT owner_pid, owner_instance FROM runs WHERE status = 'running'",
                logger: logger
            ).decode((Int32, String).self) {
                owners.append(RunOwner(pid: pid, instance: instance))
            }
            return owners
        }
        let dead = owners.filter { !isAlive($0) }
        guard !dead.isEmpty else { return [] }
        let now = Date().timeIntervalSinceReferenceDate
        return try transaction("mark runs interrupted") { connection in
            var ids: [String] = []
            for owner in dead {
                // Still running now: a run that finished meanwhile keeps its outcome.
                ids += try await connection.query(
                    """
                    UPDATE runs SET status = 'interrupted', ended_at = \(now)
                    WHERE status = 'running' AND owner_pid = \(owner.pid) AND owner_instance = \(owner.instance)
                    RETURNING id
                    """,
                    logger: logger
                ).strings()
            }
            try await Self.notifyWrites(of: ids, connection, logger)
            return ids
        }
    }

    /// Whether `owner` has a lease that has not expired (by the server's clock, and the owner's own timeout).
    public func ownerIsAlive(_ owner: RunOwner) throws(StoreError) -> Bool {
        let logger = queryLogger
        return try connection("read the lease of process \(owner.instance)") { connection in
            try await connection.query(
                """
                SELECT EXISTS (SELECT 1 FROM leases WHERE instance = \(owner.instance) AND expires_at > now())
                """,
                logger: logger
            ).decode(Bool.self).reduce(false) { $0 || $1 }
        }
    }

    /// `handler` hears of every cancellation of `owner`'s runs that any process requests, as PostgreSQL
    /// delivers the notification (and, after the `LISTEN` connection was lost, those requested meanwhile).
    public func watchCancelRequests(owner: RunOwner, _ handler: @escaping @Sendable ([String]) -> Void) {
        watchers.addCancelHandler(instance: owner.instance, handler)
    }

    /// A watch signalled whenever any process writes events or an outcome of `runId`.
    public func watchWrites(runId: String) -> RunWriteWatch? {
        watchers.addWriteWatch(runId: runId)
    }

    /// Notifies `agentwire_writes` of each run in `runIds` (once each), delivered when the transaction
    /// commits.
    static func notifyWrites(of runIds: [String], _ connection: PostgresConnection, _ logger: Logger) async throws {
        var seen: Set<String> = []
        let unique = runIds.filter { seen.insert($0).inserted }
        guard !unique.isEmpty else { return }
        _ = try await connection.query(
            "SELECT pg_notify(\(Listener.writesChannel), id) FROM unnest(\(unique)::text[]) AS id",
            logger: logger
        ).collect()
    }
}

/// This process's row in `leases`, and the heartbeat that renews it and interrupts the runs of processes
/// whose leases expired.
struct Lease: Sendable {
    var owner: RunOwner
    var host: String
    var timeout: Duration

    /// Creates or renews the row: `heartbeat_at` is the server's `now()`, `expires_at` a timeout later.
    func renew(_ connection: PostgresConnection, logger: Logger = Lease.quiet) async throws {
        _ = try await connection.query(
            """
            INSERT INTO leases (instance, host, pid, heartbeat_at, expires_at)
            VALUES (\(owner.instance), \(host), \(owner.pid), now(), now() + make_interval(secs => \(timeout.seconds)))
            ON CONFLICT (instance) DO UPDATE SET host = EXCLUDED.host, pid = EXCLUDED.pid,
                heartbeat_at = EXCLUDED.heartbeat_at, expires_at = EXCLUDED.expires_at
            """,
            logger: logger
        ).collect()
    }

    func delete(_ connection: PostgresConnection, logger: Logger = Lease.quiet) async throws {
        _ = try await connection.query("DELETE FROM leases WHERE instance = \(owner.instance)", logger: logger)
            .collect()
    }

    /// Renews the lease, interrupts every running run whose owner has no live lease (returning their ids),
    /// and forgets leases that expired nine timeouts ago (ten since their last renewal), in one transaction. Two stores sweeping at once never
    /// both interrupt a run: the second's `UPDATE` waits for the first and then finds it no longer running.
    func beat(_ client: PostgresClient, logger: Logger) async throws -> [String] {
        let now = Date().timeIntervalSinceReferenceDate
        return try await client.withTransaction(logger: logger) { connection in
            try await renew(connection, logger: logger)
            let swept = try await connection.query(
                """
                WITH abandoned AS (
                    UPDATE runs SET status = 'interrupted', ended_at = \(now)
                    WHERE status = 'running' AND NOT EXISTS (
                        SELECT 1 FROM leases WHERE leases.instance = runs.owner_instance AND leases.expires_at > now()
                    )
                    RETURNING id
                )
                SELECT id FROM abandoned ORDER BY id
                """,
                logger: logger
            ).strings()
            try await PostgresRunStore.notifyWrites(of: swept, connection, logger)
            _ = try await connection.query(
                "DELETE FROM leases WHERE expires_at + (expires_at - heartbeat_at) * 9 < now()",
                logger: logger
            ).collect()
            return swept
        }
    }

    /// Beats every third of the timeout until cancelled; logs the runs it interrupted, and failures.
    func keepRenewing(client: PostgresClient, logger: Logger) async {
        var quietLogger = logger
        quietLogger.logLevel = max(logger.logLevel, .notice)
        var failing = false
        while true {
            do { try await StoreExecutor.sleep(for: timeout / 3) } catch { return }
            do {
                let swept = try await withDeadline(timeout) { [self, quietLogger] in
                    try await beat(client, logger: quietLogger)
                }
                if failing {
                    logger.notice("Renewed this process's PostgreSQL lease again")
                    failing = false
                }
                if !swept.isEmpty {
                    logger.notice(
                        "Interrupted runs whose process stopped renewing its PostgreSQL lease",
                        metadata: ["runIds": .array(swept.map { .string($0) })]
                    )
                }
            } catch {
                if Task.isCancelled { return }
                failing = true
                let reason = PostgresErrors.describe(error)
                logger.warning(
                    """
                    Cannot renew this process's PostgreSQL lease: \(reason); its runs count as abandoned by other \
                    servers once it is \(timeout.spoken) old
                    """
                )
            }
        }
    }

    static let quiet = Logger(label: "agentwire.postgres.quiet", factory: { _ in SwiftLogNoOpLogHandler() })
}
