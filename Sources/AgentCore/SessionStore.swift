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

    public init() {}

    public func create(agent: String) -> Session {
        let session = Session(
            id: "ses_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased(),
            agent: agent,
            turns: [],
            busy: false
        )
        sessions.withLock { $0[session.id] = session }
        return session
    }

    public func session(_ id: String) -> Session? { sessions.withLock { $0[id] } }

    /// Marks the session busy and returns it, or explains why a turn cannot start.
    public func beginTurn(_ id: String) throws(RunFailure) -> Session {
        try sessions.withLock { sessions throws(RunFailure) in
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
        sessions.withLock { sessions in
            guard sessions[id] != nil else { return }
            sessions[id]!.busy = false
            if let turn { sessions[id]!.turns.append(turn) }
        }
    }

    @discardableResult
    public func close(_ id: String) -> Bool {
        sessions.withLock { $0.removeValue(forKey: id) != nil }
    }
}
