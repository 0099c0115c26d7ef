import Foundation

/// A page request for ``RunStore/listSessions(_:)``.
public struct SessionQuery: Sendable, Equatable {
    public var limit: Int
    /// Opaque: the `nextCursor` of the previous page.
    public var cursor: String?

    public init(limit: Int = 50, cursor: String? = nil) {
        self.limit = limit
        self.cursor = cursor
    }
}

/// A session as a listing shows it: without its turns, only how many there are.
public struct SessionSummary: Sendable, Equatable {
    public var id: String
    public var agent: String
    public var createdAt: Date
    /// How many turns the session has.
    public var turns: Int

    public init(id: String, agent: String, createdAt: Date, turns: Int) {
        self.id = id
        self.agent = agent
        self.createdAt = createdAt
        self.turns = turns
    }
}

/// A page of ``RunStore/listSessions(_:)``.
public struct SessionPage: Sendable, Equatable {
    /// Newest first, by `(createdAt, id)`.
    public var sessions: [SessionSummary]
    /// Present when more sessions follow.
    public var nextCursor: String?

    public init(sessions: [SessionSummary], nextCursor: String?) {
        self.sessions = sessions
        self.nextCursor = nextCursor
    }

    /// The page `query` asks for out of `all` (in any order), as a store without an index builds it:
    /// the sessions after the cursor, newest first, at most `query.limit` (clamped to 1...500).
    /// - Throws: a cursor that is not a `nextCursor`.
    public static func page(of all: [SessionSummary], _ query: SessionQuery) throws(StoreError) -> SessionPage {
        let limit = RunCursor.clampedLimit(query.limit)
        let cursor = try query.cursor.map { encoded throws(StoreError) in try RunCursor(encoded: encoded) }
        let sorted = all.filter { cursor?.sortsBefore(RunCursor(of: $0)) ?? true }
            .sorted { RunCursor(of: $0).sortsBefore(RunCursor(of: $1)) }
        let page = Array(sorted.prefix(limit))
        let more = sorted.count > limit
        return SessionPage(sessions: page, nextCursor: more ? page.last.map { RunCursor(of: $0).encoded } : nil)
    }
}

extension RunCursor {
    /// Where a page of sessions ends: the same keyset as runs', with the creation time in place of the
    /// start, so session pages have neither repeats nor gaps either.
    public init(of session: SessionSummary) {
        self.init(startedAt: session.createdAt, id: session.id)
    }
}
