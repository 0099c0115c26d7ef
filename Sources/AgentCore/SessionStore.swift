import Foundation
import Synchronization

/// Multi-turn conversations: each session has an agent, its turns, and at most one turn in flight.
public final class SessionStore: Sendable {
    public struct Session: Sendable, Equatable {
        public var id: String
        public var agent: String
        public var turns: [Turn]
        public var busy: Bool
    }

    private let sessions = Mutex<[String: Session]>([:])
    /// Where sessions are kept across restarts; `nil` keeps them in memory only.
    private let store: (any RunStore)?

    public init(store: (any RunStore)? = nil) {
        self.store = store
    }

    public func create(agent: String) -> Session {
        let session = Session(
            id: "ses_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased(),
            agent: agent,
            turns: [],
            busy: false
        )
        sessions.withLock { $0[session.id] = session }
        try? store?.insertSession(StoredSession(id: session.id, agent: agent))
        return session
    }

    public func session(_ id: String) -> Session? { sessions.withLock { $0[id] } ?? loaded(id) }

    /// A session an earlier process created, read from the store and kept in memory from then on.
    private func loaded(_ id: String) -> Session? {
        guard let stored = try? store?.session(id) else { return nil }
        let session = Session(id: stored.id, agent: stored.agent, turns: stored.turns, busy: false)
        return sessions.withLock { sessions in
            if let existing = sessions[id] { return existing }
            sessions[id] = session
            return session
        }
    }

    /// Marks the session busy and returns it, or explains why a turn cannot start.
    public func beginTurn(_ id: String) throws(RunFailure) -> Session {
        _ = session(id)  // load it from the store if an earlier process created it
        return try sessions.withLock { sessions throws(RunFailure) in
            guard var session = sessions[id] else {
                throw RunFailure(
                    kind: .notFound,
                    message: "Unknown session '\(id)'",
                    suggestions: ["Create one with session/new."],
                    details: ["sessionId": .string(id)]
                )
            }
            guard !session.busy else {
                throw RunFailure(
                    kind: .sessionBusy,
                    message: "Session '\(id)' is busy: a turn is already in flight",
                    retryable: true,
                    suggestions: ["Wait for the current turn to finish, or cancel it, then prompt again."],
                    details: ["sessionId": .string(id)]
                )
            }
            session.busy = true
            sessions[id] = session
            return session
        }
    }

    /// Ends the turn in flight; a turn that produced output is added to the history.
    public func endTurn(_ id: String, turn: Turn?) {
        let known = sessions.withLock { sessions -> Bool in
            guard sessions[id] != nil else { return false }
            sessions[id]!.busy = false
            if let turn { sessions[id]!.turns.append(turn) }
            return true
        }
        if known, let turn { try? store?.appendTurn(sessionId: id, turn: turn) }
    }

    @discardableResult
    public func close(_ id: String) -> Bool {
        _ = session(id)
        let removed = sessions.withLock { $0.removeValue(forKey: id) != nil }
        _ = try? store?.deleteSession(id)
        return removed
    }
}
