import JSONCore

/// One tool as `tools/list` lists it (MCP `Tool`): an agent, or a workflow.
public struct MCPTool: ResultType, Equatable {
    public static let name = "MCPTool"
    public static let summary =
        #"A tool: an agent (its own name) or a workflow (`workflow_NAME`), taking one string, `input`."#
    public static let members: [Member] = [
        Member(
            "name",
            required: true,
            schema: .string,
            description: #"The tool's name: an agent's, or `workflow_NAME`."#
        ),
        Member(
            "title",
            required: false,
            schema: .string,
            description: #"The name shown: `Agent NAME` or `Workflow NAME`."#
        ),
        Member("description", required: false, schema: .string, description: #"What the agent or workflow does."#),
        Member(
            "inputSchema",
            required: true,
            schema: Schema(["type": "object"]),
            description: #"The JSON Schema of the arguments: an object with one string, `input`."#
        ),
        Member(
            "annotations",
            required: false,
            schema: MCPToolAnnotations.schema,
            description: #"Hints about the tool's behaviour."#
        ),
    ]

    public var name: String
    public var title: String?
    public var description: String?
    /// A JSON Schema, carried as is.
    public var inputSchema: JSONValue
    public var annotations: MCPToolAnnotations?

    public init(
        name: String,
        title: String? = nil,
        description: String? = nil,
        inputSchema: JSONValue,
        annotations: MCPToolAnnotations? = nil
    ) {
        self.name = name
        self.title = title
        self.description = description
        self.inputSchema = inputSchema
        self.annotations = annotations
    }

    public func encode(to object: inout ResultObject) {
        object["name"] = .string(name)
        object["title"] = title.map { .string($0) }
        object["description"] = description.map { .string($0) }
        object["inputSchema"] = inputSchema
        object.set("annotations", annotations)
    }
}

/// Hints about what a tool does (MCP `ToolAnnotations`).
public struct MCPToolAnnotations: ResultType, Equatable {
    public static let name = "MCPToolAnnotations"
    public static let summary = #"Hints about a tool's behaviour."#
    public static let members: [Member] = [
        Member(
            "readOnlyHint",
            required: false,
            schema: Schema(["type": "boolean"]),
            description: #"Whether the tool leaves its environment unchanged."#
        ),
        Member(
            "openWorldHint",
            required: false,
            schema: Schema(["type": "boolean"]),
            description: #"Whether the tool reaches out to an open world of external entities."#
        ),
    ]

    public var readOnlyHint: Bool?
    public var openWorldHint: Bool?

    public init(readOnlyHint: Bool? = nil, openWorldHint: Bool? = nil) {
        self.readOnlyHint = readOnlyHint
        self.openWorldHint = openWorldHint
    }

    public func encode(to object: inout ResultObject) {
        object["readOnlyHint"] = readOnlyHint.map { .bool($0) }
        object["openWorldHint"] = openWorldHint.map { .bool($0) }
    }
}
