import JSONCore

/// One session as `session/list` lists it (ACP `SessionInfo`).
public struct ACPSessionInfo: ResultType, Equatable {
    public static let name = "ACPSessionInfo"
    public static let summary = #"A session open in this process: its id, working directory, last activity and title."#
    public static let members: [Member] = [
        Member("sessionId", required: true, schema: .string, description: #"The session."#),
        Member(
            "cwd",
            required: true,
            schema: .string,
            description: #"The session's working directory (empty for a session prompted without loading it)."#
        ),
        Member(
            "updatedAt",
            required: false,
            schema: Schema(["type": "string", "format": "date-time"]),
            description: #"When the session was last active (ISO 8601)."#
        ),
        Member(
            "title",
            required: false,
            schema: .string,
            description: #"The first line of the session's first prompt; absent until the session has a turn."#
        ),
    ]

    public var sessionId: String
    public var cwd: String
    public var updatedAt: String?
    public var title: String?

    public init(sessionId: String, cwd: String, updatedAt: String? = nil, title: String? = nil) {
        self.sessionId = sessionId
        self.cwd = cwd
        self.updatedAt = updatedAt
        self.title = title
    }

    public func encode(to object: inout ResultObject) {
        object["sessionId"] = .string(sessionId)
        object["cwd"] = .string(cwd)
        object["updatedAt"] = updatedAt.map { .string($0) }
        object["title"] = title.map { .string($0) }
    }
}
