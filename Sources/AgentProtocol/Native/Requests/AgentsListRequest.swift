import JSONCore
import JSONRPC

/// List the configured agents.
public enum AgentsListRequest: RequestType {
    public static let method = "agents/list"
    public static let direction = Direction.clientRequest
    public static let summary = #"List the configured agents."#
    public static let description = #"""
        Takes no params. Returns every configured agent (the built-in `echo`, `echo-slow`, `echo-thinking` and `echo-history`, plus those from the configuration file, which replace built-in agents of the same name) with its description and provider type (e.g. `echo`).
        """#
    public static let result = ResultSpec(
        name: "agentsListResult",
        description: #"The configured agents."#,
        of: AgentsListResult.self
    )
    public static let errors: [ErrorSpec] = [.invalidParams, .shuttingDown]
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "agents/list",
                "params": [],
                "result": {
                  "name": "agents/list result",
                  "value": {
                    "agents": [
                      {
                        "name": "echo",
                        "description": "Streams its input back one word at a time (built in, offline).",
                        "provider": "echo"
                      },
                      {
                        "name": "echo-slow",
                        "description": "Like echo, with 50 ms before each word: for demos and cancellation.",
                        "provider": "echo"
                      },
                      {
                        "name": "echo-thinking",
                        "description": "Like echo, and first says what it is about to do (run/thinking).",
                        "provider": "echo"
                      },
                      {
                        "name": "echo-history",
                        "description": "Answers with every user turn of its session so far, one per line.",
                        "provider": "echo"
                      }
                    ]
                  }
                }
              }
            ]
            """#
    )
    public typealias Params = NoParams
    public typealias Result = AgentsListResult
}

/// Answer to `agents/list`.
public struct AgentsListResult: ResultType, Equatable {
    public static let name = "AgentsListResult"
    public static let summary = #"Answer to `agents/list`."#
    public static let members: [Member] = [
        Member(
            "agents",
            required: true,
            schema: Schema(["type": "array", "items": AgentInfo.ref.json]),
            description: #"All configured agents."#
        )
    ]

    /// Every configured agent.
    public var agents: [AgentInfo]

    public init(agents: [AgentInfo]) {
        self.agents = agents
    }

    public func encode(to object: inout ResultObject) {
        object.set("agents", agents)
    }
}
