import JSONCore

/// A configured agent, as `agents/list` lists it.
public struct AgentInfo: ResultType, Equatable {
    public static let name = "AgentInfo"
    public static let summary = #"A configured agent."#
    public static let members: [Member] = [
        Member("name", required: true, schema: .ref("AgentName")),
        Member(
            "description",
            required: true,
            schema: .string,
            description: #"The agent's description from the configuration (an empty string when it has none)."#
        ),
        Member("provider", required: true, schema: .ref("ProviderType")),
    ]

    /// The agent's name.
    public var name: String
    /// Its description from the configuration, or `""`.
    public var description: String
    /// The provider type that backs it (`echo`, `openai`, `command`).
    public var provider: String

    public init(name: String, description: String, provider: String) {
        self.name = name
        self.description = description
        self.provider = provider
    }

    public func encode(to object: inout ResultObject) {
        object["name"] = .string(name)
        object["description"] = .string(description)
        object["provider"] = .string(provider)
    }
}
