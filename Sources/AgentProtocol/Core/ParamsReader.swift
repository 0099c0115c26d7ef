import JSONCore
import JSONRPC

/// Reads declared params members with their types checked, naming the JSON path of the first bad one.
///
/// Made by ``ParamsType/init(decoding:path:)``: by then positional params are matched to names and
/// undeclared members refused (or passed over, per ``UnknownMembers``). `_meta` is always allowed: the
/// JSON-RPC based protocols all reserve it for metadata.
public struct ParamsReader: Sendable {
    /// The params as an object (positional params matched to their names).
    public let object: JSONObject
    /// The JSON path of the params, for error messages.
    public let path: String
    private let declared: [String]

    public init(
        _ params: JSONValue?,
        members: [Member],
        positional: [String] = [],
        unknown: UnknownMembers = .refuse,
        path: String = "params"
    ) throws(ResponseError) {
        self.path = path
        self.declared = members.map(\.name)
        switch params {
        case nil:
            object = [:]
        case .object(let o)?:
            object = o
        case .array(let elements)?:
            guard !positional.isEmpty || elements.isEmpty else {
                throw .invalidParams(field: path, "expected an object (this method takes params by name), got an array")
            }
            guard elements.count <= positional.count else {
                throw .invalidParams(
                    field: path,
                    "expected at most \(positional.count) positional params (\(positional.joined(separator: ", "))), got \(elements.count)"
                )
            }
            object = JSONObject(zip(positional, elements).map { (key: $0, value: $1) })
        case let other?:
            throw .invalidParams(field: path, "expected an object or an array, got \(other.typeName)")
        }
        guard unknown == .refuse else { return }
        for key in object.keys where key != "_meta" && !declared.contains(key) {
            let known = declared.filter { $0 != "_meta" }
            throw .invalidParams(
                field: "\(path).\(key)",
                known.isEmpty
                    ? "unknown param (this method takes no params)"
                    : "unknown param (expected one of: \(known.joined(separator: ", ")))"
            )
        }
    }

    /// The `_meta` object, when one was sent and is an object.
    public var meta: JSONObject? { object["_meta"]?.objectValue }

    public func value(_ key: String) throws(ResponseError) -> JSONValue {
        guard let value = optionalValue(key) else { throw .invalidParams(field: field(key), "is required") }
        return value
    }

    public func optionalValue(_ key: String) -> JSONValue? {
        assert(key == "_meta" || declared.contains(key), "\(key) is read but not declared")
        return object[key]
    }

    public func string(_ key: String) throws(ResponseError) -> String {
        guard let value = optionalValue(key) else { throw .invalidParams(field: field(key), "is required (a string)") }
        return try string(value, key)
    }

    public func optionalString(_ key: String) throws(ResponseError) -> String? {
        guard let value = optionalValue(key) else { return nil }
        return try string(value, key)
    }

    public func integer(_ key: String) throws(ResponseError) -> Int64 {
        guard let value = optionalValue(key) else {
            throw .invalidParams(field: field(key), "is required (a whole number)")
        }
        return try integer(value, key)
    }

    public func optionalInteger(_ key: String) throws(ResponseError) -> Int64? {
        guard let value = optionalValue(key) else { return nil }
        return try integer(value, key)
    }

    public func bool(_ key: String) throws(ResponseError) -> Bool {
        guard let value = optionalValue(key) else {
            throw .invalidParams(field: field(key), "is required (true or false)")
        }
        return try bool(value, key)
    }

    public func optionalBool(_ key: String) throws(ResponseError) -> Bool? {
        guard let value = optionalValue(key) else { return nil }
        return try bool(value, key)
    }

    /// A request id (a string or a number), as cancel notifications carry.
    public func requestID(_ key: String) throws(ResponseError) -> RequestID {
        guard let value = optionalValue(key) else {
            throw .invalidParams(field: field(key), "is required (a request id)")
        }
        guard let id = RequestID(value), id != .null else {
            throw .invalidParams(field: field(key), "expected a string or a number, got \(value.typeName)")
        }
        return id
    }

    /// The path of a member, as errors name it (`params.agent`).
    public func field(_ key: String) -> String { "\(path).\(key)" }

    private func string(_ value: JSONValue, _ key: String) throws(ResponseError) -> String {
        guard let string = value.stringValue else {
            throw .invalidParams(field: field(key), "expected a string, got \(value.typeName)")
        }
        return string
    }

    private func integer(_ value: JSONValue, _ key: String) throws(ResponseError) -> Int64 {
        guard let number = value.integerValue else {
            throw .invalidParams(field: field(key), "expected a whole number, got \(value.typeName)")
        }
        return number
    }

    private func bool(_ value: JSONValue, _ key: String) throws(ResponseError) -> Bool {
        guard let flag = value.boolValue else {
            throw .invalidParams(field: field(key), "expected true or false, got \(value.typeName)")
        }
        return flag
    }
}
