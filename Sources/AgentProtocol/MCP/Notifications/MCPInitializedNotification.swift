import JSONCore
import JSONRPC

/// The client finished the handshake.
public enum MCPInitializedNotification: NotificationType {
    public static let method = "notifications/initialized"
    public static let direction = Direction.clientNotification
    public static let summary = #"The client finished the handshake."#
    public static let description = #"""
        Accepted and otherwise ignored: the server answers every request whether or not the handshake is complete.
        """#

    public struct Params: ParamsType {
        public static let members: [Member] = [MCPProtocol.metaMember(#"Notification metadata; not used."#)]
        public static var unknownMembers: UnknownMembers { .ignore }

        public var meta: JSONObject?

        public init(meta: JSONObject? = nil) {
            self.meta = meta
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            meta = reader.meta
        }
    }
}
