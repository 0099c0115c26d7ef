import JSONCore

/// A program's name and version, as ACP's `initialize` gives them in `agentInfo` and MCP's in `serverInfo`
/// (both specifications call it `Implementation`).
public struct Implementation: ResultType, Equatable {
    public static let name = "Implementation"
    public static let summary = #"A program's name, display title and version."#
    public static let members: [Member] = [
        Member("name", required: true, schema: .string, description: #"The name programs use."#),
        Member("title", required: false, schema: .string, description: #"The name shown to people."#),
        Member("version", required: true, schema: .string, description: #"The version (`0.2.0`)."#),
    ]

    public var name: String
    public var title: String?
    public var version: String

    public init(name: String, title: String? = nil, version: String) {
        self.name = name
        self.title = title
        self.version = version
    }

    public func encode(to object: inout ResultObject) {
        object["name"] = .string(name)
        object["title"] = title.map { .string($0) }
        object["version"] = .string(version)
    }
}
