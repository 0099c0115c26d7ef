import JSONCore

extension NativeProtocol {
    /// Shared schemas: the values messages share: ids, names, statuses, durations and the stream options.
    static let schemasValues: [(name: String, schema: Schema)] = [
        (
            "RequestId",
            Schema(
                json: #"""
                    {
                      "title": "RequestId",
                      "description": "A JSON-RPC request id as the client sent it.",
                      "oneOf": [
                        {
                          "type": "string"
                        },
                        {
                          "type": "integer"
                        }
                      ]
                    }
                    """#
            )
        ),
        (
            "ProtocolVersion",
            Schema(
                json: #"""
                    {
                      "title": "ProtocolVersion",
                      "description": "AgentWire protocol version string.",
                      "type": "string",
                      "examples": [
                        "agentwire/1"
                      ]
                    }
                    """#
            )
        ),
        (
            "AgentName",
            Schema(
                json: #"""
                    {
                      "title": "AgentName",
                      "description": "Name of an agent: a built-in one or a key of `agents` in the configuration file. Names use ASCII letters, digits, `_`, `.` and `-`.",
                      "type": "string",
                      "pattern": "^[A-Za-z0-9_.-]+$",
                      "examples": [
                        "echo"
                      ]
                    }
                    """#
            )
        ),
        (
            "WorkflowName",
            Schema(
                json: #"""
                    {
                      "title": "WorkflowName",
                      "description": "Name of a workflow: a built-in one, a key of `workflows` in the configuration file, or, for runs started with `coordinator/*`, the strategy name.",
                      "type": "string",
                      "pattern": "^[A-Za-z0-9_.-]+$",
                      "examples": [
                        "pipeline"
                      ]
                    }
                    """#
            )
        ),
        (
            "StrategyName",
            Schema(
                json: #"""
                    {
                      "title": "StrategyName",
                      "description": "A coordinator strategy.",
                      "type": "string",
                      "enum": [
                        "sequential",
                        "parallel",
                        "hierarchical"
                      ]
                    }
                    """#
            )
        ),
        (
            "ProviderType",
            Schema(
                json: #"""
                    {
                      "title": "ProviderType",
                      "description": "Provider type that backs an agent: `echo` (built in, offline), `openai` (an OpenAI-compatible chat-completions server: llama.cpp, Ollama, vLLM, OpenAI) or `command` (a local program).",
                      "type": "string",
                      "enum": [
                        "echo",
                        "openai",
                        "command"
                      ],
                      "examples": [
                        "echo"
                      ]
                    }
                    """#
            )
        ),
        (
            "RunId",
            Schema(
                json: #"""
                    {
                      "title": "RunId",
                      "description": "Server-assigned identifier of one run (`run_` and 16 hex digits today; treat it as opaque). It is first announced in `run/started`, so a client can pass it to `run/cancel` while the run is still going.",
                      "type": "string",
                      "minLength": 1,
                      "examples": [
                        "run_3f2a9c1e7b4d5a60"
                      ]
                    }
                    """#
            )
        ),
        (
            "SessionId",
            Schema(
                json: #"""
                    {
                      "title": "SessionId",
                      "description": "Server-assigned identifier of a session (`ses_` and 16 hex digits today; treat it as opaque).",
                      "type": "string",
                      "minLength": 1,
                      "examples": [
                        "ses_5b7e0c2a9d4f1e36"
                      ]
                    }
                    """#
            )
        ),
        (
            "Seq",
            Schema(
                json: #"""
                    {
                      "title": "Seq",
                      "description": "Per-run sequence number of a run notification. Starts at 1 (`run/started`) and strictly increases within a run across all its notifications; numbers of notifications switched off by the stream options, and of tokens merged by `tokenCoalesceMs`, are skipped.",
                      "type": "integer",
                      "minimum": 1
                    }
                    """#
            )
        ),
        (
            "StepId",
            Schema(
                json: #"""
                    {
                      "title": "StepId",
                      "description": "Identifier of a step within a run: `1` for an agent run's single step or a workflow run's workflow step, `1.1`, `1.2`, ... for a workflow's agent calls.",
                      "type": "string",
                      "minLength": 1,
                      "pattern": "^1(\\.[1-9][0-9]*)*$",
                      "examples": [
                        "1",
                        "1.2"
                      ]
                    }
                    """#
            )
        ),
        (
            "StepStatus",
            Schema(
                json: #"""
                    {
                      "title": "StepStatus",
                      "description": "Lifecycle status of a step. Each step is reported `started` once and later `completed`, `failed` or `cancelled` (stopped while it ran: the run was cancelled, timed out or reaped, or under `onError: \"fail\"` another branch failed). In a run started by `run/resume`, an agent call the resumed run had completed is reported once as `reused`: its output is the earlier one and no model was called.",
                      "type": "string",
                      "enum": [
                        "started",
                        "completed",
                        "failed",
                        "cancelled",
                        "reused"
                      ]
                    }
                    """#
            )
        ),
        (
            "StopReason",
            Schema(
                json: #"""
                    {
                      "title": "StopReason",
                      "description": "Why a run ended: `end_turn` when it finished, `cancelled` when it was stopped with `run/cancel` (then `output` is the partial output). Runs stopped by a cancel notification are answered with error -32800 or not at all.",
                      "type": "string",
                      "enum": [
                        "end_turn",
                        "cancelled"
                      ]
                    }
                    """#
            )
        ),
        (
            "DurationMs",
            Schema(
                json: #"""
                    {
                      "title": "DurationMs",
                      "description": "Elapsed wall-clock time in milliseconds.",
                      "type": "integer",
                      "minimum": 0
                    }
                    """#
            )
        ),
        (
            "TimeoutMs",
            Schema(
                json: #"""
                    {
                      "title": "TimeoutMs",
                      "description": "A time limit in milliseconds, from 1 ms to 24 hours.",
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 86400000
                    }
                    """#
            )
        ),
        (
            "Budget",
            Schema(
                json: #"""
                    {
                      "title": "Budget",
                      "description": "Limits on what one run spends; members left out come from the agent's or workflow's `limits.budget` in config. The first limit reached stops the run at once (its token stream is cut, no further agent or model call starts) and answers -32011. Each member must be a number in range, else -32602 names it (e.g. `params.budget.maxCostUsd`).",
                      "type": "object",
                      "additionalProperties": false,
                      "properties": {
                        "maxCostUsd": {
                          "type": "number",
                          "minimum": 0,
                          "description": "US dollars the priced model calls may cost together (at most nine decimal places); checked as each call ends and before a priced call starts."
                        },
                        "maxOutputTokens": {
                          "type": "integer",
                          "minimum": 1,
                          "description": "Output tokens over all steps: counted from the stream while a call runs, then as the server reported them."
                        },
                        "maxModelCalls": {
                          "type": "integer",
                          "minimum": 1,
                          "description": "Model requests: one per agent call plus one per tool round trip."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "StreamOptions",
            Schema(
                json: #"""
                    {
                      "title": "StreamOptions",
                      "description": "Which run notifications are sent. Given to `initialize` it sets the connection's defaults (starting from all on except `traces`, no coalescing); given to a run-starting request it overrides them for that run, member by member. `run/started` and the response are always sent. Unknown members are refused with -32602.",
                      "type": "object",
                      "additionalProperties": false,
                      "properties": {
                        "tokens": {
                          "type": "boolean",
                          "default": true,
                          "description": "Send `run/token`."
                        },
                        "thinking": {
                          "type": "boolean",
                          "default": true,
                          "description": "Send `run/thinking`."
                        },
                        "steps": {
                          "type": "boolean",
                          "default": true,
                          "description": "Send `run/step`."
                        },
                        "progress": {
                          "type": "boolean",
                          "default": true,
                          "description": "Send `run/progress`."
                        },
                        "heartbeat": {
                          "type": "boolean",
                          "default": true,
                          "description": "Send `run/heartbeat`."
                        },
                        "tokenCoalesceMs": {
                          "type": "integer",
                          "minimum": 0,
                          "maximum": 60000,
                          "default": 0,
                          "description": "Above 0, consecutive tokens of a step are merged and sent at most this often (milliseconds), as one `run/token` with the `seq` of the last token merged. 0 sends every token."
                        },
                        "traces": {
                          "type": "boolean",
                          "default": false,
                          "description": "Send `run/trace` for every finished span of the run (off unless asked for)."
                        }
                      },
                      "examples": [
                        {
                          "tokens": false
                        },
                        {
                          "thinking": false,
                          "tokenCoalesceMs": 50
                        }
                      ]
                    }
                    """#
            )
        ),
    ]
}
