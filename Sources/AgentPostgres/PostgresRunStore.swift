import AgentCore
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// A ``RunStore`` in a PostgreSQL database, shared by every `agentwire serve` that opens it, on any machine.
///
/// Behaves as the SQLite store does (the contract tests run against both): runs, their event batches byte
/// for byte, dates exactly, pages with the same ``RunCursor``, sessions and their turns. What a database
/// shared by machines adds:
/// - **Leases.** Each open store keeps a row in `leases` for its process (``RunOwner/instance``) and renews
///   it every third of ``leaseTimeout`` by the server's clock. A run whose owner has no live lease was
///   abandoned: the next renewal of any store marks it `interrupted` (each run once, by one store).
/// - **Notifications.** Cancelling a run notifies its owner (`agentwire_cancel`), and every write of a
///   run notifies followers (`agentwire_writes`), through one `LISTEN` connection that reconnects when it
///   drops.
///
/// The ``RunStore`` methods are synchronous: each blocks its thread until the server answers (at most
/// ``callDeadline``) while the work runs on threads of the store's own, never Swift's cooperative pool.
public final class PostgresRunStore: RunStore, Sendable {
    /// How long one call waits for the server before it fails.
    public static let callDeadline: Duration = .seconds(10)

    public let url: PostgresURL
    public let leaseTimeout: Duration
    /// The process whose lease this store keeps (``RunOwner/current`` unless a test says otherwise).
    public let owner: RunOwner
    let host: String
    let logger: Logger
    let client: PostgresClient
    let watchers: Watchers
    private let tasks = Mutex(Tasks())

    private struct Tasks {
        var client: Task<Void, Never>?
        var listen: Task<Void, Never>?
        var heartbeat: Task<Void, Never>?
        var closed = false
    }

    /// "PostgreSQL at HOST:PORT (database D, user U)", for messages.
    var serverDescription: String { Self.describeServer(url) }

    private init(url: PostgresURL, leaseTimeout: Duration, owner: RunOwner, logger: Logger, client: PostgresClient) {
        self.url = url
        self.leaseTimeout = leaseTimeout
        self.owner = owner
        self.host = Self.hostName
        self.logger = logger
        self.client = client
        self.watchers = Watchers()
    }

    deinit {
        tasks.withLock { tasks in
            tasks.heartbeat?.cancel()
            tasks.listen?.cancel()
            tasks.client?.cancel()
        }
    }

    // MARK: Opening and closing

    /// Connects, creates or migrates the schema, registers this process's lease, starts `LISTEN` and the
    /// heartbeat.
    ///
    /// - Parameters:
    ///   - leaseTimeout: how long this process's lease lasts without renewal, and how long another's may
    ///     go unrenewed before its runs count as abandoned.
    ///   - connectTimeout: how long connecting and setting up may take in all.
    ///   - owner: the process whose lease the store keeps (tests pretend to be several processes).
    /// - Throws: a ``StoreError`` naming the host, port, database and user (never the password) and why:
    ///   unreachable, refused, no answer within `connectTimeout`.
    public static func open(
        url text: String,
        leaseTimeout: Duration = .seconds(15),
        connectTimeout: Duration = .seconds(10),
        owner: RunOwner = .current,
        logger: Logger
    ) throws(StoreError) -> PostgresRunStore {
        let url = try PostgresURL(parsing: text)
        let server = describeServer(url)
        let started = ContinuousClock.now
        let configurations: Configurations
        do {
            configurations = try Configurations(url, connectTimeout: connectTimeout)
        } catch {
            throw StoreError("cannot set up TLS for \(server): \(PostgresErrors.describe(error))")
        }
        var quietLogger = logger
        quietLogger.logLevel = max(logger.logLevel, .notice)
        let clientLogger = quietLogger

        // The first connection: migrations and the lease, then it becomes the LISTEN connection.
        let pending = Pending<PostgresConnection>()
        let host = hostName
        StoreExecutor.start {
            let result: Result<PostgresConnection, any Error>
            do {
                result = .success(
                    try await openConnection(
                        configurations.connection,
                        lease: Lease(owner: owner, host: host, timeout: leaseTimeout),
                        logger: clientLogger
                    )
                )
            } catch {
                result = .failure(error)
            }
            if !pending.finish(result), case .success(let connection) = result {
                try? await connection.close()  // open gave up waiting
            }
        }
        let connection: PostgresConnection
        switch pending.wait(for: connectTimeout) {
        case nil:
            throw StoreError("cannot reach \(server): no answer within \(connectTimeout.spoken)")
        case .failure(let error as OpenFailure):
            throw error.storeError(server)
        case .failure(let error):
            throw StoreError("cannot open the run store in \(server): \(PostgresErrors.describe(error))")
        case .success(let opened):
            connection = opened
        }

        let client = PostgresClient(configuration: configurations.client, backgroundLogger: clientLogger)
        let store = PostgresRunStore(
            url: url,
            leaseTimeout: leaseTimeout,
            owner: owner,
            logger: logger,
            client: client
        )
        let listening = Pending<Void>()
        store.tasks.withLock { tasks in
            tasks.client = StoreExecutor.start { await client.run() }
            tasks.listen = StoreExecutor.start { [watchers = store.watchers] in
                await Listener.run(
                    first: connection,
                    configuration: configurations.connection,
                    client: client,
                    watchers: watchers,
                    logger: logger,
                    listening: listening
                )
            }
        }
        let remaining = connectTimeout - (ContinuousClock.now - started)
        switch listening.wait(for: max(remaining, .milliseconds(100))) {
        case .success?:
            break
        case .failure(let error)?:
            try? store.shutDown()
            throw StoreError("cannot LISTEN for notifications in \(server): \(PostgresErrors.describe(error))")
        case nil:
            try? store.shutDown()
            throw StoreError("cannot LISTEN for notifications in \(server): no answer within \(connectTimeout.spoken)")
        }
        store.tasks.withLock { tasks in
            tasks.heartbeat = StoreExecutor.start { [lease = store.lease] in
                await lease.keepRenewing(client: client, logger: logger)
            }
        }
        return store
    }

    /// Each write is a round trip to a server that does its own share of the work, so more may wait than
    /// the recorder's default before runs slow down: a run of about two million tokens streams at full
    /// speed, longer ones at the database's pace.
    public var pendingBytesBound: Int? { 32 << 20 }

    /// Stops the heartbeat and `LISTEN`, deletes this process's lease (a clean exit: nobody waits for it to
    /// expire), and closes the connections. Later calls fail; closing again does nothing.
    public func close() throws(StoreError) {
        let first = tasks.withLock { tasks -> Bool in
            defer { tasks.closed = true }
            return !tasks.closed
        }
        guard first else { return }
        try shutDown()
    }

    /// Stops the heartbeat (waiting a little for it, lest a last renewal bring the lease back), deletes the
    /// lease, then cancels the `LISTEN` connection and the pool, which close as their tasks end, soon after:
    /// nothing waits for those, whose last steps may need threads of the global pool that the caller's
    /// thread may be one of.
    private func shutDown() throws(StoreError) {
        let (heartbeat, listen, clientTask) = tasks.withLock { tasks in
            tasks.closed = true
            return (tasks.heartbeat, tasks.listen, tasks.client)
        }
        heartbeat?.cancel()
        _ = try? blocking(within: .seconds(2)) { await heartbeat?.value }
        var failure: StoreError?
        do {
            try Self.callClient("delete its lease", server: serverDescription, client: client, within: .seconds(3)) {
                [lease] client in
                try await client.withConnection { try await lease.delete($0) }
            }
        } catch {
            failure = error
        }
        listen?.cancel()
        clientTask?.cancel()
        if let failure { throw failure }
    }

    var lease: Lease { Lease(owner: owner, host: host, timeout: leaseTimeout) }

    // MARK: Calls

    /// Runs `body` with the client on the store's threads and waits for it (at most ``callDeadline``).
    /// - Throws: a ``StoreError`` saying what failed (`action`) and why.
    func call<T: Sendable>(
        _ action: @autoclosure () -> String,
        _ body: @escaping @Sendable (PostgresClient) async throws -> T
    ) throws(StoreError) -> T {
        guard !tasks.withLock({ $0.closed }) else {
            throw StoreError("Run store \(serverDescription): cannot \(action()): the store is closed")
        }
        return try Self.callClient(action(), server: serverDescription, client: client, body)
    }

    private static func callClient<T: Sendable>(
        _ action: @autoclosure () -> String,
        server: String,
        client: PostgresClient,
        within deadline: Duration = callDeadline,
        _ body: @escaping @Sendable (PostgresClient) async throws -> T
    ) throws(StoreError) -> T {
        do {
            return try blocking(within: deadline) { try await body(client) }
        } catch {
            throw storeError(error, action(), server: server)
        }
    }

    /// One transaction on a connection of the pool.
    func transaction<T: Sendable>(
        _ action: @autoclosure () -> String,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) throws(StoreError) -> T {
        let logger = queryLogger
        return try call(action()) { client in
            try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        }
    }

    /// One statement (or several without a transaction) on a connection of the pool.
    func connection<T: Sendable>(
        _ action: @autoclosure () -> String,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) throws(StoreError) -> T {
        try call(action()) { client in try await client.withConnection { connection in try await body(connection) } }
    }

    /// The logger queries log to: PostgresNIO's per-query debug lines stay out of the service's log.
    var queryLogger: Logger {
        var logger = logger
        logger.logLevel = max(logger.logLevel, .notice)
        return logger
    }

    /// A store error as the SQLite store words it: the store, what it was doing, and why. A
    /// ``StoreError`` thrown on purpose (a run that exists already) passes as it is.
    static func storeError(_ error: any Error, _ action: String, server: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? PostgresTransactionError, let inner = error.closureError as? StoreError {
            return inner
        }
        return StoreError("Run store \(server): cannot \(action): \(PostgresErrors.describe(error))")
    }

    static func describeServer(_ url: PostgresURL) -> String {
        "PostgreSQL at \(url.location) (database \(url.database), user \(url.user))"
    }

    static let hostName: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    // MARK: Opening

    /// The two configurations of one URL: the store's own connections and the pool's.
    struct Configurations: Sendable {
        var connection: PostgresConnection.Configuration
        var client: PostgresClient.Configuration

        init(_ url: PostgresURL, connectTimeout: Duration) throws {
            var tls = TLSConfiguration.makeClientConfiguration()
            if url.sslMode != .verifyFull { tls.certificateVerification = .none }
            let connectionTLS: PostgresConnection.Configuration.TLS
            let clientTLS: PostgresClient.Configuration.TLS
            switch url.sslMode {
            case .disable:
                connectionTLS = .disable
                clientTLS = .disable
            case .prefer:
                connectionTLS = .prefer(try NIOSSLContext(configuration: tls))
                clientTLS = .prefer(tls)
            case .require, .verifyFull:
                connectionTLS = .require(try NIOSSLContext(configuration: tls))
                clientTLS = .require(tls)
            }
            if let socket = url.unixSocketPath {
                connection = PostgresConnection.Configuration(
                    unixSocketPath: socket,
                    username: url.user,
                    password: url.password,
                    database: url.database
                )
                client = PostgresClient.Configuration(
                    unixSocketPath: socket,
                    username: url.user,
                    password: url.password,
                    database: url.database
                )
            } else {
                connection = PostgresConnection.Configuration(
                    host: url.host,
                    port: url.port,
                    username: url.user,
                    password: url.password,
                    database: url.database,
                    tls: connectionTLS
                )
                client = PostgresClient.Configuration(
                    host: url.host,
                    port: url.port,
                    username: url.user,
                    password: url.password,
                    database: url.database,
                    tls: clientTLS
                )
            }
            connection.options.connectTimeout = .nanoseconds(Int64(min(connectTimeout.seconds, 1e6) * 1e9))
            client.options.connectTimeout = connectTimeout
            client.options.maximumConnections = 10
            client.options.connectionIdleTimeout = .seconds(60)
            // Shown in pg_stat_activity.
            connection.options.additionalStartupParameters = [("application_name", "agentwire")]
            client.options.additionalStartupParameters = [("application_name", "agentwire")]
        }
    }

    /// What failed while opening: reaching the server, or setting the store up in it.
    enum OpenFailure: Error {
        case connect(any Error)
        case setUp(any Error)

        func storeError(_ server: String) -> StoreError {
            switch self {
            case .connect(let error as PSQLError) where error.code == .sslUnsupported:
                return StoreError("cannot connect to \(server): \(PostgresErrors.describe(error))")
            case .connect(let error) where PostgresErrors.isServerRefusal(error):
                return StoreError("\(server) refused the connection: \(PostgresErrors.describe(error))")
            case .connect(let error):
                return StoreError("cannot reach \(server): \(PostgresErrors.describe(error))")
            case .setUp(let error):
                return StoreError("cannot set up the run store in \(server): \(PostgresErrors.describe(error))")
            }
        }
    }

    private static let connectionIDs = Atomic<Int>(0)

    static func connect(
        _ configuration: PostgresConnection.Configuration,
        logger: Logger
    ) async throws
        -> PostgresConnection
    {
        let id = connectionIDs.add(1, ordering: .relaxed).newValue
        return try await PostgresConnection.connect(configuration: configuration, id: id, logger: logger)
    }

    private static func openConnection(
        _ configuration: PostgresConnection.Configuration,
        lease: Lease,
        logger: Logger
    ) async throws -> PostgresConnection {
        let connection: PostgresConnection
        do {
            connection = try await connect(configuration, logger: logger)
        } catch {
            throw OpenFailure.connect(error)
        }
        do {
            let applied = try await PostgresSchema.migrate(connection, logger: logger)
            if !applied.isEmpty {
                logger.notice(
                    "Created the PostgreSQL run store's tables",
                    metadata: ["versions": "\(applied.map(String.init).joined(separator: ","))"]
                )
            }
            try await lease.renew(connection)
        } catch {
            try? await connection.close()
            throw OpenFailure.setUp(error)
        }
        return connection
    }
}
