import AgentCore
import Foundation
import Logging
import Synchronization

/// Runs started by the ACP and MCP faces: admission, the run store record, cancellation and settling at
/// EOF. The native face keeps its own bookkeeping (``AgentServer``).
final class FaceRuns: Sendable {
    let runtime: AgentRuntime
    private let logger: Logger
    private let active = Mutex<[String: Task<Void, Never>]>([:])
    private let settled = NSCondition()

    init(runtime: AgentRuntime, logger: Logger) {
        self.runtime = runtime
        self.logger = logger
        startReaper()
    }

    /// Cancels runs that have gone quiet for `limits.staleAfterSeconds`, as the native face does.
    private func startReaper() {
        let staleAfter = runtime.config.limits.staleAfterSeconds
        let interval = min(max(staleAfter / 4, 0.01), 5)
        Task { [weak self] in
            while true {
                try? await Task.sleep(for: .seconds(interval))
                guard let self else { return }
                let reaped = self.runtime.monitor.reapStale(olderThan: .seconds(staleAfter))
                if !reaped.isEmpty { self.logger.warning("Reaping stale runs", metadata: ["runs": "\(reaped)"]) }
            }
        }
    }

    /// Admits and starts a run of `target` on `input`. `finish` gets the outcome after the store has it,
    /// before the run counts as settled.
    /// - Returns: the run id and its task (cancel the task to cancel the run).
    @discardableResult
    func start(
        target: RunTarget,
        input: String,
        history: [Turn] = [],
        sessionId: String? = nil,
        kind: String,
        observer: any RunObserver,
        finish: @escaping @Sendable (_ runId: String, _ outcome: Result<RunResult, RunFailure>) -> Void
    ) throws(RunFailure) -> (runId: String, task: Task<Void, Never>) {
        let runtime = self.runtime
        let workflow: WorkflowDefinition?
        switch target {
        case .agent(let name):
            guard runtime.agent(named: name) != nil else {
                throw RunFailure.unknownAgent(name, available: runtime.agents.map(\.name))
            }
            workflow = nil
        case .workflow(let name):
            workflow = try runtime.workflow(named: name)
            try runtime.validate(workflow!.strategy)
        }
        let runId = AgentRuntime.makeRunId()
        let admission: RunFailure? = active.withLock { active in
            do throws(RunFailure) {
                try runtime.admit(active: active.count)
            } catch {
                return error
            }
            active[runId] = Task {}  // placeholder until the real task exists
            return nil
        }
        if let admission { throw admission }
        do {
            try runtime.store.insertRun(
                StoredRun(
                    id: runId,
                    kind: kind,
                    name: target.name,
                    agent: workflow == nil ? target.name : nil,
                    workflow: workflow?.name,
                    strategy: workflow?.strategy.name,
                    sessionId: sessionId,
                    input: input
                )
            )
        } catch {
            logger.warning("The run store could not record a new run", metadata: ["runId": "\(runId)"])
        }
        let options = RunOptions(history: history)
        let task = Task { [self] in
            let outcome: Result<RunResult, RunFailure>
            do throws(RunFailure) {
                if let workflow {
                    outcome = .success(
                        try await runtime.run(
                            workflow: workflow,
                            input: input,
                            runId: runId,
                            observer: observer,
                            options: options
                        )
                    )
                } else {
                    outcome = .success(
                        try await runtime.run(
                            agent: target.name,
                            input: input,
                            runId: runId,
                            observer: observer,
                            options: options
                        )
                    )
                }
            } catch {
                outcome = .failure(error)
            }
            record(runId: runId, outcome: outcome)
            finish(runId, outcome)
            active.withLock { _ = $0.removeValue(forKey: runId) }
            settled.withLock { settled.broadcast() }
        }
        active.withLock { if $0[runId] != nil { $0[runId] = task } }
        return (runId, task)
    }

    /// Cancels every run in flight.
    func cancelAll() {
        active.withLock { Array($0.values) }.forEach { $0.cancel() }
    }

    /// Blocks the calling (reader) thread until every run has finished, or until `deadline`.
    func waitUntilSettled(deadline: Date) {
        settled.lock()
        defer { settled.unlock() }
        while !active.withLock({ $0.isEmpty }) {
            if !settled.wait(until: deadline) { return }
        }
    }

    private func record(runId: String, outcome: Result<RunResult, RunFailure>) {
        let record = AgentServer.storedOutcome(outcome)
        do {
            try runtime.store.finishRun(runId, outcome: record)
        } catch {
            logger.warning("The run store could not record how a run ended", metadata: ["runId": "\(runId)"])
        }
    }
}
