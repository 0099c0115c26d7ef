import Foundation
import Synchronization

/// Paces many streams from one thread: `echo`'s `delayMs` tokens.
///
/// `Task.sleep` arms a timer of its own for every call; a thousand streams at a hundred tokens a second
/// then spend most of their CPU re-arming timers and resuming a task (and waking a thread) per token.
/// Here every paced stream waits in one deadline-ordered heap; one thread sleeps until the earliest
/// deadline and calls each stream's step that is due by then (or within ``coalescing`` of it), while the
/// streams' tasks stay suspended until they are done.
public final class Pacer: @unchecked Sendable {
    // `state` is only touched with `condition` locked.
    public static let shared = Pacer()

    /// The longest the thread waits without looking at the heap: entries due later than that do not wake it.
    static let idleLook: UInt64 = 1_000_000_000

    /// Deadlines this close together are served in one pass.
    public static let coalescing: Duration = .microseconds(250)

    private var state = State()
    private let condition = NSCondition()
    /// The pacer thread's `pthread_self()`, once it runs.
    private let thread = Atomic<UInt>(0)
    /// What steps asked to run once the pass is over; touched only on the pacer thread.
    private var afterPass: [() -> Void] = []

    private func withLock<T>(_ body: (inout State) -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body(&state)
    }

    private struct Entry {
        /// Nanoseconds on the monotonic clock.
        var deadline: UInt64
        var slot: Int
    }

    /// Every stream being driven has a slot from its first queueing to its end, kept in parallel arrays
    /// (reading an id or an interval copies no reference); the heap holds only deadlines and slot numbers.
    private struct State {
        var nextId: UInt64 = 0
        /// The drive's id; 0 marks a free slot.
        var ids: [UInt64] = []
        var intervals: [UInt64] = []
        var steps: [(@Sendable () -> PacedStep)?] = []
        /// `nil` for a one-shot action (``Pacer/schedule(after:_:)``): nobody waits for it.
        var continuations: [CheckedContinuation<PacedStep, any Error>?] = []
        var freeSlots: [Int] = []
        /// Min-heap on `deadline`.
        var heap: [Entry] = []
        /// Drives cancelled while not in the heap (not queued yet, or their step running).
        var cancelled: Set<UInt64> = []
        var threadStarted = false
        /// When the pacer thread, waiting, wakes by itself (nanoseconds); 0 while it runs. A new entry
        /// signals it only when due before that.
        var waitingUntil: UInt64 = 0

        mutating func store(
            id: UInt64,
            interval: UInt64,
            step: @escaping @Sendable () -> PacedStep,
            continuation: CheckedContinuation<PacedStep, any Error>?
        ) -> Int {
            if let slot = freeSlots.popLast() {
                ids[slot] = id
                intervals[slot] = interval
                steps[slot] = step
                continuations[slot] = continuation
                return slot
            }
            ids.append(id)
            intervals.append(interval)
            steps.append(step)
            continuations.append(continuation)
            return ids.count - 1
        }

        /// Empties `slot`, returning its continuation.
        mutating func free(_ slot: Int) -> CheckedContinuation<PacedStep, any Error>? {
            let continuation = continuations[slot]
            ids[slot] = 0
            steps[slot] = nil
            continuations[slot] = nil
            freeSlots.append(slot)
            return continuation
        }
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

    /// Calls `step` on the pacer's thread every `interval` (the first call one interval from now) until it
    /// answers ``PacedStep/done`` or ``PacedStep/needsTask``, then returns that answer; the calling task
    /// stays suspended meanwhile, so a paced stream costs one call per token on one thread. The schedule
    /// keeps a fixed rate: a call that comes late does not push the later ones back (by more than one
    /// interval).
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
        let answer = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<PacedStep, any Error>) in
                let startThread = withLock { state -> Bool in
                    if state.cancelled.remove(id) != nil {
                        continuation.resume(throwing: CancellationError())
                        return false
                    }
                    let slot = state.store(id: id, interval: every, step: step, continuation: continuation)
                    Self.push(Entry(deadline: deadline, slot: slot), into: &state.heap)
                    if deadline < state.waitingUntil { condition.signal() }  // due before the thread looks again
                    defer { state.threadStarted = true }
                    return !state.threadStarted
                }
                if startThread { startThreadOnce() }
            }
        } onCancel: {
            let continuation = withLock { state -> CheckedContinuation<PacedStep, any Error>? in
                // Cancellations are rare: linear searches are fine.
                guard let index = state.heap.firstIndex(where: { state.ids[$0.slot] == id }) else {
                    state.cancelled.insert(id)
                    return nil
                }
                let entry = Self.remove(at: index, from: &state.heap)
                return state.free(entry.slot)
            }
            continuation?.resume(throwing: CancellationError())
        }
        // A cancellation that raced with the end leaves nothing behind.
        _ = withLock { $0.cancelled.remove(id) }
        return answer
    }

    /// Calls `action` once on the pacer's thread after `delay`: a timer that costs no task, no dispatch
    /// timer and no thread wake-up of its own (a run's token-coalescing flush, armed once per burst).
    /// `action` runs with every paced stream waiting behind it, so it must not wait for anything.
    /// - Returns: a token ``cancelScheduled(_:)`` takes.
    @discardableResult
    public func schedule(after delay: Duration, _ action: @escaping @Sendable () -> Void) -> UInt64 {
        arm(after: delay, every: nil) {
            action()
            return .done
        }
    }

    /// Calls `action` on the pacer's thread every `interval` (the first call one interval from now) until
    /// ``cancelScheduled(_:)`` is given the token it returns: a run's heartbeats, with no task waiting.
    /// `action` must not wait for anything.
    public func repeating(every interval: Duration, _ action: @escaping @Sendable () -> Void) -> UInt64 {
        arm(after: interval, every: interval) {
            action()
            return .next
        }
    }

    private func arm(
        after delay: Duration,
        every interval: Duration?,
        _ step: @escaping @Sendable () -> PacedStep
    ) -> UInt64 {
        let deadline = Self.now() + max(Self.nanoseconds(delay), 1)
        let every = max(Self.nanoseconds(interval ?? delay), 1)
        let (id, startThread) = withLock { state -> (UInt64, Bool) in
            state.nextId += 1
            let slot = state.store(id: state.nextId, interval: every, step: step, continuation: nil)
            Self.push(Entry(deadline: deadline, slot: slot), into: &state.heap)
            if deadline < state.waitingUntil { condition.signal() }  // due before the thread looks again
            defer { state.threadStarted = true }
            return (state.nextId, !state.threadStarted)
        }
        if startThread { startThreadOnce() }
        return id
    }

    /// Drops an action ``schedule(after:_:)`` or ``repeating(every:_:)`` armed: a one-shot that has not
    /// run yet never runs; a repeating one is not called again once this returns, but for a call already
    /// under way.
    public func cancelScheduled(_ id: UInt64) {
        withLock { state in
            if let index = state.heap.firstIndex(where: { state.ids[$0.slot] == id }) {
                let entry = Self.remove(at: index, from: &state.heap)
                _ = state.free(entry.slot)
            } else if state.ids.contains(id) {
                // Running in this pass: not queued again when it returns.
                state.cancelled.insert(id)
            }
        }
    }

    /// Whether the caller is a paced step (only steps run on the pacer's thread).
    public var isPacing: Bool {
        Self.currentThread() == thread.load(ordering: .relaxed)
    }

    /// Runs `action` on the pacer's thread once every step due in this pass has run: a step that queues
    /// output defers waking the writer here, so one pass's tokens share one wake-up and one `write(2)`.
    ///
    /// - Important: Call it only from a step (``isPacing`` is true).
    public func afterThisPass(_ action: @escaping () -> Void) {
        precondition(isPacing, "afterThisPass is only for paced steps")
        afterPass.append(action)
    }

    private static func currentThread() -> UInt {
        #if canImport(Darwin)
            UInt(bitPattern: pthread_self())
        #else
            UInt(pthread_self())
        #endif
    }

    private func startThreadOnce() {
        let thread = Thread { [self] in run() }
        thread.name = "agentwire-pacer"
        thread.start()
    }

    private func run() {
        thread.store(Self.currentThread(), ordering: .relaxed)
        condition.lock()
        var due: [(entry: Entry, step: @Sendable () -> PacedStep)] = []
        var ended: [(CheckedContinuation<PacedStep, any Error>?, Result<PacedStep, CancellationError>)] = []
        var answers: [PacedStep] = []
        while true {
            let now = Self.now()
            let horizon = now + Self.nanoseconds(Self.coalescing)
            while let first = state.heap.first, first.deadline <= horizon {
                let entry = Self.remove(at: 0, from: &state.heap)
                due.append((entry, state.steps[entry.slot]!))
            }
            if due.isEmpty {
                // Under the same lock an entry due before `waitingUntil` signals, so no wake-up is missed;
                // later ones (heartbeats, reaper passes) are picked up when the thread looks again, at the
                // latest after `idleLook`.
                let wake = min(state.heap.first?.deadline ?? .max, now + Self.idleLook)
                state.waitingUntil = wake
                _ = condition.wait(until: Date(timeIntervalSinceNow: Double(wake - now) / 1e9))
                state.waitingUntil = 0
                continue
            }
            // Steps run outside the lock; a cancellation meanwhile is seen when they are queued again.
            condition.unlock()
            for item in due { answers.append(item.step()) }
            if !afterPass.isEmpty {
                for action in afterPass { action() }
                afterPass.removeAll(keepingCapacity: true)
            }
            condition.lock()
            let anyCancelled = !state.cancelled.isEmpty
            for (item, answer) in zip(due, answers) {
                let slot = item.entry.slot
                if answer != .next {
                    // A cancellation that came meanwhile is removed by `drive` itself.
                    ended.append((state.free(slot), .success(answer)))
                } else if anyCancelled, state.cancelled.remove(state.ids[slot]) != nil {
                    ended.append((state.free(slot), .failure(CancellationError())))
                } else {
                    let interval = state.intervals[slot]
                    var deadline = item.entry.deadline + interval
                    if deadline + interval < now { deadline = now }
                    Self.push(Entry(deadline: deadline, slot: slot), into: &state.heap)
                }
            }
            due.removeAll(keepingCapacity: true)
            answers.removeAll(keepingCapacity: true)
            if !ended.isEmpty {
                condition.unlock()
                for (continuation, result) in ended { continuation?.resume(with: result) }
                ended.removeAll(keepingCapacity: true)
                condition.lock()
            }
        }
    }

    private static func push(_ entry: Entry, into heap: inout [Entry]) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes the element at `index`, keeping the heap ordered.
    private static func remove(at index: Int, from heap: inout [Entry]) -> Entry {
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
