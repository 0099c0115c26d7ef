/// A JSON-RPC error code. An open set: the spec's codes, LSP's cancellation code, and AgentWire's own.
public struct ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    // JSON-RPC 2.0
    public static let parseError = ErrorCode(rawValue: -32700)
    public static let invalidRequest = ErrorCode(rawValue: -32600)
    public static let methodNotFound = ErrorCode(rawValue: -32601)
    public static let invalidParams = ErrorCode(rawValue: -32602)
    public static let internalError = ErrorCode(rawValue: -32603)

    // LSP-reserved range
    /// The request was cancelled by the client (LSP `RequestCancelled`).
    public static let requestCancelled = ErrorCode(rawValue: -32800)

    // AgentWire (implementation-defined server errors, -32000 ... -32099)
    /// A named agent, run or session does not exist.
    public static let notFound = ErrorCode(rawValue: -32001)
    /// The message was larger than the configured maximum and was skipped.
    public static let messageTooLarge = ErrorCode(rawValue: -32002)
    /// The service is shutting down and takes no new work.
    public static let shuttingDown = ErrorCode(rawValue: -32003)
    /// A session already has a turn in flight.
    public static let sessionBusy = ErrorCode(rawValue: -32004)
    /// A run, step or request took longer than its limit.
    public static let timeout = ErrorCode(rawValue: -32005)
    /// Too many run-starting requests per minute; `data.retryAfterMs` says when to retry.
    public static let rateLimited = ErrorCode(rawValue: -32006)
    /// Too many runs in flight.
    public static let overloaded = ErrorCode(rawValue: -32007)
    /// The model provider failed.
    public static let providerFailure = ErrorCode(rawValue: -32010)
    /// A run reached a limit of its budget (cost, output tokens or model calls).
    public static let budgetExceeded = ErrorCode(rawValue: -32011)
    /// A run's final output is not JSON or does not match its output schema.
    public static let outputMismatch = ErrorCode(rawValue: -32012)

    public var description: String { String(rawValue) }
}
