import JSONCore
import JSONRPC

/// Everything the run store keeps about a run.
public enum RunGetRequest: RequestType {
    public static let method = "run/get"
    public static let direction = Direction.clientRequest
    public static let summary = #"Everything the run store keeps about a run."#
    public static let description = #"""
        Answers the members of `run/status`, then the run's `input`; its `output` (`null` while it is `running` and for an `interrupted` run, the partial output for a `cancelled` or `failed` one); `error` (`{code, message}`) for a `failed` run; `sessionId` for a session turn; `steps`, each step's last recorded `run/step` state in the order the steps started (rebuilt from the run's events, so a step whose end was not recorded shows `started`); and `eventCount`, the number of events `run/events` can return. For a running run of this process, events not yet written to the store are included.

        Errors: -32602 when `runId` is missing or not a string (`data.field: "params.runId"`); -32001 when the store has no such run (`data.runId`); -32603 when the run store fails (`data.detail`); -32003 after `shutdown`.
        """#
    public static let result = ResultSpec(
        name: "runDetails",
        description: #"The run's record, steps and event count."#,
        schema: .ref("RunDetails")
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
}
