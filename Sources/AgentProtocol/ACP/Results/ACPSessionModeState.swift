import JSONCore

/// The session's modes (ACP `SessionModeState`): what it runs now and what it can run, as a flat list.
public struct ACPSessionModeState: ResultType, Equatable {
    public static let name = "ACPSessionModeState"
    public static let summary =
        #"The session's modes: the agents, then the workflows (`workflow:NAME`), and the one it runs now."#
    public static let members: [Member] = [
        Member("currentModeId", required: true, schema: .string, description: #"The mode the session is in."#),
        Member(
            "availableModes",
            required: true,
            schema: Schema(["type": "array", "items": ACPSessionMode.schema.json]),
            description: #"Every mode the session can be set to."#
        ),
    ]

    public var currentModeId: String
    public var availableModes: [ACPSessionMode]

    public init(currentModeId: String, availableModes: [ACPSessionMode]) {
        self.currentModeId = currentModeId
        self.availableModes = availableModes
    }

    public func encode(to object: inout ResultObject) {
        object["currentModeId"] = .string(currentModeId)
        object.set("availableModes", availableModes)
    }
}

/// One mode of a session (ACP `SessionMode`): an agent or a workflow it can run.
public struct ACPSessionMode: ResultType, Equatable {
    public static let name = "ACPSessionMode"
    public static let summary = #"One mode: an agent, or a workflow (`workflow:NAME`)."#
    public static let members: [Member] = [
        Member(
            "id",
            required: true,
            schema: .string,
            description: #"The mode's id: an agent's name, or `workflow:NAME`."#
        ),
        Member(
            "name",
            required: true,
            schema: .string,
            description: #"The name shown: the agent's, or the workflow's followed by ` (workflow)`."#
        ),
        Member(
            "description",
            required: false,
            schema: .string,
            description: #"What the agent or workflow does; absent when it has no description."#
        ),
    ]

    public var id: String
    public var name: String
    public var description: String?

    public init(id: String, name: String, description: String? = nil) {
        self.id = id
        self.name = name
        self.description = description
    }

    public func encode(to object: inout ResultObject) {
        object["id"] = .string(id)
        object["name"] = .string(name)
        object["description"] = description.map { .string($0) }
    }
}
