import AgentCore
import Foundation
import JSONRPC
import JSONRPCTransport
import Logging

/// Runs started by the ACP and MCP faces: what a run executes, its run store record and its outcome,
/// over the connection's ``RunSupervisor`` (admission, tracking by request id, cancellation, settling).
final class FaceRuns: Sendable {
    let runtime: AgentRuntime
    private let logger: Logger
    /// Every run of the connection, by the id of the request that started it.
    let supervisor: RunSupervisor

    init(runtime: AgentRuntime, logger: Logger) {
        self.runtime = runtime
        self.logger = logger
        self.supervisor = .reapingStaleRuns(of: runtime, logger: logger)
    }

    /// Stops the face's connection: requests to the client fail, runs are cancelled and no more are
    /// admitted, they get `grace` to answer, then the connection closes.
    func stop(endpoint: Endpoint, connection: Connection, grace: TimeInterval) {
        endpoint.inputClosed()
        supervisor.close()
        supervisor.waitUntilSettled(deadline: Date().addingTimeInterval(grace))
        connection.close()
    }

    /// Admits and starts a run of `target` on `input` for request `key`. `finish` gets the outcome after
    /// the store has it, with how the request was cancelled, before the run counts as settled.
    /// - Returns: the run id.
    @discardableResult
    func start(
        key: RequestID,
        target: RunTarget,
        input: String,
        history: [Turn] = [],
        sessionId: String? = nil,
        sessionTools: (any MCPToolSource)? = nil,
        model: String? = nil,
        kind: String,
        observer: any RunObserver,
        finish:
            @escaping @Sendable (_ runId: String, _ outcome: Result<RunResult, RunFailure>, CancelMode) async -> Void
    ) throws(ResponseError) -> String {
        let runtime = self.runtime
        let workflow: WorkflowDefinition?
        switch target {
        case .agent(let name):
            guard runtime.agent(named: name) != nil else {
                throw AgentServer.responseError(RunFailure.unknownAgent(name, available: runtime.agents.map(\.name)))
            }
            workflow = nil
        case .workflow(let name):
            do {
                workflow = try runtime.workflow(named: name)
                try runtime.validate(workflow!.strategy)
            } catch {
                throw AgentServer.responseError(error)
            }
        }
        let runId = AgentRuntime.makeRunId()
        try supervisor.admit(key: key, runId: runId) { inFlight throws(ResponseError) in
            do throws(RunFailure) { try runtime.admit(active: inFlight) } catch {
                throw AgentServer.responseError(error)
            }
        }
        let stored = StoredRun(
            id: runId,
            kind: kind,
            name: target.name,
            agent: workflow == nil ? target.name : nil,
            workflow: workflow?.name,
            strategy: workflow?.strategy.name,
            sessionId: sessionId,
            input: input,
            definition: workflow?.specJSON
        )
        // Through the recorder, the row is written by its writer, not on this (reader) thread.
        if let recorder = runtime.recorder {
            recorder.begin(stored)
        } else {
            do { try runtime.store.insertRun(stored) } catch {
                logger.warning(
                    "The run store could not record a new run",
                    metadata: ["runId": "\(runId)", "error": "\(error)"]
                )
            }
        }
        let options = RunOptions(history: history, sessionTools: sessionTools, model: model)
        let task = Task { [self] in
            let outcome: Result<RunResult, RunFailure>
            do throws(RunFailure) {
                outcome = .success(
                    try await runtime.run(
                        workflow: workflow,
                        agent: target.name,
                        input: input,
                        runId: runId,
                        observer: observer,
                        options: options
                    )
                )
            } catch {
                outcome = .failure(error)
            }
            record(runId: runId, outcome: outcome)
            await finish(runId, outcome, supervisor.finish(key))
            supervisor.settle()
        }
        supervisor.attach(task, to: key)
        return runId
    }

    private func record(runId: String, outcome: Result<RunResult, RunFailure>) {
        let record = AgentServer.storedOutcome(outcome)
        if let recorder = runtime.recorder {
            recorder.finish(runId, outcome: record)
            return
        }
        do {
            try runtime.store.finishRun(runId, outcome: record)
        } catch {
            logger.warning(
                "The run store could not record how a run ended",
                metadata: ["runId": "\(runId)", "error": "\(error)"]
            )
        }
    }
}
