import AgentProtocol
import JSONRPC
import JSONRPCTransport

/// Requests a face answers later, from a task of their own, so the reader thread goes on reading (`ping`
/// and cancellations are handled while the store is busy): store reads, session requests. End of input
/// waits for such a reply as it does for a run's (``RunSupervisor/holdReply()``).
extension RunSupervisor {
    /// Answers request `id` with what `body` returns, or the error it throws.
    func answerLater<R: RequestType>(
        _ type: R.Type,
        id: RequestID,
        responder: Responder,
        handWritten: Bool = false,
        _ body: @escaping @Sendable () async throws(ResponseError) -> R.Result
    ) {
        continueLater(id: id, responder: responder) { () async throws(ResponseError) in
            responder.reply(R.self, id: id, try await body(), handWritten: handWritten)
        }
    }

    /// Goes on with request `id` in a task: `body` answers it, or hands it to a run it admits (which then
    /// holds its reply); an error it throws answers it.
    func continueLater(
        id: RequestID,
        responder: Responder,
        _ body: @escaping @Sendable () async throws(ResponseError) -> Void
    ) {
        holdReply()
        Task {
            defer { settle() }
            do throws(ResponseError) {
                try await body()
            } catch {
                responder.reply(id: id, .failure(error))
            }
        }
    }
}
