import AgentCore
import AgentProtocol
import Foundation
import JSONCore
import JSONRPC
import JSONRPCTransport

/// `run/events {follow: true}`: the stored events, then every live one until the run ends, then the reply.
extension AgentServer {
    /// Registers the follow (so a cancellation finds it at once), then replays and follows from a task.
    func followRun(runId: String, afterSeq: UInt64, id: RequestID, responder: Responder, connection: Connection) {
        let recorder = self.recorder
        let follower = Follower(
            runId: runId,
            outbound: connection.outbound,
            afterSeq: afterSeq,
            onEnd: { [weak self] lastSeq in
                self?.state.withLock { _ = $0.follows.removeValue(forKey: id) }
                // The status as the store has it once the run's outcome is written.
                Task {
                    do throws(StoreError) {
                        let run = try await recorder.readRun(runId)
                        let followed = RunEventsFollowResult(
                            runId: runId,
                            lastSeq: lastSeq,
                            status: run.map { RunInfo.Status($0.status) }
                        )
                        responder.reply(RunEventsRequest.self, id: id, .followed(followed))
                    } catch {
                        responder.reply(id: id, .failure(Self.storeFailure(error)))
                    }
                }
            }
        )
        // `$/cancelRequest` (and the other dialects) end a follow: no more events, and -32800 (or, for
        // MCP's notification, no reply).
        state.withLock { state in
            state.follows[id] = { mode in
                recorder.unsubscribe(follower, runId: runId)
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
        Task {
            do throws(ResponseError) {
                try await follow(follower, runId: runId, afterSeq: afterSeq)
            } catch {
                recorder.unsubscribe(follower, runId: runId)
                guard follower.cancel() else { return }  // cancelled meanwhile, and answered
                state.withLock { _ = $0.follows.removeValue(forKey: id) }
                responder.reply(id: id, .failure(error))
            }
        }
    }

    private func follow(_ follower: Follower, runId: String, afterSeq: UInt64) async throws(ResponseError) {
        _ = try await storedRun(runId)  // -32001 for a run the store does not know
        if isLive(runId) {
            let events: [RecordedEvent]
            do { events = try await recorder.readEvents(runId: runId, afterSeq: afterSeq, subscriber: follower) } catch
            {
                throw Self.storeFailure(error)
            }
            follower.replay(events)
            follower.goLive()
            // The run may have ended before the follower was registered: then nobody else will end it.
            guard !isLive(runId) else { return }
            let run: StoredRun?
            do { run = try await recorder.readRun(runId) } catch { throw Self.storeFailure(error) }
            guard run?.status.isFinal ?? true else { return }
            recorder.unsubscribe(follower, runId: runId)
            follower.replay(try await storedEvents(runId, afterSeq: follower.lastSeq))
            follower.runEnded()
            return
        }
        // Not running here: replay what is stored and, while another live process runs it, read more each
        // time the store hears of a write (PostgreSQL), or every flush interval. A run whose owner is gone
        // is marked interrupted, so the follow always ends.
        let watch = recorder.watchWrites(runId: runId)
        defer { watch?.stop() }
        while !follower.isEnded {
            let run: StoredRun?
            do { run = try await recorder.readRun(runId) } catch { throw Self.storeFailure(error) }
            follower.replay(try await storedEvents(runId, afterSeq: follower.lastSeq))
            guard let run, !run.status.isFinal else { break }
            let abandoned: Bool
            do { abandoned = try await recorder.interruptIfAbandoned(run) } catch { throw Self.storeFailure(error) }
            if abandoned { continue }
            if let watch {
                // The owner's liveness is looked at again at least this often.
                await watch.next(atMost: .seconds(1))
                if Task.isCancelled { break }
            } else {
                do { try await Task.sleep(for: recorder.flushInterval) } catch { break }
            }
        }
        follower.goLive()
        follower.runEnded()
    }
}
