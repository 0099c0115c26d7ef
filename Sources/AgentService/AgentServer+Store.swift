import AgentCore
import AgentProtocol
import Foundation
import JSONCore
import JSONRPC
import JSONRPCTransport
import Logging

/// Runs that outlive their request: `agent/start`, `workflow/start`, and reading runs back from the store.
///
/// Every request here is answered from a task: the store is read off the reader thread (which goes on
/// reading, so `ping` and cancellations are handled while a read waits for the disk), after the recorder
/// has written what this process recorded before the request (so the client reads its own writes).
extension AgentServer {
    /// The runtime's recorder; a store that records nothing itself gets a memory store in its place.
    static func recorder(for runtime: AgentRuntime, logger: Logger) -> any RunRecorder {
        if let recorder = runtime.recorder { return recorder }
        logger.warning("The run store records no events itself; runs are kept in this process's memory only")
        return MemoryRunStore()
    }

    /// Answers request `id` with what `body` returns, from a task of its own. End of input waits for the
    /// answer, as it does for runs.
    func answerFromStore<R: RequestType>(
        _ type: R.Type,
        id: RequestID,
        responder: Responder,
        handWritten: Bool = false,
        _ body: @escaping @Sendable () async throws(ResponseError) -> R.Result
    ) {
        answerFromStore(id: id, responder: responder, handWritten: handWritten) { () async throws(ResponseError) in
            try await body().json
        }
    }

    func answerFromStore(
        id: RequestID,
        responder: Responder,
        handWritten: Bool = false,
        _ body: @escaping @Sendable () async throws(ResponseError) -> JSONValue
    ) {
        runs.holdReply()
        Task { [runs] in
            defer { runs.settle() }
            do throws(ResponseError) {
                responder.reply(id: id, .success(try await body()), handWritten: handWritten)
            } catch {
                responder.reply(id: id, .failure(error))
            }
        }
    }

    /// What a failing store call answers.
    static func storeFailure(_ error: StoreError) -> ResponseError {
        .internalError("the run store failed: \(error)")
    }

    /// The run's record, or -32001 naming it.
    func storedRun(_ runId: String) async throws(ResponseError) -> StoredRun {
        let run: StoredRun?
        do { run = try await recorder.readRun(runId) } catch { throw Self.storeFailure(error) }
        guard let run else {
            throw Self.responseError(
                RunFailure(
                    kind: .notFound,
                    message: "Unknown run '\(runId)'",
                    suggestions: ["Call run/list to see the runs the store keeps."],
                    details: ["runId": .string(runId)]
                )
            )
        }
        return run
    }

    /// Every event of `runId` after `afterSeq`.
    func storedEvents(_ runId: String, afterSeq: UInt64) async throws(ResponseError) -> [RecordedEvent] {
        do { return try await recorder.readEvents(runId: runId, afterSeq: afterSeq, subscriber: nil) } catch {
            throw Self.storeFailure(error)
        }
    }

    /// `run/status`: small enough to poll.
    func runStatus(_ params: RunStatusRequest.Params) async throws(ResponseError) -> JSONValue {
        .object(Self.statusJSON(try await storedRun(params.runId), live: isLive(params.runId)))
    }

    /// `run/get`: everything kept about a run, with its steps rebuilt from its events.
    func runGet(_ params: RunGetRequest.Params) async throws(ResponseError) -> JSONValue {
        let runId = params.runId
        let run = try await storedRun(runId)
        var object = Self.statusJSON(run, live: isLive(runId))
        object["input"] = .string(run.input)
        object["output"] = run.output.map { .string($0) } ?? .null
        if let code = run.errorCode {
            object["error"] = ["code": .int(code), "message": .string(run.errorMessage ?? "")]
        }
        if let session = run.sessionId { object["sessionId"] = .string(session) }
        let events = try await storedEvents(runId, afterSeq: 0)
        var steps: [String: JSONObject] = [:]
        var order: [String] = []
        for recorded in events {
            guard case .step(let step) = recorded.event else { continue }
            // The step as its `run/step` notification has it, less what names the notification.
            var fields = RunNotifications.params(runId: runId, seq: recorded.seq, event: recorded.event)
            fields["runId"] = nil
            fields["seq"] = nil
            if steps[step.stepId] == nil { order.append(step.stepId) }
            steps[step.stepId] = fields
        }
        object["steps"] = .array(order.compactMap { steps[$0].map(JSONValue.object) })
        object["eventCount"] = .int(events.count)
        return .object(object)
    }

    /// `run/list`.
    func runList(_ params: RunListRequest.Params) async throws(ResponseError) -> JSONValue {
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
        if let cursor = params.cursor {
            do { _ = try RunCursor(encoded: cursor) } catch {
                throw .invalidParams(field: "params.cursor", error.message)
            }
            query.cursor = cursor
        }
        if let value = params.limit {
            guard (1...500).contains(value) else {
                throw .invalidParams(field: "params.limit", "expected a whole number from 1 to 500")
            }
            query.limit = Int(value)
        }
        let page: RunPage
        do { page = try await recorder.readRuns(query) } catch { throw Self.storeFailure(error) }
        var result: JSONObject = ["runs": .array(page.runs.map { .object(Self.statusJSON($0, live: isLive($0.id))) })]
        if let next = page.nextCursor { result["nextCursor"] = .string(next) }
        return .object(result)
    }

    /// `run/delete`: a finished run and its events.
    func runDelete(_ params: RunDeleteRequest.Params) async throws(ResponseError) -> JSONValue {
        let runId = params.runId
        let run = try await storedRun(runId)
        guard run.status.isFinal else {
            throw .invalidParams(field: "params.runId", "the run is still running; cancel it first (run/cancel)")
        }
        do { return ["deleted": .bool(try await recorder.removeRun(runId))] } catch { throw Self.storeFailure(error) }
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
            answerFromStore(id: id, responder: responder, handWritten: true) {
                [self, afterSeq, limit] () async throws(ResponseError) in
                _ = try await storedRun(runId)
                let events = try await storedEvents(runId, afterSeq: afterSeq)
                let page = events.prefix(limit)
                // As of the events read: a run that ended meanwhile says so.
                let run: StoredRun?
                do throws(StoreError) { run = try await recorder.readRun(runId) } catch {
                    throw Self.storeFailure(error)
                }
                let status = run?.status.rawValue ?? "unknown"
                return [
                    "runId": .string(runId), "events": .array(page.map { $0.json(runId: runId) }),
                    "lastSeq": .int(page.last?.seq ?? afterSeq), "hasMore": .bool(events.count > page.count),
                    "status": .string(status),
                ]
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

    static func statusJSON(_ run: StoredRun, live: Bool) -> JSONObject {
        var object: JSONObject = ["runId": .string(run.id), "kind": .string(run.kind)]
        if let agent = run.agent { object["agent"] = .string(agent) }
        if let workflow = run.workflow { object["workflow"] = .string(workflow) }
        if let strategy = run.strategy { object["strategy"] = .string(strategy) }
        object["status"] = .string(run.status.rawValue)
        object["live"] = .bool(live)
        object["startedAt"] = .string(run.startedAt.formatted(.iso8601))
        if let ended = run.endedAt {
            object["endedAt"] = .string(ended.formatted(.iso8601))
            object["durationMs"] = .int(Int((ended.timeIntervalSince(run.startedAt) * 1000).rounded()))
        }
        object["usage"] = ["outputTokens": .int(run.outputTokens)]
        return object
    }
}
