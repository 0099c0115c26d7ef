import Foundation
import JSONCore
import Synchronization

/// One run in progress: calls agents as steps, runs the coordinator strategies, and keeps what every
/// step produced so a failure or cancellation never loses output.
final class Execution: Sendable {
    let context: RunContext
    let config: AgentConfig
    let monitor: StreamMonitor
    let onError: OnError
    let stepTimeoutMs: Int?
    let strategy: String?
    let history: [Turn]
    let providers: ProviderFactory
    /// The model every model call of the run uses instead of its agent's (`model` of the request).
    let model: String?
    /// The JSON Schema the run's final output must match; given to the call that produces it.
    let outputSchema: JSONValue?
    /// Completed calls of the run this one resumes, by step id.
    let reuse: [String: Checkpoint]
    private let steps = Mutex<[StepRecord]>([])
    /// Branches of the current fan-out that have ended (plus the steps before it).
    let finishedBranches = Mutex(0)

    struct StepRecord {
        var context: StepContext
        var parent: String?
        var result: BranchResult?
        var providerError: ProviderError?
        /// The output of a reused call (its context streamed nothing).
        var reusedOutput: String?
    }

    init(
        context: RunContext,
        config: AgentConfig,
        monitor: StreamMonitor,
        onError: OnError = .fail,
        stepTimeoutMs: Int? = nil,
        strategy: String? = nil,
        history: [Turn] = [],
        providers: @escaping ProviderFactory = builtInProviders,
        model: String? = nil,
        outputSchema: JSONValue? = nil,
        reuse: [String: Checkpoint] = [:]
    ) {
        self.reuse = reuse
        self.model = model
        self.outputSchema = outputSchema
        self.context = context
        self.config = config
        self.monitor = monitor
        self.onError = onError
        self.stepTimeoutMs = stepTimeoutMs
        self.strategy = strategy
        self.history = history
        self.providers = providers
    }

    /// Every agent call so far, in step order (`1.2` before `1.10`), whichever branch of a fan-out
    /// happened to start first.
    var branches: [BranchResult] {
        steps.withLock { $0.sorted(by: Self.stepOrder).compactMap(\.result) }
    }

    /// The output produced so far by the calls that feed the result: every finished or running agent
    /// call, in step order, separated by blank lines.
    var partialOutput: String {
        steps.withLock { records in
            records.sorted(by: Self.stepOrder).map { $0.reusedOutput ?? $0.context.text }.filter { !$0.isEmpty }
                .joined(separator: "\n\n")
        }
    }

    /// Orders step ids by their dotted numeric components, so `1.2` comes before `1.10`.
    static func stepOrder(_ a: StepRecord, _ b: StepRecord) -> Bool {
        precedes(a.context.stepId, b.context.stepId)
    }

    static func precedes(_ a: String, _ b: String) -> Bool {
        let left = a.split(separator: "."), right = b.split(separator: ".")
        for (x, y) in zip(left, right) where x != y {
            if let m = Int(x), let n = Int(y) { return m < n }
            return x < y
        }
        return left.count < right.count
    }

    /// What every agent call of the run has used so far, summed in step order (reused calls used
    /// nothing this run).
    var usage: Usage {
        steps.withLock {
            Usage.sum($0.sorted(by: Self.stepOrder).filter { $0.reusedOutput == nil }.map(\.context.usage))
        }
    }

    /// Calls one agent as a step. Never throws: the outcome says how it ended.
    /// - Parameter final: the call produces the run's final output, so it gets the run's `outputSchema`.
    func call(
        agent name: String,
        input: String,
        stepId: String,
        parent: String?,
        final: Bool = false
    ) async -> BranchResult {
        let clock = ContinuousClock()
        let started = clock.now
        guard var agent = config.agent(named: name) else {
            // Validated before the run starts; kept as a defined failure all the same.
            return BranchResult(
                stepId: stepId,
                agent: name,
                status: .failed,
                output: "",
                error: "unknown agent",
                durationMs: 0
            )
        }
        if let model { agent = agent.using(model: model) }
        if let checkpoint = reuse[stepId], checkpoint.agent == name, checkpoint.input == input {
            return reused(checkpoint, agent: agent, parent: parent)
        }
        // A run whose budget allows no more starts no further call: no step, no provider.
        do throws(BudgetExceeded) { try context.startModelCall(model: agent.model) } catch {
            return BranchResult(
                stepId: stepId,
                agent: name,
                status: .cancelled,
                output: "",
                error: "budget exceeded (\(error.limit.rawValue))",
                durationMs: 0
            )
        }
        let step = StepContext(run: context, stepId: stepId, agent: name)
        let recordIndex = steps.withLock { records in
            records.append(StepRecord(context: step, parent: parent))
            return records.count - 1
        }
        let stepName = "\(agent.provider.typeName) model call"
        context.emit(
            .step(
                StepEvent(
                    stepId: stepId,
                    status: .started,
                    name: stepName,
                    agent: name,
                    parentStepId: parent,
                    strategy: strategy,
                    input: input
                )
            )
        )
        monitor.agentCallStarted(agent: name)
        let schema = final ? (outputSchema ?? agent.outputSchema) : nil
        let request = ProviderRequest(
            input: input,
            systemPrompt: agent.systemPrompt,
            history: history,
            outputSchema: schema
        )
        modelCallStarted(step: step, agent: agent, request: request)
        let limit = [stepTimeoutMs, agent.timeoutMs].compactMap { $0 }.min()
        var status = StepEvent.Status.completed
        var error: String? = nil
        do {
            let provider = try providers(agent)
            try await withTimeout(milliseconds: limit) { try await provider.stream(request, context: step) }
        } catch let exceeded as BudgetExceeded {
            status = .cancelled
            error = "budget exceeded (\(exceeded.limit.rawValue))"
        } catch is CancellationError {
            status = .cancelled
        } catch let timeout as TimeoutError {
            status = .failed
            error = "timed out after \(timeout.milliseconds) ms"
        } catch let failure as ProviderError {
            status = Task.isCancelled ? .cancelled : .failed
            if status == .failed {
                error = failure.message
                steps.withLock { $0[recordIndex].providerError = failure }
            }
        } catch let failure {
            status = .failed
            error = String(describing: failure)
        }
        let durationMs = AgentRuntime.milliseconds(clock.now - started)
        let usage = step.usage
        context.emitSpan {
            $0.modelCallEnded(
                stepId: stepId,
                status: status,
                outputTokens: step.tokens,
                output: step.text,
                error: error
            )
        }
        context.emit(
            .step(
                StepEvent(
                    stepId: stepId,
                    status: status,
                    name: stepName,
                    agent: name,
                    parentStepId: parent,
                    strategy: strategy,
                    durationMs: durationMs,
                    error: error,
                    usage: usage
                )
            )
        )
        let result = BranchResult(
            stepId: stepId,
            agent: name,
            status: status,
            output: step.text,
            error: error,
            durationMs: durationMs,
            usage: usage
        )
        monitor.agentCallEnded(
            agent: name,
            status: status,
            durationMs: durationMs,
            tokens: step.tokens,
            cost: usage.cost
        )
        steps.withLock { $0[recordIndex].result = result }
        return result
    }

    /// A call the run this one resumes completed: reported once as `reused` (with the earlier input and
    /// output, so this run can be resumed in turn), and its output taken as is.
    private func reused(_ checkpoint: Checkpoint, agent: AgentDefinition, parent: String?) -> BranchResult {
        let step = StepContext(run: context, stepId: checkpoint.stepId, agent: checkpoint.agent)
        let result = BranchResult(
            stepId: checkpoint.stepId,
            agent: checkpoint.agent,
            status: .reused,
            output: checkpoint.output,
            error: nil,
            durationMs: 0,
            usage: checkpoint.usage
        )
        steps.withLock {
            $0.append(StepRecord(context: step, parent: parent, result: result, reusedOutput: checkpoint.output))
        }
        context.emit(
            .step(
                StepEvent(
                    stepId: checkpoint.stepId,
                    status: .reused,
                    name: "\(agent.provider.typeName) model call",
                    agent: checkpoint.agent,
                    parentStepId: parent,
                    strategy: strategy,
                    durationMs: 0,
                    usage: checkpoint.usage,
                    input: checkpoint.input,
                    output: checkpoint.output
                )
            )
        )
        return result
    }

    /// A failed call under `onError: fail` ends the workflow; this is the error it ends with.
    func failure(of branch: BranchResult) -> RunFailure {
        let timedOut = branch.error?.hasPrefix("timed out") == true
        let providerError = steps.withLock { records in
            records.first { $0.context.stepId == branch.stepId }?.providerError
        }
        if let providerError {
            return RunFailure(
                kind: .providerFailure,
                message: "Step \(branch.stepId) (agent '\(branch.agent)') failed: \(providerError.message)",
                runId: context.runId,
                stepId: branch.stepId,
                retryable: providerError.retryable,
                suggestions: providerError.suggestions,
                partialOutput: partialOutput,
                details: providerError.details
            )
        }
        return RunFailure(
            kind: timedOut ? .timeout : .providerFailure,
            message: "Step \(branch.stepId) (agent '\(branch.agent)') failed: \(branch.error ?? "unknown error")",
            runId: context.runId,
            stepId: branch.stepId,
            retryable: timedOut,
            suggestions: timedOut
                ? [
                    "Raise stepTimeoutMs or the agent's timeoutMs.",
                    "Use onError \"continue\" to keep the other steps' results.",
                ]
                : [
                    "Check the agent's provider settings.",
                    "Use onError \"continue\" to keep the other steps' results.",
                ],
            partialOutput: partialOutput
        )
    }

    func progress(done: Int, of total: Int, _ message: String) {
        let percent = total == 0 ? 100 : min(100, done * 100 / total)
        context.emit(.progress(percent: percent, message: message))
    }

    /// Counts one more finished branch of a fan-out and reports it, from the branch's own task (so
    /// progress is not queued behind the other branches). Counting and emitting under one lock keeps
    /// `percent` rising in `seq` order.
    func branchFinished(_ result: BranchResult, total: Int) {
        finishedBranches.withLock { done in
            done += 1
            progress(done: done, of: total, "\(result.agent) \(result.status.rawValue) (\(done) of \(total))")
        }
    }
}
