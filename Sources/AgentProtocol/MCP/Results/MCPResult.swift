import JSONCore

/// What a result of the stateless revision says it is: `complete`, the one kind served.
public enum MCPResultKind: String, Sendable, CaseIterable {
    case complete
}

/// Who may cache a result of the stateless revision.
public enum MCPCacheScope: String, Sendable, CaseIterable {
    /// Shared caches may serve it to anyone.
    case `public`
    /// Only the client that asked may keep it.
    case `private`
}

/// A result of the MCP face: on a request of the stateless revision (its `_meta` names 2026-07-28 or
/// later) it ends with `resultType: "complete"`.
public protocol MCPResult: ResultType {
    /// `complete` on a request of the stateless revision; `nil` leaves the member out.
    var resultType: MCPResultKind? { get set }
}

/// A result the stateless revision lets clients cache, and that therefore says for how long and for whom.
public protocol MCPCacheableResult: MCPResult {
    /// How long the result may be cached, in milliseconds; `nil` leaves the member out.
    var ttlMs: Int? { get set }
    /// Who may cache the result; `nil` leaves the member out.
    var cacheScope: MCPCacheScope? { get set }
}

extension MCPProtocol {
    /// The `resultType` member every MCP result declares.
    static let resultTypeMember = Member(
        "resultType",
        required: false,
        schema: Schema(["const": "complete"]),
        description:
            #"`complete` on a request of the stateless revision (`_meta` naming 2026-07-28 or later); absent otherwise."#
    )

    /// The cache directives of a cacheable result, before `resultType`.
    static let cacheMembers = [
        Member(
            "ttlMs",
            required: false,
            schema: Schema(["type": "integer", "minimum": 0]),
            description:
                #"How long the client may cache the result, in milliseconds: 0, not at all (the tools follow the config)."#
        ),
        Member(
            "cacheScope",
            required: false,
            schema: Schema(["type": "string", "enum": .array(MCPCacheScope.allCases.map { .string($0.rawValue) })]),
            description: #"Who may cache the result: `private`, this client only."#
        ),
    ]

    /// `_meta.agentwire` of `initialize` and `server/discover`: the face answering.
    static let faceMetaSchema = Schema(
        json: #"{"type": "object", "required": ["face"], "properties": {"face": {"const": "mcp"}}}"#
    )
}

extension ResultObject {
    /// Writes `resultType` when the result carries it.
    mutating func setResultType(_ kind: MCPResultKind?) {
        self["resultType"] = kind.map { .string($0.rawValue) }
    }
}
