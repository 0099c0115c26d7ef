import Foundation
import JSONRPCTransport

/// The fuzz binary's global executor: every job the Swift runtime would hand to its cooperative pool (a
/// task starting or resuming, an actor's turn) waits in one queue, and the thread serving an input runs
/// them itself between the messages it reads. An input is then served without a thread hand-off, and the
/// same input interleaves its messages and its runs the same way every time.
///
/// The serving thread *owns* the queue while it serves (``own()`` … ``release()``) and runs the jobs in
/// ``drain(all:)``. Where a face waits for its runs on that thread (end of input, `exit`), it runs their
/// jobs there (``workWhileWaiting()``, through ``RunSupervisor/workWhileWaiting``) and, once none is
/// left, hands the queue to a helper thread, which runs whatever other threads enqueue later (a timer's
/// task). The helper also runs the jobs of an owner that is blocked anywhere else: when jobs have waited
/// through two of its looks (``rescueAfter`` apart) while the owner ran none, nothing can wait forever on
/// a job that never runs.
///
/// Installing it takes over the process's global executor for good (the runtime's
/// `swift_task_enqueueGlobal_hook`): only the fuzz binary does, never a test process.
final class InlineExecutor: TaskExecutor, @unchecked Sendable {
    /// The installed executor, or nil where the process keeps the runtime's own pool.
    nonisolated(unsafe) private(set) static var installed: InlineExecutor?

    /// How often the helper looks whether jobs wait for an owner that runs none of them.
    static let rescueAfter: TimeInterval = 0.005

    private let condition = NSCondition()
    /// Jobs in arrival order from `head` on.
    private var jobs: [UnownedJob] = []
    private var head = 0
    private var owned = false
    /// The thread that owns the queue, while one does.
    private var owner: pthread_t?
    /// Counts the jobs run, so the helper can tell an owner that drains from one that is stuck.
    private var ran = 0
    private var helperWaiting = false

    private init() {}

    /// Takes over the process's global executor, once; later calls do nothing. Returns false where the
    /// runtime offers no hook (the runtime's pool then stays in use).
    @discardableResult
    static func install() -> Bool {
        if installed != nil { return true }
        typealias Original = @convention(thin) (UnownedJob) -> Void
        typealias Hook = @convention(thin) (UnownedJob, Original) -> Void
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "swift_task_enqueueGlobal_hook") else { return false }
        let executor = InlineExecutor()
        installed = executor
        RunSupervisor.workWhileWaiting = { executor.workWhileWaiting() }
        let helper = Thread { executor.helperLoop() }
        helper.name = "agentwire-fuzz-jobs"
        helper.stackSize = 4 << 20
        helper.start()
        let hook: Hook = { job, _ in InlineExecutor.installed!.push(job) }
        symbol.assumingMemoryBound(to: Hook?.self).pointee = hook
        return true
    }

    // MARK: TaskExecutor

    func enqueue(_ job: consuming ExecutorJob) {
        push(UnownedJob(job))
    }

    // MARK: The queue

    private func push(_ job: UnownedJob) {
        condition.lock()
        jobs.append(job)
        // An owner drains them itself: waking the helper would be the very hand-off this executor saves.
        if helperWaiting && !owned { condition.signal() }
        condition.unlock()
    }

    /// Pops the oldest job; the caller holds the lock.
    private func popLocked() -> UnownedJob? {
        guard head < jobs.count else { return nil }
        let job = jobs[head]
        head += 1
        if head == jobs.count {
            jobs.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024 && head * 2 >= jobs.count {
            jobs.removeFirst(head)
            head = 0
        }
        ran += 1
        return job
    }

    private func run(_ job: UnownedJob) {
        job.runSynchronously(on: asUnownedTaskExecutor())
    }

    // MARK: The serving thread

    /// The calling thread runs the jobs from now on, in ``drain(all:)``; the helper only rescues.
    func own() {
        condition.lock()
        owned = true
        owner = pthread_self()
        condition.unlock()
    }

    /// Hands the jobs back to the helper (which starts on any already waiting).
    func release() {
        condition.lock()
        owned = false
        owner = nil
        if helperWaiting && head < jobs.count { condition.signal() }
        condition.unlock()
    }

    /// For a face that waits for its runs on the owning thread (``RunSupervisor/workWhileWaiting``): runs
    /// every waiting job there; when there is none, hands the queue to the helper, since what the face
    /// waits for now comes from another thread, and returns false so that the face blocks.
    func workWhileWaiting() -> Bool {
        condition.lock()
        let isOwner = owned && owner.map { pthread_equal($0, pthread_self()) != 0 } == true
        let waiting = head < jobs.count
        condition.unlock()
        guard isOwner else { return false }
        if waiting {
            drain(all: true)
            return true
        }
        release()
        return false
    }

    /// Runs waiting jobs on the calling thread: with `all`, until none is left, including those the jobs
    /// enqueue; without, only the jobs that were waiting when it was called (one turn: a task that yields
    /// or starts another waits for the next turn).
    func drain(all: Bool) {
        condition.lock()
        var budget = all ? Int.max : jobs.count - head
        while budget > 0, let job = popLocked() {
            budget -= 1
            condition.unlock()
            run(job)
            condition.lock()
        }
        condition.unlock()
    }

    // MARK: The helper

    private func helperLoop() {
        condition.lock()
        /// How many jobs had run when the last look found jobs waiting for the owner.
        var stalledAt: Int?
        while true {
            if !owned, let job = popLocked() {
                condition.unlock()
                run(job)
                condition.lock()
                continue
            }
            helperWaiting = true
            _ = condition.wait(until: Date(timeIntervalSinceNow: Self.rescueAfter))
            helperWaiting = false
            // Jobs waited from one look to the next while the owner ran none of them: it is blocked
            // somewhere that is not a face's wait for its runs. They run here until none is left.
            guard owned, head < jobs.count else {
                stalledAt = nil
                continue
            }
            if stalledAt == ran {
                while owned, let job = popLocked() {
                    condition.unlock()
                    run(job)
                    condition.lock()
                }
                stalledAt = nil
            } else {
                stalledAt = ran
            }
        }
    }
}
