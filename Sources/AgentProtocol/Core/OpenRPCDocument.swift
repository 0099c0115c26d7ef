import JSONCore

/// Builds an OpenRPC 1.3 document from message types: the contract clients generate their code from.
public struct OpenRPCDocument: Sendable {
    public var title: String
    public var version: String
    /// The `info.description` prose.
    public var overview: String
    public var messages: [any MessageType.Type]
    public var schemas: [(name: String, schema: Schema)]
    public var errors: [ErrorSpec]

    public init(
        title: String,
        version: String,
        overview: String,
        messages: [any MessageType.Type],
        schemas: [(name: String, schema: Schema)],
        errors: [ErrorSpec]
    ) {
        self.title = title
        self.version = version
        self.overview = overview
        self.messages = messages
        self.schemas = schemas
        self.errors = errors
    }

    /// The document as a JSON value, members in a fixed order, so its text is stable.
    public var json: JSONValue {
        [
            "openrpc": "1.3.2",
            "info": [
                "title": .string(title),
                "version": .string(version),
                "description": .string(overview),
            ],
            "methods": .array(messages.map(Self.method)),
            "components": [
                "schemas": .object(JSONObject(schemas.map { (key: $0.name, value: $0.schema.json) })),
                "errors": .object(JSONObject(errors.map { (key: $0.name, value: $0.example) })),
                "tags": .object(
                    JSONObject(
                        Direction.allCases.map { direction in
                            (
                                key: direction.rawValue,
                                value: ["name": .string(direction.rawValue), "description": .string(direction.meaning)]
                            )
                        }
                    )
                ),
            ],
        ]
    }

    /// The document's text: two-space indentation, a final newline.
    public var text: String {
        json.prettyText + "\n"
    }

    private static func method(_ type: any MessageType.Type) -> JSONValue {
        var object: JSONObject = [
            "name": .string(type.method),
            "tags": [["name": .string(type.direction.rawValue)]],
            "summary": .string(type.summary),
            "description": .string(type.description),
            "paramStructure": "by-name",
            "params": .array(members(of: type).map(contentDescriptor)),
        ]
        if let request = type as? any RequestType.Type {
            var result: JSONObject = ["name": .string(request.result.name)]
            if let description = request.result.description { result["description"] = .string(description) }
            result["schema"] = request.result.schema.json
            object["result"] = .object(result)
            if !request.errors.isEmpty {
                object["errors"] = .array(
                    request.errors.map { ["$ref": .string("#/components/errors/\($0.name)")] }
                )
            }
        }
        if let examples = type.examples.arrayValue, !examples.isEmpty {
            object["examples"] = type.examples
        }
        return .object(object)
    }

    private static func members<M: MessageType>(of type: M.Type) -> [Member] {
        M.Params.members
    }

    private static func contentDescriptor(_ member: Member) -> JSONValue {
        var object: JSONObject = ["name": .string(member.name)]
        if let description = member.description { object["description"] = .string(description) }
        object["required"] = .bool(member.required)
        object["schema"] = member.schema.json
        return .object(object)
    }
}

extension Direction {
    /// The tag's description in the document.
    public var meaning: String {
        switch self {
        case .clientRequest: "Sent by the client; the server replies with a result or an error."
        case .clientNotification: "Sent by the client; the server does not reply."
        case .serverNotification: "Sent by the server; the client must not reply."
        case .serverRequest:
            "Sent by the server with an id of its own; the client answers with a result or an error. An error, an unreadable result or no answer in time counts as a refusal."
        }
    }
}
