import JSONCore

extension NativeProtocol {
    /// Shared schemas: the values that describe a stored run (`run/status`, `run/list`, `run/get`,
    /// `run/events`).
    static let schemasRuns: [(name: String, schema: Schema)] = [
        (
            "RunStatus",
            Schema(
                json: #"""
                    {
                      "title": "RunStatus",
                      "description": "Status of a run in the run store: `running`, then one of `completed` (ended normally, `stopReason: \"end_turn\"`), `cancelled` (stopped by `run/cancel` or a cancel notification), `failed` (an error ended it) and `interrupted` (the process running it ended first; marked when a server starts with the store, or by `run/cancel`). Every status but `running` is final.",
                      "type": "string",
                      "enum": [
                        "running",
                        "completed",
                        "failed",
                        "cancelled",
                        "interrupted"
                      ]
                    }
                    """#
            )
        ),
        (
            "RunKind",
            Schema(
                json: #"""
                    {
                      "title": "RunKind",
                      "description": "What a run runs: `agent` (`agent/run`, `agent/start`), `workflow` (`workflow/run`, `workflow/start`, `coordinator/*`), `session` (a `session/prompt` turn, of this face or of the ACP face) or `tool` (an MCP `tools/call` of a process sharing the store; it has `agent`, or `workflow` and `strategy`, like the run it runs).",
                      "type": "string",
                      "enum": [
                        "agent",
                        "workflow",
                        "session",
                        "tool"
                      ]
                    }
                    """#
            )
        ),
        (
            "Timestamp",
            Schema(
                json: #"""
                    {
                      "title": "Timestamp",
                      "description": "A point in time, ISO 8601 in UTC to the second, e.g. `2025-11-22T01:20:00Z`.",
                      "type": "string",
                      "format": "date-time",
                      "examples": [
                        "2025-11-22T01:20:00Z"
                      ]
                    }
                    """#
            )
        ),
        (
            "RunEventStatus",
            Schema(
                json: #"""
                    {
                      "title": "RunEventStatus",
                      "description": "The run's status when the reply was made; `unknown` if the store could not be read then (for example the run was deleted meanwhile).",
                      "anyOf": [
                        {
                          "$ref": "#/components/schemas/RunStatus"
                        },
                        {
                          "type": "string",
                          "const": "unknown"
                        }
                      ]
                    }
                    """#
            )
        ),
    ]
}
