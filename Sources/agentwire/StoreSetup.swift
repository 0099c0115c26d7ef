import AgentCore
import AgentPostgres
import AgentStore
import Foundation
import Logging

/// Which run store a command uses, how it is opened, and what earlier processes left behind in it.
enum StoreSetup {
    /// The store a command uses: `--store`, else `AGENTWIRE_STORE`, else the config's `store`, else the
    /// default SQLite file.
    struct Choice: Equatable {
        enum Source: String { case option = "--store", environment = "AGENTWIRE_STORE", config, `default` }

        /// A SQLite file path, `memory`, or a PostgreSQL URL.
        var location: String
        var source: Source
        var leaseTimeout: Duration = .seconds(15)

        var isMemory: Bool { location == "memory" }
        var isPostgres: Bool { PostgresURL.isPostgres(location) }

        /// The store for people: the path, or the URL with its password masked.
        var described: String {
            guard isPostgres else { return location }
            return (try? PostgresURL(parsing: location).masked) ?? "a PostgreSQL URL that does not parse"
        }
    }

    static func choose(
        option: String?,
        config: StoreSettings?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Choice {
        let lease = config?.leaseTimeoutMs.map { Duration.milliseconds($0) } ?? .seconds(15)
        if let option { return Choice(location: option, source: .option, leaseTimeout: lease) }
        if let named = environment["AGENTWIRE_STORE"], !named.isEmpty {
            return Choice(location: named, source: .environment, leaseTimeout: lease)
        }
        if let config { return Choice(location: config.url, source: .config, leaseTimeout: lease) }
        return Choice(location: defaultPath(environment: environment), source: .default, leaseTimeout: lease)
    }

    static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base =
            environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".local/state")
        return ((base as NSString).appendingPathComponent("agentwire") as NSString).appendingPathComponent(
            "agentwire.sqlite"
        )
    }

    /// The run store as the faces record into it: memory as it is, a SQLite file or a PostgreSQL database
    /// through an ``EventRecorder`` (whose writer thread keeps the store off the token path). Opening
    /// blocks (PostgreSQL: up to 10 s), so it happens on a thread of its own, never a cooperative one.
    static func open(
        _ choice: Choice,
        keptInMemory: Int = MemoryRunStore.defaultKeptFinishedRuns,
        logger: Logger
    ) async throws -> any RunStore & RunRecorder {
        if choice.isMemory { return MemoryRunStore(keptFinishedRuns: keptInMemory) }
        return try await offThePool { () throws(CommandFailure) -> any RunStore & RunRecorder in
            do {
                return try recorder(choice, logger: logger)
            } catch {
                throw CommandFailure(
                    "cannot open the run store \(choice.described) (from \(choice.source.rawValue)): \(error) "
                        + "(--store PATH, --store postgres://…, or --store memory chooses another)"
                )
            }
        }
    }

    /// The store in an ``EventRecorder``.
    static func recorder(_ choice: Choice, logger: Logger) throws(StoreError) -> EventRecorder {
        EventRecorder(store: try openStore(choice, logger: logger), logger: logger)
    }

    /// The store itself, unwrapped.
    static func openStore(_ choice: Choice, logger: Logger) throws(StoreError) -> any RunStore {
        if choice.isPostgres {
            return try PostgresRunStore.open(url: choice.location, leaseTimeout: choice.leaseTimeout, logger: logger)
        }
        return try SQLiteRunStore(path: choice.location)
    }

    /// Runs left `running` by processes that are gone become interrupted; old runs are pruned. A store
    /// that fails here is reported and serving goes on: reads and writes report their own failures.
    /// Blocking store calls: on a thread of its own.
    static func recover(_ store: any RunStore, retainDays: Int, logger: Logger) async {
        await offThePool { () throws(Never) in recoverNow(store, retainDays: retainDays, logger: logger) }
    }

    private static func recoverNow(_ store: any RunStore, retainDays: Int, logger: Logger) {
        do {
            let interrupted = try store.interruptAbandonedRuns()
            if !interrupted.isEmpty {
                logger.notice(
                    "Runs left by an earlier process are marked interrupted",
                    metadata: ["runs": "\(interrupted)"]
                )
            }
        } catch {
            logger.error("Cannot mark the runs of earlier processes interrupted", metadata: ["error": "\(error)"])
        }
        guard retainDays > 0 else { return }
        let cutoff = Date().addingTimeInterval(-Double(retainDays) * 86_400)
        do {
            let pruned = try store.pruneRuns(endedBefore: cutoff)
            if pruned > 0 {
                logger.info("Pruned old runs", metadata: ["runs": "\(pruned)", "retainDays": "\(retainDays)"])
            }
        } catch {
            logger.error("Cannot prune old runs", metadata: ["error": "\(error)"])
        }
    }

    /// Runs `body`, which blocks, on a thread of its own and waits for it without holding a thread of
    /// the cooperative pool.
    static func offThePool<T: Sendable, Failure: Error>(
        _ body: @escaping @Sendable () throws(Failure) -> T
    ) async throws(Failure) -> T {
        let result = await withCheckedContinuation { (done: CheckedContinuation<Result<T, Failure>, Never>) in
            let thread = Thread { done.resume(returning: Result { () throws(Failure) -> T in try body() }) }
            thread.name = "agentwire-store-open"
            thread.start()
        }
        return try result.get()
    }
}
