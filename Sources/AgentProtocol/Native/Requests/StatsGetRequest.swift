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
        schema: .ref("StatsResult")
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
}
