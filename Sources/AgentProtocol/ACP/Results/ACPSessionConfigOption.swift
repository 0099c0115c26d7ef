import JSONCore

/// A session config option of type `select` (ACP `SessionConfigOption`), its choices in groups.
public struct ACPSessionConfigOption: ResultType, Equatable {
    public static let name = "ACPSessionConfigOption"
    public static let summary =
        #"A config option of type `select`: `agent`, the agent or workflow the session runs, its choices grouped into agents and workflows; and `model` (category `model`), the model of an agent whose provider lists `models` in config."#
    public static let members: [Member] = [
        Member("id", required: true, schema: .string, description: #"The option's id: `agent` or `model`."#),
        Member("name", required: true, schema: .string, description: #"The option's name, shown to people."#),
        Member("description", required: false, schema: .string, description: #"What the option chooses."#),
        Member(
            "type",
            required: true,
            schema: Schema(["type": "string", "const": "select"]),
            description: #"Always `select`."#
        ),
        Member(
            "category",
            required: false,
            schema: Schema(["type": "string", "enum": ["model"]]),
            description: #"`model` for the `model` option (UX only); absent for `agent`."#
        ),
        Member("currentValue", required: true, schema: .string, description: #"The value chosen now."#),
        Member(
            "options",
            required: true,
            schema: Schema(["type": "array", "items": ACPSessionConfigSelectGroup.schema.json]),
            description: #"The choices, in groups: the agents, then the workflows (when there are any)."#
        ),
    ]

    public var id: String
    public var name: String
    public var description: String?
    public var category: String?
    public var currentValue: String
    public var options: [ACPSessionConfigSelectGroup]

    public init(
        id: String,
        name: String,
        description: String? = nil,
        category: String? = nil,
        currentValue: String,
        options: [ACPSessionConfigSelectGroup]
    ) {
        self.category = category
        self.id = id
        self.name = name
        self.description = description
        self.currentValue = currentValue
        self.options = options
    }

    public func encode(to object: inout ResultObject) {
        object["id"] = .string(id)
        object["name"] = .string(name)
        object["description"] = description.map { .string($0) }
        object["type"] = "select"
        if let category { object["category"] = .string(category) }
        object["currentValue"] = .string(currentValue)
        object.set("options", options)
    }
}

/// A group of choices of a `select` config option (ACP `SessionConfigSelectGroup`).
public struct ACPSessionConfigSelectGroup: ResultType, Equatable {
    public static let name = "ACPSessionConfigSelectGroup"
    public static let summary = #"A group of choices: the agents, or the workflows."#
    public static let members: [Member] = [
        Member("group", required: true, schema: .string, description: #"The group's id: `agents` or `workflows`."#),
        Member("name", required: true, schema: .string, description: #"The group's name, shown to people."#),
        Member(
            "options",
            required: true,
            schema: Schema(["type": "array", "items": ACPSessionConfigSelectOption.schema.json]),
            description: #"The choices in the group."#
        ),
    ]

    public var group: String
    public var name: String
    public var options: [ACPSessionConfigSelectOption]

    public init(group: String, name: String, options: [ACPSessionConfigSelectOption]) {
        self.group = group
        self.name = name
        self.options = options
    }

    public func encode(to object: inout ResultObject) {
        object["group"] = .string(group)
        object["name"] = .string(name)
        object.set("options", options)
    }
}

/// One choice of a `select` config option (ACP `SessionConfigSelectOption`).
public struct ACPSessionConfigSelectOption: ResultType, Equatable {
    public static let name = "ACPSessionConfigSelectOption"
    public static let summary = #"One choice: an agent, or a workflow (`workflow:NAME`)."#
    public static let members: [Member] = [
        Member(
            "value",
            required: true,
            schema: .string,
            description: #"The value: an agent's name, or `workflow:NAME`."#
        ),
        Member("name", required: true, schema: .string, description: #"The agent's or the workflow's name."#),
        Member("description", required: false, schema: .string, description: #"What the agent or workflow does."#),
    ]

    public var value: String
    public var name: String
    public var description: String?

    public init(value: String, name: String, description: String? = nil) {
        self.value = value
        self.name = name
        self.description = description
    }

    public func encode(to object: inout ResultObject) {
        object["value"] = .string(value)
        object["name"] = .string(name)
        object["description"] = description.map { .string($0) }
    }
}
