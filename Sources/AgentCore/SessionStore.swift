import Foundation
import Logging
import Synchronization

/// Multi-turn conversations: each session has an agent, its turns, and at most one turn in flight.
///
/// Sessions live in memory and, with a store, are kept there too so a later process can go on with
/// them. When the store fails to keep a change, the change still holds in this process: the failure is
/// logged (naming the session) and returned, so the face tells the client in the reply it is writing.
///
/// Nothing here calls a store that does I/O on the caller's thread (for a face, the connection's reader).
/// What happens in memory happens in the call; the store's part is queued, in the order of the calls, on
/// the store's serial queue `agentwire.sessions`, and its answer is a ``Pending`` that a task awaits.
/// Because the calls are queued as they are made, requests about one session reach the store in the
/// order they arrived, and a turn begun after a read is begun there, in that order. A store that answers
/// at once (``RunStore/answersAtOnce``, a store in memory) is called in the call instead, which keeps
/// that order too, without a thread hop per call.
public final class SessionStore: Sendable {
    public struct Session: Sendable, Equatable {
        public var id: String
        public var agent: String
        public var turns: [Turn]
        public var busy: Bool
        /// When it was created, as the store keeps it.
        public var createdAt: Date = Date()
    }

    /// What ``fork(_:turns:agent:)`` made: the new session, and why the store could not keep it (it then
    /// lasts as long as this process), or `nil`.
    public struct Fork: Sendable {
        public var session: Session
        public var notKept: StoreError?
    }

    /// Why ``fork(_:turns:agent:)`` or ``delete(_:)`` did nothing.
    public enum Refusal: Error, Sendable {
        /// The store could not read or remove the session.
        case store(StoreError)
        /// It is unknown; or, to delete it, busy.
        case refused(RunFailure)
        /// A fork asked for more turns than the session has (it has `turns`).
        case turnOutOfRange(turns: Int)
    }

    /// What ``beginTurn(_:)`` did.
    public enum TurnStart: Sendable {
        /// The session was in memory: the turn has begun.
        case begun(Session)
        /// The session was not in memory: it is read from the store, then its turn begins, on the queue.
        case reading(Pending<Session, TurnRefusal>)
    }

    /// Why a turn of a session read from the store did not begin.
    public enum TurnRefusal: Error, Sendable {
        /// The store could not read it.
        case store(StoreError)
        /// It is unknown, or busy.
        case refused(RunFailure)
    }

    private let sessions = Mutex<[String: Session]>([:])
    /// Where sessions are kept across restarts; `nil` keeps them in memory only.
    private let store: (any RunStore)?
    private let logger: Logger
    /// Every store call of the sessions, one at a time, in the order the calls were made; `nil` when the
    /// store answers at once, and its calls are made in the call.
    private let queue: DispatchQueue?

    public init(store: (any RunStore)? = nil, logger: Logger = Logger(label: "agentwire.sessions")) {
        self.store = store
        self.logger = logger
        self.queue = store?.answersAtOnce ?? false ? nil : DispatchQueue(label: "agentwire.sessions")
    }

    /// A new session of `agent`, in memory at once.
    /// - Returns: the session, and the store's answer: why it could not keep the session (which then lasts
    ///   as long as this process), or `nil`.
    public func create(agent: String) -> (session: Session, kept: Pending<StoreError?, Never>) {
        let session = Session(id: Self.newId(), agent: agent, turns: [], busy: false)
        sessions.withLock { $0[session.id] = session }
        let kept = keep("keep the new session", session.id) { store throws(StoreError) in
            try store.insertSession(StoredSession(id: session.id, agent: agent, createdAt: session.createdAt))
        }
        return (session, kept)
    }

    /// A new session with the first `turns` turns of session `id` (all of them when `nil`) and its agent
    /// (or `agent`), independent of it from then on. A turn in flight is not part of the history yet, so
    /// it is not copied. At once when `id` is in memory (the store keeps the fork later), otherwise
    /// after reading it from the store, on the queue.
    /// - Returns: the fork, or why there is none: `id` is unknown, `turns` is more than it has, or the
    ///   store could not read it.
    public func fork(_ id: String, turns: Int? = nil, agent: String? = nil) -> Pending<Fork, Refusal> {
        if let source = cachedSession(id) {
            let session: Session
            do throws(Refusal) { session = try forked(source, turns: turns, agent: agent) } catch {
                return .answered(.failure(error))
            }
            guard let store else { return .answered(.success(Fork(session: session, notKept: nil))) }
            return onQueue { () throws(Refusal) -> Fork in
                let notKept = self.kept("keep the forked session", session.id, store) { store throws(StoreError) in
                    try store.insertSession(Self.record(of: session))
                }
                return Fork(session: session, notKept: notKept)
            }
        }
        guard let store else { return .answered(.failure(.refused(Self.unknownSession(id)))) }
        return onQueue { () throws(Refusal) -> Fork in
            // A read queued before this call may have brought it into memory.
            let found: Session?
            do throws(StoreError) { found = try self.lookUp(id) } catch { throw .store(error) }
            guard let source = found else { throw .refused(Self.unknownSession(id)) }
            let session = try self.forked(source, turns: turns, agent: agent)
            let notKept = self.kept("keep the forked session", session.id, store) { store throws(StoreError) in
                try store.insertSession(Self.record(of: session))
            }
            return Fork(session: session, notKept: notKept)
        }
    }

    /// The session, from memory or the store, without keeping a stored one in memory (as
    /// ``session(_:)`` does); `nil` when it is in neither.
    public func find(_ id: String) -> Pending<Session?, StoreError> {
        if let session = cachedSession(id) { return .answered(.success(session)) }
        guard store != nil else { return .answered(.success(nil)) }
        return onQueue { () throws(StoreError) -> Session? in try self.lookUp(id) }
    }

    /// A page of the sessions, newest first: the store's, after every session call made before this
    /// one; without a store, those in memory.
    public func list(_ query: SessionQuery) -> Pending<SessionPage, StoreError> {
        guard let store else {
            let all = sessions.withLock { sessions in
                sessions.values.map {
                    SessionSummary(id: $0.id, agent: $0.agent, createdAt: $0.createdAt, turns: $0.turns.count)
                }
            }
            do throws(StoreError) { return .answered(.success(try SessionPage.page(of: all, query))) } catch {
                return .answered(.failure(error))
            }
        }
        return onQueue { () throws(StoreError) -> SessionPage in
            do throws(StoreError) { return try store.listSessions(query) } catch {
                self.logger.error("The run store could not list sessions", metadata: ["error": "\(error)"])
                throw error
            }
        }
    }

    /// Deletes a session here (at once) and in the store, unless it has a turn in flight.
    /// - Returns: whether there was such a session; or why it was not deleted: it is busy, or the store
    ///   could not read or remove it (it is gone from this process all the same, and deleting it again
    ///   retries the store).
    public func delete(_ id: String) -> Pending<Bool, Refusal> {
        let inMemory: Bool
        do throws(RunFailure) {
            inMemory = try sessions.withLock { sessions throws(RunFailure) -> Bool in
                guard let session = sessions[id] else { return false }
                guard !session.busy else { throw Self.busySession(id, then: "delete it") }
                sessions[id] = nil
                return true
            }
        } catch {
            return .answered(.failure(.refused(error)))
        }
        guard let store else { return .answered(.success(inMemory)) }
        return onQueue { () throws(Refusal) -> Bool in
            // A prompt queued before this call may have read it back and begun a turn.
            let readBack = try self.sessions.withLock { sessions throws(Refusal) -> Bool in
                guard let session = sessions[id] else { return false }
                guard !session.busy else { throw .refused(Self.busySession(id, then: "delete it")) }
                sessions[id] = nil
                return true
            }
            var known = inMemory || readBack
            do throws(StoreError) { if !known { known = try self.stored(id) != nil } } catch { throw .store(error) }
            if let failure = self.kept(
                "remove session",
                id,
                store,
                { store throws(StoreError) in
                    _ = try store.deleteSession(id)
                }
            ) {
                throw .store(failure)
            }
            return known
        }
    }

    /// The session if it is in memory; never asks the store.
    public func cachedSession(_ id: String) -> Session? {
        sessions.withLock { $0[id] }
    }

    /// The session, from memory or, when an earlier process created it, from the store (and kept in
    /// memory from then on); `nil` when it is in neither. Answered at once when it is in memory.
    /// - Returns: the session, or the store's failure to read it.
    public func session(_ id: String) -> Pending<Session?, StoreError> {
        if let session = cachedSession(id) { return .answered(.success(session)) }
        guard store != nil else { return .answered(.success(nil)) }
        return onQueue { () throws(StoreError) -> Session? in try self.read(id) }
    }

    /// Marks the session busy and returns it: at once when it is in memory, otherwise after reading it
    /// from the store (see ``TurnStart``).
    /// - Throws: why a turn of a session in memory cannot start (it is busy; unknown, without a store).
    public func beginTurn(_ id: String) throws(RunFailure) -> TurnStart {
        let inMemory = try sessions.withLock { sessions throws(RunFailure) -> Session? in
            guard sessions[id] != nil else { return nil }
            return try Self.beginTurn(id, in: &sessions)
        }
        if let inMemory { return .begun(inMemory) }
        guard store != nil else { throw Self.unknownSession(id) }
        return .reading(
            onQueue { () throws(TurnRefusal) -> Session in
                do throws(StoreError) { _ = try self.read(id) } catch { throw .store(error) }
                do throws(RunFailure) {
                    return try self.sessions.withLock { sessions throws(RunFailure) in
                        try Self.beginTurn(id, in: &sessions)
                    }
                } catch {
                    throw .refused(error)
                }
            }
        )
    }

    /// Ends the turn in flight; a turn that produced output is added to the history.
    /// - Returns: the store's answer: why it could not keep the turn (the history in memory has it all the
    ///   same), or `nil`.
    @discardableResult
    public func endTurn(_ id: String, turn: Turn?) -> Pending<StoreError?, Never> {
        let known = sessions.withLock { sessions -> Bool in
            guard sessions[id] != nil else { return false }
            sessions[id]!.busy = false
            if let turn { sessions[id]!.turns.append(turn) }
            return true
        }
        guard known, let turn else { return .answered(.success(nil)) }
        return keep("keep a turn of session", id) { store throws(StoreError) in
            try store.appendTurn(sessionId: id, turn: turn)
        }
    }

    /// Closes a session here (at once) and in the store.
    /// - Returns: whether there was such a session, or the store's failure to read or remove it; it is
    ///   closed in this process all the same, and closing it again retries the store.
    public func close(_ id: String) -> Pending<Bool, StoreError> {
        let inMemory = sessions.withLock { $0.removeValue(forKey: id) != nil }
        guard let store else { return .answered(.success(inMemory)) }
        return onQueue { () throws(StoreError) -> Bool in
            // A read queued before this call may have brought the session back.
            let readBack = self.sessions.withLock { $0.removeValue(forKey: id) != nil }
            var known = inMemory || readBack
            if !known { known = try self.stored(id) != nil }
            if let failure = self.kept(
                "remove session",
                id,
                store,
                { store throws(StoreError) in
                    _ = try store.deleteSession(id)
                }
            ) {
                throw failure
            }
            return known
        }
    }

    // MARK: On the queue

    /// From memory, or from the store into memory. Called on the queue.
    private func read(_ id: String) throws(StoreError) -> Session? {
        if let session = cachedSession(id) { return session }
        guard let stored = try stored(id) else { return nil }
        let session = Self.inMemory(stored)
        return sessions.withLock { sessions in
            if let existing = sessions[id] { return existing }
            sessions[id] = session
            return session
        }
    }

    /// From memory, or the store's record, which stays out of memory. Called on the queue.
    private func lookUp(_ id: String) throws(StoreError) -> Session? {
        if let session = cachedSession(id) { return session }
        return try stored(id).map { Self.inMemory($0) }
    }

    /// A new session in memory: `source`'s agent (or `agent`) and its first `turns` turns.
    private func forked(_ source: Session, turns: Int?, agent: String?) throws(Refusal) -> Session {
        let count = turns ?? source.turns.count
        guard (0...source.turns.count).contains(count) else { throw .turnOutOfRange(turns: source.turns.count) }
        let session = Session(
            id: Self.newId(),
            agent: agent ?? source.agent,
            turns: Array(source.turns.prefix(count)),
            busy: false
        )
        sessions.withLock { $0[session.id] = session }
        logger.debug(
            "Session forked",
            metadata: ["sessionId": "\(session.id)", "from": "\(source.id)", "turns": "\(count)"]
        )
        return session
    }

    /// The store's record of the session; its failure is logged. Called on the queue.
    private func stored(_ id: String) throws(StoreError) -> StoredSession? {
        do { return try store?.session(id) } catch {
            logger.error(
                "The run store could not read session '\(id)'",
                metadata: ["sessionId": "\(id)", "error": "\(error)"]
            )
            throw error
        }
    }

    /// Queues `write` on the store, if there is one; its failure is logged and answered.
    private func keep(
        _ action: String,
        _ sessionId: String,
        _ write: @escaping @Sendable (any RunStore) throws(StoreError) -> Void
    ) -> Pending<StoreError?, Never> {
        guard let store else { return .answered(.success(nil)) }
        return onQueue { () -> StoreError? in self.kept(action, sessionId, store, write) }
    }

    /// Runs `write` on `store`; logs and returns its failure. Called on the queue.
    private func kept(
        _ action: String,
        _ sessionId: String,
        _ store: any RunStore,
        _ write: (any RunStore) throws(StoreError) -> Void
    ) -> StoreError? {
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

    /// Queues `work` now; its answer comes later (or, with a store that answers at once, does it now).
    private func onQueue<Success: Sendable, Failure: Error>(
        _ work: @escaping @Sendable () throws(Failure) -> Success
    ) -> Pending<Success, Failure> {
        guard let queue else {
            do throws(Failure) { return .answered(.success(try work())) } catch { return .answered(.failure(error)) }
        }
        let pending = Pending<Success, Failure>()
        queue.async {
            do throws(Failure) { pending.answer(.success(try work())) } catch { pending.answer(.failure(error)) }
        }
        return pending
    }

    // MARK: In memory

    /// Marks session `id` busy, under the sessions' lock.
    private static func beginTurn(_ id: String, in sessions: inout [String: Session]) throws(RunFailure) -> Session {
        guard var session = sessions[id] else { throw unknownSession(id) }
        guard !session.busy else { throw busySession(id, then: "prompt again") }
        session.busy = true
        sessions[id] = session
        return session
    }

    /// Why a request cannot act on a session with a turn in flight; `then` says what to do after waiting.
    static func busySession(_ id: String, then: String) -> RunFailure {
        RunFailure(
            kind: .sessionBusy,
            message: "Session '\(id)' is busy: a turn is already in flight",
            retryable: true,
            suggestions: ["Wait for the current turn to finish, or cancel it, then \(then)."],
            details: ["sessionId": .string(id)]
        )
    }

    /// A new session id: `ses_` and 16 hex digits.
    private static func newId() -> String {
        "ses_" + RandomHex.make(bytes: 8)
    }

    /// A stored session as it is in memory (not busy).
    private static func inMemory(_ stored: StoredSession) -> Session {
        Session(id: stored.id, agent: stored.agent, turns: stored.turns, busy: false, createdAt: stored.createdAt)
    }

    /// A session as the store keeps it.
    private static func record(of session: Session) -> StoredSession {
        StoredSession(id: session.id, agent: session.agent, createdAt: session.createdAt, turns: session.turns)
    }

    /// Why a request names a session there is not.
    public static func unknownSession(_ id: String) -> RunFailure {
        RunFailure(
            kind: .notFound,
            message: "Unknown session '\(id)'",
            suggestions: ["Create one with session/new."],
            details: ["sessionId": .string(id)]
        )
    }
}

extension SessionStore {
    /// The answer of a store call queued on the session queue, for a task to await. The call is queued
    /// when it is made; the answer may come before anyone awaits it.
    public final class Pending<Success: Sendable, Failure: Error>: Sendable {
        private enum State {
            case waiting([CheckedContinuation<Result<Success, Failure>, Never>])
            case answered(Result<Success, Failure>)
        }

        private let state: Mutex<State>

        init() { state = Mutex(.waiting([])) }

        private init(answer: Result<Success, Failure>) { state = Mutex(.answered(answer)) }

        /// A call answered without the store.
        static func answered(_ result: Result<Success, Failure>) -> Pending {
            Pending(answer: result)
        }

        /// The answer: the first one counts. Resumes the waiting tasks after releasing the lock.
        func answer(_ result: Result<Success, Failure>) {
            let waiters = state.withLock { state -> [CheckedContinuation<Result<Success, Failure>, Never>] in
                guard case .waiting(let waiters) = state else { return [] }
                state = .answered(result)
                return waiters
            }
            for waiter in waiters { waiter.resume(returning: result) }
        }

        /// Waits for the answer (without holding a thread).
        public func result() async -> Result<Success, Failure> {
            await withCheckedContinuation { continuation in
                let answered = state.withLock { state -> Result<Success, Failure>? in
                    switch state {
                    case .answered(let result):
                        return result
                    case .waiting(var waiters):
                        waiters.append(continuation)
                        state = .waiting(waiters)
                        return nil
                    }
                }
                if let answered { continuation.resume(returning: answered) }
            }
        }

        /// Waits for the answer; a failure is thrown.
        public func value() async throws(Failure) -> Success {
            try await result().get()
        }
    }
}
