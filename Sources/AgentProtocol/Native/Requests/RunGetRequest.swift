import JSONCore
import JSONRPC

/// Everything the run store keeps about a run.
public enum RunGetRequest: RequestType {
    public static let method = "run/get"
    public static let direction = Direction.clientRequest
    public static let summary = #"Everything the run store keeps about a run."#
    public static let description = #"""
        Answers the members of `run/status`, then the run's `input`; its `output` (`null` while it is `running` and for an `interrupted` run, the partial output for a `cancelled` or `failed` one); `error` (`{code, message}`) for a `failed` run; `sessionId` for a session turn; `steps`, each step's last recorded `run/step` state in step-id order (rebuilt from the run's events, so a step whose end was not recorded shows `started`); and `eventCount`, the number of events `run/events` can return. For a running run of this process, events not yet written to the store are included.

        Errors: -32602 when `runId` is missing or not a string (`data.field: "params.runId"`); -32001 when the store has no such run (`data.runId`); -32603 when the run store fails (`data.detail`); -32003 after `shutdown`.
        """#
    public static let result = ResultSpec(
        name: "runDetails",
        description: #"The run's record, steps and event count."#,
        of: RunDetails.self
    )
    public static let errors: [ErrorSpec] = [.invalidParams, .notFound, .internalError, .shuttingDown]
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "run/get (completed agent run)",
                "params": [
                  {
                    "name": "runId",
                    "value": "run_3f2a9c1e7b4d5a60"
                  }
                ],
                "result": {
                  "name": "run/get (completed agent run) result",
                  "value": {
                    "runId": "run_3f2a9c1e7b4d5a60",
                    "kind": "agent",
                    "agent": "echo",
                    "status": "completed",
                    "live": false,
                    "startedAt": "2025-11-22T01:20:00Z",
                    "endedAt": "2025-11-22T01:20:00Z",
                    "durationMs": 2,
                    "usage": {
                      "outputTokens": 3
                    },
                    "input": "hello agent world",
                    "output": "hello agent world",
                    "steps": [
                      {
                        "stepId": "1",
                        "status": "completed",
                        "name": "echo model call",
                        "agent": "echo",
                        "durationMs": 2
                      }
                    ],
                    "eventCount": 6
                  }
                }
              },
              {
                "name": "run/get (failed run)",
                "description": "A run started with agent/start that timed out: its error is kept instead of being sent.",
                "params": [
                  {
                    "name": "runId",
                    "value": "run_0a9b8c7d6e5f4a3b"
                  }
                ],
                "result": {
                  "name": "run/get (failed run) result",
                  "value": {
                    "runId": "run_0a9b8c7d6e5f4a3b",
                    "kind": "agent",
                    "agent": "echo-slow",
                    "status": "failed",
                    "live": false,
                    "startedAt": "2025-11-22T01:20:01Z",
                    "endedAt": "2025-11-22T01:20:02Z",
                    "durationMs": 1003,
                    "usage": {
                      "outputTokens": 0
                    },
                    "input": "one two three four five six",
                    "output": "one two three ",
                    "error": {
                      "code": -32005,
                      "message": "The run took longer than 1000 ms"
                    },
                    "steps": [
                      {
                        "stepId": "1",
                        "status": "cancelled",
                        "name": "echo model call",
                        "agent": "echo-slow",
                        "durationMs": 1001
                      }
                    ],
                    "eventCount": 6
                  }
                }
              }
            ]
            """#
    )

    public typealias Params = RunReference
    public typealias Result = RunDetails
}

/// Answer to `run/get`: the members of ``RunInfo``, then what the store keeps beyond them.
public struct RunDetails: ResultType, Equatable {
    public static let name = "RunDetails"
    public static let summary =
        #"Answer to `run/get`: the members of `RunInfo`, then `input`, `output`, `error` (failed runs), `sessionId` (session turns), `steps` and `eventCount`, in this member order."#
    /// The members after ``RunInfo``'s.
    public static let members: [Member] = [
        Member("input", required: true, schema: .string, description: #"The run's input."#),
        Member(
            "output",
            required: true,
            schema: Schema(["type": ["string", "null"]]),
            description:
                #"The run's output once it ended: the full output when `completed`, the partial output when `cancelled` or `failed` (possibly empty). `null` while it is `running` and for an `interrupted` run; its `run/token` events (`run/events`) hold what was produced."#
        ),
        Member(
            "error",
            required: false,
            schema: Schema(["allOf": [RunError.ref.json]]),
            description: #"Present when the run `failed`."#
        ),
        Member(
            "sessionId",
            required: false,
            schema: Schema(["allOf": [Schema.ref("SessionId").json]]),
            description: #"The session, for session turns."#
        ),
        Member(
            "steps",
            required: true,
            schema: Schema(["type": "array", "items": RunStepState.ref.json]),
            description:
                #"Every step the run reported, in step-id order (`1`, `1.1`, `1.2`, ..., `1.10`), each in its last recorded state (rebuilt from the run's events)."#
        ),
        Member(
            "eventCount",
            required: true,
            schema: Schema(["type": "integer", "minimum": 0]),
            description: #"How many events the run has kept (what `run/events` from `afterSeq` 0 returns)."#
        ),
    ]
    /// ``RunInfo``'s members come first.
    public static let extraKeywords: JSONObject = ["allOf": [RunInfo.ref.json]]

    /// What `run/status` answers for the run.
    public var info: RunInfo
    public var input: String
    /// The output once the run ended (partial when it was cancelled or failed); `nil` while it runs and for
    /// an interrupted run.
    public var output: String?
    /// The error that ended a failed run.
    public var error: RunError?
    /// The session, for session turns.
    public var sessionId: String?
    /// Every step, in step-id order, each in its last recorded state.
    public var steps: [RunStepState]
    /// How many events the run has kept.
    public var eventCount: Int

    public init(
        info: RunInfo,
        input: String,
        output: String?,
        error: RunError? = nil,
        sessionId: String? = nil,
        steps: [RunStepState],
        eventCount: Int
    ) {
        self.info = info
        self.input = input
        self.output = output
        self.error = error
        self.sessionId = sessionId
        self.steps = steps
        self.eventCount = eventCount
    }

    /// Writes the members after ``RunInfo``'s.
    public func encode(to object: inout ResultObject) {
        object["input"] = .string(input)
        object["output"] = output.map { .string($0) } ?? .null
        object.set("error", error)
        if let sessionId { object["sessionId"] = .string(sessionId) }
        object.set("steps", steps)
        object["eventCount"] = .int(eventCount)
    }

    /// ``RunInfo``'s members, then this type's.
    public var json: JSONValue {
        var object = ResultObject(declaring: Self.self)
        encode(to: &object)
        guard case .object(var merged) = info.json else { return .object(object.members) }
        merged.members.append(contentsOf: object.members.members)
        return .object(merged)
    }
}
