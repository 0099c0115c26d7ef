import JSONCore
import JSONRPC

/// Client finished processing the initialize result.
public enum InitializedNotification: NotificationType {
    public static let method = "initialized"
    public static let direction = Direction.clientNotification
    public static let summary = #"Client finished processing the initialize result."#
    public static let description = #"Sent after the `initialize` response, as in LSP. Takes no params; no reply."#
    public typealias Params = NoParams
}
