import AgentCore
import AgentPostgres
import Foundation
import Logging
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// What only the PostgreSQL store does: URLs and their secrets, servers that cannot be reached, several
// servers sharing one database (migrations, leases, cancellation and writes heard across them), TLS modes.
// The behaviour every store shares is in the contract tests, which run against PostgreSQL too.

/// The test server (`AGENTWIRE_TEST_POSTGRES_URL`, which `scripts/postgres.sh ci-env` sets), and a fresh
/// database of one test's own on it, dropped when the value goes away: tests running at once never see
/// each other's rows.
final class PostgresTestDatabase: Sendable {
    static let url: String? = ProcessInfo.processInfo.environment["AGENTWIRE_TEST_POSTGRES_URL"].flatMap {
        $0.isEmpty ? nil : $0
    }
    /// CI sets `AGENTWIRE_REQUIRE_POSTGRES=1`: a missing server is then a failure, not a skip.
    static let required = ProcessInfo.processInfo.environment["AGENTWIRE_REQUIRE_POSTGRES"] == "1"
    static let skipReason =
        "AGENTWIRE_TEST_POSTGRES_URL is not set: no PostgreSQL server to test against "
        + "(`eval \"$(scripts/postgres.sh ci-env)\"` starts one)"

    private static let toldWhy = Mutex<Set<String>>([])

    /// Says once on stderr that `what` are skipped, and why.
    static func sayWhySkipped(_ what: String) {
        guard toldWhy.withLock({ $0.insert(what).inserted }) else { return }
        FileHandle.standardError.write(Data("note: \(what) are skipped: \(skipReason)\n".utf8))
    }

    let name: String
    /// The URL of this database.
    let url: String
    private let server: String

    init() throws {
        guard let server = Self.url else { throw StoreError(Self.skipReason) }
        self.server = server
        name = "aw_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        url = Self.url(of: server, database: name)
        try PostgresRunStore.administer(url: server, ["CREATE DATABASE \(name)"])
    }

    deinit {
        try? PostgresRunStore.administer(url: server, ["DROP DATABASE IF EXISTS \(name) WITH (FORCE)"])
    }

    /// The store in this database. The lease lasts an hour unless a test says otherwise, so the heartbeat's
    /// sweep never interrupts the runs of the made-up owners the contract tests use.
    func openStore(
        leaseTimeout: Duration = .seconds(3600),
        owner: RunOwner = .current,
        logger: Logger = quietLogger
    ) throws(StoreError) -> PostgresRunStore {
        try PostgresRunStore.open(url: url, leaseTimeout: leaseTimeout, owner: owner, logger: logger)
    }

    /// `server` with another database, password or sslmode.
    static func url(of server: String, database: String, password: String? = nil, sslmode: String? = nil) -> String {
        var components = URLComponents(string: server)!
        components.path = "/" + database
        if let password { components.password = password }
        if let sslmode {
            components.queryItems =
                (components.queryItems ?? []).filter { $0.name != "sslmode" } + [
                    URLQueryItem(name: "sslmode", value: sslmode)
                ]
        }
        return components.string!
    }
}

let quietLogger = Logger(label: "agentwire.test", factory: { _ in SwiftLogNoOpLogHandler() })

/// Every message logged through it, with its metadata.
final class PostgresLogCapture: LogHandler, @unchecked Sendable {
    private let lines = Mutex<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lines.withLock { $0.append("\(event.level): \(event.message) \(event.metadata ?? [:])") }
    }

    var messages: [String] { lines.withLock { $0 } }

    var logger: Logger { Logger(label: "agentwire.test") { _ in self } }
}

/// Waits until `condition` holds, checking every 20 ms, at most `timeout`; whether it held.
func eventually(within timeout: Duration = .seconds(30), _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try condition()
}

// MARK: Without a server

@Suite struct PostgresURLTests {
    @Test func aURLParsesIntoItsPartsAndMasksThePassword() throws {
        let url = try PostgresURL(parsing: "postgres://bob:s3cr%40t:x@db.example:6543/agentwire?sslmode=require")
        #expect(url.user == "bob")
        #expect(url.password == "s3cr@t:x")
        #expect(url.host == "db.example")
        #expect(url.port == 6543)
        #expect(url.database == "agentwire")
        #expect(url.sslMode == .require)
        #expect(url.masked == "postgres://bob:***@db.example:6543/agentwire?sslmode=require")
        #expect("\(url)" == url.masked)
        #expect(!String(reflecting: url).contains("s3cr"))
        #expect(url.location == "db.example:6543")
    }

    @Test func defaultsFollowLibpq() throws {
        let url = try PostgresURL(parsing: "postgresql://alice@localhost")
        #expect(url.password == nil)
        #expect(url.port == 5432)
        #expect(url.database == "alice")
        #expect(url.sslMode == .prefer)
        #expect(url.masked == "postgresql://alice@localhost")

        let v6 = try PostgresURL(parsing: "postgres://u:p@[::1]:5433/d?sslmode=verify-full")
        #expect(v6.host == "::1")
        #expect(v6.location == "[::1]:5433")
        #expect(v6.sslMode == .verifyFull)
        #expect(v6.masked == "postgres://u:***@[::1]:5433/d?sslmode=verify-full")

        let socket = try PostgresURL(parsing: "postgres://u@%2Fvar%2Frun%2Fpostgresql/d?sslmode=disable")
        #expect(socket.host == "/var/run/postgresql")
        #expect(socket.location == "/var/run/postgresql/.s.PGSQL.5432")
    }

    @Test func onlyPostgresURLsArePostgres() {
        #expect(PostgresURL.isPostgres("postgres://h/d"))
        #expect(PostgresURL.isPostgres("PostgreSQL://h/d"))
        #expect(!PostgresURL.isPostgres("/var/lib/agentwire.sqlite"))
        #expect(!PostgresURL.isPostgres("memory"))
        #expect(!PostgresURL.isPostgres("postgres:/h/d"))
    }

    /// Each mistake is named, and the password is never repeated.
    @Test(arguments: [
        ("mysql://bob:hunter2@h/d", "mysql://"),
        ("postgres://bob:hunter2@h/d?sslmode=verify-ca", "'verify-ca'"),
        ("postgres://bob:hunter2@h/d?sslmode=verify-ca", "disable, prefer, require, verify-full"),
        ("postgres://bob:hunter2@h/d?connect_timeout=5", "'connect_timeout'"),
        ("postgres://bob:hunter2@h:99999/d", "'99999'"),
        ("postgres://bob:hunter2@h:port/d", "'port'"),
        ("postgres://bob:hunter2@h/d/e", "one database name"),
        ("postgres://bob:hunter2@[::1/d", "IPv6"),
        ("postgres://bob:hunter2@h/d#x", "#fragment"),
        ("bob:hunter2@h/d", "postgres://"),
    ])
    func mistakesAreNamedWithoutThePassword(url: String, named: String) {
        #expect {
            try PostgresURL(parsing: url)
        } throws: { error in
            let message = (error as? StoreError)?.message ?? ""
            return message.contains(named) && !message.contains("hunter2")
        }
    }

    @Test func anUnreachableServerFailsAtOnceNamingItWithoutThePassword() throws {
        let started = ContinuousClock.now
        // Port 1 on loopback: nothing listens there.
        let error = try #require(throws: StoreError.self) {
            try PostgresRunStore.open(url: "postgres://bob:hunter2@127.0.0.1:1/agentwire", logger: quietLogger)
        }
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(error.message.contains("cannot reach PostgreSQL at 127.0.0.1:1 (database agentwire, user bob)"))
        #expect(error.message.lowercased().contains("connection refused"), "\(error.message)")
        #expect(!error.message.contains("hunter2"))
    }

    /// A server that accepts the connection and never answers: `open` gives up at its connect timeout.
    @Test func aServerThatNeverAnswersFailsWithinTheConnectTimeout() throws {
        let silent = try SilentServer()
        let started = ContinuousClock.now
        let error = try #require(throws: StoreError.self) {
            try PostgresRunStore.open(
                url: "postgres://bob:hunter2@127.0.0.1:\(silent.port)/agentwire?sslmode=disable",
                connectTimeout: .seconds(1),
                logger: quietLogger
            )
        }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(5), "took \(elapsed)")
        #expect(error.message.contains("127.0.0.1:\(silent.port)") && error.message.contains("agentwire"))
        #expect(error.message.contains("within 1 s"), "\(error.message)")
        #expect(!error.message.contains("hunter2"))
    }
}

/// A loopback port that accepts connections (the kernel completes them) and never says a word.
private final class SilentServer {
    let fd: Int32
    let port: Int

    init() throws {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) }
        }
        var length = size
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        guard bound == 0, named == 0, listen(fd, 16) == 0 else { throw StoreError("cannot listen on loopback") }
    }

    deinit { close(fd) }
}

// MARK: With a server

@Suite(.enabled(if: PostgresTestDatabase.url != nil, "\(PostgresTestDatabase.skipReason)"))
struct PostgresRunStoreTests {
    @Test func serversStartingAtOnceApplyEachMigrationOnce() throws {
        let database = try PostgresTestDatabase()
        let opened = Mutex<[Int: Result<PostgresRunStore, StoreError>]>([:])
        let start = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        // Threads of their own, so all four connect at once (not two at a time on two cores).
        for index in 0..<4 {
            done.enter()
            Thread {
                start.wait()
                let result = Result { () throws(StoreError) in
                    try database.openStore(owner: RunOwner(pid: Int32(index), instance: "server-\(index)"))
                }
                opened.withLock { $0[index] = result }
                done.leave()
            }.start()
        }
        for _ in 0..<4 { start.signal() }
        done.wait()
        let stores = try (0..<4).map { index in try #require(opened.withLock { $0[index] }).get() }
        defer { for store in stores { try? store.close() } }

        let versions = try stores[0].texts(
            "SELECT version::text, count(*)::text FROM agentwire_schema_migrations GROUP BY version ORDER BY version"
        )
        #expect(versions == [["1", "1"], ["2", "1"], ["3", "1"], ["4", "1"]])
        for (index, store) in stores.enumerated() {
            try store.insertRun(makeRun("run-\(index)", owner: store.owner))
        }
        #expect(try stores[3].listRuns(RunQuery()).runs.count == 4)

        // A later start finds the schema in place and applies nothing.
        let later = try database.openStore()
        try later.close()
        #expect(try stores[1].texts("SELECT count(*)::text FROM agentwire_schema_migrations") == [["4"]])
    }

    @Test func anExpiredLeasesRunsAreInterruptedOnceByOneServer() async throws {
        let database = try PostgresTestDatabase()
        let (logsA, logsB) = (PostgresLogCapture(), PostgresLogCapture())
        let a = try database.openStore(
            leaseTimeout: .seconds(1),
            owner: RunOwner(pid: 11, instance: "server-a"),
            logger: logsA.logger
        )
        defer { try? a.close() }
        let b = try database.openStore(
            leaseTimeout: .seconds(1),
            owner: RunOwner(pid: 22, instance: "server-b"),
            logger: logsB.logger
        )
        defer { try? b.close() }
        // A server with a longer lease, renewed far less often: its own timeout decides, not A's or B's.
        let c = try database.openStore(owner: RunOwner(pid: 44, instance: "server-c"))
        defer { try? c.close() }
        try c.insertRun(makeRun("run-of-c", owner: c.owner))
        // A third server that renewed its lease just now, then went away.
        let gone = RunOwner(pid: 33, instance: "server-gone")
        _ = try a.texts(
            """
            INSERT INTO leases (instance, host, pid, heartbeat_at, expires_at)
            VALUES ('server-gone', 'elsewhere', 33, now(), now() + interval '1 second')
            """
        )
        try a.insertRun(makeRun("orphan-1", owner: gone))
        try a.insertRun(makeRun("orphan-2", startedAt: base.addingTimeInterval(1), owner: gone))
        try a.insertRun(makeRun("run-of-a", owner: a.owner))
        try b.insertRun(makeRun("run-of-b", owner: b.owner))
        #expect(try b.ownerIsAlive(gone))

        let before = Date()
        let interrupted = try await eventually {
            try a.run("orphan-1")?.status == .interrupted && a.run("orphan-2")?.status == .interrupted
        }
        #expect(interrupted, "the heartbeats did not interrupt the runs of the expired lease within 30 s")
        #expect(try #require(try a.run("orphan-1")?.endedAt) >= before.addingTimeInterval(-1))
        #expect(try !b.ownerIsAlive(gone))
        // Both servers swept several times since: each run was reported by one of them, once.
        try await Task.sleep(for: .seconds(1))
        let reports = (logsA.messages + logsB.messages).filter { $0.contains("Interrupted runs") }
        #expect(reports.filter { $0.contains("orphan-1") }.count == 1, "\(reports)")
        #expect(reports.filter { $0.contains("orphan-2") }.count == 1, "\(reports)")
        // The live servers' runs go on.
        #expect(try a.run("run-of-a")?.status == .running)
        #expect(try a.run("run-of-b")?.status == .running)
        #expect(try a.run("run-of-c")?.status == .running)
        #expect(try a.ownerIsAlive(c.owner))
        #expect(try a.ownerIsAlive(b.owner) && b.ownerIsAlive(a.owner))
    }

    @Test func aClosedServersLeaseIsGoneAtOnce() async throws {
        let database = try PostgresTestDatabase()
        // A beats every 100 ms: a renewal as it closes must not bring its lease back.
        let a = try database.openStore(leaseTimeout: .milliseconds(300), owner: RunOwner(pid: 11, instance: "server-a"))
        let b = try database.openStore(owner: RunOwner(pid: 22, instance: "server-b"))
        defer { try? b.close() }
        try await Task.sleep(for: .milliseconds(250))
        #expect(try b.ownerIsAlive(a.owner))
        try a.close()
        #expect(try !b.ownerIsAlive(a.owner))
        try await Task.sleep(for: .milliseconds(300))
        #expect(try b.texts("SELECT instance FROM leases ORDER BY instance") == [["server-b"]])
        #expect(try b.interruptAbandonedRuns() == [])
        try a.close()  // again: nothing
        let error = try #require(throws: StoreError.self) { try a.run("r") }
        #expect(error.message.contains("closed"), "\(error.message)")
    }

    @Test func aCancellationReachesTheOwningServer() async throws {
        let database = try PostgresTestDatabase()
        let a = try database.openStore(owner: RunOwner(pid: 11, instance: "server-a"))
        defer { try? a.close() }
        let b = try database.openStore(owner: RunOwner(pid: 22, instance: "server-b"))
        defer { try? b.close() }
        let heard = Mutex<[String]>([])
        let heardByOthers = Mutex<[String]>([])
        a.watchCancelRequests(owner: a.owner) { ids in heard.withLock { $0 += ids } }
        a.watchCancelRequests(owner: b.owner) { ids in heardByOthers.withLock { $0 += ids } }
        try a.insertRun(makeRun("r", owner: a.owner))
        try a.insertRun(makeRun("done", status: .completed, endedAt: base, owner: a.owner))

        try b.requestCancel("r")
        try b.requestCancel("done")  // finished: nobody is told
        // How soon is the benchmark's to measure; here only that it arrives (A does not poll).
        let arrived = await eventually(within: .seconds(30)) { heard.withLock { !$0.isEmpty } }
        #expect(arrived, "store A never heard of the cancellation B requested")
        try await Task.sleep(for: .milliseconds(200))
        #expect(heard.withLock { $0 } == ["r"])
        #expect(heardByOthers.withLock { $0 } == [])
        #expect(try a.cancelRequests(owner: a.owner) == ["r"])
    }

    @Test func aFollowHearsAnotherServersWrites() async throws {
        let database = try PostgresTestDatabase()
        let a = try database.openStore(owner: RunOwner(pid: 11, instance: "server-a"))
        defer { try? a.close() }
        let b = try database.openStore(owner: RunOwner(pid: 22, instance: "server-b"))
        defer { try? b.close() }
        try b.insertRun(makeRun("r", owner: b.owner))
        try b.insertRun(makeRun("other", owner: b.owner))
        let watch = try #require(a.watchWrites(runId: "r"))
        defer { watch.stop() }
        await watch.next(atMost: .milliseconds(200))  // the insert's notification, if it came after the watch

        var started = ContinuousClock.now
        try b.appendEventBatches(makeBatches("r", batches: 2, eventsPerBatch: 3))
        await watch.next(atMost: .seconds(30))
        #expect(ContinuousClock.now - started < .seconds(25), "the batches' notification never came")
        #expect(try a.eventBatches(runId: "r", afterSeq: 0, limit: 10).count == 2)

        // An outcome written in a batch of changes too.
        started = ContinuousClock.now
        try b.write(
            RunChanges(
                eventBatches: makeBatches("r", batches: 1, eventsPerBatch: 1, from: 7),
                outcomes: [("r", RunOutcome(status: .completed, output: "ok", outputTokens: 7))]
            )
        )
        await watch.next(atMost: .seconds(30))
        #expect(ContinuousClock.now - started < .seconds(25), "the outcome's notification never came")
        #expect(try a.run("r")?.status == .completed)

        // Writes of another run are not this watch's: it waits its time out.
        try b.appendEventBatches(makeBatches("other", batches: 1, eventsPerBatch: 1))
        started = ContinuousClock.now
        await watch.next(atMost: .milliseconds(500))
        #expect(ContinuousClock.now - started >= .milliseconds(400))
    }

    /// The LISTEN connection is killed: the store connects again, follows hear writes again, and a
    /// cancellation requested meanwhile still arrives.
    @Test func aLostListenConnectionIsReplaced() async throws {
        let database = try PostgresTestDatabase()
        let logs = PostgresLogCapture()
        let a = try database.openStore(owner: RunOwner(pid: 11, instance: "server-a"), logger: logs.logger)
        defer { try? a.close() }
        let b = try database.openStore(owner: RunOwner(pid: 22, instance: "server-b"))
        defer { try? b.close() }
        try a.insertRun(makeRun("r", owner: a.owner))
        let heard = Mutex<[String]>([])
        a.watchCancelRequests(owner: a.owner) { ids in heard.withLock { $0 += ids } }
        let watch = try #require(a.watchWrites(runId: "r"))
        defer { watch.stop() }

        let killed = try b.texts(
            """
            SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity
            WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()
            """
        )
        #expect(killed.count == 2, "the LISTEN connections of both stores: \(killed)")
        try b.requestCancel("r")
        let relistened = await eventually { logs.messages.contains { $0.contains("notifications again") } }
        #expect(relistened, "\(logs.messages)")
        #expect(await eventually(within: .seconds(5)) { heard.withLock { $0.contains("r") } })

        await watch.next(atMost: .milliseconds(500))  // the signal a reconnection gives every follow
        let started = ContinuousClock.now
        try b.appendEventBatches(makeBatches("r", batches: 1, eventsPerBatch: 1))
        await watch.next(atMost: .seconds(30))
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    /// Each `sslmode` against the test server: with TLS on (as `scripts/postgres.sh` starts it, with a
    /// self-signed certificate) `prefer` and `require` connect encrypted, `disable` plain, and
    /// `verify-full` refuses the certificate no trusted authority signed; against a server without TLS,
    /// `require` and `verify-full` refuse to connect.
    @Test func sslModesDoWhatTheySay() throws {
        let database = try PostgresTestDatabase()
        let password = URLComponents(string: database.url)?.password
        func url(_ mode: String) -> String {
            PostgresTestDatabase.url(of: database.url, database: database.name, sslmode: mode)
        }
        func refusal(_ mode: String) throws -> String {
            let error = try #require(throws: StoreError.self) {
                try PostgresRunStore.open(url: url(mode), logger: quietLogger)
            }
            #expect(error.message.contains(database.name), "\(error.message)")
            if let password, !password.isEmpty { #expect(!error.message.contains(password)) }
            return error.message
        }
        let plain = try PostgresRunStore.open(url: url("disable"), logger: quietLogger)
        defer { try? plain.close() }
        let serverHasTLS = try plain.texts("SHOW ssl") == [["on"]]
        let encrypted = "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
        #expect(try plain.texts(encrypted) == [["false"]])
        if serverHasTLS {
            for mode in ["prefer", "require"] {
                let store = try PostgresRunStore.open(url: url(mode), logger: quietLogger)
                try store.insertRun(makeRun("run-\(mode)"))
                #expect(try store.texts(encrypted) == [["true"]], "sslmode=\(mode)")
                try store.close()
            }
            let message = try refusal("verify-full")
            #expect(message.lowercased().contains("certificate"), "\(message)")
        } else {
            let store = try PostgresRunStore.open(url: url("prefer"), logger: quietLogger)
            try store.insertRun(makeRun("run-prefer"))
            try store.close()
            for mode in ["require", "verify-full"] {
                let message = try refusal(mode)
                #expect(message.contains("does not accept TLS"), "\(message)")
            }
        }
        #expect(PostgresTestDatabase.required == false || serverHasTLS, "the CI cluster offers TLS")
    }

    /// The server answers but refuses (a wrong password, or no such database): the message says so,
    /// names the server, database and user, and never the password.
    @Test func aRefusalIsNamedWithoutThePassword() throws {
        let server = try #require(PostgresTestDatabase.url)
        let url = PostgresTestDatabase.url(of: server, database: "aw_missing_db", password: "wrong-hunter2")
        let error = try #require(throws: StoreError.self) { try PostgresRunStore.open(url: url, logger: quietLogger) }
        let parsed = try PostgresURL(parsing: url)
        #expect(
            error.message.contains("PostgreSQL at \(parsed.location) (database aw_missing_db, user \(parsed.user))")
        )
        #expect(error.message.contains("refused the connection"), "\(error.message)")
        #expect(!error.message.contains("wrong-hunter2"))
    }

    /// U+0000, which PostgreSQL's `text` refuses, is kept too (and does not fail the write it is in).
    @Test func aNulCharacterIsKept() throws {
        let database = try PostgresTestDatabase()
        let store = try database.openStore()
        defer { try? store.close() }
        try checkTextsAreKept(in: store, "before\u{0}after \u{0}")
    }

    /// A failing statement says what the store was doing and what the server said.
    @Test func aServerErrorSaysWhatFailedAndWhy() throws {
        let database = try PostgresTestDatabase()
        let store = try database.openStore()
        defer { try? store.close() }
        _ = try store.texts("ALTER TABLE event_batches RENAME TO event_batches_gone")
        try store.insertRun(makeRun("r"))
        let error = try #require(throws: StoreError.self) {
            try store.appendEventBatches(makeBatches("r", batches: 12, eventsPerBatch: 1))
        }
        #expect(error.message.contains("cannot append 12 event batches"), "\(error.message)")
        #expect(error.message.contains("event_batches") && error.message.contains("does not exist"))
        #expect(error.message.contains(database.name))
    }
}
