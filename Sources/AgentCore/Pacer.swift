import Foundation
import Synchronization

/// Wakes many sleeping tasks from one thread: the pacing of `echo`'s `delayMs` tokens.
///
/// `Task.sleep` arms a timer of its own for every call; a thousand streams at a hundred tokens a second
/// then spend most of their CPU re-arming timers and waking threads one token at a time. Here every
/// sleeper waits in one deadline-ordered heap; one thread sleeps until the earliest deadline and resumes
/// everything due by then (and within ``coalescing`` of it) in one pass, so the resumed tasks run as one
/// batch on the shared executor. A cancelled sleeper is resumed at once with `CancellationError`.
public final class Pacer: @unchecked Sendable {
    // `state` is only touched with `condition` locked.
    public static let shared = Pacer()

    /// Deadlines this close together are woken together.
    public static let coalescing: Duration = .microseconds(250)

    private var state = State()
    private let condition = NSCondition()

    private func withLock<T>(_ body: (inout State) -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body(&state)
    }

    private struct Sleeper {
        /// Nanoseconds on the monotonic clock.
        var deadline: UInt64
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
        /// For ``drive(every:_:)``: what to call at each deadline, and the interval between them.
        var step: (@Sendable () -> PacedStep)? = nil
        var interval: UInt64 = 0
    }

    private struct State {
        var nextId: UInt64 = 0
        /// Min-heap on `deadline`.
        var heap: [Sleeper] = []
        var cancelledBeforeSleeping: Set<UInt64> = []
        var threadStarted = false
    }

    private static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    private static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }

    /// Suspends the calling task for `duration` (at least; at most ``coalescing`` early).
    public func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        let deadline = Self.now() + Self.nanoseconds(duration)
        let id = withLock { state -> UInt64 in
            state.nextId += 1
            return state.nextId
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let startThread = withLock { state -> Bool in
                    if state.cancelledBeforeSleeping.remove(id) != nil {
                        continuation.resume(throwing: CancellationError())
                        return false
                    }
                    Self.push(Sleeper(deadline: deadline, id: id, continuation: continuation), into: &state.heap)
                    if state.heap[0].id == id { condition.signal() }  // the new earliest deadline
                    defer { state.threadStarted = true }
                    return !state.threadStarted
                }
                if startThread { startThreadOnce() }
            }
        } onCancel: {
            let continuation = withLock { state -> CheckedContinuation<Void, any Error>? in
                // Cancellations are rare: a linear search of the heap is fine.
                guard let index = state.heap.firstIndex(where: { $0.id == id }) else {
                    // Not asleep yet (or already woken): a sleep that starts later ends at once.
                    state.cancelledBeforeSleeping.insert(id)
                    return nil
                }
                return Self.remove(at: index, from: &state.heap).continuation
            }
            continuation?.resume(throwing: CancellationError())
        }
        // A cancellation that raced with the wake-up leaves nothing behind.
        _ = withLock { $0.cancelledBeforeSleeping.remove(id) }
    }

    /// Calls `step` on the pacer's thread every `interval` (the first call one interval from now) until it
    /// answers ``PacedStep/done`` or ``PacedStep/needsTask``, then returns that answer; the calling task
    /// stays suspended meanwhile. A paced stream then costs one call per token on one thread, instead of a
    /// task resumed (and a thread woken) per token. The schedule is kept at a fixed rate: a call that comes
    /// late does not push the later ones back (by more than one interval).
    ///
    /// Cancelling the calling task ends it at once with `CancellationError`; `step` is not called after.
    /// `step` runs with every other paced stream waiting behind it, so it must not wait for anything.
    public func drive(
        every interval: Duration,
        _ step: @escaping @Sendable () -> PacedStep
    ) async throws
        -> PacedStep
    {
        try Task.checkCancellation()
        let every = max(Self.nanoseconds(interval), 1)
        let deadline = Self.now() + every
        let id = withLock { state -> UInt64 in
            state.nextId += 1
            return state.nextId
        }
        let outcome = Mutex(PacedStep.done)
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let startThread = withLock { state -> Bool in
                    if state.cancelledBeforeSleeping.remove(id) != nil {
                        continuation.resume(throwing: CancellationError())
                        return false
                    }
                    let sleeper = Sleeper(
                        deadline: deadline,
                        id: id,
                        continuation: continuation,
                        step: {
                            let answer = step()
                            if answer != .next { outcome.withLock { $0 = answer } }
                            return answer
                        },
                        interval: every
                    )
                    Self.push(sleeper, into: &state.heap)
                    if state.heap[0].id == id { condition.signal() }
                    defer { state.threadStarted = true }
                    return !state.threadStarted
                }
                if startThread { startThreadOnce() }
            }
        } onCancel: {
            let continuation = withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let index = state.heap.firstIndex(where: { $0.id == id }) else {
                    // Not queued yet, or its step is running right now: it ends instead of going on.
                    state.cancelledBeforeSleeping.insert(id)
                    return nil
                }
                return Self.remove(at: index, from: &state.heap).continuation
            }
            continuation?.resume(throwing: CancellationError())
        }
        _ = withLock { $0.cancelledBeforeSleeping.remove(id) }
        return outcome.withLock { $0 }
    }

    private func startThreadOnce() {
        let thread = Thread { [self] in run() }
        thread.name = "agentwire-pacer"
        thread.start()
    }

    private func run() {
        condition.lock()
        var due: [CheckedContinuation<Void, any Error>] = []
        var driven: [Sleeper] = []
        var ended: [(CheckedContinuation<Void, any Error>, cancelled: Bool)] = []
        while true {
            let now = Self.now()
            let horizon = now + Self.nanoseconds(Self.coalescing)
            while let first = state.heap.first, first.deadline <= horizon {
                let sleeper = Self.remove(at: 0, from: &state.heap)
                if sleeper.step != nil { driven.append(sleeper) } else { due.append(sleeper.continuation) }
            }
            if !due.isEmpty || !driven.isEmpty {
                condition.unlock()
                for continuation in due { continuation.resume() }
                due.removeAll(keepingCapacity: true)
                // Steps run outside the lock, so a cancellation can come in meanwhile; it is seen below.
                var again: [Sleeper] = []
                for var sleeper in driven {
                    if sleeper.step!() == .next {
                        sleeper.deadline += sleeper.interval
                        if sleeper.deadline + sleeper.interval < now { sleeper.deadline = now }
                        again.append(sleeper)
                    } else {
                        ended.append((sleeper.continuation, false))
                    }
                }
                driven.removeAll(keepingCapacity: true)
                condition.lock()
                for sleeper in again {
                    if state.cancelledBeforeSleeping.remove(sleeper.id) != nil {
                        ended.append((sleeper.continuation, true))
                    } else {
                        Self.push(sleeper, into: &state.heap)
                    }
                }
                if !ended.isEmpty {
                    condition.unlock()
                    for (continuation, cancelled) in ended {
                        if cancelled {
                            continuation.resume(throwing: CancellationError())
                        } else {
                            continuation.resume()
                        }
                    }
                    ended.removeAll(keepingCapacity: true)
                    condition.lock()
                }
                continue
            }
            // Under the same lock a new earliest sleeper signals, so no wake-up is missed.
            if let next = state.heap.first?.deadline {
                _ = condition.wait(until: Date(timeIntervalSinceNow: Double(next - now) / 1e9))
            } else {
                condition.wait()
            }
        }
    }

    private static func push(_ sleeper: Sleeper, into heap: inout [Sleeper]) {
        heap.append(sleeper)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes the element at `index`, keeping the heap ordered.
    private static func remove(at index: Int, from heap: inout [Sleeper]) -> Sleeper {
        let removed = heap[index]
        let last = heap.removeLast()
        guard index < heap.count else { return removed }
        heap[index] = last
        // Down, then up (a replacement from the end may belong either way).
        var parent = index
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].deadline < heap[smallest].deadline { smallest = left }
            if right < heap.count, heap[right].deadline < heap[smallest].deadline { smallest = right }
            if smallest == parent { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        var child = parent
        while child > 0 {
            let up = (child - 1) / 2
            guard heap[child].deadline < heap[up].deadline else { break }
            heap.swapAt(child, up)
            child = up
        }
        return removed
    }
}

/// What a paced step (``Pacer/drive(every:_:)``) answers.
public enum PacedStep: Sendable, Equatable {
    /// Call again one interval later.
    case next
    /// Finished: the driving task goes on.
    case done
    /// The step cannot go on from the pacer's thread (it would have to wait): the driving task takes over.
    case needsTask
}
