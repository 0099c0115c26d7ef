import AgentProtocol
import JSONRPC
import JSONRPCTransport

extension Responder {
    /// Answers a request of type `R` with the result type it declares, so a face cannot answer one method
    /// with another's result.
    @discardableResult
    func reply<R: RequestType>(_ type: R.Type, id: RequestID, _ result: R.Result, handWritten: Bool = false) -> Bool {
        reply(id: id, .success(result.json), handWritten: handWritten)
    }
}
