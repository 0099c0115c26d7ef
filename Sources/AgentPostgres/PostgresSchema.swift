import Logging
import PostgresNIO

/// The schema, one migration per version; a released migration never changes.
///
/// Each opening store applies the migrations it lacks in one transaction holding
/// `pg_advisory_xact_lock(lockKey)`: servers that start at once take turns, so each migration is applied
/// exactly once and none sees a half-made schema. `agentwire_schema_migrations` records the versions.
///
/// As in the SQLite store: dates are `double precision` seconds since 2001-01-01 UTC, the very `Double` a
/// Swift `Date` holds, so dates read back equal and cursors compare exactly (in `psql`:
/// `to_timestamp(started_at + 978307200)`); ids are `COLLATE "C"` so they sort byte by byte, as
/// ``RunCursor`` compares them; there are no foreign keys (a run's batches and a session's turns are
/// deleted with it explicitly, and a batch of a run that is not there is skipped, never an error).
/// Usage and workflow definitions are JSON text, as SQLite keeps them. What people and models write (a run's
/// input, output and error message, a turn's input and output) is `bytea`, the string's UTF-8: PostgreSQL
/// `text` cannot hold U+0000, which SQLite keeps, and one such string would fail every write of the
/// changes it came with (in `psql`: `convert_from(input, 'UTF8')`).
enum PostgresSchema {
    /// `pg_advisory_xact_lock`'s key for migrations: "agentwir" in ASCII.
    static let lockKey: Int64 = 0x6167_656E_7477_6972

    static let migrations: [(version: Int32, statements: [String])] = [
        (
            1,
            [
                """
                CREATE TABLE runs (
                    id text COLLATE "C" NOT NULL PRIMARY KEY,
                    kind text NOT NULL,
                    name text NOT NULL,
                    agent text,
                    workflow text,
                    strategy text,
                    session_id text,
                    input bytea NOT NULL,
                    status text NOT NULL,
                    output bytea,
                    error_code bigint,
                    error_message bytea,
                    output_tokens bigint NOT NULL DEFAULT 0,
                    started_at double precision NOT NULL,
                    ended_at double precision,
                    owner_pid integer NOT NULL,
                    owner_instance text NOT NULL,
                    owner_host text,
                    cancel_requested boolean NOT NULL DEFAULT false,
                    usage text,
                    resumed_from text,
                    definition text
                )
                """,
                "CREATE INDEX runs_started_at_id ON runs (started_at, id)",
                // Status first: the running runs (owners, cancellation, the lease sweep), and pages of one
                // status in order without sorting them all.
                "CREATE INDEX runs_status ON runs (status, started_at, id)",
                """
                CREATE TABLE event_batches (
                    run_id text COLLATE "C" NOT NULL,
                    first_seq bigint NOT NULL,
                    last_seq bigint NOT NULL,
                    payload bytea NOT NULL,
                    PRIMARY KEY (run_id, first_seq)
                )
                """,
                """
                CREATE TABLE sessions (
                    id text COLLATE "C" NOT NULL PRIMARY KEY,
                    agent text NOT NULL,
                    created_at double precision NOT NULL
                )
                """,
                "CREATE INDEX sessions_created_at_id ON sessions (created_at, id)",
                """
                CREATE TABLE turns (
                    session_id text COLLATE "C" NOT NULL,
                    idx integer NOT NULL,
                    input bytea NOT NULL,
                    output bytea NOT NULL,
                    PRIMARY KEY (session_id, idx)
                )
                """,
                // One row per running store process. Every third of its lease timeout it sets `heartbeat_at`
                // to the server's `now()` and `expires_at` that much later: each process's own timeout
                // decides when it counts as gone, whatever others use. A run whose owner has no lease that
                // has not expired is interrupted.
                """
                CREATE TABLE leases (
                    instance text NOT NULL PRIMARY KEY,
                    host text NOT NULL,
                    pid integer NOT NULL,
                    heartbeat_at timestamptz NOT NULL,
                    expires_at timestamptz NOT NULL
                )
                """,
            ]
        ),
        // Event batches are written every 50 ms while runs stream: kept out of line as they are, not
        // compressed (pglz costs the database more CPU than the space is worth for a run's tokens).
        (2, ["ALTER TABLE event_batches ALTER COLUMN payload SET STORAGE EXTERNAL"]),
        // A session turn's usage and cost (StoredUsage's JSON, as a run's), for `session/get`; NULL for earlier
        // turns.
        (3, ["ALTER TABLE turns ADD COLUMN usage text"]),
        // A run's input and output are kept uncompressed too, as event payloads: pglz took about 0.2 s of
        // the database's CPU for each of a million-word run's two texts.
        (
            4,
            [
                "ALTER TABLE runs ALTER COLUMN input SET STORAGE EXTERNAL, ALTER COLUMN output SET STORAGE EXTERNAL"
            ]
        ),
    ]

    /// The newest version this build knows.
    static var latestVersion: Int32 { migrations.map(\.version).max() ?? 0 }

    /// Applies the migrations the database lacks; returns the versions applied.
    @discardableResult
    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws -> [Int32] {
        try await connection.withTransaction(logger: logger) { connection in
            _ = try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger).collect()
            _ = try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS agentwire_schema_migrations (
                    version integer NOT NULL PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                logger: logger
            ).collect()
            var applied: Set<Int32> = []
            for try await version in try await connection.query(
                "SELECT version FROM agentwire_schema_migrations",
                logger: logger
            ).decode(Int32.self) {
                applied.insert(version)
            }
            var new: [Int32] = []
            for migration in migrations where !applied.contains(migration.version) {
                for statement in migration.statements {
                    _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger).collect()
                }
                _ = try await connection.query(
                    "INSERT INTO agentwire_schema_migrations (version) VALUES (\(migration.version))",
                    logger: logger
                ).collect()
                new.append(migration.version)
            }
            if let newest = applied.max(), newest > latestVersion {
                logger.warning(
                    "The PostgreSQL run store's schema is newer than this agentwire knows",
                    metadata: ["schemaVersion": "\(newest)", "knownVersion": "\(latestVersion)"]
                )
            }
            return new
        }
    }
}
