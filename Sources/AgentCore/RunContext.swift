import Synchronization

/// The state of one run while it streams: its sequence counter, the output so far and its usage.
///
/// Providers emit through it; every event gets the next `seq` and reaches the observer under the same
/// lock, so concurrent emitters still deliver in `seq` order.
public final class RunContext: Sendable {
    public let runId: String
    public let agent: String
    private let observer: any RunObserver
    private let state = Mutex(State())

    private struct State {
        var seq: UInt64 = 0
        var output = ""
        var outputTokens = 0
    }

    public init(runId: String, agent: String, observer: any RunObserver) {
        self.runId = runId
        self.agent = agent
        self.observer = observer
    }

    /// Emits any event.
    public func emit(_ event: RunEvent) {
        state.withLock { state in
            state.seq += 1
            observer.runEvent(runId: runId, seq: state.seq, event: event)
        }
    }

    /// Emits one token of output and adds it to the run's output and usage.
    public func emitToken(_ text: String) {
        state.withLock { state in
            state.seq += 1
            state.output += text
            state.outputTokens += 1
            observer.runEvent(runId: runId, seq: state.seq, event: .token(agent: agent, text: text))
        }
    }

    /// Throws `CancellationError` when the run was cancelled, and waits while the consumer is behind.
    /// Providers call it between tokens (at least every few dozen). It also yields the thread, so a
    /// provider that never has to wait cannot starve other runs of the shared executor.
    public func checkpoint() async throws {
        try Task.checkCancellation()
        await observer.waitForCapacity()
        await Task.yield()
        try Task.checkCancellation()
    }

    /// The output streamed so far.
    public var output: String { state.withLock { $0.output } }
    public var outputTokens: Int { state.withLock { $0.outputTokens } }
}
