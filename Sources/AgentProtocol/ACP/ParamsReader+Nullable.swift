import JSONCore
import JSONRPC

/// Readers for the optional members of ACP and MCP params.
///
/// Both specifications type many optional members as "T or null" (`cwd?: string | null`), so here an
/// explicit `null` reads as absent; a value of any other wrong type is refused with its path, as
/// ``ParamsReader`` refuses one.
extension ParamsReader {
    /// The member's value, or `nil` when it is absent or `null`.
    func nonNullValue(_ key: String) -> JSONValue? {
        guard let value = optionalValue(key), value != .null else { return nil }
        return value
    }

    /// An optional string; `null` is absent.
    func nullableString(_ key: String) throws(ResponseError) -> String? {
        guard let value = nonNullValue(key) else { return nil }
        guard let string = value.stringValue else {
            throw .invalidParams(field: field(key), "expected a string, got \(value.typeName)")
        }
        return string
    }

    /// An optional object; `null` is absent.
    func nullableObject(_ key: String) throws(ResponseError) -> JSONObject? {
        guard let value = nonNullValue(key) else { return nil }
        guard let object = value.objectValue else {
            throw .invalidParams(field: field(key), "expected an object, got \(value.typeName)")
        }
        return object
    }

    /// An optional array; `null` is absent.
    func nullableArray(_ key: String) throws(ResponseError) -> [JSONValue]? {
        guard let value = nonNullValue(key) else { return nil }
        guard let array = value.arrayValue else {
            throw .invalidParams(field: field(key), "expected an array, got \(value.typeName)")
        }
        return array
    }

    /// A required object.
    func object(_ key: String) throws(ResponseError) -> JSONObject {
        guard let object = try nullableObject(key) else {
            throw .invalidParams(field: field(key), "is required (an object)")
        }
        return object
    }

    /// A required array.
    func array(_ key: String) throws(ResponseError) -> [JSONValue] {
        guard let array = try nullableArray(key) else {
            throw .invalidParams(field: field(key), "is required (an array)")
        }
        return array
    }

    /// An optional number (integer or not); `null` is absent.
    func nullableNumber(_ key: String) throws(ResponseError) -> Double? {
        guard let value = nonNullValue(key) else { return nil }
        guard let number = value.doubleValue else {
            throw .invalidParams(field: field(key), "expected a number, got \(value.typeName)")
        }
        return number
    }

    /// A string or an integer (an MCP progress token), unchecked beyond that.
    func stringOrInteger(_ key: String) throws(ResponseError) -> JSONValue {
        guard let value = optionalValue(key) else {
            throw .invalidParams(field: field(key), "is required (a string or an integer)")
        }
        switch value {
        case .string, .integer: return value
        default: throw .invalidParams(field: field(key), "expected a string or an integer, got \(value.typeName)")
        }
    }
}
