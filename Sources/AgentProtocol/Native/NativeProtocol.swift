import JSONCore

/// The native AgentWire protocol: its message types, one registry, and the OpenRPC document built from them.
///
/// IMPORTANT: a message added here needs its case in the native face's dispatch switch (AgentService's
/// `AgentServer.handleRequest` / `handleNotification`) or its sender; the OpenRPC tests check both ways.
public enum NativeProtocol {
    /// The protocol version `initialize` answers with.
    public static let version = "agentwire/1"
    /// The release of AgentWire these types describe: `agentwire --version`, `initialize`'s `serverInfo`
    /// and the document's `info.version`.
    public static let release = "0.2.0"

    /// Requests the client sends.
    public static let requests: [any RequestType.Type] = [
        InitializeRequest.self, PingRequest.self, ShutdownRequest.self, AgentsListRequest.self,
        WorkflowsListRequest.self, AgentRunRequest.self,
        CoordinatorSequentialRequest.self, CoordinatorParallelRequest.self, CoordinatorHierarchicalRequest.self,
        WorkflowRunRequest.self,
        AgentStartRequest.self, WorkflowStartRequest.self, RunCancelRequest.self, RunStatusRequest.self,
        RunGetRequest.self, RunListRequest.self,
        RunEventsRequest.self, RunDeleteRequest.self, RunResumeRequest.self, SessionNewRequest.self,
        SessionPromptRequest.self,
        SessionCloseRequest.self, SessionForkRequest.self, SessionListRequest.self, SessionGetRequest.self,
        SessionDeleteRequest.self, StatsGetRequest.self,
        StatsResetRequest.self, MetricsGetRequest.self,
    ]

    /// Notifications the client sends.
    public static let notifications: [any NotificationType.Type] = [
        InitializedNotification.self, ExitNotification.self, CancelRequestNotification.self,
        ACPCancelRequestNotification.self, MCPCancelledNotification.self,
    ]

    /// Notifications the server sends while runs stream.
    public static let serverNotifications: [any NotificationType.Type] = [
        RunStartedNotification.self, RunStepNotification.self, RunTokenNotification.self, RunThinkingNotification.self,
        RunProgressNotification.self, RunHeartbeatNotification.self,
        RunToolNotification.self, RunTraceNotification.self,
    ]

    /// Requests the server sends; the client answers them.
    public static let serverRequests: [any RequestType.Type] = [RequestPermissionRequest.self]

    /// Every message, in the document's order.
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

    /// The OpenRPC document (`agentwire schema openrpc`, committed as schemas/openrpc.json).
    public static var document: OpenRPCDocument {
        OpenRPCDocument(
            title: "AgentWire",
            version: release,
            overview: overview,
            messages: messages,
            schemas: schemas,
            errors: ErrorSpec.native
        )
    }
}
