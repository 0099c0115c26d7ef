import JSONCore

/// The Model Context Protocol as the MCP face speaks it (server side): its message types and one
/// registry.
///
/// Two eras are served: the handshake one (`initialize`, ``handshakeVersions``) and the stateless
/// revision (``statelessVersion``: `server/discover`, the version in each request's `_meta`). Params are
/// decoded as MCP asks of receivers: members not declared are ignored, and `null` for an optional member
/// reads as absent.
///
/// IMPORTANT: a message added here needs its case in the MCP face's dispatch switch (AgentService's
/// `MCPServer.handleMCPRequest` / `handleNotification`) or its sender; the dispatch tests check requests.
public enum MCPProtocol {
    /// Handshake-era versions; `initialize` answers with the last when the client asks for one not listed.
    public static let handshakeVersions = ["2025-06-18", "2025-11-25"]
    /// The stateless revision, served through `server/discover`.
    public static let statelessVersion = "2026-07-28"
    /// The `_meta` key a stateless request names its protocol version with.
    public static let metaVersionKey = "io.modelcontextprotocol/protocolVersion"
    /// The `_meta` key a stateless request asks for log messages with.
    public static let metaLogLevelKey = "io.modelcontextprotocol/logLevel"

    /// Requests the client sends.
    public static let requests: [any RequestType.Type] = [
        MCPInitializeRequest.self, MCPServerDiscoverRequest.self, MCPPingRequest.self, MCPToolsListRequest.self,
        MCPToolsCallRequest.self, MCPLoggingSetLevelRequest.self,
    ]

    /// Notifications the client sends.
    public static let notifications: [any NotificationType.Type] = [
        MCPInitializedNotification.self, MCPNotificationsCancelledNotification.self,
    ]

    /// Notifications the server sends.
    public static let serverNotifications: [any NotificationType.Type] = [
        MCPProgressNotification.self, MCPMessageNotification.self,
    ]

    /// Requests the server sends: none (the 2026-07-28 revision forbids them on stdio).
    public static let serverRequests: [any RequestType.Type] = []

    /// Every message: requests, notifications, then what the server sends.
    public static var messages: [any MessageType.Type] {
        requests as [any MessageType.Type] + notifications + serverNotifications + serverRequests
    }

    /// The message type of a method the client may send, by name.
    public static func clientMessage(_ method: String) -> (any MessageType.Type)? {
        clientMessages[method]
    }

    private static let clientMessages: [String: any MessageType.Type] = Dictionary(
        uniqueKeysWithValues: (requests as [any MessageType.Type] + notifications).map { ($0.method, $0) }
    )

    /// The `_meta` member every request may carry.
    static func metaMember(_ description: String) -> Member {
        Member("_meta", required: false, schema: Schema(json: #"{"type": "object"}"#), description: description)
    }

    /// What `_meta` means on every request.
    static let metaDescription = #"""
        Request metadata. `io.modelcontextprotocol/protocolVersion` at 2026-07-28 or later makes the request a stateless one: its result then carries `resultType: "complete"`.
        """#
}
