import AgentCore
import AgentProtocol
import Foundation
import JSONCore
import JSONRPC
import JSONRPCTransport

/// `run/resume`: a failed, cancelled or interrupted run done again as a new run that reuses the agent
/// calls the original completed (its checkpoints: the completed steps among its recorded events).
extension AgentServer {
    /// What a resumed run runs: the original's target and input, and the calls it may reuse.
    public struct ResumePlan: Sendable {
        public var original: StoredRun
        /// `nil` for an agent run.
        public var workflow: WorkflowDefinition?
        public var checkpoints: [String: Checkpoint]

        /// The options of the resumed run: `options` with the run it resumes and the calls to reuse.
        public func options(_ options: RunOptions) -> RunOptions {
            var options = options
            options.resumedFrom = original.id
            options.reuse = checkpoints
            return options
        }

        /// The agent an agent run resumes.
        var agent: String { original.agent ?? original.name }

        /// What the store keeps of the resumed run when it starts.
        var descriptor: RunDescriptor {
            guard let workflow else {
                return RunDescriptor(
                    kind: .agent,
                    name: agent,
                    agent: agent,
                    input: original.input,
                    resumedFrom: original.id
                )
            }
            return RunDescriptor(
                kind: .workflow,
                name: workflow.name,
                workflow: workflow.name,
                strategy: workflow.strategy.name,
                input: original.input,
                resumedFrom: original.id,
                definition: workflow.specJSON
            )
        }

        /// The resumed run's record, as it starts.
        public func stored(runId: String) -> StoredRun { descriptor.stored(runId: runId) }

        /// Runs the resumed run (`options` from ``options(_:)``).
        public func run(
            on runtime: AgentRuntime,
            runId: String,
            observer: any RunObserver,
            options: RunOptions
        ) async throws(RunFailure) -> RunResult {
            try await runtime.run(
                workflow: workflow,
                agent: agent,
                input: original.input,
                runId: runId,
                observer: observer,
                options: options
            )
        }
    }

    /// Reads the run off the reader thread, then starts its resumption like `agent/run` or `workflow/run`.
    func resumeRun(
        id: RequestID,
        _ params: RunResumeRequest.Params,
        responder: Responder,
        connection: Connection
    ) throws(ResponseError) {
        let requested = try runOptions(params.options, requestId: id)
        runs.continueLater(id: id, responder: responder) { [self] () async throws(ResponseError) in
            let plan = try await Self.resumePlan(params, runtime: runtime, recorder: recorder, isLive: isLive)
            let options = plan.options(requested)
            try launchResumed(
                plan,
                id: id,
                detach: params.detach,
                options: options,
                stream: params.options.stream,
                responder: responder,
                connection: connection
            )
        }
    }

    /// The run `params.runId` names, checked for resumption, with its checkpoints (`run/resume`, and
    /// `agentwire resume`); `isLive` says whether this process runs a run.
    public static func resumePlan(
        _ params: RunResumeRequest.Params,
        runtime: AgentRuntime,
        recorder: any RunRecorder,
        isLive: (String) -> Bool = { _ in false }
    ) async throws(ResponseError) -> ResumePlan {
        var run = try await storedRun(params.runId, in: recorder)
        func refuse(_ reason: String, _ message: String) -> ResponseError {
            ResponseError(
                code: .invalidParams,
                message: "Invalid params: params.runId: \(message)",
                data: [
                    "field": "params.runId", "detail": .string(message), "reason": .string(reason),
                    "status": .string(run.status.rawValue),
                ]
            )
        }
        if run.status == .running {
            // A run of a process that is gone (kill -9) is interrupted now, and then resumable.
            let abandoned: Bool
            if isLive(run.id) {
                abandoned = false
            } else {
                do { abandoned = try await recorder.interruptIfAbandoned(run) } catch { throw Self.storeFailure(error) }
            }
            guard abandoned else {
                throw refuse("running", "run '\(run.id)' is still running; cancel it (run/cancel) or let it end first")
            }
            run.status = .interrupted
        }
        guard run.status != .completed else {
            throw refuse("completed", "run '\(run.id)' completed; there is nothing to resume (start a new run)")
        }
        guard run.kind != RunInfo.Kind.session.rawValue else {
            throw refuse("session", "run '\(run.id)' is a session turn; prompt the session again (session/prompt)")
        }
        let workflow = try resumedWorkflow(run, runtime: runtime, force: params.force, refuse: refuse)
        if workflow == nil, let agent = run.agent, runtime.agent(named: agent) == nil {
            throw Self.responseError(runtime.unknownAgent(agent))
        }
        let events = try await storedEvents(run.id, afterSeq: 0, in: recorder)
        return ResumePlan(original: run, workflow: workflow, checkpoints: Checkpoint.checkpoints(of: events))
    }

    /// The workflow a workflow run resumes with: the definition it ran with, unless the configuration's
    /// workflow of that name differs (refused, or with `force` the current one). `nil` for agent runs.
    private static func resumedWorkflow(
        _ run: StoredRun,
        runtime: AgentRuntime,
        force: Bool,
        refuse: (String, String) -> ResponseError
    ) throws(ResponseError) -> WorkflowDefinition? {
        guard let name = run.workflow else { return nil }
        let configured = runtime.config.workflow(named: name)
        let stored: WorkflowDefinition?
        do {
            stored = try run.definition.map { spec throws(FieldError) in
                try WorkflowDefinition.parse(spec: spec, name: name)
            }
        } catch {
            throw .internalError("run '\(run.id)' has a workflow definition this version cannot read: \(error.message)")
        }
        // A named workflow is the configuration's; a `coordinator/*` run's (named after its strategy) is its own.
        if let configured {
            if let stored, stored.specJSON == configured.specJSON { return stored }
            guard force else {
                throw stored == nil
                    ? refuse(
                        "definitionUnknown",
                        "run '\(run.id)' was kept without its workflow's definition, so a change to '\(name)' cannot be ruled out; pass force: true to resume it with the current one"
                    )
                    : refuse(
                        "definitionChanged",
                        "workflow '\(name)' changed since run '\(run.id)' ran; pass force: true to resume it with the current definition"
                    )
            }
            return configured
        }
        guard let stored else {
            throw Self.responseError(RunFailure.unknownWorkflow(name, available: runtime.config.workflows.map(\.name)))
        }
        do { try runtime.validate(stored.strategy) } catch { throw Self.responseError(error) }
        return stored
    }

    /// Starts the resumed run: answered like the original's request, or with `{runId}` when detached.
    private func launchResumed(
        _ plan: ResumePlan,
        id: RequestID,
        detach: Bool,
        options: RunOptions,
        stream: JSONValue?,
        responder: Responder,
        connection: Connection
    ) throws(ResponseError) {
        let runtime = self.runtime
        try launch(
            id: id,
            stream: stream,
            responder: responder,
            connection: connection,
            descriptor: plan.descriptor,
            reply: .resumed(detached: detach)
        ) { runId, observer async throws(RunFailure) in
            try await plan.run(on: runtime, runId: runId, observer: observer, options: options)
        }
    }
}

extension RunReply {
    /// How `run/resume` is answered: like the original's request (`agent/run` or `workflow/run`), or
    /// with `{runId}` at once when detached.
    static func resumed(detached: Bool) -> RunReply {
        if detached {
            return RunReply(
                result: nil,
                started: { responder, id, runId in
                    responder.reply(RunResumeRequest.self, id: id, .started(RunStartResult(runId: runId)))
                }
            )
        }
        return RunReply(
            result: { responder, id, result, _ in
                let answer: RunResumeResult =
                    result.strategy == nil ? .agent(AgentRunResult(result)) : .workflow(WorkflowRunResult(result))
                responder.reply(RunResumeRequest.self, id: id, answer, handWritten: true)
            },
            started: nil
        )
    }
}
