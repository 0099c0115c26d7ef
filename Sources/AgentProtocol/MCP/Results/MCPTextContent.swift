import JSONCore

/// A text content block of a tool's result (MCP `TextContent`).
public struct MCPTextContent: ResultType, Equatable {
    public static let name = "MCPTextContent"
    public static let summary = #"A text content block."#
    public static let members: [Member] = [
        Member(
            "type",
            required: true,
            schema: Schema(["type": "string", "const": "text"]),
            description: #"Always `text`."#
        ),
        Member("text", required: true, schema: .string, description: #"The text."#),
    ]

    public var text: String

    public init(text: String) {
        self.text = text
    }

    public func encode(to object: inout ResultObject) {
        object["type"] = "text"
        object["text"] = .string(text)
    }
}
