import Synchronization

/// A watch on the writes of one run by any process (``RunStore/watchWrites(runId:)``): the store calls
/// ``signal()`` when it hears of one, and a follow waits in ``next(atMost:)`` instead of polling.
///
/// A write heard while nobody waits is kept, so one that lands between a follow's read and its wait is
/// never missed. - Important: Its lock is taken alone.
public final class RunWriteWatch: Sendable {
    public let runId: String
    private let state = Mutex(State())
    private let onStop: @Sendable (RunWriteWatch) -> Void

    private struct State {
        var heard = false
        var stopped = false
        var waiter: (id: UInt64, continuation: CheckedContinuation<Void, Never>)?
        var nextWaiter: UInt64 = 0
        /// The last wait whose time ran out (possibly before it began waiting).
        var expired: UInt64 = 0
    }

    /// - Parameter onStop: called once by ``stop()``, for the store to forget the watch.
    public init(runId: String, onStop: @escaping @Sendable (RunWriteWatch) -> Void = { _ in }) {
        self.runId = runId
        self.onStop = onStop
    }

    /// The store heard of a write of the run: the current or next ``next(atMost:)`` returns.
    public func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.heard = true
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }

    /// Returns once a write was heard since the previous return, after `atMost`, or at once when
    /// stopped. One caller at a time.
    public func next(atMost: Duration) async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        let timer = Task {
            try? await Task.sleep(for: atMost)
            self.wake(id)
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.heard || state.stopped || state.expired >= id {
                    state.heard = false
                    return true
                }
                state.waiter = (id, continuation)
                return false
            }
            if now { continuation.resume() }
        }
        timer.cancel()
    }

    private func wake(_ id: UInt64) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.expired = max(state.expired, id)
            guard let waiter = state.waiter, waiter.id == id else { return nil }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }

    /// Ends the watch: the store forgets it, and a waiting ``next(atMost:)`` returns.
    public func stop() {
        let (first, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
            defer {
                state.stopped = true
                state.waiter = nil
            }
            return (!state.stopped, state.waiter?.continuation)
        }
        waiter?.resume()
        if first { onStop(self) }
    }
}
