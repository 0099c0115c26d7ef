import AgentCore
import Foundation
import JSONCore
import PostgresNIO

/// Sessions and their turns, in order.
extension PostgresRunStore {
    public func insertSession(_ session: StoredSession) throws(StoreError) {
        let logger = queryLogger
        try transaction("insert session '\(session.id)'") { connection in
            let inserted = try await connection.query(
                """
                INSERT INTO sessions (id, agent, created_at)
                VALUES (\(session.id), \(session.agent), \(session.createdAt.timeIntervalSinceReferenceDate))
                ON CONFLICT (id) DO NOTHING
                RETURNING id
                """,
                logger: logger
            ).strings()
            guard !inserted.isEmpty else { throw StoreError("Session '\(session.id)' already exists") }
            guard !session.turns.isEmpty else { return }
            // Arrays sent as parameters hold no NULL: a turn without usage goes as '' and is kept as NULL.
            _ = try await connection.query(
                """
                INSERT INTO turns (session_id, idx, input, output, usage)
                SELECT \(session.id), (t.n - 1)::integer, t.input, t.output, NULLIF(t.usage, '')
                FROM unnest(
                    \(session.turns.map { bytes($0.input) })::bytea[], \(session.turns.map { bytes($0.output) })::bytea[],
                    \(session.turns.map { storedUsage($0) ?? "" })::text[]
                )
                    WITH ORDINALITY AS t(input, output, usage, n)
                """,
                logger: logger
            ).collect()
        }
    }

    public func session(_ sessionId: String) throws(StoreError) -> StoredSession? {
        let logger = queryLogger
        return try connection("read session '\(sessionId)'") { connection in
            // One statement: the session and its turns as of one moment.
            var session: StoredSession?
            for try await (agent, createdAt, input, output, usage) in try await connection.query(
                """
                SELECT sessions.agent, sessions.created_at, turns.input, turns.output, turns.usage
                FROM sessions LEFT JOIN turns ON turns.session_id = sessions.id
                WHERE sessions.id = \(sessionId)
                ORDER BY turns.idx
                """,
                logger: logger
            ).decode((String, Double, ByteBuffer?, ByteBuffer?, String?).self) {
                if session == nil {
                    session = StoredSession(
                        id: sessionId,
                        agent: agent,
                        createdAt: Date(timeIntervalSinceReferenceDate: createdAt)
                    )
                }
                if let input, let output {
                    let usage = usage.flatMap { try? JSONValue.parse($0) }.flatMap(StoredUsage.usage)
                    session?.turns.append(Turn(input: text(input), output: text(output), usage: usage))
                }
            }
            return session
        }
    }

    /// Appends `turn` after the session's last; a session that is not there (deleted) gets nothing. The
    /// session's row is locked meanwhile, so turns appended at once each get their own place.
    public func appendTurn(sessionId: String, turn: Turn) throws(StoreError) {
        let logger = queryLogger
        try transaction("append a turn to session '\(sessionId)'") { connection in
            let locked = try await connection.query(
                "SELECT id FROM sessions WHERE id = \(sessionId) FOR UPDATE",
                logger: logger
            ).strings()
            guard !locked.isEmpty else { return }
            _ = try await connection.query(
                """
                INSERT INTO turns (session_id, idx, input, output, usage)
                SELECT \(sessionId), COALESCE(MAX(idx) + 1, 0), \(bytes(turn.input)), \(bytes(turn.output)),
                    \(storedUsage(turn))
                FROM turns WHERE session_id = \(sessionId)
                """,
                logger: logger
            ).collect()
        }
    }

    public func deleteSession(_ sessionId: String) throws(StoreError) -> Bool {
        let logger = queryLogger
        return try connection("delete session '\(sessionId)'") { connection in
            try await connection.query(
                """
                WITH gone AS (DELETE FROM sessions WHERE id = \(sessionId) RETURNING id),
                    turns AS (DELETE FROM turns WHERE session_id = \(sessionId))
                SELECT count(*) FROM gone
                """,
                logger: logger
            ).count() > 0
        }
    }

    /// Newest first by `(created_at, id)`, the keyset after the cursor; each with its number of turns.
    public func listSessions(_ query: SessionQuery) throws(StoreError) -> SessionPage {
        let limit = RunCursor.clampedLimit(query.limit)
        let cursor = try query.cursor.map { encoded throws(StoreError) in try RunCursor(encoded: encoded) }
        var statement: PostgresQuery = """
            SELECT id, agent, created_at,
                (SELECT count(*) FROM turns WHERE turns.session_id = sessions.id) AS turn_count
            FROM sessions
            ORDER BY created_at DESC, id DESC LIMIT \(limit + 1)
            """  // one more tells whether another page follows
        if let cursor {
            // Strictly after the previous page's last session, newest first.
            statement = """
                SELECT id, agent, created_at,
                    (SELECT count(*) FROM turns WHERE turns.session_id = sessions.id) AS turn_count
                FROM sessions
                WHERE (created_at, id) < (\(cursor.startedAt.timeIntervalSinceReferenceDate), \(cursor.id))
                ORDER BY created_at DESC, id DESC LIMIT \(limit + 1)
                """
        }
        let logger = queryLogger
        let sessions = try connection("list sessions") { [statement] connection in
            var sessions: [SessionSummary] = []
            for try await (id, agent, createdAt, turns) in try await connection.query(statement, logger: logger)
                .decode((String, String, Double, Int).self)
            {
                sessions.append(
                    SessionSummary(
                        id: id,
                        agent: agent,
                        createdAt: Date(timeIntervalSinceReferenceDate: createdAt),
                        turns: turns
                    )
                )
            }
            return sessions
        }
        let page = Array(sessions.prefix(limit))
        let more = sessions.count > limit
        return SessionPage(sessions: page, nextCursor: more ? page.last.map { RunCursor(of: $0).encoded } : nil)
    }
}

/// A turn's usage as the `usage` column keeps it (StoredUsage's JSON), or `nil` when it has none.
private func storedUsage(_ turn: Turn) -> String? {
    turn.usage.map { StoredUsage.json($0).jsonString }
}
