import AgentCore
import AgentProtocol
import Foundation
import JSONCore
import JSONRPC
import JSONRPCTransport
import Logging

/// Runs that outlive their request: `agent/start`, `workflow/start`, and reading runs back from the store.
///
/// Every request here is answered from a task (`RunSupervisor.answerLater`): the store is read off the
/// reader thread (which goes on reading, so `ping` and cancellations are handled while a read waits for
/// the disk), after the recorder has written what this process recorded before the request (so the
/// client reads its own writes).
extension AgentServer {
    /// The runtime's recorder; a store that records nothing itself gets a memory store in its place.
    static func recorder(for runtime: AgentRuntime, logger: Logger) -> any RunRecorder {
        if let recorder = runtime.recorder { return recorder }
        logger.warning("The run store records no events itself; runs are kept in this process's memory only")
        return MemoryRunStore()
    }

    /// What a failing store call answers.
    static func storeFailure(_ error: StoreError) -> ResponseError {
        .internalError("the run store failed: \(error)")
    }

    /// -32001 naming a run the store does not have.
    static func unknownRun(_ runId: String) -> ResponseError {
        responseError(
            RunFailure(
                kind: .notFound,
                message: "Unknown run '\(runId)'",
                suggestions: ["Call run/list to see the runs the store keeps."],
                details: ["runId": .string(runId)]
            )
        )
    }

    /// The run's record, or -32001 naming it.
    func storedRun(_ runId: String) async throws(ResponseError) -> StoredRun {
        try await Self.storedRun(runId, in: recorder)
    }

    static func storedRun(_ runId: String, in recorder: any RunRecorder) async throws(ResponseError) -> StoredRun {
        let run: StoredRun?
        do { run = try await recorder.readRun(runId) } catch { throw Self.storeFailure(error) }
        guard let run else { throw Self.unknownRun(runId) }
        return run
    }

    /// Every event of `runId` after `afterSeq`.
    func storedEvents(_ runId: String, afterSeq: UInt64) async throws(ResponseError) -> [RecordedEvent] {
        try await Self.storedEvents(runId, afterSeq: afterSeq, in: recorder)
    }

    static func storedEvents(
        _ runId: String,
        afterSeq: UInt64,
        in recorder: any RunRecorder
    ) async throws(ResponseError) -> [RecordedEvent] {
        do { return try await recorder.readEvents(runId: runId, afterSeq: afterSeq, subscriber: nil) } catch {
            throw Self.storeFailure(error)
        }
    }

    /// `run/status`: small enough to poll.
    func runStatus(_ params: RunStatusRequest.Params) async throws(ResponseError) -> RunInfo {
        Self.runInfo(try await storedRun(params.runId), live: isLive(params.runId))
    }

    /// `run/get`: everything kept about a run, with its steps rebuilt from its events.
    func runGet(_ params: RunGetRequest.Params) async throws(ResponseError) -> RunDetails {
        try await Self.runGet(params, from: recorder, isLive: isLive)
    }

    /// `run/get` (and `agentwire show`) from `recorder`; `isLive` says whether this process runs a run.
    /// Reads off the calling thread (the recorder's reads are async), so any task may await it.
    public static func runGet(
        _ params: RunGetRequest.Params,
        from recorder: any RunRecorder,
        isLive: (String) -> Bool = { _ in false }
    ) async throws(ResponseError) -> RunDetails {
        let runId = params.runId
        let run = try await storedRun(runId, in: recorder)
        let info = Self.runInfo(run, live: isLive(runId))
        let events = try await storedEvents(runId, afterSeq: 0, in: recorder)
        // Each step as its last `run/step` notification has it, less what names the notification.
        var steps: [String: RunStepState] = [:]
        for recorded in events {
            guard case .step(let step) = recorded.event else { continue }
            steps[step.stepId] = RunStepState(step)
        }
        // In step-id order (a step before the steps inside it, `1.2` before `1.10`): parallel branches start in
        // whatever order the machine runs them, and a run reads the same every time it is shown.
        let order = steps.keys.sorted { stepPath($0).lexicographicallyPrecedes(stepPath($1)) }
        return RunDetails(
            info: info,
            input: run.input,
            output: run.output,
            error: run.errorCode.map { RunError(code: $0, message: run.errorMessage ?? "") },
            sessionId: run.sessionId,
            steps: order.compactMap { steps[$0] },
            eventCount: events.count
        )
    }

    /// A step id's numbers (`1.2.10` is `[1, 2, 10]`); anything that is not a number sorts first.
    private static func stepPath(_ stepId: String) -> [Int] {
        stepId.split(separator: ".").map { Int($0) ?? -1 }
    }

    /// `run/list`.
    func runList(_ params: RunListRequest.Params) async throws(ResponseError) -> RunListResult {
        try await Self.runList(params, from: recorder, isLive: isLive)
    }

    /// `run/list` (and `agentwire runs`) from `recorder`; `isLive` says whether this process runs a run.
    public static func runList(
        _ params: RunListRequest.Params,
        from recorder: any RunRecorder,
        isLive: (String) -> Bool = { _ in false }
    ) async throws(ResponseError) -> RunListResult {
        var query = RunQuery()
        if let text = params.status {
            guard let status = RunStatus(rawValue: text) else {
                throw .invalidParams(
                    field: "params.status",
                    "expected one of: \(RunStatus.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            query.status = status
        }
        query.agent = params.agent
        query.workflow = params.workflow
        (query.cursor, query.limit) = try Self.page(cursor: params.cursor, limit: params.limit, default: query.limit)
        let page: RunPage
        do { page = try await recorder.readRuns(query) } catch { throw Self.storeFailure(error) }
        return RunListResult(runs: page.runs.map { Self.runInfo($0, live: isLive($0.id)) }, nextCursor: page.nextCursor)
    }

    /// The `cursor` and `limit` of a page request (`run/list`, `session/list`), checked: a cursor this
    /// server wrote, 1 to 500 entries (`defaultLimit` when absent).
    static func page(
        cursor: String?,
        limit: Int64?,
        default defaultLimit: Int
    ) throws(ResponseError) -> (cursor: String?, limit: Int) {
        if let cursor {
            do { _ = try RunCursor(encoded: cursor) } catch {
                throw .invalidParams(field: "params.cursor", error.message)
            }
        }
        guard let limit else { return (cursor, defaultLimit) }
        guard (1...500).contains(limit) else {
            throw .invalidParams(field: "params.limit", "expected a whole number from 1 to 500")
        }
        return (cursor, Int(limit))
    }

    /// `run/delete`: a finished run and its events.
    func runDelete(_ params: RunDeleteRequest.Params) async throws(ResponseError) -> RunDeleteResult {
        let runId = params.runId
        let run = try await storedRun(runId)
        guard run.status.isFinal else {
            throw .invalidParams(field: "params.runId", "the run is still running; cancel it first (run/cancel)")
        }
        do { return RunDeleteResult(deleted: try await recorder.removeRun(runId)) } catch {
            throw Self.storeFailure(error)
        }
    }

    /// `run/events`: the events after `afterSeq`; with `follow`, then every live event until the run ends,
    /// sent as the original notifications, and the reply last.
    func runEvents(
        id: RequestID,
        _ params: RunEventsRequest.Params,
        responder: Responder,
        connection: Connection
    ) throws(ResponseError) {
        let runId = params.runId
        var afterSeq: UInt64 = 0
        if let seq = params.afterSeq {
            guard seq >= 0 else {
                throw .invalidParams(field: "params.afterSeq", "expected a whole number of at least 0")
            }
            afterSeq = UInt64(seq)
        }
        var limit = 1000
        if let number = params.limit {
            guard (1...10_000).contains(number) else {
                throw .invalidParams(field: "params.limit", "expected a whole number from 1 to 10000")
            }
            limit = Int(number)
        }
        guard params.follow ?? false else {
            runs.answerLater(RunEventsRequest.self, id: id, responder: responder, handWritten: true) {
                [self, afterSeq, limit] () async throws(ResponseError) in
                _ = try await storedRun(runId)
                let events = try await storedEvents(runId, afterSeq: afterSeq)
                let page = events.prefix(limit)
                // As of the events read: a run that ended meanwhile says so.
                let run: StoredRun?
                do throws(StoreError) { run = try await recorder.readRun(runId) } catch {
                    throw Self.storeFailure(error)
                }
                return .page(
                    RunEventsPage(
                        runId: runId,
                        events: page.map { $0.wire(runId: runId) },
                        lastSeq: page.last?.seq ?? afterSeq,
                        hasMore: events.count > page.count,
                        status: run.map { RunInfo.Status($0.status) }
                    )
                )
            }
            return
        }
        followRun(runId: runId, afterSeq: afterSeq, id: id, responder: responder, connection: connection)
    }

    /// Whether this process runs `runId` right now.
    func isLive(_ runId: String) -> Bool {
        runs.isRunning(runId: runId)
    }

    /// Cancels a run this process does not own: through the store when its owner is alive (the owner
    /// polls for requests), otherwise by marking it interrupted.
    func cancelStoredRun(_ runId: String) async throws(ResponseError) -> RunCancelResult {
        let done: StoredRunCancellation
        do { done = try await recorder.cancelStoredRun(runId) } catch { throw Self.storeFailure(error) }
        switch done {
        case .unknown: throw Self.unknownRun(runId)
        case .notRunning: return RunCancelResult(cancelled: false)
        case .requested: return RunCancelResult(cancelled: true)
        case .interrupted: return RunCancelResult(cancelled: true, interrupted: true)
        }
    }

    /// Cancels the runs of this process that another process asked to cancel through the store.
    func cancelRequested(_ runIds: [String]) {
        for runId in runIds where runs.cancel(runId: runId) {
            logger.info("Cancelled a run at another process's request", metadata: ["runId": "\(runId)"])
        }
    }

    /// A run as `run/status` answers it.
    static func runInfo(_ run: StoredRun, live: Bool) -> RunInfo {
        RunInfo(
            runId: run.id,
            kind: RunInfo.Kind(rawValue: run.kind) ?? (run.workflow == nil ? .agent : .workflow),
            agent: run.agent,
            workflow: run.workflow,
            strategy: run.strategy,
            status: RunInfo.Status(run.status),
            live: live,
            startedAt: run.startedAt.formatted(.iso8601),
            endedAt: run.endedAt?.formatted(.iso8601),
            durationMs: run.endedAt.map { Int(($0.timeIntervalSince(run.startedAt) * 1000).rounded()) },
            usage: run.usage.map(RunUsage.init) ?? RunUsage(outputTokens: run.outputTokens),
            resumedFrom: run.resumedFrom
        )
    }
}

extension RunInfo.Status {
    init(_ status: RunStatus) {
        switch status {
        case .running: self = .running
        case .completed: self = .completed
        case .failed: self = .failed
        case .cancelled: self = .cancelled
        case .interrupted: self = .interrupted
        }
    }
}

extension RunStepState {
    /// The step as its `run/step` notification reports it.
    init(_ step: StepEvent) {
        let status: Status =
            switch step.status {
            case .started: .started
            case .completed: .completed
            case .failed: .failed
            case .cancelled: .cancelled
            case .reused: .reused
            }
        self.init(
            stepId: step.stepId,
            status: status,
            name: step.name,
            agent: step.agent,
            parentStepId: step.parentStepId,
            strategy: step.strategy,
            durationMs: step.durationMs,
            error: step.error,
            usage: step.usage.map(RunUsage.init)
        )
    }
}
