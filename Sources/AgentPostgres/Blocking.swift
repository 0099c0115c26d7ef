import AgentCore
import Dispatch
import Foundation
import PostgresNIO
import Synchronization

/// Where the store's async work runs: two threads of its own, never Swift's cooperative pool nor GCD's
/// global queues (on Linux they share their threads). A caller blocks its thread waiting for an answer
/// (``PostgresRunStore`` is synchronous): were the work on those pools, callers blocking on them (a
/// synchronous test, several at once) could starve the very work they wait for.
///
/// - Important: Nothing that runs here blocks: it awaits the network. Callers' handlers are called on
///   ``callbacks``, never here.
final class StoreExecutor: TaskExecutor {
    static let shared = StoreExecutor(threads: 2)

    /// Where the store calls code of its callers (cancellation handlers), off its own threads.
    static let callbacks = CallbackThread()

    private let jobs = Mutex(JobQueue())
    private let ready = DispatchSemaphore(value: 0)

    private struct JobQueue {
        var items: [UnownedJob] = []
        var head = 0

        mutating func push(_ job: UnownedJob) { items.append(job) }

        mutating func pop() -> UnownedJob? {
            guard head < items.count else { return nil }
            let job = items[head]
            head += 1
            if head >= 64 && head * 2 >= items.count {
                items.removeFirst(head)
                head = 0
            }
            return job
        }
    }

    private init(threads: Int) {
        for index in 0..<threads {
            let thread = Thread { [self] in work() }
            thread.name = "agentwire-postgres-\(index)"
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.push(job) }
        ready.signal()
    }

    private func work() {
        let executor = asUnownedTaskExecutor()
        while true {
            ready.wait()
            if let job = jobs.withLock({ $0.pop() }) { job.runSynchronously(on: executor) }
        }
    }

    /// Sleeps on a NIO timer rather than `Task.sleep`, whose wake-up needs a thread of the global pool:
    /// when that pool is busy (or its threads block), a heartbeat must still beat on time, or other
    /// servers would take this one for gone.
    static func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        let nanoseconds = Int64(min(max(duration.seconds, 0), 1e9) * 1e9)
        let scheduled = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: .nanoseconds(nanoseconds)) {}
        try await withTaskCancellationHandler {
            do { try await scheduled.futureResult.get() } catch { throw CancellationError() }
        } onCancel: {
            scheduled.cancel()
        }
    }

    /// Starts `operation` on the store's threads.
    @discardableResult
    static func start<T: Sendable>(_ operation: sending @escaping () async -> T) -> Task<T, Never> {
        Task(executorPreference: shared, operation: operation)
    }
}

/// One thread of its own that runs closures in order: the store's callers' handlers, which may block,
/// and must not wait for a busy global pool either (a cancellation is to reach its run within 250 ms).
final class CallbackThread: Sendable {
    private let work = Mutex<[@Sendable () -> Void]>([])
    private let ready = DispatchSemaphore(value: 0)

    init() {
        let thread = Thread { [self] in
            while true {
                ready.wait()
                let next = work.withLock { $0.isEmpty ? nil : $0.removeFirst() }
                next?()
            }
        }
        thread.name = "agentwire-postgres-callbacks"
        thread.start()
    }

    func async(_ body: @escaping @Sendable () -> Void) {
        work.withLock { $0.append(body) }
        ready.signal()
    }
}

/// A result one thread waits for and a task delivers; the waiter may give up first.
final class Pending<T: Sendable>: Sendable {
    private struct State {
        var result: Result<T, any Error>?
        var abandoned = false
    }

    private let state = Mutex(State())
    private let semaphore = DispatchSemaphore(value: 0)

    /// Delivers `result`; `false` when the waiter gave up (or a result came already): the caller then
    /// releases what the result holds.
    @discardableResult
    func finish(_ result: Result<T, any Error>) -> Bool {
        let accepted = state.withLock { state -> Bool in
            guard state.result == nil, !state.abandoned else { return false }
            state.result = result
            return true
        }
        if accepted { semaphore.signal() }
        return accepted
    }

    /// The result, or `nil` when none came within `timeout` (later results are refused).
    func wait(for timeout: Duration) -> Result<T, any Error>? {
        let timedOut = semaphore.wait(timeout: .now() + timeout.seconds) == .timedOut
        return state.withLock { state in
            if timedOut && state.result == nil { state.abandoned = true }
            return state.result
        }
    }
}

/// A call to the server that did not answer in time.
struct NoAnswer: Error {
    var after: Duration
}

/// Runs `body` on the store's threads and blocks the calling thread until it finishes or `timeout` passes
/// (then the task is cancelled and ``NoAnswer`` thrown).
func blocking<T: Sendable>(within timeout: Duration, _ body: @escaping @Sendable () async throws -> T) throws -> T {
    let pending = Pending<T>()
    let task = StoreExecutor.start {
        do { pending.finish(.success(try await body())) } catch { pending.finish(.failure(error)) }
    }
    guard let result = pending.wait(for: timeout) else {
        task.cancel()
        throw NoAnswer(after: timeout)
    }
    return try result.get()
}

/// `body`, or ``NoAnswer`` after `timeout` (`body` is cancelled).
func withDeadline<T: Sendable>(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T
{
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await StoreExecutor.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw NoAnswer(after: timeout) }
        return value
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// For messages: `10 s`, `1.5 s`.
    var spoken: String {
        let value = seconds
        return value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}
