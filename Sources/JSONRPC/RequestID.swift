import JSONCore

/// A request id exactly as the client sent it, so it can be echoed back unchanged.
///
/// JSON-RPC allows strings, numbers and null. Numbers with a fraction are legal (if discouraged) and are
/// echoed as the same real.
public enum RequestID: Hashable, Sendable, CustomStringConvertible {
    case string(String)
    case integer(Int64)
    case double(Double)
    case null

    /// Reads an id member; `nil` when the value is not a legal id type (object, array, boolean).
    public init?(_ value: JSONValue) {
        switch value {
        case .string(let s): self = .string(s)
        case .integer(let i): self = .integer(i)
        case .double(let d): self = .double(d)
        case .null: self = .null
        default: return nil
        }
    }

    public var json: JSONValue {
        switch self {
        case .string(let s): .string(s)
        case .integer(let i): .integer(i)
        case .double(let d): .double(d)
        case .null: .null
        }
    }

    public var description: String {
        switch self {
        case .string(let s): "\"\(s)\""
        case .integer(let i): String(i)
        case .double(let d): String(d)
        case .null: "null"
        }
    }
}
