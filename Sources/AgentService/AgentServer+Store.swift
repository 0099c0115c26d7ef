import AgentCore
import AgentProtocol
import Foundation
import JSONCore
import JSONRPC
import JSONRPCTransport

/// Runs that outlive their request: `agent/start`, `workflow/start`, and reading runs back from the store.
extension AgentServer {
    /// The run's record, or -32001 naming it.
    func storedRun(_ runId: String) throws(ResponseError) -> StoredRun {
        let run: StoredRun?
        do { run = try recorder.run(runId) } catch { throw .internalError("the run store failed: \(error)") }
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

    /// `run/status`: small enough to poll.
    func runStatus(_ params: RunStatusRequest.Params) throws(ResponseError) -> JSONValue {
        .object(Self.statusJSON(try storedRun(params.runId), live: isLive(params.runId)))
    }

    /// `run/get`: everything kept about a run, with its steps rebuilt from its events.
    func runGet(_ params: RunGetRequest.Params) throws(ResponseError) -> JSONValue {
        let runId = params.runId
        let run = try storedRun(runId)
        var object = Self.statusJSON(run, live: isLive(runId))
        object["input"] = .string(run.input)
        object["output"] = run.output.map { .string($0) } ?? .null
        if let code = run.errorCode {
            object["error"] = ["code": .int(code), "message": .string(run.errorMessage ?? "")]
        }
        if let session = run.sessionId { object["sessionId"] = .string(session) }
        let events: [RecordedEvent]
        do { events = try recorder.events(runId: runId, afterSeq: 0) } catch { throw .internalError("\(error)") }
        var steps: [String: JSONObject] = [:]
        var order: [String] = []
        for case .other(_, RunNotifications.step, let params) in events {
            guard let stepId = params["stepId"]?.stringValue, case .object(var step) = params else { continue }
            step["runId"] = nil
            step["seq"] = nil
            if steps[stepId] == nil { order.append(stepId) }
            steps[stepId] = step
        }
        object["steps"] = .array(order.compactMap { steps[$0].map(JSONValue.object) })
        object["eventCount"] = .int(events.count)
        return .object(object)
    }

    /// `run/list`.
    func runList(_ params: RunListRequest.Params) throws(ResponseError) -> JSONValue {
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
        do { page = try recorder.listRuns(query) } catch { throw .internalError("the run store failed: \(error)") }
        var result: JSONObject = ["runs": .array(page.runs.map { .object(Self.statusJSON($0, live: isLive($0.id))) })]
        if let next = page.nextCursor { result["nextCursor"] = .string(next) }
        return .object(result)
    }

    /// `run/delete`: a finished run and its events.
    func runDelete(_ params: RunDeleteRequest.Params) throws(ResponseError) -> JSONValue {
        let runId = params.runId
        let run = try storedRun(runId)
        guard run.status.isFinal else {
            throw .invalidParams(field: "params.runId", "the run is still running; cancel it first (run/cancel)")
        }
        do { return ["deleted": .bool(try runtime.store.deleteRun(runId))] } catch {
            throw .internalError("the run store failed: \(error)")
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
        let follow = params.follow ?? false
        _ = try storedRun(runId)
        guard follow else {
            let events: [RecordedEvent]
            do { events = try recorder.events(runId: runId, afterSeq: afterSeq) } catch {
                throw .internalError("the run store failed: \(error)")
            }
            let page = events.prefix(limit)
            let status = (try? recorder.run(runId))?.status.rawValue ?? "unknown"
            responder.reply(
                id: id,
                .success([
                    "runId": .string(runId), "events": .array(page.map { $0.json(runId: runId) }),
                    "lastSeq": .int(page.last?.seq ?? afterSeq), "hasMore": .bool(events.count > page.count),
                    "status": .string(status),
                ]),
                handWritten: true
            )
            return
        }
        try followRun(runId: runId, afterSeq: afterSeq, id: id, responder: responder, connection: connection)
    }

    private func followRun(
        runId: String,
        afterSeq: UInt64,
        id: RequestID,
        responder: Responder,
        connection: Connection
    ) throws(ResponseError) {
        let store = runtime.store
        let recorder = self.recorder
        let reply: @Sendable (UInt64) -> Void = { lastSeq in
            let status = (try? recorder.run(runId))?.status.rawValue ?? "unknown"
            responder.reply(
                id: id,
                .success([
                    "runId": .string(runId), "followed": true, "lastSeq": .int(lastSeq), "status": .string(status),
                ])
            )
        }
        let follower = Follower(
            outbound: connection.outbound,
            afterSeq: afterSeq,
            onEnd: { [weak self] lastSeq in
                self?.state.withLock { _ = $0.follows.removeValue(forKey: id) }
                reply(lastSeq)
            }
        )
        // `$/cancelRequest` (and the other dialects) end a follow: no more events, and -32800 (or, for
        // MCP's notification, no reply).
        state.withLock { state in
            state.follows[id] = { mode in
                recorder.removeFollower(follower, runId: runId)
                guard follower.cancel() else { return }
                if mode == .noReply {
                    responder.dropReply()
                } else {
                    responder.reply(
                        id: id,
                        .failure(
                            ResponseError(
                                code: .requestCancelled,
                                message: "Request cancelled",
                                data: ["runId": .string(runId), "lastSeq": .int(follower.lastSeq)]
                            )
                        )
                    )
                }
            }
        }
        if isLive(runId) {
            let events: [RecordedEvent]
            do { events = try recorder.events(runId: runId, afterSeq: afterSeq, follower: follower) } catch {
                recorder.removeFollower(follower, runId: runId)
                throw .internalError("the run store failed: \(error)")
            }
            follower.replay(events, runId: runId)
            follower.goLive()
            // The run may have ended between the liveness check and the registration: then nobody else
            // will end this follower.
            if !isLive(runId), (try? recorder.run(runId))?.status.isFinal ?? true {
                recorder.removeFollower(follower, runId: runId)
                let tail = (try? recorder.events(runId: runId, afterSeq: follower.lastSeq)) ?? []
                follower.replay(tail, runId: runId)
                follower.end()
            }
            return
        }
        // Not running here: replay what is stored and, while another live process runs it, poll for more.
        // A run whose owner is gone is marked interrupted, so the follow always ends.
        Task {
            while !follower.isEnded {
                let run = try? recorder.run(runId)
                let events = (try? recorder.events(runId: runId, afterSeq: follower.lastSeq)) ?? []
                follower.replay(events, runId: runId)
                guard let run, !run.status.isFinal else { break }
                if !Self.isAlive(run.owner) {
                    _ = try? store.markInterrupted { owner in owner != run.owner && Self.isAlive(owner) }
                    continue
                }
                try? await Task.sleep(for: EventRecorder.flushInterval)
            }
            follower.goLive()
            follower.end()
        }
    }

    /// Whether this process runs `runId` right now.
    func isLive(_ runId: String) -> Bool {
        runs.isRunning(runId: runId)
    }

    /// Cancels a run this process does not own: through the store when its owner is alive (the owner
    /// polls for requests), otherwise by marking it interrupted.
    func cancelStoredRun(_ runId: String) throws(ResponseError) -> JSONValue {
        let found: StoredRun?
        do { found = try recorder.run(runId) } catch { throw .internalError("the run store failed: \(error)") }
        guard let run = found, !run.status.isFinal else { return ["cancelled": false] }
        do {
            if Self.isAlive(run.owner) {
                try runtime.store.requestCancel(runId)
                return ["cancelled": true]
            }
            _ = try runtime.store.markInterrupted { owner in owner != run.owner && Self.isAlive(owner) }
        } catch {
            throw .internalError("the run store failed: \(error)")
        }
        return ["cancelled": true, "status": "interrupted"]
    }

    /// Cancels the runs of this process that another process asked to cancel through the store.
    func pollCancelRequests() {
        guard let ids = try? runtime.store.cancelRequests(owner: .current) else { return }
        for runId in ids where runs.cancel(runId: runId) {
            logger.info("Cancelled a run at another process's request", metadata: ["runId": "\(runId)"])
        }
    }

    /// Whether the process that owns runs is still running (a reused pid of an earlier instance is not).
    public static func isAlive(_ owner: RunOwner) -> Bool {
        if owner.pid == RunOwner.current.pid { return owner.instance == RunOwner.current.instance }
        return kill(owner.pid, 0) == 0 || errno == EPERM
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
