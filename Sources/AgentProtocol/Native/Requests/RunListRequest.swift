import JSONCore
import JSONRPC

/// List the runs the run store keeps, newest first.
public enum RunListRequest: RequestType {
    public static let method = "run/list"
    public static let direction = Direction.clientRequest
    public static let summary = #"List the runs the run store keeps, newest first."#
    public static let description = #"""
        Answers the runs the store keeps (of every process sharing it), newest first by start time, each as `run/status` describes it. The filters combine: `status`; `agent` (agent runs and session turns of that agent); `workflow` (runs of that workflow; a `coordinator/*` run's workflow is its strategy name). At most `limit` runs come back; when more match, `nextCursor` is set, and passing it as `cursor` (with the same filters) gives the next page. A page continues right after the previous one's last run, so runs added or deleted meanwhile cause neither repeats nor gaps; runs started after the first page belong before it and are not listed. Params are by name only.

        Errors: -32602 when `status` is not a run status, `limit` is not a whole number from 1 to 500, `status`, `agent`, `workflow` or `cursor` is not a string, or `cursor` is not a `nextCursor` of this server (`data.field`, e.g. `params.limit`, `params.cursor`); -32603 when the run store fails; -32003 after `shutdown`.
        """#
    public static let result = ResultSpec(
        name: "runListResult",
        description: #"A page of runs, and where the next page starts."#,
        of: RunListResult.self
    )
    public static let errors: [ErrorSpec] = [.invalidParams, .internalError, .shuttingDown]
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "run/list (completed, two per page)",
                "params": [
                  {
                    "name": "status",
                    "value": "completed"
                  },
                  {
                    "name": "limit",
                    "value": 2
                  }
                ],
                "result": {
                  "name": "run/list (completed, two per page) result",
                  "value": {
                    "runs": [
                      {
                        "runId": "run_3f2a9c1e7b4d5a60",
                        "kind": "agent",
                        "agent": "echo",
                        "status": "completed",
                        "live": false,
                        "startedAt": "2025-11-22T01:20:01Z",
                        "endedAt": "2025-11-22T01:20:01Z",
                        "durationMs": 2,
                        "usage": {
                          "outputTokens": 3
                        }
                      },
                      {
                        "runId": "run_8c0d2e4f6a1b3c5d",
                        "kind": "workflow",
                        "workflow": "pipeline",
                        "strategy": "sequential",
                        "status": "completed",
                        "live": false,
                        "startedAt": "2025-11-22T01:20:00Z",
                        "endedAt": "2025-11-22T01:20:00Z",
                        "durationMs": 3,
                        "usage": {
                          "outputTokens": 3
                        }
                      }
                    ],
                    "nextCursor": "MTc2Mzc3NDQwMDAwMDpydW5fOGMwZDJlNGY2YTFiM2M1ZA"
                  }
                }
              },
              {
                "name": "run/list (next page)",
                "params": [
                  {
                    "name": "status",
                    "value": "completed"
                  },
                  {
                    "name": "limit",
                    "value": 2
                  },
                  {
                    "name": "cursor",
                    "value": "MTc2Mzc3NDQwMDAwMDpydW5fOGMwZDJlNGY2YTFiM2M1ZA"
                  }
                ],
                "result": {
                  "name": "run/list (next page) result",
                  "value": {
                    "runs": [
                      {
                        "runId": "run_0a9b8c7d6e5f4a3b",
                        "kind": "session",
                        "agent": "echo-history",
                        "status": "completed",
                        "live": false,
                        "startedAt": "2025-11-22T01:19:30Z",
                        "endedAt": "2025-11-22T01:19:30Z",
                        "durationMs": 1,
                        "usage": {
                          "outputTokens": 1
                        }
                      }
                    ]
                  }
                }
              }
            ]
            """#
    )

    public typealias Result = RunListResult

    public struct Params: ParamsType {
        public static let members: [Member] = [
            Member(
                "status",
                required: false,
                schema: .ref("RunStatus"),
                description: #"Only runs with this status."#
            ),
            Member(
                "agent",
                required: false,
                schema: .string,
                description: #"Only agent runs and session turns of this agent."#
            ),
            Member(
                "workflow",
                required: false,
                schema: .string,
                description: #"Only runs of this workflow (for `coordinator/*` runs, the strategy name)."#
            ),
            Member(
                "limit",
                required: false,
                schema: Schema(
                    json: #"""
                        {
                          "type": "integer",
                          "minimum": 1,
                          "maximum": 500,
                          "default": 50
                        }
                        """#
                ),
                description: #"Largest number of runs to return (1 to 500, default 50)."#
            ),
            Member(
                "cursor",
                required: false,
                schema: .string,
                description: #"The `nextCursor` of the previous page, to continue the listing."#
            ),
        ]

        public var status: String?
        public var agent: String?
        public var workflow: String?
        public var limit: Int64?
        public var cursor: String?

        public init(
            status: String? = nil,
            agent: String? = nil,
            workflow: String? = nil,
            limit: Int64? = nil,
            cursor: String? = nil
        ) {
            self.status = status
            self.agent = agent
            self.workflow = workflow
            self.limit = limit
            self.cursor = cursor
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            status = try reader.optionalString("status")
            agent = try reader.optionalString("agent")
            workflow = try reader.optionalString("workflow")
            limit = try reader.optionalInteger("limit")
            cursor = try reader.optionalString("cursor")
        }
    }
}

/// Answer to `run/list`: a page of runs, and where the next page starts.
public struct RunListResult: ResultType, Equatable {
    public static let name = "RunListResult"
    public static let summary = #"Answer to `run/list`."#
    public static let members: [Member] = [
        Member(
            "runs",
            required: true,
            schema: Schema(["type": "array", "items": RunInfo.ref.json]),
            description: #"The runs of this page, newest first (by start time, then id)."#
        ),
        Member(
            "nextCursor",
            required: false,
            schema: .string,
            description: #"Present when more runs match: pass it as `cursor` for the next page. Opaque."#
        ),
    ]

    /// The runs of this page, newest first.
    public var runs: [RunInfo]
    /// Where the next page starts, when more runs match.
    public var nextCursor: String?

    public init(runs: [RunInfo], nextCursor: String? = nil) {
        self.runs = runs
        self.nextCursor = nextCursor
    }

    public func encode(to object: inout ResultObject) {
        object.set("runs", runs)
        if let nextCursor { object["nextCursor"] = .string(nextCursor) }
    }
}
