import Foundation
import Logging
import Synchronization

/// Multi-turn conversations: each session has an agent, its turns, and at most one turn in flight.
///
/// Sessions live in memory and, with a store, are kept there too so a later process can go on with
/// them. When the store fails to keep a change, the change still holds in this process: the failure is
/// logged (naming the session) and returned, so the face tells the client in the reply it is writing.
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
    private let logger: Logger

    public init(store: (any RunStore)? = nil, logger: Logger = Logger(label: "agentwire.sessions")) {
        self.store = store
        self.logger = logger
    }

    /// A new session of `agent`.
    /// - Returns: the session, and why the store could not keep it (it then lasts as long as this process).
    public func create(agent: String) -> (session: Session, storeFailure: StoreError?) {
        let session = Session(
            id: "ses_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased(),
            agent: agent,
            turns: [],
            busy: false
        )
        sessions.withLock { $0[session.id] = session }
        let failure = kept("keep the new session", session.id) { store throws(StoreError) in
            try store.insertSession(StoredSession(id: session.id, agent: agent))
        }
        return (session, failure)
    }

    /// The session, from memory or, when an earlier process created it, from the store (and kept in
    /// memory from then on); `nil` when it is in neither.
    /// - Throws: the store's failure to read it.
    public func session(_ id: String) throws(StoreError) -> Session? {
        if let session = sessions.withLock({ $0[id] }) { return session }
        let stored: StoredSession?
        do { stored = try store?.session(id) } catch {
            logger.error(
                "The run store could not read session '\(id)'",
                metadata: ["sessionId": "\(id)", "error": "\(error)"]
            )
            throw error
        }
        guard let stored else { return nil }
        let session = Session(id: stored.id, agent: stored.agent, turns: stored.turns, busy: false)
        return sessions.withLock { sessions in
            if let existing = sessions[id] { return existing }
            sessions[id] = session
            return session
        }
    }

    /// Marks the session busy and returns it, or explains why a turn cannot start. Only sessions in
    /// memory count: read one an earlier process created with ``session(_:)`` first.
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
    /// - Returns: why the store could not keep the turn (the history in memory has it all the same).
    @discardableResult
    public func endTurn(_ id: String, turn: Turn?) -> StoreError? {
        let known = sessions.withLock { sessions -> Bool in
            guard sessions[id] != nil else { return false }
            sessions[id]!.busy = false
            if let turn { sessions[id]!.turns.append(turn) }
            return true
        }
        guard known, let turn else { return nil }
        return kept("keep a turn of session", id) { store throws(StoreError) in
            try store.appendTurn(sessionId: id, turn: turn)
        }
    }

    /// Closes a session here and in the store.
    /// - Returns: whether there was such a session.
    /// - Throws: the store's failure to read or remove it; it is closed in this process all the same, and
    ///   closing it again retries the store.
    public func close(_ id: String) throws(StoreError) -> Bool {
        let known = try session(id) != nil
        sessions.withLock { _ = $0.removeValue(forKey: id) }
        if let failure = kept(
            "remove session",
            id,
            { store throws(StoreError) in
                _ = try store.deleteSession(id)
            }
        ) {
            throw failure
        }
        return known
    }

    /// Runs `write` on the store, if there is one; logs and returns its failure.
    private func kept(
        _ action: String,
        _ sessionId: String,
        _ write: (any RunStore) throws(StoreError) -> Void
    ) -> StoreError? {
        guard let store else { return nil }
        do {
            try write(store)
            return nil
        } catch {
            logger.error(
                "The run store could not \(action) '\(sessionId)'",
                metadata: ["sessionId": "\(sessionId)", "error": "\(error)"]
            )
            return error
        }
    }
}
