import AgentCore
import AgentProtocol
import Foundation
import JSONCore
import JSONRPC
import JSONRPCTransport

extension AgentServer {
    func startAgentRun(
        id: RequestID,
        _ params: some AgentRunParams,
        responder: Responder,
        connection: Connection,
        detached: Bool = false
    ) throws(ResponseError) {
        let agent = params.agent
        let input = params.input
        guard runtime.agent(named: agent) != nil else {
            throw Self.responseError(RunFailure.unknownAgent(agent, available: runtime.agents.map(\.name)))
        }
        let options = try runOptions(params, requestId: id)
        try launch(
            id: id,
            stream: params.options.stream,
            responder: responder,
            connection: connection,
            descriptor: RunDescriptor(kind: .agent, name: agent, agent: agent, input: input),
            reply: detached ? .runId(AgentStartRequest.self) : .agentResult(AgentRunRequest.self)
        ) { [runtime] runId, observer async throws(RunFailure) in
            try await runtime.run(agent: agent, input: input, runId: runId, observer: observer, options: options)
        }
    }

    /// A `coordinator/STRATEGY` request: its params are decoded as its type declares, then the workflow's
    /// parts are read from the params object by the same parser the config file's workflows go through.
    func startCoordinatorRun<R: RequestType>(
        _ request: R.Type,
        id: RequestID,
        _ spec: JSONValue?,
        _ responder: Responder,
        _ connection: Connection
    ) throws(ResponseError) where R.Params: RunRequestParams, R.Result == WorkflowRunResult {
        let params = try R.Params(decoding: spec)
        let strategy = String(R.method.dropFirst("coordinator/".count))
        let workflow: WorkflowDefinition
        do {
            workflow = try ConfigParser.workflowSpec(strategy: strategy, spec?.objectValue ?? [:], path: "params")
        } catch {
            throw .invalidParams(field: error.path, error.message)
        }
        try startWorkflow(
            workflow,
            params,
            id: id,
            responder: responder,
            connection: connection,
            reply: .workflowResult(R.self)
        )
    }

    func startWorkflowRun(
        id: RequestID,
        _ params: some WorkflowRunParams,
        responder: Responder,
        connection: Connection,
        detached: Bool = false
    ) throws(ResponseError) {
        let workflow: WorkflowDefinition
        do { workflow = try runtime.workflow(named: params.workflow) } catch { throw Self.responseError(error) }
        try startWorkflow(
            workflow,
            params,
            id: id,
            responder: responder,
            connection: connection,
            reply: detached ? .runId(WorkflowStartRequest.self) : .workflowResult(WorkflowRunRequest.self)
        )
    }

    private func startWorkflow(
        _ workflow: WorkflowDefinition,
        _ params: some RunRequestParams,
        id: RequestID,
        responder: Responder,
        connection: Connection,
        reply: RunReply
    ) throws(ResponseError) {
        let input = params.input
        do { try runtime.validate(workflow.strategy) } catch { throw Self.responseError(error) }
        let options = try runOptions(params, requestId: id)
        let descriptor = RunDescriptor(
            kind: .workflow,
            name: workflow.name,
            workflow: workflow.name,
            strategy: workflow.strategy.name,
            input: input,
            definition: workflow.specJSON
        )
        try launch(
            id: id,
            stream: params.options.stream,
            responder: responder,
            connection: connection,
            descriptor: descriptor,
            reply: reply
        ) { [runtime] runId, observer async throws(RunFailure) in
            try await runtime.run(workflow: workflow, input: input, runId: runId, observer: observer, options: options)
        }
    }

    func runOptions(_ params: some RunRequestParams, requestId: RequestID) throws(ResponseError) -> RunOptions {
        try runOptions(params.options, requestId: requestId)
    }

    func runOptions(_ params: RunRequestOptions, requestId: RequestID) throws(ResponseError) -> RunOptions {
        var options = RunOptions(requestId: requestId.json)
        if let ms = params.timeoutMs {
            guard ms > 0, ms <= 86_400_000 else {
                throw .invalidParams(
                    field: "params.timeoutMs",
                    "expected a whole number of milliseconds from 1 to 86400000"
                )
            }
            options.timeoutMs = Int(ms)
        }
        options.traceContext = try traceContext(params.meta)
        try Self.readSpending(params, into: &options)
        return options
    }

    /// Reads a request's `budget`, `outputSchema` and `model` into `options`: -32602 naming the first bad
    /// member (`params.budget.maxCostUsd`, `params.outputSchema.properties.age.type`), before anything runs.
    static func readSpending(_ params: RunRequestOptions, into options: inout RunOptions) throws(ResponseError) {
        do throws(FieldError) {
            if let budget = params.budget {
                options.budget = try ConfigParser.parseBudget(budget, path: "params.budget")
            }
            if let schema = params.outputSchema {
                options.outputSchema = try ConfigParser.parseOutputSchema(schema, path: "params.outputSchema")
            }
        } catch {
            throw .invalidParams(field: error.path, error.message)
        }
        if let model = params.model {
            guard !model.isEmpty else { throw .invalidParams(field: "params.model", "expected a model name") }
            options.model = model
        }
    }

    /// Admits, registers and starts a run; its request is answered when it ends (see ``finishRun``).
    /// - Parameter reply: how the request is answered; for `agent/start` and `workflow/start`, `{runId}`
    ///   now: the run goes on and its result is kept in the store (its events still stream to this client).
    func launch(
        id requestId: RequestID,
        stream: JSONValue?,
        responder: Responder,
        connection: Connection,
        descriptor: RunDescriptor,
        reply: RunReply,
        onFinish: (@Sendable (Result<RunResult, RunFailure>) async -> [String])? = nil,
        body: @escaping RunBody
    ) throws(ResponseError) {
        let stream = try state.withLock { $0.stream }.merging(stream, field: "params.stream")
        let runId = AgentRuntime.makeRunId()
        // A detached run is no longer tied to its request: it is tracked under a key of its own.
        let id = reply.detached ? RequestID.string("start:\(runId)") : requestId
        try runs.admit(key: id, runId: runId) { inFlight throws(ResponseError) in
            do throws(RunFailure) { try runtime.admit(active: inFlight) } catch { throw Self.responseError(error) }
        }
        recorder.begin(descriptor.stored(runId: runId))
        let client = ConnectionRunObserver(outbound: connection.outbound, options: stream, permissions: permissions)
        let observer = RecordingObserver(recorder: recorder, client: client)
        reply.started?(responder, requestId, runId)
        let task = Task {
            let outcome: Result<RunResult, RunFailure>
            do throws(RunFailure) {
                outcome = .success(try await body(runId, observer))
            } catch {
                outcome = .failure(error)
            }
            client.flush()
            let warnings = await onFinish?(outcome) ?? []
            finishRun(id: id, runId: runId, outcome: outcome, responder: responder, reply: reply, warnings: warnings)
        }
        runs.attach(task, to: id)
    }

    /// Answers a run's request. The run leaves the in-flight table first, so a client that reacts to the
    /// reply at once (reusing the id, starting another run) never finds it still counted; EOF waits on
    /// the supervisor's unsettled count, which drops only once the reply is queued.
    /// - Parameters:
    ///   - reply: how the request is answered; a request answered at start gets nothing more.
    ///   - warnings: what the reply says went wrong beside the run (a session turn the store could not
    ///     keep).
    func finishRun(
        id: RequestID,
        runId: String,
        outcome: Result<RunResult, RunFailure>,
        responder: Responder,
        reply: RunReply,
        warnings: [String] = []
    ) {
        let mode = runs.finish(id)
        persist(runId: runId, outcome: outcome)
        guard let sendResult = reply.result else {
            runs.settle()
            return
        }
        switch outcome {
        case .success(let result) where result.stopReason == .cancelled && mode == .errorReply:
            let cancelled = ResponseError(
                code: .requestCancelled,
                message: "Request cancelled",
                data: ["runId": .string(runId), "partialOutput": .string(result.output)]
            )
            responder.reply(id: id, .failure(Self.addingWarnings(warnings, to: cancelled)))
        case .success(let result) where result.stopReason == .cancelled && mode == .noReply:
            responder.dropReply()
        case .success(let result):
            sendResult(responder, id, result, warnings)
        case .failure(let failure):
            responder.reply(id: id, .failure(Self.addingWarnings(warnings, to: Self.responseError(failure))))
        }
        runs.settle()
    }

    /// Hands the run's outcome to the recorder (written with the next flush, after the run's last events)
    /// and releases its followers. Reads of this process write it first, so whoever is told the run ended
    /// finds it ended.
    func persist(runId: String, outcome: Result<RunResult, RunFailure>) {
        recorder.finish(runId, outcome: Self.storedOutcome(outcome))
    }

    /// How a run ended, as the store keeps it: its status, output (the partial one when it failed), error
    /// and usage.
    public static func storedOutcome(_ outcome: Result<RunResult, RunFailure>) -> RunOutcome {
        switch outcome {
        case .success(let result):
            return RunOutcome(
                status: result.stopReason == .cancelled ? .cancelled : .completed,
                output: result.output,
                outputTokens: result.outputTokens,
                usage: result.usage
            )
        case .failure(let failure):
            let error = responseError(failure)
            return RunOutcome(
                status: .failed,
                output: failure.partialOutput ?? "",
                errorCode: error.code.rawValue,
                errorMessage: error.message,
                outputTokens: failure.outputTokens,
                usage: failure.usage
            )
        }
    }

    /// A run's result as its request is answered: ``AgentRunResult`` for an agent run (with `warnings`, a
    /// session turn's), ``WorkflowRunResult`` for a workflow run (which has no warnings to carry).
    public static func runResultJSON(_ result: RunResult, warnings: [String] = []) -> JSONValue {
        result.strategy == nil ? AgentRunResult(result, warnings: warnings).json : WorkflowRunResult(result).json
    }

    /// A run failure as a JSON-RPC error: our code for its kind, and data a UI can act on.
    public static func responseError(_ failure: RunFailure) -> ResponseError {
        let code: ErrorCode =
            switch failure.kind {
            case .notFound: .notFound
            case .sessionBusy: .sessionBusy
            case .timeout: .timeout
            case .rateLimited: .rateLimited
            case .overloaded: .overloaded
            case .providerFailure: .providerFailure
            case .invalidInput: .invalidParams
            case .budgetExceeded: .budgetExceeded
            case .outputMismatch: .outputMismatch
            }
        var data: JSONObject = [:]
        if let runId = failure.runId { data["runId"] = .string(runId) }
        if let stepId = failure.stepId { data["stepId"] = .string(stepId) }
        data["retryable"] = .bool(failure.retryable)
        data["suggestions"] = .array(failure.suggestions.map { .string($0) })
        if let partial = failure.partialOutput { data["partialOutput"] = .string(partial) }
        for (key, value) in failure.details.sorted(by: { $0.key < $1.key }) {
            switch value {
            case .string(let text): data[key] = .string(text)
            case .strings(let texts): data[key] = .array(texts.map { .string($0) })
            case .int(let number): data[key] = .int(number)
            case .json(let value): data[key] = value
            }
        }
        if let usage = failure.usage, failure.runId != nil { data["usage"] = RunUsage(usage).json }
        return ResponseError(code: code, message: failure.message, data: .object(data))
    }

    /// Cancels the run (or the `run/events` follow) started by request `id`, if it is still in flight;
    /// the endpoint calls this for every cancellation dialect. Unknown ids are ignored.
    public func cancelRequest(_ id: RequestID, mode: CancelMode) {
        if let endFollow = state.withLock({ $0.follows.removeValue(forKey: id) }) {
            endFollow(mode)
            return
        }
        let known = runs.cancel(request: id, mode: mode)
        logger.debug("Cancel request", metadata: ["id": "\(id)", "known": "\(known)"])
    }
}

extension AgentRunResult {
    /// The answer to the request that ran an agent run (`agent/run`, `session/prompt`).
    /// - Parameter warnings: what went wrong beside the run (a session turn the store could not keep).
    init(_ result: RunResult, warnings: [String] = []) {
        self.init(
            runId: result.runId,
            agent: result.agent,
            output: result.output,
            stopReason: RunStopReason(result.stopReason),
            usage: RunUsage(result.usage),
            durationMs: result.durationMs,
            structuredOutput: result.structuredOutput,
            warnings: warnings
        )
    }
}

extension WorkflowRunResult {
    /// The answer to the request that ran a workflow run (`workflow/run`, `coordinator/*`).
    init(_ result: RunResult) {
        self.init(
            runId: result.runId,
            workflow: result.name,
            strategy: result.strategy ?? "",
            output: result.output,
            stopReason: RunStopReason(result.stopReason),
            usage: RunUsage(result.usage),
            durationMs: result.durationMs,
            branches: result.branches.map(Branch.init),
            structuredOutput: result.structuredOutput
        )
    }
}

extension WorkflowRunResult.Branch {
    init(_ branch: BranchResult) {
        let status: Status =
            switch branch.status {
            case .completed: .completed
            case .failed: .failed
            case .reused: .reused
            // An ended call is never `started`; one that did not end was stopped.
            case .cancelled, .started: .cancelled
            }
        self.init(
            stepId: branch.stepId,
            agent: branch.agent,
            status: status,
            output: branch.output,
            error: branch.error,
            durationMs: branch.durationMs,
            usage: branch.usage.map(RunUsage.init)
        )
    }
}

extension RunStopReason {
    init(_ reason: StopReason) {
        switch reason {
        case .endTurn: self = .endTurn
        case .cancelled: self = .cancelled
        }
    }
}
