import JSONCore
import JSONRPC

/// Ask the server process to exit.
public enum ExitNotification: NotificationType {
    public static let method = "exit"
    public static let direction = Direction.clientNotification
    public static let summary = #"Ask the server process to exit."#
    public static let description = #"""
        Takes no params; no reply. The process exits with status 0 if `shutdown` was received before, and with status 1 otherwise, as in LSP.
        """#
    public typealias Params = NoParams
}
