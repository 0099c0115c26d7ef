import JSONCore

/// The Agent Client Protocol as the ACP face speaks it (agent side, protocol version 1): its message
/// types and one registry.
///
/// Params are decoded as ACP asks of receivers: members not declared are ignored, and `null` for an
/// optional member reads as absent.
///
/// IMPORTANT: a message added here needs its case in the ACP face's dispatch switch (AgentService's
/// `ACPAgent.handleACPRequest` / `handleNotification`) or its sender; the dispatch tests check requests.
public enum ACPProtocol {
    /// The one ACP version spoken; `initialize` answers with it whatever the client asks for.
    public static let version = 1

    /// Requests the client sends.
    public static let requests: [any RequestType.Type] = [
        ACPInitializeRequest.self, ACPAuthenticateRequest.self, ACPSessionNewRequest.self,
        ACPSessionLoadRequest.self, ACPSessionListRequest.self, ACPSessionPromptRequest.self,
        ACPSessionSetConfigOptionRequest.self, ACPSessionSetModeRequest.self, ACPSessionCloseRequest.self,
        ACPSessionResumeRequest.self, ACPSessionForkRequest.self, ACPSessionDeleteRequest.self,
    ]

    /// Notifications the client sends.
    public static let notifications: [any NotificationType.Type] = [
        ACPSessionCancelNotification.self, ACPDollarCancelRequestNotification.self,
    ]

    /// Notifications the agent sends.
    public static let serverNotifications: [any NotificationType.Type] = [ACPSessionUpdateNotification.self]

    /// Requests the agent sends; the client answers them.
    public static let serverRequests: [any RequestType.Type] = [ACPSessionRequestPermissionRequest.self]

    /// Every message: requests, notifications, then what the agent sends.
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
}
