import JSONCore
import JSONRPC

/// Authenticates with one of the agent's auth methods.
public enum ACPAuthenticateRequest: RequestType {
    public static let method = "authenticate"
    public static let direction = Direction.clientRequest
    public static let summary = #"Authenticates with one of the agent's auth methods."#
    public static let description = #"""
        No authentication is needed (`initialize` lists no auth methods), so the call is accepted whatever `methodId` names and answered with `{}`.
        """#
    public static let result = ResultSpec(
        name: "authenticateResult",
        description: #"Always `{}`."#,
        of: ACPEmptyResult.self,
        inline: true
    )

    public struct Params: ParamsType {
        public static let members: [Member] = [
            Member(
                "methodId",
                required: false,
                schema: .string,
                description: #"The auth method chosen (ACP requires it; any value is accepted)."#
            )
        ]
        public static var unknownMembers: UnknownMembers { .ignore }

        public var methodId: String?

        public init(methodId: String? = nil) {
            self.methodId = methodId
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            methodId = try reader.nullableString("methodId")
        }
    }

    public typealias Result = ACPEmptyResult
}
