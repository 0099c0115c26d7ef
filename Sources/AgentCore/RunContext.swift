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
    /// What the run may spend; checked as tokens stream and as model calls start and end.
    public let budget: Budget
    /// Prices by model, for each call's cost.
    public let pricing: Pricing
    private let state = Mutex(State())

    private let reaped = Mutex(false)
    /// Stops the run (cancels its task) when its budget is exceeded; set by the runtime once the task
    /// exists.
    private let stopper = Mutex<(@Sendable () -> Void)?>(nil)

    private struct State {
        var seq: UInt64 = 0
        var lastEvent = ContinuousClock.now
        var outputTokens = 0
        /// Output tokens the server reported beyond those streamed (reasoning, say), counted against
        /// `maxOutputTokens` once a call ends.
        var unstreamedOutputTokens = 0
        var modelCalls = 0
        /// The cost of the calls that had a price.
        var cost = USD.zero
        /// The limit the run reached, once it did.
        var exceeded: Budget.Limit?
    }

    public convenience init(runId: String, observer: any RunObserver, budget: Budget = Budget()) {
        self.init(runId: runId, observer: observer, telemetry: nil, budget: budget)
    }

    init(
        runId: String,
        observer: any RunObserver,
        telemetry: RunTelemetry?,
        mcp: MCPAccess = MCPAccess(),
        budget: Budget = Budget(),
        pricing: Pricing = Pricing()
    ) {
        self.mcp = mcp
        self.runId = runId
        self.observer = observer
        self.telemetry = telemetry
        self.sendsSpans = telemetry != nil && observer.receivesSpans
        self.budget = budget
        self.pricing = pricing
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
    /// Returns how many of `texts` went out: past `maxOutputTokens` the stream is cut there, and the run
    /// is stopped.
    @discardableResult
    func emitTokens(agent: String, stepId: String, texts: [String], counter: Counter?) -> Int {
        guard !texts.isEmpty else { return 0 }
        let (sent, exceeded) = state.withLock { state -> (Int, Bool) in
            var texts = texts
            var exceeded = false
            if let limit = budget.maxOutputTokens {
                let room = max(0, limit - state.outputTokens - state.unstreamedOutputTokens)
                if texts.count > room {
                    texts.removeLast(texts.count - room)
                    exceeded = state.exceeded == nil
                    if exceeded { state.exceeded = .maxOutputTokens }
                }
            }
            guard !texts.isEmpty else { return (0, exceeded) }
            let first = state.seq + 1
            state.seq += UInt64(texts.count)
            state.outputTokens += texts.count
            state.lastEvent = ContinuousClock.now
            observer.runTokens(runId: runId, firstSeq: first, agent: agent, stepId: stepId, texts: texts)
            counter?.increment(by: Int64(texts.count))
            return (texts.count, exceeded)
        }
        if exceeded { stop() }
        return sent
    }

    // MARK: Budget

    /// Called once the run's task exists: how to stop it when its budget is exceeded.
    func onBudgetExceeded(_ stop: @escaping @Sendable () -> Void) {
        let already = stopper.withLock { stopper in
            stopper = stop
            return state.withLock { $0.exceeded != nil }
        }
        if already { stop() }
    }

    private func stop() {
        stopper.withLock { $0 }?()
    }

    /// Counts a model request about to start; throws ``BudgetExceeded`` (and stops the run) when the
    /// budget allows no more: `maxModelCalls` reached, or `maxCostUsd` spent while this call's `model`
    /// has a price (an unpriced call costs nothing the budget counts).
    func startModelCall(model: String?) throws(BudgetExceeded) {
        let priced = model.flatMap { pricing[$0] } != nil
        let outcome = state.withLock { state -> (limit: Budget.Limit, new: Bool)? in
            if let limit = state.exceeded { return (limit, false) }
            if let max = budget.maxModelCalls, state.modelCalls >= max {
                state.exceeded = .maxModelCalls
            } else if priced, let max = budget.maxCost, state.cost >= max {
                state.exceeded = .maxCostUsd
            } else {
                state.modelCalls += 1
                return nil
            }
            return (state.exceeded!, true)
        }
        guard let outcome else { return }
        if outcome.new { stop() }
        throw BudgetExceeded(limit: outcome.limit)
    }

    /// Adds an ended model call's cost and the output tokens it reported beyond those it streamed;
    /// stops the run when that goes past the budget.
    func modelCallEnded(cost: USD?, unstreamedOutputTokens: Int) {
        let exceeded = state.withLock { state -> Bool in
            if let cost { state.cost += cost }
            state.unstreamedOutputTokens += max(0, unstreamedOutputTokens)
            guard state.exceeded == nil else { return false }
            if let max = budget.maxCost, state.cost > max {
                state.exceeded = .maxCostUsd
            } else if let max = budget.maxOutputTokens, state.outputTokens + state.unstreamedOutputTokens > max {
                state.exceeded = .maxOutputTokens
            } else {
                return false
            }
            return true
        }
        if exceeded { stop() }
    }

    /// What the run has spent so far, as the budget counts it.
    public var spending: Spending {
        state.withLock {
            Spending(
                cost: $0.cost,
                outputTokens: $0.outputTokens + $0.unstreamedOutputTokens,
                modelCalls: $0.modelCalls,
                exceeded: $0.exceeded
            )
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
    /// The calls' usage as their provider reported it, with cost; tokens streamed when it was reported.
    private let reportedUsage = Mutex<(usage: Usage, streamedTokens: Int)?>(nil)
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
    /// Past the run's `maxOutputTokens` nothing more is emitted or kept.
    public func emitToken(_ text: String) {
        emitTokens([text])
    }

    /// Emits several tokens at once (a burst produced without waiting). Past the run's
    /// `maxOutputTokens` the burst is cut: only what was emitted joins the output.
    public func emitTokens(_ texts: [String]) {
        // The output lock is held across the emission, so the step's text is in `seq` order.
        output.withLock { output in
            let sent = run.emitTokens(agent: agent, stepId: stepId, texts: texts, counter: tokenCounter)
            for text in texts.prefix(sent) { output.text += text }
            output.tokens += sent
        }
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

    /// Adds one model call's usage to this step's (`usage.model` names the model, for its price): the
    /// call is priced, counted against the run's budget, and recorded in metrics and the call's span.
    /// Providers that report usage call it once per model request.
    public func reportUsage(_ usage: Usage) {
        let priced = run.pricing.pricing(usage)
        let streamed = tokens
        let before = reportedUsage.withLock { reported -> Int in
            let before = reported?.streamedTokens ?? 0
            reported = ((reported?.usage).map { $0 + priced } ?? priced, streamed)
            return before
        }
        run.modelCallEnded(cost: priced.cost, unstreamedOutputTokens: priced.outputTokens - (streamed - before))
        reportCallUsage(priced)
    }

    /// Counts another model request of this step to `model` (the first is counted when the step
    /// starts): providers that make several (tool round trips) call it before each further one. Throws
    /// ``BudgetExceeded`` when the run's budget allows no more.
    public func startModelCall(model: String?) throws(BudgetExceeded) {
        try run.startModelCall(model: model)
    }

    /// The step's usage: as its provider reported it, or else its tokens counted from the stream (one
    /// call, no input figure, no cost).
    public var usage: Usage {
        reportedUsage.withLock { $0?.usage } ?? Usage(outputTokens: tokens, modelCalls: 1, reported: false)
    }

    /// The output streamed so far.
    public var text: String { output.withLock { $0.text } }
    /// Tokens streamed so far.
    public var tokens: Int { output.withLock { $0.tokens } }
}
