import JSONCore
import JSONRPC

/// How JSON-RPC messages reach one MCP server and come back: a child process's pipes or Streamable HTTP.
/// The protocol on top (``MCPSession``) is the same for both.
protocol MCPTransport: Sendable {
    /// Sends a request and waits for its response, at most `timeout`. Returns the request's id (when it
    /// was sent) with the outcome: -32005 past the timeout, -32800 when the calling task was cancelled,
    /// -32603 when the server went away first.
    func request(
        _ method: String,
        params: JSONValue?,
        timeout: Duration?
    ) async -> (
        id: RequestID?, result: Result<JSONValue, ResponseError>
    )
    /// Sends a notification (nothing comes back).
    func notify(_ method: String, params: JSONValue?)
    /// Ends the connection and lets the server go (a stdio server is stopped).
    func close() async
    /// Why the connection ended (the exit status and the tail of stderr), once it has.
    var endReason: String? { get }
}

/// What a transport passes up: the server's notifications, and the connection's end.
struct MCPTransportEvents: Sendable {
    var notification: @Sendable (_ method: String, _ params: JSONValue?) -> Void
    var ended: @Sendable () -> Void
}

/// The answer to a request the server sends its client: `ping` is answered, anything else is not offered
/// (AgentWire declares no client capabilities: no roots, sampling or elicitation).
enum MCPClientRequests {
    static func answer(method: String) -> Result<JSONValue, ResponseError> {
        method == "ping" ? .success(.object([:])) : .failure(.methodNotFound(method))
    }
}
