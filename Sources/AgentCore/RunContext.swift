import CoreMetrics
import Foundation
import JSONCore
import Synchronization

/// The state of one run while it streams: its sequence counter and when it last did anything.
///
/// Every event gets the next `seq` and reaches the observer under the same lock, so concurrent branches
/// of a workflow still deliver in `seq` order.
public final class RunContext: Sendable {
    public let runId: String
    private let observer: any RunObserver
    /// Spans and metrics of this run; nil when telemetry is off.
    let telemetry: RunTelemetry?
    /// Whether finished spans go to the observer (and take a `seq`).
    private let sendsSpans: Bool
    /// The MCP servers the run's agents may call tools of.
    public let mcp: MCPAccess
    private let state = Mutex(State())

    private let reaped = Mutex(false)

    private struct State {
        var seq: UInt64 = 0
        var lastEvent = ContinuousClock.now
        var outputTokens = 0
    }

    public convenience init(runId: String, observer: any RunObserver) {
        self.init(runId: runId, observer: observer, telemetry: nil)
    }

    init(runId: String, observer: any RunObserver, telemetry: RunTelemetry?, mcp: MCPAccess = MCPAccess()) {
        self.mcp = mcp
        self.runId = runId
        self.observer = observer
        self.telemetry = telemetry
        self.sendsSpans = telemetry != nil && observer.receivesSpans
    }

    /// Emits any event.
    public func emit(_ event: RunEvent) {
        state.withLock { state in
            state.seq += 1
            switch event {
            case .heartbeat: break  // a heartbeat is not activity: it must not keep a stuck run alive
            case .token:
                state.outputTokens += 1
                state.lastEvent = ContinuousClock.now
            default: state.lastEvent = ContinuousClock.now
            }
            observer.runEvent(runId: runId, seq: state.seq, event: event)
            guard let telemetry else { return }
            switch event {
            case .step(let step):
                guard let span = telemetry.step(step), sendsSpans else { return }
                state.seq += 1
                observer.runSpan(runId: runId, seq: state.seq, span: span)
            case .tool(let tool):
                guard let span = telemetry.tool(tool), sendsSpans else { return }
                state.seq += 1
                observer.runSpan(runId: runId, seq: state.seq, span: span)
            case .token(let agent, _, _): telemetry.tokenCounter(agent: agent).increment()
            default: break
            }
        }
    }

    /// Ends a span through `end` and sends its record with the next `seq`.
    func emitSpan(_ end: (RunTelemetry) -> SpanRecord?) {
        guard let telemetry else { return }
        state.withLock { state in
            guard let span = end(telemetry), sendsSpans else { return }
            state.seq += 1
            observer.runSpan(runId: runId, seq: state.seq, span: span)
        }
    }

    /// Emits a burst of tokens from one step: consecutive `seq`s, delivered to the observer at once.
    public func emitTokens(agent: String, stepId: String, texts: [String]) {
        emitTokens(agent: agent, stepId: stepId, texts: texts, counter: telemetry?.tokenCounter(agent: agent))
    }

    /// The same, counting on the step's own token counter (looked up once per step, not per token).
    func emitTokens(agent: String, stepId: String, texts: [String], counter: Counter?) {
        guard !texts.isEmpty else { return }
        state.withLock { state in
            let first = state.seq + 1
            state.seq += UInt64(texts.count)
            state.outputTokens += texts.count
            state.lastEvent = ContinuousClock.now
            observer.runTokens(runId: runId, firstSeq: first, agent: agent, stepId: stepId, texts: texts)
            counter?.increment(by: Int64(texts.count))
        }
    }

    /// Throws `CancellationError` when the run was cancelled, and waits while the consumer is behind.
    /// Providers call it between tokens (at least every few dozen). It also yields the thread, so a
    /// provider that never has to wait cannot starve other runs of the shared executor.
    public func checkpoint(yielding: Bool = true) async throws {
        try Task.checkCancellation()
        await observer.waitForCapacity()
        if yielding { await Task.yield() }
        try Task.checkCancellation()
    }

    /// Whether ``checkpoint(yielding:)`` would not wait for the consumer now.
    public var hasCapacity: Bool { observer.hasCapacity }

    /// Asks the client whether a tool may run (see ``RunObserver/requestPermission(_:)``).
    public func requestPermission(_ request: PermissionRequest) async -> PermissionDecision {
        await observer.requestPermission(request)
    }

    /// Marks the run as reaped for inactivity (its task is then cancelled).
    public func markReaped() { reaped.withLock { $0 = true } }
    public var wasReaped: Bool { reaped.withLock { $0 } }

    /// Tokens emitted by every step of the run.
    public var outputTokens: Int { state.withLock { $0.outputTokens } }
    /// When the run last emitted an event.
    public var lastEventAt: ContinuousClock.Instant { state.withLock { $0.lastEvent } }
}

/// One agent call inside a run: emits its tokens with its step id and keeps its own output.
public final class StepContext: Sendable {
    public let run: RunContext
    public let stepId: String
    public let agent: String
    private let output = Mutex((text: "", tokens: 0))
    private let reportedUsage = Mutex<Usage?>(nil)
    /// `stream_chunks_sent_total` for this step's agent; nil when telemetry is off.
    private let tokenCounter: Counter?

    public init(run: RunContext, stepId: String, agent: String) {
        self.run = run
        self.stepId = stepId
        self.agent = agent
        self.tokenCounter = run.telemetry?.tokenCounter(agent: agent)
    }

    /// Emits one token of output and adds it to this step's output. It goes the way of a burst (one
    /// token long), whose notification is written without building a JSON value.
    public func emitToken(_ text: String) {
        output.withLock {
            $0.text += text
            $0.tokens += 1
        }
        run.emitTokens(agent: agent, stepId: stepId, texts: [text], counter: tokenCounter)
    }

    /// Emits several tokens at once (a burst produced without waiting).
    public func emitTokens(_ texts: [String]) {
        output.withLock { output in
            for text in texts { output.text += text }
            output.tokens += texts.count
        }
        run.emitTokens(agent: agent, stepId: stepId, texts: texts, counter: tokenCounter)
    }

    /// Emits reasoning; it is not part of the output.
    public func emitThinking(_ text: String) {
        run.emit(.thinking(agent: agent, stepId: stepId, text: text))
    }

    /// See ``RunContext/checkpoint(yielding:)``; a provider that has just been suspended (a sleep, a
    /// read) may skip the yield.
    public func checkpoint(yielding: Bool = true) async throws { try await run.checkpoint(yielding: yielding) }

    /// Whether the consumer keeps up, so a token now would not have to wait (see ``RunContext/hasCapacity``).
    public var hasCapacity: Bool { run.hasCapacity }

    /// Reports a tool call starting or ending (`run/tool`). Counts as activity.
    public func emitTool(_ event: ToolEvent) {
        run.emit(.tool(event))
    }

    /// Asks the client whether a tool may run; `.reject` when it cannot answer in time.
    public func requestPermission(
        callId: String,
        tool: String,
        arguments: JSONValue,
        timeoutMs: Int
    ) async
        -> PermissionDecision
    {
        await run.requestPermission(
            PermissionRequest(
                runId: run.runId,
                stepId: stepId,
                agent: agent,
                callId: callId,
                tool: tool,
                arguments: arguments,
                timeoutMs: timeoutMs
            )
        )
    }

    /// Adds a model call's token counts to this step's usage.
    public func reportUsage(_ usage: Usage) {
        reportedUsage.withLock { $0 = $0.map { $0 + usage } ?? usage }
    }

    /// The usage reported by the provider, if it reported any.
    public var usage: Usage? { reportedUsage.withLock { $0 } }

    /// The output streamed so far.
    public var text: String { output.withLock { $0.text } }
    /// Tokens streamed so far.
    public var tokens: Int { output.withLock { $0.tokens } }
}
