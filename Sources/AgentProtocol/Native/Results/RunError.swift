import JSONCore

/// The error that ended a failed run, in the answer to `run/get`.
public struct RunError: ResultType, Equatable {
    public static let name = "RunError"
    public static let summary =
        #"The error that ended a failed run: the code and message its request was (or would have been) answered with."#
    public static let members: [Member] = [
        Member(
            "code",
            required: true,
            schema: Schema(["type": "integer"]),
            description: #"The JSON-RPC error code, e.g. -32005 for a timeout or -32010 for a provider failure."#
        ),
        Member("message", required: true, schema: .string, description: #"The error's message."#),
    ]

    /// The JSON-RPC error code.
    public var code: Int
    public var message: String

    public init(code: Int, message: String) {
        self.code = code
        self.message = message
    }

    public func encode(to object: inout ResultObject) {
        object["code"] = .int(code)
        object["message"] = .string(message)
    }
}
