import AgentCore
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Who hears of notifications: cancellation handlers by owner instance, write watches by run.
final class Watchers: Sendable {
    private struct State {
        var cancelHandlers: [String: [@Sendable ([String]) -> Void]] = [:]
        var writeWatches: [String: [ObjectIdentifier: RunWriteWatch]] = [:]
    }

    private let state = Mutex(State())

    func addCancelHandler(instance: String, _ handler: @escaping @Sendable ([String]) -> Void) {
        state.withLock { $0.cancelHandlers[instance, default: []].append(handler) }
    }

    func addWriteWatch(runId: String) -> RunWriteWatch {
        let watch = RunWriteWatch(runId: runId) { [weak self] watch in self?.remove(watch) }
        state.withLock { $0.writeWatches[runId, default: [:]][ObjectIdentifier(watch)] = watch }
        return watch
    }

    private func remove(_ watch: RunWriteWatch) {
        state.withLock { state in
            state.writeWatches[watch.runId]?[ObjectIdentifier(watch)] = nil
            if state.writeWatches[watch.runId]?.isEmpty == true { state.writeWatches[watch.runId] = nil }
        }
    }

    /// The instances whose cancellations someone waits for.
    var watchedInstances: [String] { state.withLock { Array($0.cancelHandlers.keys) } }

    /// An `agentwire_cancel` payload, `INSTANCE:RUN_ID`.
    func heardCancel(_ payload: String) {
        guard let colon = payload.firstIndex(of: ":") else { return }
        deliverCancel(instance: String(payload[..<colon]), runIds: [String(payload[payload.index(after: colon)...])])
    }

    /// Calls the handlers of `instance` on ``StoreExecutor/callbacks``: a handler may block (call the
    /// store), which the store's own threads never do.
    func deliverCancel(instance: String, runIds: [String]) {
        let handlers = state.withLock { $0.cancelHandlers[instance] ?? [] }
        guard !handlers.isEmpty else { return }
        StoreExecutor.callbacks.async {
            for handler in handlers { handler(runIds) }
        }
    }

    /// An `agentwire_writes` payload: the run's id.
    func heardWrite(_ runId: String) {
        let watches = state.withLock { $0.writeWatches[runId].map { Array($0.values) } ?? [] }
        for watch in watches { watch.signal() }
    }

    /// After notifications may have been missed: every follow reads again.
    func signalAllWrites() {
        let watches = state.withLock { $0.writeWatches.values.flatMap(\.values) }
        for watch in watches { watch.signal() }
    }
}

/// The `LISTEN` connection: one connection of its own listening on both channels, connected again with
/// backoff when it drops.
enum Listener {
    static let cancelChannel = "agentwire_cancel"
    static let writesChannel = "agentwire_writes"

    /// Listens until cancelled. `listening` hears once: success when the first `LISTEN` is in place, or the
    /// error that prevented it (then it gives up: the store is not opened).
    static func run(
        first: PostgresConnection,
        configuration: PostgresConnection.Configuration,
        client: PostgresClient,
        watchers: Watchers,
        logger: Logger,
        listening: Pending<Void>
    ) async {
        var quietLogger = logger
        quietLogger.logLevel = max(logger.logLevel, .notice)
        var connection: PostgresConnection? = first
        var listened = false
        var failures = 0
        while !Task.isCancelled {
            var reason = "the connection ended"
            do {
                let current: PostgresConnection
                if let connection {
                    current = connection
                } else {
                    current = try await PostgresRunStore.connect(configuration, logger: quietLogger)
                    connection = current
                }
                try await listen(on: current, watchers: watchers) {
                    if listened {
                        logger.notice("Listening for PostgreSQL notifications again")
                        // What was notified while nobody listened: follows read again, and the
                        // cancellations still pending are delivered.
                        watchers.signalAllWrites()
                        await catchUpCancellations(client: client, watchers: watchers, logger: quietLogger)
                    }
                    listened = true
                    failures = 0
                    listening.finish(.success(()))
                }
            } catch {
                reason = PostgresErrors.describe(error)
                if !listened {
                    listening.finish(.failure(error))
                    break
                }
            }
            try? await connection?.close()
            connection = nil
            if Task.isCancelled { break }
            let delay = Duration.milliseconds(min(100 << min(failures, 6), 5_000))
            failures += 1
            logger.warning(
                "Lost the PostgreSQL LISTEN connection (\(reason)); connecting again in \(delay.spoken)"
            )
            try? await StoreExecutor.sleep(for: delay)
        }
        try? await connection?.close()
    }

    /// Listens on both channels of `connection` until it drops or the task is cancelled.
    private static func listen(
        on connection: PostgresConnection,
        watchers: Watchers,
        whenListening: () async -> Void
    ) async throws {
        try await connection.listen(on: cancelChannel) { cancels in
            try await connection.listen(on: writesChannel) { writes in
                await whenListening()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await notification in cancels { watchers.heardCancel(notification.payload) }
                    }
                    group.addTask {
                        for try await notification in writes { watchers.heardWrite(notification.payload) }
                    }
                    // A connection that died without a word (a host gone, a cable cut) delivers nothing and
                    // reports nothing: a query now and then that must be answered in time finds out.
                    group.addTask {
                        while true {
                            try await StoreExecutor.sleep(for: probeInterval)
                            try await probe(connection, within: probeInterval)
                        }
                    }
                    // Any ends: the connection is gone (or the task cancelled); listen again.
                    try await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    /// Every this often the `LISTEN` connection must answer a query, within as long again.
    static let probeInterval: Duration = .seconds(10)

    /// `SELECT 1` on `connection`; no answer within `timeout` closes the connection (which fails the query)
    /// and throws.
    private static func probe(_ connection: PostgresConnection, within timeout: Duration) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                _ = try await connection.query("SELECT 1", logger: Lease.quiet).collect()
                return true
            }
            group.addTask {
                try await StoreExecutor.sleep(for: timeout)
                return false
            }
            let answered = try await group.next() ?? false
            group.cancelAll()
            if !answered {
                try? await connection.close()
                throw NoAnswer(after: timeout)
            }
        }
    }

    private static func catchUpCancellations(client: PostgresClient, watchers: Watchers, logger: Logger) async {
        let instances = watchers.watchedInstances
        guard !instances.isEmpty else { return }
        do {
            let rows = try await withDeadline(PostgresRunStore.callDeadline) {
                var rows: [(String, String)] = []
                for try await row in try await client.query(
                    """
                    SELECT owner_instance, id FROM runs
                    WHERE status = 'running' AND cancel_requested AND owner_instance = ANY(\(instances)::text[])
                    ORDER BY started_at, id
                    """,
                    logger: logger
                ).decode((String, String).self) {
                    rows.append(row)
                }
                return rows
            }
            for instance in instances {
                let ids = rows.filter { $0.0 == instance }.map(\.1)
                if !ids.isEmpty { watchers.deliverCancel(instance: instance, runIds: ids) }
            }
        } catch {
            logger.warning("Cannot read the cancellations requested meanwhile: \(PostgresErrors.describe(error))")
        }
    }
}

extension PostgresRowSequence {
    /// The first column of every row, as text.
    func strings() async throws -> [String] {
        var values: [String] = []
        for try await row in self {
            values.append(try row.makeRandomAccess()[0].decode(String.self))
        }
        return values
    }
}
