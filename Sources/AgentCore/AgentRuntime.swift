import Foundation
import JSONCore
import Logging
import Synchronization

/// Runs agents and workflows: admission (concurrency and rate limits), heartbeats, timeouts,
/// reaping of stale runs, and statistics. Holds the configuration.
public final class AgentRuntime: Sendable {
    public let config: AgentConfig
    public let monitor: StreamMonitor
    public let sessions: SessionStore
    /// Where runs, events and sessions are kept.
    public let store: any RunStore
    /// Makes the provider of each agent call.
    public let providers: ProviderFactory
    /// Where metrics and spans go.
    public let telemetry: Telemetry
    /// Connects to MCP servers (nil: no MCP client, so no MCP tools).
    public let mcpConnector: MCPConnector?
    /// The configured MCP servers (`mcpServers`), started when a run first needs one.
    public let mcp: (any MCPToolSource)?
    private let logger: Logger
    private let admissions = Mutex<[ContinuousClock.Instant]>([])

    public init(
        config: AgentConfig,
        store: any RunStore = MemoryRunStore(),
        providers: @escaping ProviderFactory = builtInProviders,
        logger: Logger = Logger(label: "agentwire.core"),
        telemetry: Telemetry = Telemetry(),
        mcp connector: MCPConnector? = nil
    ) {
        self.mcpConnector = connector
        self.mcp = config.mcpServers.isEmpty ? nil : connector?(config.mcpServers)
        self.config = config
        self.providers = providers
        self.store = store
        self.telemetry = telemetry
        self.logger = logger
        self.monitor = StreamMonitor(windowSize: config.limits.statsWindow)
        self.sessions = SessionStore(store: store, logger: logger)
    }

    public var agents: [AgentDefinition] { config.agents }

    /// Stops the MCP servers the runtime started.
    public func shutdown() async {
        await mcp?.shutdown()
    }

    public func agent(named name: String) -> AgentDefinition? { config.agent(named: name) }

    /// The failure for an agent name that names none, with a suggestion (and a pointer to the workflow of
    /// that name, if there is one).
    public func unknownAgent(_ name: String) -> RunFailure {
        RunFailure.unknownAgent(name, available: agents.map(\.name), workflows: config.workflows.map(\.name))
    }

    /// A new run id: short, unique across processes sharing a store.
    public static func makeRunId() -> String {
        "run_" + RandomHex.make(bytes: 8)
    }

    // MARK: Validation and admission

    /// Checks that every agent a strategy names exists.
    public func validate(_ strategy: Strategy) throws(RunFailure) {
        let probe = WorkflowDefinition(name: "", strategy: strategy)
        for name in probe.agents where agent(named: name) == nil {
            throw unknownAgent(name)
        }
        if case .sequential(let steps) = strategy, steps.isEmpty {
            throw RunFailure(kind: .invalidInput, message: "A sequential workflow needs at least one step")
        }
        if case .parallel(let tasks, _) = strategy, tasks.isEmpty {
            throw RunFailure(kind: .invalidInput, message: "A parallel workflow needs at least one task")
        }
        if case .hierarchical(_, let subAgents, _) = strategy, subAgents.isEmpty {
            throw RunFailure(kind: .invalidInput, message: "A hierarchical workflow needs at least one sub-agent")
        }
    }

    /// Checks a request's `model` against the agents a run calls: at least one must have a model to
    /// choose (`echo` and `command` agents have none), and an agent that lists `models` must list it.
    /// The failure names `params.model`.
    public func check(model: String, agents names: [String]) throws(RunFailure) {
        let agents = names.compactMap { agent(named: $0) }
        guard !model.isEmpty else {
            throw RunFailure.invalidModel("A model name cannot be empty")
        }
        let choosers = agents.filter(\.takesModel)
        guard !choosers.isEmpty else {
            let kinds = Set(agents.map(\.provider.typeName)).sorted().joined(separator: ", ")
            throw RunFailure.invalidModel(
                names.count == 1
                    ? "Agent '\(names[0])' has no model to choose: the \(kinds) provider has none"
                    : "No agent of this workflow has a model to choose (providers: \(kinds))",
                suggestions: ["Leave out model, or run an agent with an openai provider."]
            )
        }
        for agent in choosers where !agent.models.isEmpty && !agent.models.contains(model) {
            throw RunFailure.invalidModel(
                "Agent '\(agent.name)' does not offer model '\(model)' (models: \(agent.models.joined(separator: ", ")))",
                suggestions: ["Choose one of the agent's models, or add it to provider.models in the config."],
                available: agent.models
            )
        }
    }

    public func workflow(named name: String) throws(RunFailure) -> WorkflowDefinition {
        guard let workflow = config.workflows.first(where: { $0.name == name }) else {
            throw RunFailure.unknownWorkflow(name, available: config.workflows.map(\.name))
        }
        return workflow
    }

    /// Refuses a new run when too many are in flight (`active`, counted by the caller, which knows about
    /// runs accepted but not yet started) or the rate limit is spent.
    public func admit(active: Int) throws(RunFailure) {
        let limits = config.limits
        if active >= limits.maxConcurrentRuns {
            throw RunFailure(
                kind: .overloaded,
                message: "Too many runs in flight (limit \(limits.maxConcurrentRuns))",
                retryable: true,
                suggestions: ["Retry when a run has finished.", "Raise limits.maxConcurrentRuns in the config."],
                details: ["limit": .int(limits.maxConcurrentRuns)]
            )
        }
        guard let perMinute = limits.requestsPerMinute else { return }
        let now = ContinuousClock.now
        let retryAfter: Duration? = admissions.withLock { stamps in
            stamps.removeAll { now - $0 >= .seconds(60) }
            guard stamps.count >= perMinute else {
                stamps.append(now)
                return nil
            }
            return .seconds(60) - (now - stamps[0])
        }
        if let retryAfter {
            let ms = max(1, Self.milliseconds(retryAfter))
            throw RunFailure(
                kind: .rateLimited,
                message: "Rate limit of \(perMinute) runs per minute reached; retry in \(ms) ms",
                retryable: true,
                suggestions: ["Retry after retryAfterMs.", "Raise limits.requestsPerMinute in the config."],
                details: ["retryAfterMs": .int(ms), "limit": .int(perMinute)]
            )
        }
    }

    // MARK: Running

    /// Runs one agent on `input`, streaming its events to `observer`.
    ///
    /// Cancellation (of the calling task) is not an error: the run stops within one checkpoint and
    /// returns `stopReason: .cancelled` with the output streamed so far.
    public func run(
        agent name: String,
        input: String,
        runId: String,
        observer: any RunObserver,
        options: RunOptions = RunOptions()
    ) async throws(RunFailure) -> RunResult {
        guard let definition = agent(named: name) else { throw unknownAgent(name) }
        if let model = options.model { try check(model: model, agents: [name]) }
        let context = makeContext(
            runId: runId,
            name: name,
            strategy: nil,
            input: input,
            observer: observer,
            options,
            budget: definition.budget
        )
        let execution = Execution(
            context: context,
            config: config,
            monitor: monitor,
            history: options.history,
            providers: providers,
            model: options.model,
            outputSchema: options.outputSchema,
            reuse: options.reuse
        )
        return try await supervise(
            name: name,
            strategy: nil,
            context: context,
            execution: execution,
            options: options,
            outputSchema: options.outputSchema ?? definition.outputSchema
        ) { () throws(RunFailure) -> String in
            let result = await execution.call(
                agent: name,
                input: input,
                stepId: Execution.rootStep,
                parent: nil,
                final: true
            )
            if result.status == .failed { throw execution.failure(of: result) }
            return result.output
        }
    }

    /// Runs a workflow (named or ad hoc) on `input`.
    public func run(
        workflow: WorkflowDefinition,
        input: String,
        runId: String,
        observer: any RunObserver,
        options: RunOptions = RunOptions()
    ) async throws(RunFailure) -> RunResult {
        try validate(workflow.strategy)
        if let model = options.model { try check(model: model, agents: workflow.agents) }
        let strategy = workflow.strategy.name
        let context = makeContext(
            runId: runId,
            name: workflow.name,
            strategy: strategy,
            input: input,
            observer: observer,
            options,
            budget: workflow.budget
        )
        let outputSchema = options.outputSchema ?? workflow.outputSchema
        let execution = Execution(
            context: context,
            config: config,
            monitor: monitor,
            onError: workflow.onError,
            stepTimeoutMs: workflow.stepTimeoutMs,
            strategy: strategy,
            history: options.history,
            providers: providers,
            model: options.model,
            outputSchema: outputSchema,
            reuse: options.reuse
        )
        var options = options
        options.timeoutMs = [options.timeoutMs, workflow.timeoutMs].compactMap { $0 }.min()
        monitor.workflowStarted(strategy: strategy)
        let clock = ContinuousClock()
        let started = clock.now
        var status = StepEvent.Status.failed
        defer {
            monitor.workflowEnded(
                strategy: strategy,
                status: status,
                durationMs: Self.milliseconds(clock.now - started),
                tokens: context.outputTokens,
                reaped: context.wasReaped
            )
        }
        let result = try await supervise(
            name: workflow.name,
            strategy: strategy,
            context: context,
            execution: execution,
            options: options,
            outputSchema: outputSchema
        ) { () throws(RunFailure) -> String in
            context.emit(
                .step(
                    StepEvent(
                        stepId: Execution.rootStep,
                        status: .started,
                        name: "\(strategy) workflow \(workflow.name)",
                        agent: workflow.name,
                        strategy: strategy
                    )
                )
            )
            let began = ContinuousClock.now
            var stepStatus = StepEvent.Status.completed
            var stepError: String? = nil
            defer {
                if Task.isCancelled && stepStatus == .completed { stepStatus = .cancelled }
                context.emit(
                    .step(
                        StepEvent(
                            stepId: Execution.rootStep,
                            status: stepStatus,
                            name: "\(strategy) workflow \(workflow.name)",
                            agent: workflow.name,
                            strategy: strategy,
                            durationMs: Self.milliseconds(ContinuousClock.now - began),
                            error: stepError
                        )
                    )
                )
            }
            do throws(RunFailure) {
                return try await execution.run(workflow.strategy, input: input)
            } catch {
                stepStatus = .failed
                stepError = error.message
                throw error
            }
        }
        status = result.stopReason == .cancelled ? .cancelled : .completed
        return result
    }

    /// Runs `workflow`, or the agent `agent` when there is none.
    public func run(
        workflow: WorkflowDefinition?,
        agent: String,
        input: String,
        runId: String,
        observer: any RunObserver,
        options: RunOptions = RunOptions()
    ) async throws(RunFailure) -> RunResult {
        if let workflow {
            return try await run(workflow: workflow, input: input, runId: runId, observer: observer, options: options)
        }
        return try await run(agent: agent, input: input, runId: runId, observer: observer, options: options)
    }

    /// Wraps a run's body with registration for reaping, heartbeats, the run timeout, and the mapping of
    /// cancellation and timeouts to results and errors; ends the run's span with its outcome.
    private func supervise(
        name: String,
        strategy: String?,
        context: RunContext,
        execution: Execution,
        options: RunOptions,
        outputSchema: JSONValue?,
        body: @escaping @Sendable () async throws(RunFailure) -> String
    ) async throws(RunFailure) -> RunResult {
        do throws(RunFailure) {
            var result = try await superviseRun(
                name: name,
                strategy: strategy,
                context: context,
                execution: execution,
                options: options,
                body: body
            )
            if let outputSchema, result.stopReason == .endTurn {
                do throws(RunFailure) {
                    result.structuredOutput = try StructuredOutput.parse(
                        result.output,
                        schema: outputSchema,
                        runId: context.runId,
                        outputTokens: result.outputTokens
                    )
                } catch {
                    var failure = error
                    failure.usage = result.usage
                    throw failure
                }
            }
            context.endRunSpan(result: result)
            return result
        } catch {
            context.endRunSpan(failure: error)
            throw error
        }
    }

    private func superviseRun(
        name: String,
        strategy: String?,
        context: RunContext,
        execution: Execution,
        options: RunOptions,
        body: @escaping @Sendable () async throws(RunFailure) -> String
    ) async throws(RunFailure) -> RunResult {
        let clock = ContinuousClock()
        let started = clock.now
        context.emit(
            .started(name: name, strategy: strategy, requestId: options.requestId, resumedFrom: options.resumedFrom)
        )
        let heartbeatSeconds = config.limits.heartbeatSeconds
        let outcome = Mutex<Result<String, RunFailure>?>(nil)
        // Heartbeats come from the pacer's thread while the run lasts: no task waits for them.
        let heartbeat = Pacer.shared.repeating(every: .seconds(heartbeatSeconds)) { context.emit(.heartbeat) }
        let inner = Task {
            do {
                try await withTimeout(milliseconds: options.timeoutMs) {
                    do throws(RunFailure) {
                        let output = try await body()
                        outcome.withLock { $0 = .success(output) }
                    } catch {
                        outcome.withLock { $0 = .failure(error) }
                    }
                }
            } catch let timeout as TimeoutError {
                outcome.withLock {
                    $0 = .failure(
                        RunFailure(
                            kind: .timeout,
                            message: "The run took longer than \(timeout.milliseconds) ms",
                            runId: context.runId,
                            retryable: true,
                            suggestions: [
                                "Retry with a larger timeoutMs.", "Use a faster agent or a shorter input.",
                            ],
                            partialOutput: execution.partialOutput
                        )
                    )
                }
            } catch {}
        }
        context.onBudgetExceeded { inner.cancel() }
        monitor.register(runId: context.runId, context: context) { inner.cancel() }
        await withTaskCancellationHandler {
            await inner.value
        } onCancel: {
            inner.cancel()
        }
        Pacer.shared.cancelScheduled(heartbeat)
        monitor.unregister(runId: context.runId)
        let durationMs = Self.milliseconds(clock.now - started)
        if context.wasReaped {
            if strategy == nil { monitor.agentRunReaped(agent: name) }
            logger.warning("Reaped a stale run", metadata: ["runId": "\(context.runId)", "name": "\(name)"])
            var failure = RunFailure(
                kind: .timeout,
                message: "The run produced no event for \(config.limits.staleAfterSeconds) s and was reaped",
                runId: context.runId,
                retryable: true,
                suggestions: ["Check that the agent's provider is responding.", "Raise limits.staleAfterSeconds."],
                partialOutput: execution.partialOutput,
                details: ["reason": .string("stale")]
            )
            failure.outputTokens = context.outputTokens
            failure.usage = execution.usage
            throw failure
        }
        let usage = execution.usage
        let spending = context.spending
        if let limit = spending.exceeded {
            var failure = RunFailure.budgetExceeded(
                limit,
                budget: context.budget,
                spending: spending,
                runId: context.runId,
                partialOutput: execution.partialOutput,
                outputTokens: context.outputTokens
            )
            failure.usage = usage
            throw failure
        }
        switch outcome.withLock({ $0 }) {
        case .success(let output)?:
            let cancelled = inner.isCancelled || Task.isCancelled
            return RunResult(
                runId: context.runId,
                name: name,
                strategy: strategy,
                output: cancelled ? execution.partialOutput : output,
                stopReason: cancelled ? .cancelled : .endTurn,
                outputTokens: context.outputTokens,
                durationMs: durationMs,
                branches: strategy == nil ? [] : execution.branches,
                usage: usage
            )
        case .failure(var failure)?:
            failure.runId = context.runId
            failure.outputTokens = context.outputTokens
            failure.usage = usage
            // Every branch has stopped by now: what they streamed after the failure was decided is kept too.
            failure.partialOutput = execution.partialOutput
            throw failure
        case nil:
            return RunResult(
                runId: context.runId,
                name: name,
                strategy: strategy,
                output: execution.partialOutput,
                stopReason: .cancelled,
                outputTokens: context.outputTokens,
                durationMs: durationMs,
                branches: execution.branches,
                usage: usage
            )
        }
    }

    /// Whole milliseconds of a duration.
    public static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
