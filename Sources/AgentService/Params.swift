import JSONCore
import JSONRPC

/// Reads a request's params, turning every problem into -32602 with the offending field's path.
///
/// Params may be named (an object) or positional (an array, matched to `positional` in order), as
/// JSON-RPC allows; errors always name the field, as `params.agent`.
struct Params {
    let object: JSONObject

    init(_ params: JSONValue?, positional: [String] = []) throws(ResponseError) {
        switch params {
        case nil:
            object = [:]
        case .object(let o)?:
            object = o
        case .array(let elements)?:
            guard elements.count <= positional.count else {
                throw .invalidParams(
                    field: "params",
                    "expected at most \(positional.count) positional params (\(positional.joined(separator: ", "))), got \(elements.count)"
                )
            }
            object = JSONObject(zip(positional, elements).map { (key: $0, value: $1) })
        case let other?:
            throw .invalidParams(field: "params", "expected an object or an array, got \(other.typeName)")
        }
    }

    func string(_ key: String) throws(ResponseError) -> String {
        guard let value = object[key] else { throw .invalidParams(field: "params.\(key)", "is required (a string)") }
        guard let string = value.stringValue else {
            throw .invalidParams(field: "params.\(key)", "expected a string, got \(value.typeName)")
        }
        return string
    }

    /// A request id as sent in a cancel notification (string or integer).
    func requestID(_ key: String) throws(ResponseError) -> RequestID {
        guard let value = object[key] else {
            throw .invalidParams(field: "params.\(key)", "is required (a request id)")
        }
        guard let id = RequestID(value), id != .null else {
            throw .invalidParams(field: "params.\(key)", "expected a string or a number, got \(value.typeName)")
        }
        return id
    }
}
