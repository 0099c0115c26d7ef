import JSONCore

/// A session as `session/list` lists it.
public struct SessionInfo: ResultType, Equatable {
    public static let name = "SessionInfo"
    public static let summary = #"A session the run store keeps, as `session/list` lists it."#
    public static let members: [Member] =
        identity + [
            Member(
                "turns",
                required: true,
                schema: Schema(["type": "integer", "minimum": 0]),
                description: #"How many turns it has (`session/get` gives them)."#
            )
        ]

    /// What `session/list` and `session/get` say of a session before its turns.
    static let identity: [Member] = [
        Member("sessionId", required: true, schema: .ref("SessionId")),
        Member("agent", required: true, schema: .ref("AgentName"), description: #"The agent it talks to."#),
        Member(
            "createdAt",
            required: true,
            schema: Schema(["allOf": [Schema.ref("Timestamp").json]]),
            description: #"When the session was created."#
        ),
    ]

    public var sessionId: String
    public var agent: String
    /// ISO 8601.
    public var createdAt: String
    /// How many turns it has.
    public var turns: Int

    public init(sessionId: String, agent: String, createdAt: String, turns: Int) {
        self.sessionId = sessionId
        self.agent = agent
        self.createdAt = createdAt
        self.turns = turns
    }

    public func encode(to object: inout ResultObject) {
        object["sessionId"] = .string(sessionId)
        object["agent"] = .string(agent)
        object["createdAt"] = .string(createdAt)
        object["turns"] = .int(turns)
    }
}

/// One turn of a session: what was asked and what the agent answered.
public struct SessionTurn: ResultType, Equatable {
    public static let name = "SessionTurn"
    public static let summary = #"One turn of a session, as `session/get` gives it."#
    public static let members: [Member] = [
        Member("input", required: true, schema: .string, description: #"The prompt's input."#),
        Member(
            "output",
            required: true,
            schema: .string,
            description: #"What the agent answered (for a cancelled or failed turn, what it produced before)."#
        ),
        Member(
            "usage",
            required: false,
            schema: RunUsage.ref,
            description:
                #"What the turn's run used and cost, as the `session/prompt` result reported it. Absent for turns kept by a version that did not record it."#
        ),
    ]

    public var input: String
    public var output: String
    public var usage: RunUsage?

    public init(input: String, output: String, usage: RunUsage? = nil) {
        self.input = input
        self.output = output
        self.usage = usage
    }

    public func encode(to object: inout ResultObject) {
        object["input"] = .string(input)
        object["output"] = .string(output)
        object.set("usage", usage)
    }
}
