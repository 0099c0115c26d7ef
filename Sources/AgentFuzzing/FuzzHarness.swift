import AgentCore
import AgentService
import Foundation
import JSONRPC
import JSONRPCTransport
import Logging
import Synchronization

/// Serves bytes to a fresh service exactly as a client's stdin would, in memory: framing detection, both
/// framings, jansson parsing, the choice of face (native, ACP or MCP, by the first message, through
/// ``FaceRouter``) and dispatch, with the echo agents behind it (no delays). Returns once the face has
/// answered everything and would exit (its end-of-input handling), and the work the input started has
/// let go of its connection. The fuzzer and the corpus replay test both use it.
///
/// No pipe, no process and no reader or writer thread per input: ``Connection/serve(_:handler:)`` runs
/// the reader's code on the calling thread, and frames go to an in-memory ``OutboundQueue``. Only what
/// cannot carry anything from one input to the next is shared: the configuration, the logger and the
/// no-op telemetry. Everything with state is new for each input (runtime, run store, sessions,
/// statistics, rate-limit window, face), so an input behaves the same whatever ran before it, and a
/// crash replays from its input alone.
public enum FuzzHarness {
    /// The built-in agents and workflows with every echo delay removed, so no input can make a run slow,
    /// and a rate limit of two runs: a third run-starting request is refused, so one input reaches that
    /// path, and no input pays for more than two runs (a run costs more than anything else an input can
    /// ask for). Each input has a runtime of its own, so the limit never carries over to the next.
    static let config: AgentConfig = {
        var config = AgentConfig.builtIn
        for index in config.agents.indices {
            if case .echo(_, let thinking, let history) = config.agents[index].provider {
                config.agents[index].provider = .echo(delayMs: 0, thinking: thinking, history: history)
            }
        }
        config.limits.requestsPerMinute = 2
        return config
    }()

    /// Largest message the harness's service accepts: small, so oversized paths are reachable.
    public static let maxMessageBytes = 64 * 1024

    /// A session every input finds in its store (native `session/prompt`, ACP `session/load` and
    /// `session/prompt`). The service makes random ids, which no input could name.
    public static let sessionId = "ses_fuzz"
    /// A finished run every input finds in its store (`run/get`, `run/status`, `run/events`,
    /// `run/delete`, `run/cancel`).
    public static let runId = "run_fuzz"

    /// How long work an input started (a task still letting go of its connection) may outlast its end of
    /// input before the next input starts anyway; a caller that keeps the output (a test comparing it, a
    /// replay) waits longer, as a busy machine may leave the tasks that write the last replies unscheduled
    /// for seconds.
    static let quiescenceLimit: DispatchTimeInterval = .seconds(2)
    static let quiescenceLimitKeepingOutput: DispatchTimeInterval = .seconds(30)

    /// Logs nothing: formatting log lines would cost more than most inputs.
    static let logger = Logger(label: "agentwire.fuzz") { _ in SwiftLogNoOpLogHandler() }
    /// No metrics backend is bootstrapped, so this holds nothing an input could leave behind; runs still
    /// take the instrumented path.
    private static let telemetry = Telemetry()
    /// Fixed, so the stored fixtures read the same in every input.
    private static let epoch = Date(timeIntervalSince1970: 1_800_000_000)

    /// Serves `input` on the calling thread; with `keepingOutput`, returns every frame written.
    ///
    /// - Important: Blocks while the input's runs settle on the shared executor: never call it from one
    ///   of the executor's threads (from async code, await the async overload).
    @discardableResult
    public static func run(_ input: [UInt8], keepingOutput: Bool = false) -> [UInt8] {
        let release = Release()
        let outbound = serve(input, keepingOutput: keepingOutput) { release.signal() }
        // The face has answered every run by now, but a run's task, a store read or a timer may still be
        // letting go of the connection on another thread; were the next input to start meanwhile, that
        // work would count towards its coverage, and a crash in it would be blamed on an input that
        // cannot reproduce it.
        release.wait(atMost: keepingOutput ? quiescenceLimitKeepingOutput : quiescenceLimit)
        return outbound.takeWritten()
    }

    /// ``run(_:keepingOutput:)`` on a thread of its own, so no thread of the shared executor (which the
    /// runs need) waits while it settles.
    @discardableResult
    public static func run(_ input: [UInt8], keepingOutput: Bool = false) async -> [UInt8] {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: run(input, keepingOutput: keepingOutput)) }
            thread.stackSize = 4 << 20  // as the reader thread's: jansson recurses into nested input
            thread.start()
        }
    }

    /// Serves `input` on a new runtime and connection; returns the connection's queue. `released` is
    /// called once nothing holds the connection any more.
    private static func serve(
        _ input: [UInt8],
        keepingOutput: Bool,
        released: @escaping @Sendable () -> Void
    ) -> OutboundQueue {
        let runtime = makeRuntime()
        let connection = Connection(
            inMemoryKeepingOutput: keepingOutput,
            maxMessageBytes: maxMessageBytes,
            logger: logger,
            onRelease: released
        )
        let router = FaceRouter(runtime: runtime, logger: logger) { _ in }
        if let executor = InlineExecutor.installed {
            connection.serve(input, handler: TakingTurns(router, executor: executor))
        } else {
            connection.serve(input, handler: router)
        }
        return connection.outbound
    }

    /// Serves the inputs that follow with the process's global executor taken over by one that runs an
    /// input's tasks on the thread serving it (``InlineExecutor``): no thread hand-off per run, and the
    /// same interleaving of messages and runs every time an input is served. For the fuzz binary only: it
    /// cannot be undone, and a process that runs anything else concurrently (a test runner) would find
    /// its tasks waiting for the next input. Returns false where the runtime offers no way to do it.
    @discardableResult
    public static func runTasksInline() -> Bool {
        InlineExecutor.install()
    }

    /// A runtime of its own for one input: the harness's configuration over a memory store holding the
    /// fixtures, and new statistics, sessions and rate-limit window.
    static func makeRuntime() -> AgentRuntime {
        AgentRuntime(config: config, store: MemoryRunStore(copying: fixtures), logger: logger, telemetry: telemetry)
    }

    /// The fixtures every input's store starts from (a copy of this store, which no input changes).
    private static let fixtures = seededStore()

    /// A memory store holding the fixtures ``sessionId`` and ``runId``, the same for every input.
    private static func seededStore() -> MemoryRunStore {
        let store = MemoryRunStore()
        try? store.insertSession(
            StoredSession(id: sessionId, agent: "echo", createdAt: epoch, turns: [Turn(input: "hi", output: "hi")])
        )
        try? store.insertRun(
            StoredRun(
                id: runId,
                kind: "agent",
                name: "echo",
                agent: "echo",
                input: "hi",
                status: .completed,
                output: "hi",
                outputTokens: 1,
                startedAt: epoch,
                endedAt: epoch
            )
        )
        return store
    }
}

/// The moment an input's connection is let go: usually a few microseconds after its end of input, so the
/// waiter yields for a while before it sleeps (a wake-up from sleep costs more than the wait itself).
private final class Release: Sendable {
    private let done = Atomic(false)
    private let semaphore = DispatchSemaphore(value: 0)

    func signal() {
        done.store(true, ordering: .releasing)
        semaphore.signal()
    }

    func wait(atMost limit: DispatchTimeInterval) {
        for _ in 0..<200 {
            if done.load(ordering: .acquiring) { return }
            sched_yield()
        }
        _ = semaphore.wait(timeout: .now() + limit)
    }
}

/// The reader and the input's tasks take turns on the serving thread: after each message, the jobs that
/// were waiting run once (a run advances by a step, so a later message can find it mid-way, as a
/// cancellation would); at end of input every job runs to the end, and then the face's own end-of-input
/// handling runs. Where a face waits for its runs (end of input, `exit`), the serving thread runs their
/// jobs (``RunSupervisor/workWhileWaiting``) until none is left, and then lets the executor's helper
/// thread serve whatever comes from elsewhere.
private final class TakingTurns: MessageHandler {
    private let face: any MessageHandler
    private let executor: InlineExecutor

    init(_ face: any MessageHandler, executor: InlineExecutor) {
        self.face = face
        self.executor = executor
    }

    func handle(_ incoming: Incoming, on connection: Connection) {
        turn { face.handle(incoming, on: connection) }
    }

    func skippedOversizedMessage(bytes: Int, limit: Int, on connection: Connection) {
        turn { face.skippedOversizedMessage(bytes: bytes, limit: limit, on: connection) }
    }

    /// The face reads one message, then the jobs waiting run once.
    private func turn(_ read: () -> Void) {
        executor.own()  // again: a face that waited for its runs (`exit`) may have handed the queue over
        read()
        executor.drain(all: false)
    }

    func inputClosed(on connection: Connection) {
        executor.own()
        executor.drain(all: true)
        face.inputClosed(on: connection)
        executor.release()
    }
}
