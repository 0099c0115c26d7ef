import JSONCore
import JSONRPC

/// Lists the sessions this process has open.
public enum ACPSessionListRequest: RequestType {
    public static let method = "session/list"
    public static let direction = Direction.clientRequest
    public static let summary = #"Lists the sessions this process has open."#
    public static let description = #"""
        Lists the sessions this process has created or loaded (and not closed), most recently active first, with their working directory, title (the first line of the first prompt) and last activity; with `cwd`, only those in that directory. Everything comes in one page: `cursor` is accepted and no `nextCursor` is sent.
        """#
    public static let result = ResultSpec(
        name: "listSessionsResult",
        description: #"The sessions."#,
        of: ACPSessionListResult.self,
        inline: true
    )

    public struct Params: ParamsType {
        public static let members: [Member] = [
            Member("cwd", required: false, schema: .string, description: #"Only sessions in this directory."#),
            Member(
                "cursor",
                required: false,
                schema: .string,
                description: #"Where a previous page ended; unused, as there is one page."#
            ),
        ]
        public static var unknownMembers: UnknownMembers { .ignore }

        public var cwd: String?
        public var cursor: String?

        public init(cwd: String? = nil, cursor: String? = nil) {
            self.cwd = cwd
            self.cursor = cursor
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            cwd = try reader.nullableString("cwd")
            cursor = try reader.nullableString("cursor")
        }
    }

    public typealias Result = ACPSessionListResult
}

/// Answer to `session/list` (ACP `ListSessionsResponse`).
public struct ACPSessionListResult: ResultType, Equatable {
    public static let name = "ACPSessionListResult"
    public static let summary =
        #"Answer to `session/list`: the sessions open in this process, most recently active first, in one page (no `nextCursor`)."#
    public static let members: [Member] = [
        Member(
            "sessions",
            required: true,
            schema: Schema(["type": "array", "items": ACPSessionInfo.schema.json]),
            description: #"The sessions, most recently active first."#
        )
    ]

    public var sessions: [ACPSessionInfo]

    public init(sessions: [ACPSessionInfo]) {
        self.sessions = sessions
    }

    public func encode(to object: inout ResultObject) {
        object.set("sessions", sessions)
    }
}
