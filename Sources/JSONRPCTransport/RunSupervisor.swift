import Foundation
import JSONRPC
import Synchronization

/// The work a connection's requests started, whatever face it speaks: admission, tracking by the request
/// that started each run, cancellation from every dialect, stale reaping, and settling before exit.
///
/// A run is admitted under a key (the id of its request, or a key of its own for runs that outlive their
/// request), gets its task attached, and leaves with ``finish(_:)`` just before its request is answered;
/// ``settle()`` then counts down what end of input waits for.
///
/// - Important: The supervisor's lock is a leaf: nothing else is locked while it is held, and the
///   admission closure must not lock anything that may wait on the supervisor.
public final class RunSupervisor: Sendable {
    private struct Run: Sendable {
        var runId: String
        var task: Task<Void, Never>?
        var cancelMode: CancelMode = .none
        var cancelRequested = false
    }

    private struct State: Sendable {
        var runs: [RequestID: Run] = [:]
        /// Runs admitted whose reply is not yet queued; end of input waits for this to reach zero.
        var unsettled = 0
        /// Set by ``close()``: the connection is stopping and admits no more runs.
        var closed = false
        /// Whether the reaper has started (it starts with the first run: a connection that never runs
        /// anything costs no task).
        var reaping = false
        /// The reaper's next pass, when a ``PassScheduler`` holds it.
        var nextPass: UInt64?
    }

    private let state = Mutex(State())
    private let settledCondition = NSCondition()
    private let reaper: (interval: Duration, reap: @Sendable () -> Void)?
    private let scheduler: (any PassScheduler)?

    /// - Parameters:
    ///   - interval: how often `reap` runs once the first run is admitted, for as long as this supervisor
    ///     exists (stale-run reaping); `nil` for none.
    ///   - scheduler: what times the passes; `nil` for a task of the supervisor's own that sleeps between
    ///     them.
    public init(
        reapEvery interval: Duration? = nil,
        scheduler: (any PassScheduler)? = nil,
        _ reap: (@Sendable () -> Void)? = nil
    ) {
        if let interval, let reap { reaper = (interval, reap) } else { reaper = nil }
        self.scheduler = scheduler
    }

    deinit {
        if let scheduler, let pass = state.withLock({ $0.nextPass }) { scheduler.cancel(pass) }
    }

    /// Registers a run under `key` once `admit` accepts the number of runs in flight.
    /// - Throws: -32003 once the supervisor is closed, -32600 when `key` already names a run in flight, or
    ///   what `admit` throws.
    public func admit(
        key: RequestID,
        runId: String,
        admit: (_ inFlight: Int) throws(ResponseError) -> Void
    ) throws(ResponseError) {
        let refusal: ResponseError? = state.withLock { state in
            if state.closed { return ResponseError(code: .shuttingDown, message: "The server is shutting down") }
            if state.runs[key] != nil {
                return .invalidRequest("request id \(key) is already in use by a run in flight")
            }
            do throws(ResponseError) {
                try admit(state.runs.count)
            } catch {
                return error
            }
            state.runs[key] = Run(runId: runId)
            state.unsettled += 1
            return nil
        }
        if let refusal { throw refusal }
        startReaperOnce()
    }

    /// Attaches the task that executes the run under `key`, and cancels it at once when a cancellation
    /// arrived before it existed.
    public func attach(_ task: Task<Void, Never>, to key: RequestID) {
        let cancelNow = state.withLock { state -> Bool in
            guard state.runs[key] != nil else { return false }
            state.runs[key]!.task = task
            return state.runs[key]!.cancelRequested
        }
        if cancelNow { task.cancel() }
    }

    /// The run under `key` has ended: it leaves the table (so a client that reacts to the reply at once,
    /// reusing the id, never finds it still there). Returns how it was cancelled, which decides the reply.
    @discardableResult
    public func finish(_ key: RequestID) -> CancelMode {
        state.withLock { $0.runs.removeValue(forKey: key)?.cancelMode ?? .none }
    }

    /// A reply that is not a run's but comes later, from a task (a store read): end of input waits for it
    /// as for a run's. Balance with ``settle()`` once it is queued.
    public func holdReply() {
        state.withLock { $0.unsettled += 1 }
    }

    /// The reply of a finished run (or one held with ``holdReply()``) is queued or dropped: one fewer for
    /// end of input to wait for.
    public func settle() {
        state.withLock { $0.unsettled -= 1 }
        settledCondition.withLock { settledCondition.broadcast() }
    }

    /// Admitted, then refused before it ran (its task was never started): forget it.
    public func withdraw(_ key: RequestID) {
        finish(key)
        settle()
    }

    /// Cancels the run request `key` started, to be answered as `mode` says.
    /// - Returns: `false` when no such run is in flight.
    @discardableResult
    public func cancel(request key: RequestID, mode: CancelMode) -> Bool {
        let found = state.withLock { state -> (Bool, Task<Void, Never>?) in
            guard state.runs[key] != nil else { return (false, nil) }
            state.runs[key]!.cancelMode = mode
            state.runs[key]!.cancelRequested = true
            return (true, state.runs[key]!.task)
        }
        found.1?.cancel()
        return found.0
    }

    /// Cancels a run by its run id; its request is answered normally, saying it was cancelled.
    /// - Returns: `false` when no such run is in flight.
    @discardableResult
    public func cancel(runId: String) -> Bool {
        let found = state.withLock { state -> (Bool, Task<Void, Never>?) in
            guard let key = state.runs.first(where: { $0.value.runId == runId })?.key else { return (false, nil) }
            state.runs[key]!.cancelRequested = true
            return (true, state.runs[key]!.task)
        }
        found.1?.cancel()
        return found.0
    }

    /// Cancels every run in flight and admits no more (exit, SIGTERM, a client that stopped reading): a
    /// request read after this is refused rather than starting a run nobody waits for.
    public func close() {
        state.withLock { $0.closed = true }
        cancelAll()
    }

    /// Cancels every run in flight (exit, SIGTERM, a client that went away).
    public func cancelAll() {
        let tasks = state.withLock { state in
            state.runs.keys.forEach { state.runs[$0]!.cancelRequested = true }
            return state.runs.values.compactMap(\.task)
        }
        tasks.forEach { $0.cancel() }
    }

    /// Runs in flight.
    public var count: Int { state.withLock { $0.runs.count } }

    /// Whether the run with this id is in flight.
    public func isRunning(runId: String) -> Bool {
        state.withLock { $0.runs.values.contains { $0.runId == runId } }
    }

    /// Runs admitted whose reply is not yet queued.
    public var unsettled: Int { state.withLock { $0.unsettled } }

    /// Work that a thread waiting in ``waitUntilSettled(deadline:)`` runs before it blocks, and again as
    /// long as it ran something: the runs' own steps, in a process that runs a connection's tasks on the
    /// thread serving it (the fuzz harness's executor), where blocking would leave them waiting for the
    /// very thread that waits for them. Returns whether it ran anything. `nil` (everywhere else): the
    /// thread just blocks. Set once, before any connection is served.
    nonisolated(unsafe) public static var workWhileWaiting: (@Sendable () -> Bool)?

    /// Blocks the calling thread until every admitted run has been answered, or until `deadline`.
    /// - Returns: whether everything settled.
    @discardableResult
    public func waitUntilSettled(deadline: Date?) -> Bool {
        settledCondition.lock()
        defer { settledCondition.unlock() }
        while unsettled > 0 {
            if let work = Self.workWhileWaiting {
                settledCondition.unlock()
                let ran = work()
                settledCondition.lock()
                if ran { continue }
            }
            guard let deadline else {
                settledCondition.wait()
                continue
            }
            if !settledCondition.wait(until: deadline) { return unsettled == 0 }
        }
        return true
    }

    private func startReaperOnce() {
        guard let reaper,
            state.withLock({ state in
                defer { state.reaping = true }
                return !state.reaping
            })
        else { return }
        guard let scheduler else {
            Task { [weak self] in
                while true {
                    try? await Task.sleep(for: reaper.interval)
                    guard self != nil else { return }
                    reaper.reap()
                }
            }
            return
        }
        schedulePass(on: scheduler, reaper)
    }

    /// Arms the reaper's next pass; each pass arms the one after it while the supervisor exists.
    private func schedulePass(
        on scheduler: any PassScheduler,
        _ reaper: (interval: Duration, reap: @Sendable () -> Void)
    ) {
        let pass = scheduler.schedule(after: reaper.interval) { [weak self] in
            guard let self else { return }
            reaper.reap()
            self.schedulePass(on: scheduler, reaper)
        }
        state.withLock { $0.nextPass = pass }
    }
}

/// Times periodic work without a task per timer: the reaper's passes. A face's supervisor is given the
/// service's shared one; the supervisor cancels its pending pass when it goes away, so a connection that
/// ended leaves no timer behind.
public protocol PassScheduler: Sendable {
    /// Calls `action` once after `delay`; returns a token for ``cancel(_:)``. `action` must not wait for
    /// anything.
    func schedule(after delay: Duration, _ action: @escaping @Sendable () -> Void) -> UInt64
    /// Drops a pass that has not run yet (nothing happens if it has).
    func cancel(_ token: UInt64)
}
