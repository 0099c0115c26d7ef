import AgentCore
import Foundation
import GRDB
import JSONCore

/// Sessions and their turns, in order.
extension SQLiteRunStore {
    public func insertSession(_ session: StoredSession) throws(StoreError) {
        try write("insert session '\(session.id)'") { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM sessions WHERE id = ?", arguments: [session.id]) == true {
                throw StoreError("Session '\(session.id)' already exists")
            }
            try db.execute(
                sql: "INSERT INTO sessions (id, agent, created_at) VALUES (?, ?, ?)",
                arguments: [session.id, session.agent, session.createdAt.storeSeconds]
            )
            for (index, turn) in session.turns.enumerated() {
                try Self.insertTurn(db, sessionId: session.id, index: index, turn: turn)
            }
        }
    }

    public func session(_ sessionId: String) throws(StoreError) -> StoredSession? {
        try read("read session '\(sessionId)'") { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT agent, created_at FROM sessions WHERE id = ?",
                    arguments: [sessionId]
                )
            else { return nil }
            let turns = try Row.fetchAll(
                db,
                sql: "SELECT input, output, usage FROM turns WHERE session_id = ? ORDER BY idx",
                arguments: [sessionId]
            ).map { row in
                Turn(
                    input: try row.decode(forColumn: "input"),
                    output: try row.decode(forColumn: "output"),
                    usage: (try row.decode(forColumn: "usage") as String?).flatMap { try? JSONValue.parse($0) }
                        .flatMap(StoredUsage.usage)
                )
            }
            let createdAt: Double = try row.decode(forColumn: "created_at")
            return StoredSession(
                id: sessionId,
                agent: try row.decode(forColumn: "agent"),
                createdAt: Date(timeIntervalSinceReferenceDate: createdAt),
                turns: turns
            )
        }
    }

    /// Appends `turn` after the session's last; a session that is not there (deleted) gets nothing.
    public func appendTurn(sessionId: String, turn: Turn) throws(StoreError) {
        try write("append a turn to session '\(sessionId)'") { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM sessions WHERE id = ?", arguments: [sessionId]) == true
            else { return }
            let count =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM turns WHERE session_id = ?", arguments: [sessionId])
                ?? 0
            try Self.insertTurn(db, sessionId: sessionId, index: count, turn: turn)
        }
    }

    public func deleteSession(_ sessionId: String) throws(StoreError) -> Bool {
        try write("delete session '\(sessionId)'") { db in
            try db.execute(sql: "DELETE FROM turns WHERE session_id = ?", arguments: [sessionId])
            try db.execute(sql: "DELETE FROM sessions WHERE id = ?", arguments: [sessionId])
            return db.changesCount > 0
        }
    }

    /// Newest first by `(created_at, id)`, the keyset after the cursor; each with its number of turns
    /// (counted on the turns' primary key).
    public func listSessions(_ query: SessionQuery) throws(StoreError) -> SessionPage {
        let limit = RunCursor.clampedLimit(query.limit)
        let cursor = try query.cursor.map { encoded throws(StoreError) in try RunCursor(encoded: encoded) }
        var arguments: StatementArguments = []
        var condition = ""
        if let cursor {
            // Strictly after the previous page's last session, newest first.
            condition = "WHERE (created_at, id) < (?, ?)"
            arguments += [cursor.startedAt.storeSeconds, cursor.id]
        }
        arguments += [limit + 1]  // one more tells whether another page follows
        let sql = """
            SELECT id, agent, created_at,
                (SELECT COUNT(*) FROM turns WHERE turns.session_id = sessions.id) AS turn_count
            FROM sessions \(condition)
            ORDER BY created_at DESC, id DESC LIMIT ?
            """
        let sessions = try read("list sessions") { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let createdAt: Double = try row.decode(forColumn: "created_at")
                return SessionSummary(
                    id: try row.decode(forColumn: "id"),
                    agent: try row.decode(forColumn: "agent"),
                    createdAt: Date(timeIntervalSinceReferenceDate: createdAt),
                    turns: try row.decode(forColumn: "turn_count")
                )
            }
        }
        let page = Array(sessions.prefix(limit))
        let more = sessions.count > limit
        return SessionPage(sessions: page, nextCursor: more ? page.last.map { RunCursor(of: $0).encoded } : nil)
    }

    private static func insertTurn(_ db: Database, sessionId: String, index: Int, turn: Turn) throws {
        try db.execute(
            sql: "INSERT INTO turns (session_id, idx, input, output, usage) VALUES (?, ?, ?, ?, ?)",
            arguments: [sessionId, index, turn.input, turn.output, turn.usage.map { StoredUsage.json($0).jsonString }]
        )
    }
}
