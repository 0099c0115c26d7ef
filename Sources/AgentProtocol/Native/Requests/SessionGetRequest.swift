import JSONCore
import JSONRPC

/// A session with its turns.
public enum SessionGetRequest: RequestType {
    public static let method = "session/get"
    public static let direction = Direction.clientRequest
    public static let summary = #"A session with its turns."#
    public static let description = #"""
        Answers the session's agent, creation time and every turn in order, each `{input, output, usage}` (a cancelled turn's output is what it produced; `usage` is what its `session/prompt` result reported), and `usage`, the sum over the turns: with `costUsd` only when every turn had a cost. A turn still in flight is not listed until it ends. Works for sessions an earlier process created.

        Errors: -32602 when `sessionId` is missing or not a string; -32001 when the session is unknown (`data.sessionId`); -32603 when the run store fails (`data.detail`); -32003 after `shutdown`.
        """#
    public static let result = ResultSpec(
        name: "sessionGetResult",
        description: #"The session and its turns."#,
        of: SessionGetResult.self
    )
    public static let errors: [ErrorSpec] = [.invalidParams, .notFound, .internalError, .shuttingDown]
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "session/get",
                "params": [
                  {
                    "name": "sessionId",
                    "value": "ses_5b7e0c2a9d4f1e36"
                  }
                ],
                "result": {
                  "name": "session/get result",
                  "value": {
                    "sessionId": "ses_5b7e0c2a9d4f1e36",
                    "agent": "echo-history",
                    "createdAt": "2025-11-22T01:20:00Z",
                    "turns": [
                      {
                        "input": "first question",
                        "output": "first question",
                        "usage": {
                          "outputTokens": 2,
                          "modelCalls": 1,
                          "source": "counted"
                        }
                      },
                      {
                        "input": "second question",
                        "output": "first question\nsecond question",
                        "usage": {
                          "outputTokens": 4,
                          "modelCalls": 1,
                          "source": "counted"
                        }
                      }
                    ],
                    "usage": {
                      "outputTokens": 6,
                      "modelCalls": 2,
                      "source": "counted"
                    }
                  }
                }
              }
            ]
            """#
    )

    public typealias Params = SessionReference
    public typealias Result = SessionGetResult
}

/// Answer to `session/get`.
public struct SessionGetResult: ResultType, Equatable {
    public static let name = "SessionGetResult"
    public static let summary = #"Answer to `session/get`."#
    public static let members: [Member] =
        SessionInfo.identity + [
            Member(
                "turns",
                required: true,
                schema: Schema(["type": "array", "items": SessionTurn.ref.json]),
                description: #"Its turns, first to last."#
            ),
            Member(
                "usage",
                required: false,
                schema: RunUsage.ref,
                description:
                    #"What the session's turns used and cost, summed over those that carry `usage`. `costUsd` is present only when every turn has one: a partial sum would be wrong. Absent when no turn carries usage."#
            ),
        ]

    public var sessionId: String
    public var agent: String
    /// ISO 8601.
    public var createdAt: String
    public var turns: [SessionTurn]
    /// The turns' usage summed; `nil` when none has any.
    public var usage: RunUsage?

    public init(sessionId: String, agent: String, createdAt: String, turns: [SessionTurn], usage: RunUsage? = nil) {
        self.sessionId = sessionId
        self.agent = agent
        self.createdAt = createdAt
        self.turns = turns
        self.usage = usage
    }

    public func encode(to object: inout ResultObject) {
        object["sessionId"] = .string(sessionId)
        object["agent"] = .string(agent)
        object["createdAt"] = .string(createdAt)
        object.set("turns", turns)
        object.set("usage", usage)
    }
}
