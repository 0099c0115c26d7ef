import JSONCore
import JSONRPC

/// Run statistics per agent and per strategy.
public enum StatsGetRequest: RequestType {
    public static let method = "stats/get"
    public static let direction = Direction.clientRequest
    public static let summary = #"Run statistics per agent and per strategy."#
    public static let description = #"""
        Returns statistics since the server started (or since `stats/reset`) and over a rolling window of the most recent finished runs (`limits.statsWindow`, default 1000), per agent (every agent call, including those inside workflows) and per strategy (every workflow run). With `agent`, only that agent's entry is returned (none if it has not run) and `strategies` is left out. `activeRuns` counts the runs in flight on this connection.

        Errors: -32001 when `agent` names no configured agent (`data: {agent, available}`); -32602 when `agent` is not a string; -32003 after `shutdown`.
        """#
    public static let result = ResultSpec(
        name: "statsResult",
        description: #"The statistics."#,
        of: StatsResult.self
    )
    public static let errors: [ErrorSpec] = [.invalidParams, .shuttingDown, .notFound]
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "stats/get",
                "params": [],
                "result": {
                  "name": "stats/get result",
                  "value": {
                    "agents": {
                      "echo": {
                        "sinceStart": {
                          "total": 4,
                          "active": 0,
                          "completed": 4,
                          "failed": 0,
                          "cancelled": 0,
                          "reaped": 0,
                          "successRate": 1.0,
                          "avgDurationMs": 1.25,
                          "tokens": 9
                        },
                        "window": {
                          "runs": 4,
                          "completed": 4,
                          "failed": 0,
                          "cancelled": 0,
                          "successRate": 1.0,
                          "avgDurationMs": 1.25,
                          "p50DurationMs": 1,
                          "p95DurationMs": 2,
                          "p99DurationMs": 2,
                          "tokens": 9
                        }
                      }
                    },
                    "strategies": {
                      "sequential": {
                        "sinceStart": {
                          "total": 1,
                          "active": 0,
                          "completed": 1,
                          "failed": 0,
                          "cancelled": 0,
                          "reaped": 0,
                          "successRate": 1.0,
                          "avgDurationMs": 3.0,
                          "tokens": 3
                        },
                        "window": {
                          "runs": 1,
                          "completed": 1,
                          "failed": 0,
                          "cancelled": 0,
                          "successRate": 1.0,
                          "avgDurationMs": 3.0,
                          "p50DurationMs": 3,
                          "p95DurationMs": 3,
                          "p99DurationMs": 3,
                          "tokens": 3
                        }
                      }
                    },
                    "activeRuns": 0,
                    "windowSize": 1000,
                    "since": "2025-01-01T12:00:00Z"
                  }
                }
              }
            ]
            """#
    )

    public struct Params: ParamsType {
        public static let members: [Member] = [
            Member(
                "agent",
                required: false,
                schema: .ref("AgentName"),
                description: #"Only this agent's statistics."#
            )
        ]
        public static let positional = ["agent"]

        public var agent: String?

        public init(
            agent: String? = nil
        ) {
            self.agent = agent
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            agent = try reader.optionalString("agent")
        }
    }

    public typealias Result = StatsResult
}

/// Answer to `stats/get`.
public struct StatsResult: ResultType, Equatable {
    public static let name = "StatsResult"
    public static let summary = #"Answer to `stats/get`."#
    public static let members: [Member] = [
        Member(
            "agents",
            required: true,
            schema: Schema(
                json: #"""
                    {
                      "type": "object",
                      "propertyNames": {
                        "pattern": "^[A-Za-z0-9_.-]+$"
                      },
                      "additionalProperties": {
                        "$ref": "#/components/schemas/StatsEntry"
                      }
                    }
                    """#
            ),
            description:
                #"Per agent that has been called, by name (only the requested one when `agent` was given)."#
        ),
        Member(
            "strategies",
            required: false,
            schema: Schema(
                json: #"""
                    {
                      "type": "object",
                      "propertyNames": {
                        "enum": [
                          "sequential",
                          "parallel",
                          "hierarchical"
                        ]
                      },
                      "additionalProperties": {
                        "$ref": "#/components/schemas/StatsEntry"
                      }
                    }
                    """#
            ),
            description: #"Per strategy that has run, by name; left out when `agent` was given."#
        ),
        Member(
            "activeRuns",
            required: true,
            schema: Schema(["type": "integer", "minimum": 0]),
            description: #"Runs in flight on this connection."#
        ),
        Member(
            "windowSize",
            required: true,
            schema: Schema(["type": "integer", "minimum": 1]),
            description: #"Finished runs kept for the rolling window (`limits.statsWindow`)."#
        ),
        Member(
            "since",
            required: true,
            schema: Schema(["type": "string", "format": "date-time"]),
            description: #"When counting started (server start or the last `stats/reset`), ISO 8601 in UTC."#
        ),
    ]

    /// Per agent that has been called, by name.
    public var agents: [String: StatsEntry]
    /// Per strategy that has run, by name; `nil` (left out) when one agent was asked for.
    public var strategies: [String: StatsEntry]?
    /// Runs in flight on this connection.
    public var activeRuns: Int
    /// Finished runs kept for the rolling window.
    public var windowSize: Int
    /// When counting started, ISO 8601 in UTC.
    public var since: String

    public init(
        agents: [String: StatsEntry],
        strategies: [String: StatsEntry]?,
        activeRuns: Int,
        windowSize: Int,
        since: String
    ) {
        self.agents = agents
        self.strategies = strategies
        self.activeRuns = activeRuns
        self.windowSize = windowSize
        self.since = since
    }

    public func encode(to object: inout ResultObject) {
        // Entries go out sorted by name.
        func group(_ entries: [String: StatsEntry]) -> JSONValue {
            .object(JSONObject(entries.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value.json) }))
        }
        object["agents"] = group(agents)
        if let strategies { object["strategies"] = group(strategies) }
        object["activeRuns"] = .int(activeRuns)
        object["windowSize"] = .int(windowSize)
        object["since"] = .string(since)
    }
}
