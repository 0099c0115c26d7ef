import JSONCore

/// Name and version of the server, in the answer to `initialize`.
public struct ServerInfo: ResultType, Equatable {
    public static let name = "ServerInfo"
    public static let summary = #"Name and version of the server."#
    public static let members: [Member] = [
        Member(
            "name",
            required: true,
            schema: Schema(["type": "string", "const": "agentwire"]),
            description: #"Always `agentwire`."#
        ),
        Member(
            "version",
            required: true,
            schema: .string,
            description: #"Server version, e.g. `0.2.0`."#
        ),
    ]

    /// The server's release, e.g. `0.2.0`.
    public var version: String

    public init(version: String = NativeProtocol.release) {
        self.version = version
    }

    public func encode(to object: inout ResultObject) {
        object["name"] = "agentwire"
        object["version"] = .string(version)
    }
}
