import JSONCore

/// The `error` member of a JSON-RPC response.
public struct ResponseError: Error, Sendable, Equatable {
    public var code: ErrorCode
    public var message: String
    public var data: JSONValue?

    public init(code: ErrorCode, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public var json: JSONValue {
        var object: JSONObject = ["code": .int(code.rawValue), "message": .string(message)]
        if let data { object["data"] = data }
        return .object(object)
    }

    public static func parseError(_ detail: String) -> ResponseError {
        ResponseError(code: .parseError, message: "Parse error", data: ["detail": .string(detail)])
    }

    public static func invalidRequest(_ detail: String) -> ResponseError {
        ResponseError(code: .invalidRequest, message: "Invalid Request", data: ["detail": .string(detail)])
    }

    public static func methodNotFound(_ method: String) -> ResponseError {
        ResponseError(code: .methodNotFound, message: "Method not found", data: ["method": .string(method)])
    }

    /// Invalid params; `field` is the JSON path of the offending member (for example `params.agent`).
    public static func invalidParams(field: String, _ detail: String) -> ResponseError {
        ResponseError(
            code: .invalidParams,
            message: "Invalid params: \(field): \(detail)",
            data: ["field": .string(field), "detail": .string(detail)]
        )
    }

    public static func internalError(_ detail: String) -> ResponseError {
        ResponseError(code: .internalError, message: "Internal error", data: ["detail": .string(detail)])
    }
}
