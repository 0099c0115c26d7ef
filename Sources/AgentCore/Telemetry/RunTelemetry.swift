import CoreMetrics
import Metrics
import Synchronization
import Tracing

/// Span names and attribute keys, as docs/OPERATIONS.md lists them.
public enum TraceNames {
    public static let agentRun = "agent.run"
    public static let workflowRun = "workflow.run"
    public static let step = "step"
    public static let modelCall = "llm.call"
    public static let toolCall = "tool.call"
    public static let tool = "agentwire.tool"
    public static let toolCallId = "agentwire.tool_call_id"
    public static let toolArguments = "agentwire.tool.arguments"
    public static let durationMs = "agentwire.duration_ms"

    public static let runId = "agentwire.run_id"
    public static let agent = "agentwire.agent"
    public static let workflow = "agentwire.workflow"
    public static let strategy = "agentwire.strategy"
    public static let stepId = "agentwire.step_id"
    public static let stepName = "agentwire.step_name"
    public static let status = "agentwire.status"
    public static let input = "agentwire.input"
    public static let output = "agentwire.output"
    public static let error = "agentwire.error"
    public static let model = "gen_ai.request.model"
    public static let provider = "gen_ai.system"
    public static let inputTokens = "gen_ai.usage.input_tokens"
    public static let outputTokens = "gen_ai.usage.output_tokens"
}

/// One run's spans and metrics, fed by its ``RunContext`` (under the context's lock, so in `seq` order):
/// a span for the run, one per step (parented as the step tree is), one per model call inside its step,
/// one per tool call inside the model call that asked for it.
final class RunTelemetry: Sendable {
    let telemetry: Telemetry
    let name: String
    let strategy: String?
    private let config: AgentConfig
    private let root: (context: ServiceContext, trace: TraceContext?)
    private let started = ContinuousClock.now
    private let state: Mutex<State>

    private struct State {
        var run: OpenSpan
        var steps: [String: OpenSpan] = [:]
        var modelCalls: [String: ModelCall] = [:]
        /// Tool calls running, by step id and the model's call id.
        var toolCalls: [ToolKey: OpenSpan] = [:]
        /// `stream_chunks_sent_total` per agent, looked up once per run.
        var chunks: [String: Counter] = [:]
        var ended = false
    }

    private struct ToolKey: Hashable {
        var stepId: String
        var callId: String
    }

    private struct ModelCall {
        var span: OpenSpan
        var agent: String
        var model: String
        var started: ContinuousClock.Instant
        var inputTokens: Int?
    }

    init(
        telemetry: Telemetry,
        runId: String,
        name: String,
        strategy: String?,
        input: String,
        parent: TraceContext?,
        config: AgentConfig
    ) {
        self.telemetry = telemetry
        self.name = name
        self.strategy = strategy
        self.config = config
        var context = ServiceContext.topLevel
        if let parent {
            var headers = ["traceparent": parent.traceParent]
            if let traceState = parent.traceState { headers["tracestate"] = traceState }
            telemetry.tracer.extract(headers, into: &context, using: HeaderExtractor())
        }
        root = (context, parent)
        let redactor = telemetry.redactor
        var attributes: [(key: String, value: SpanRecord.Value)] = [(TraceNames.runId, .string(runId))]
        if let strategy {
            attributes.append((TraceNames.workflow, .string(redactor.redact(name))))
            attributes.append((TraceNames.strategy, .string(strategy)))
        } else {
            attributes.append((TraceNames.agent, .string(redactor.redact(name))))
        }
        attributes.append((TraceNames.input, .string(redactor.clean(input))))
        let run = OpenSpan.start(
            strategy == nil ? TraceNames.agentRun : TraceNames.workflowRun,
            tracer: telemetry.tracer,
            parent: nil,
            root: root,
            attributes: attributes
        )
        state = Mutex(State(run: run))
        if strategy == nil { telemetry.metrics.streamSessionsActive(name).increment() }
    }

    // MARK: Events

    /// A step started or ended; returns the step's span when it ended.
    func step(_ event: StepEvent) -> SpanRecord? {
        // A reused step made no call this run: it has no span.
        if event.status == .reused { return nil }
        let redactor = telemetry.redactor
        // Attributes are made before the lock is taken: the branches of a workflow share it.
        var attributes: [(key: String, value: SpanRecord.Value)] = []
        switch event.status {
        case .started:
            attributes = [
                (TraceNames.stepId, .string(event.stepId)),
                (TraceNames.stepName, .string(redactor.clean(event.name))),
                (TraceNames.agent, .string(redactor.redact(event.agent))),
            ]
            if let strategy = event.strategy { attributes.append((TraceNames.strategy, .string(strategy))) }
        case .completed, .failed, .cancelled, .reused:
            attributes = [(TraceNames.status, .string(event.status.rawValue))]
            if let error = event.error { attributes.append((TraceNames.error, .string(redactor.clean(error)))) }
        }
        let message = event.error.map(redactor.clean)
        return state.withLock { state -> SpanRecord? in
            switch event.status {
            case .started:
                let parent = event.parentStepId.flatMap { state.steps[$0] } ?? state.run
                state.steps[event.stepId] = OpenSpan.start(
                    TraceNames.step,
                    tracer: telemetry.tracer,
                    parent: parent,
                    root: root,
                    attributes: attributes
                )
                return nil
            case .completed, .failed, .cancelled, .reused:
                guard var span = state.steps.removeValue(forKey: event.stepId) else { return nil }
                return span.end(status: Self.code(event.status), message: message, attributes: attributes)
            }
        }
    }

    /// The counter of tokens streamed by `agent`'s steps; a step looks it up once and counts on it.
    func tokenCounter(agent: String) -> Counter {
        state.withLock { state in
            if let counter = state.chunks[agent] { return counter }
            let counter = telemetry.metrics.streamChunks(agent)
            state.chunks[agent] = counter
            return counter
        }
    }

    /// A model call began inside step `stepId`.
    func modelCallStarted(stepId: String, agent: String, provider: String, model: String, input: String) {
        let redactor = telemetry.redactor
        let attributes: [(key: String, value: SpanRecord.Value)] = [
            (TraceNames.stepId, .string(stepId)),
            (TraceNames.agent, .string(redactor.redact(agent))),
            (TraceNames.provider, .string(provider)),
            (TraceNames.model, .string(redactor.redact(model))),
            (TraceNames.input, .string(redactor.clean(input))),
        ]
        state.withLock { state in
            let parent = state.steps[stepId] ?? state.run
            let span = OpenSpan.start(
                TraceNames.modelCall,
                tracer: telemetry.tracer,
                parent: parent,
                root: root,
                attributes: attributes
            )
            state.modelCalls[stepId] = ModelCall(
                span: span,
                agent: agent,
                model: model,
                started: .now
            )
        }
    }

    /// A tool call started or ended; returns the tool call's span when it ended.
    func tool(_ event: ToolEvent) -> SpanRecord? {
        let redactor = telemetry.redactor
        let key = ToolKey(stepId: event.stepId, callId: event.callId)
        var attributes: [(key: String, value: SpanRecord.Value)]
        switch event.status {
        case .progress:
            return nil  // the call's span stays open
        case .started:
            attributes = [
                (TraceNames.stepId, .string(event.stepId)),
                (TraceNames.agent, .string(redactor.redact(event.agent))),
                (TraceNames.tool, .string(redactor.redact(event.tool))),
                (TraceNames.toolCallId, .string(event.callId)),
                (TraceNames.toolArguments, .string(redactor.clean(event.input.jsonString))),
            ]
        case .completed, .failed:
            attributes = [(TraceNames.status, .string(event.status.rawValue))]
            if let output = event.output { attributes.append((TraceNames.output, .string(redactor.clean(output)))) }
            if let error = event.error { attributes.append((TraceNames.error, .string(redactor.clean(error)))) }
            if let duration = event.durationMs { attributes.append((TraceNames.durationMs, .int(duration))) }
        }
        let message = event.error.map(redactor.clean)
        return state.withLock { state -> SpanRecord? in
            switch event.status {
            case .started:
                let parent = state.modelCalls[event.stepId]?.span ?? state.steps[event.stepId] ?? state.run
                state.toolCalls[key] = OpenSpan.start(
                    TraceNames.toolCall,
                    tracer: telemetry.tracer,
                    parent: parent,
                    root: root,
                    attributes: attributes
                )
                return nil
            case .progress:
                return nil
            case .completed, .failed:
                guard var span = state.toolCalls.removeValue(forKey: key) else { return nil }
                return span.end(
                    status: event.status == .completed ? .ok : .error,
                    message: message,
                    attributes: attributes
                )
            }
        }
    }

    /// The provider of step `stepId` reported how many input tokens a call used (added up over the
    /// step's calls).
    func reportInputTokens(stepId: String, _ count: Int) {
        state.withLock { state in
            guard var call = state.modelCalls[stepId] else { return }
            call.inputTokens = (call.inputTokens ?? 0) + count
            state.modelCalls[stepId] = call
        }
    }

    /// A call of `agent`'s to `model` cost `cost` (`llm_cost_dollars_total`).
    func recordCost(_ cost: USD, model: String, agent: String) {
        telemetry.metrics.llmCost(model, agent).increment(by: cost.doubleValue)
    }

    /// Trace headers for calls made by step `stepId`'s model call (for HTTP providers).
    func traceContext(stepId: String) -> TraceContext {
        state.withLock { state in
            var context = (state.modelCalls[stepId]?.span ?? state.steps[stepId] ?? state.run).traceContext
            context.traceState = root.trace?.traceState
            return context
        }
    }

    /// The model call of step `stepId` ended; returns its span.
    func modelCallEnded(
        stepId: String,
        status: StepEvent.Status,
        outputTokens: Int,
        output: String,
        error: String?
    ) -> SpanRecord? {
        let redactor = telemetry.redactor
        let metrics = telemetry.metrics
        let cleanOutput = redactor.clean(output)
        let cleanError = error.map(redactor.clean)
        return state.withLock { state -> SpanRecord? in
            guard var call = state.modelCalls.removeValue(forKey: stepId) else { return nil }
            let statusLabel = status.rawValue
            metrics.llmCalls(call.model, call.agent, statusLabel).increment()
            metrics.llmCallDuration(call.model, call.agent, statusLabel).recordNanoseconds(
                Self.nanoseconds(ContinuousClock.now - call.started)
            )
            metrics.llmTokens(call.model, call.agent, "output").increment(by: Int64(outputTokens))
            var attributes: [(key: String, value: SpanRecord.Value)] = [
                (TraceNames.status, .string(statusLabel)),
                (TraceNames.outputTokens, .int(outputTokens)),
            ]
            if let input = call.inputTokens {
                metrics.llmTokens(call.model, call.agent, "input").increment(by: Int64(input))
                attributes.append((TraceNames.inputTokens, .int(input)))
            }
            attributes.append((TraceNames.output, .string(cleanOutput)))
            if let cleanError { attributes.append((TraceNames.error, .string(cleanError))) }
            return call.span.end(status: Self.code(status), message: cleanError, attributes: attributes)
        }
    }

    /// The run ended; records its metrics and returns its span (nil when it was already ended).
    func runEnded(status: StepEvent.Status, outputTokens: Int, output: String, error: String?) -> SpanRecord? {
        let redactor = telemetry.redactor
        let metrics = telemetry.metrics
        let nanoseconds = Self.nanoseconds(ContinuousClock.now - started)
        let cleanOutput = redactor.clean(output)
        let cleanError = error.map(redactor.clean)
        return state.withLock { state -> SpanRecord? in
            guard !state.ended else { return nil }
            state.ended = true
            let statusLabel = status.rawValue
            if let strategy {
                metrics.coordinatorWorkflows(strategy, statusLabel).increment()
                metrics.coordinatorWorkflowDuration(strategy, statusLabel).recordNanoseconds(nanoseconds)
            } else {
                metrics.streamSessions(name, statusLabel).increment()
                metrics.streamSessionDuration(name, statusLabel).recordNanoseconds(nanoseconds)
                metrics.streamSessionsActive(name).decrement()
            }
            var attributes: [(key: String, value: SpanRecord.Value)] = [
                (TraceNames.status, .string(statusLabel)),
                (TraceNames.outputTokens, .int(outputTokens)),
                (TraceNames.output, .string(cleanOutput)),
            ]
            if let cleanError { attributes.append((TraceNames.error, .string(cleanError))) }
            return state.run.end(status: Self.code(status), message: cleanError, attributes: attributes)
        }
    }

    /// The provider type and model name a metric or span gives for `agent`: the configured `model` of
    /// an `openai` agent, the program's name for `command`, `echo` for echo.
    func model(of agent: String) -> (provider: String, model: String) {
        guard let definition = config.agent(named: agent) else { return ("unknown", "unknown") }
        return model(of: definition)
    }

    /// The provider and model of `agent` as a run calls it (a request's `model` applied).
    func model(of agent: AgentDefinition) -> (provider: String, model: String) {
        let spec = agent.provider
        switch spec {
        case .echo: return (spec.typeName, "echo")
        case .openai(let settings): return (spec.typeName, settings.model)
        case .command(let settings):
            let program = settings.argv.first.map { $0.split(separator: "/").last.map(String.init) ?? $0 }
            return (spec.typeName, program ?? "command")
        }
    }

    static func code(_ status: StepEvent.Status) -> SpanRecord.StatusCode {
        switch status {
        case .completed, .reused: .ok
        case .failed: .error
        case .started, .cancelled: .unset
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }
}
