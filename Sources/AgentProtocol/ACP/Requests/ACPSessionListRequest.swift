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
        schema: Schema(
            json: #"""
                {
                  "type": "object",
                  "required": ["sessions"],
                  "properties": {
                    "sessions": {
                      "type": "array",
                      "items": {"type": "object", "required": ["sessionId", "cwd"]}
                    }
                  }
                }
                """#
        )
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
}
