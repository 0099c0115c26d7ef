import JSONCore
import JSONRPC

/// The params of a message: their declared members, and a decoder that accepts exactly those.
///
/// ``members`` is the single source of both the OpenRPC `params` list and of what
/// ``init(decoding:path:)`` lets through, so an unknown member (`timeoutMS` for `timeoutMs`) is an error
/// naming it rather than a silently ignored option.
public protocol ParamsType: ObjectType {
    /// The member names positional params (a JSON array) are matched to, in order; `[]` takes none.
    static var positional: [String] { get }
    /// Whether members the face does not declare are refused (the native face) or passed over
    /// (faces whose specification says unknown members are ignored).
    static var unknownMembers: UnknownMembers { get }
    /// Reads the members out of a reader that has already checked which ones are present.
    init(from reader: ParamsReader) throws(ResponseError)
}

/// What decoding does with a params member that is not declared.
public enum UnknownMembers: Sendable {
    /// -32602 with `data.field` naming the member.
    case refuse
    /// Passed over, as ACP and MCP ask of receivers.
    case ignore
}

extension ParamsType {
    public static var positional: [String] { [] }
    public static var unknownMembers: UnknownMembers { .refuse }

    /// Decodes params as they came off the wire (`nil` when absent or `null`).
    ///
    /// - Parameter path: the JSON path errors name (`params`, or `params.stream` for nested params).
    public init(decoding params: JSONValue?, path: String = "params") throws(ResponseError) {
        let reader = try ParamsReader(
            params,
            members: Self.members,
            positional: Self.positional,
            unknown: Self.unknownMembers,
            path: path
        )
        try self.init(from: reader)
    }
}

/// Params for messages that take none (any members but `_meta` are refused on the native face).
public struct NoParams: ParamsType, Equatable {
    public static let members: [Member] = []
    public init() {}
    public init(from reader: ParamsReader) throws(ResponseError) {}
}
