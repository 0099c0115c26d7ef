import JSONCore
import JSONRPC

/// A run's status from the run store.
public enum RunStatusRequest: RequestType {
    public static let method = "run/status"
    public static let direction = Direction.clientRequest
    public static let summary = #"A run's status from the run store."#
    public static let description = #"""
        Answers what the run store keeps about a run's state: its kind, what it runs, its status, when it started and ended, and its output tokens; small enough to poll. It works for every run the store keeps: running or finished, run by this process, by another process sharing the store, or by an earlier process. `live` says whether this process is running it now. A run of a process that is gone stays `running` until a server starting with the store, or `run/cancel`, marks it `interrupted`.

        Errors: -32602 when `runId` is missing or not a string (`data.field: "params.runId"`); -32001 when the store has no such run (`data.runId`); -32603 when the run store fails (`data.detail`); -32003 after `shutdown`.
        """#
    public static let result = ResultSpec(
        name: "runInfo",
        description: #"The run's status."#,
        of: RunInfo.self
    )
    public static let errors: [ErrorSpec] = [.invalidParams, .notFound, .internalError, .shuttingDown]
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "run/status (running)",
                "params": [
                  {
                    "name": "runId",
                    "value": "run_0a9b8c7d6e5f4a3b"
                  }
                ],
                "result": {
                  "name": "run/status (running) result",
                  "value": {
                    "runId": "run_0a9b8c7d6e5f4a3b",
                    "kind": "agent",
                    "agent": "echo-slow",
                    "status": "running",
                    "live": true,
                    "startedAt": "2025-11-22T01:20:01Z",
                    "usage": {
                      "outputTokens": 0
                    }
                  }
                }
              },
              {
                "name": "run/status (completed workflow)",
                "params": [
                  {
                    "name": "runId",
                    "value": "run_8c0d2e4f6a1b3c5d"
                  }
                ],
                "result": {
                  "name": "run/status (completed workflow) result",
                  "value": {
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
                }
              }
            ]
            """#
    )

    public typealias Params = RunReference
    public typealias Result = RunInfo
}
