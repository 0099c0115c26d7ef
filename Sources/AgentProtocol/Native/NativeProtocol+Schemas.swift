import JSONCore
import JSONRPC

/// The native protocol's shared schemas, as the document's `components.schemas`.
extension NativeProtocol {
    public static let schemas: [(name: String, schema: Schema)] = [
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
                      "description": "Lifecycle status of a step. Each step is reported `started` once and later `completed`, `failed` or `cancelled` (stopped while it ran: the run was cancelled, timed out or reaped, or under `onError: \"fail\"` another branch failed).",
                      "type": "string",
                      "enum": [
                        "started",
                        "completed",
                        "failed",
                        "cancelled"
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
        (
            "OnError",
            Schema(
                json: #"""
                    {
                      "title": "OnError",
                      "description": "What a failing agent call does to a workflow: `fail` cancels the other calls and fails the run with that step's error; `continue` records the failure in `branches` and goes on with what succeeded.",
                      "type": "string",
                      "enum": [
                        "fail",
                        "continue"
                      ],
                      "default": "fail"
                    }
                    """#
            )
        ),
        (
            "Template",
            Schema(
                json: #"""
                    {
                      "title": "Template",
                      "description": "Text with placeholders: `{{input}}` is the workflow input, `{{previous}}` the previous step's output (in a parallel task, the workflow input too). Spaces inside the braces are ignored; any other placeholder, or a `{{` without `}}`, is refused.",
                      "type": "string",
                      "pattern": "^(?:[^{]|\\{(?!\\{)|\\{\\{ *(?:i *n *p *u *t|p *r *e *v *i *o *u *s) *\\}\\})*$",
                      "examples": [
                        "reviewed: {{previous}}",
                        "Question: {{input}}\nDraft: {{previous}}"
                      ]
                    }
                    """#
            )
        ),
        (
            "AgentRef",
            Schema(
                json: #"""
                    {
                      "title": "AgentRef",
                      "description": "An agent named in a workflow. Other members are ignored.",
                      "type": "object",
                      "required": [
                        "agent"
                      ],
                      "properties": {
                        "agent": {
                          "$ref": "#/components/schemas/AgentName"
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "SequentialStep",
            Schema(
                json: #"""
                    {
                      "title": "SequentialStep",
                      "description": "One step of a sequential workflow. Other members are refused.",
                      "type": "object",
                      "additionalProperties": false,
                      "required": [
                        "agent"
                      ],
                      "properties": {
                        "agent": {
                          "$ref": "#/components/schemas/AgentName"
                        },
                        "transform": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Template"
                            }
                          ],
                          "description": "The step's input. Default: the previous step's output (the workflow input for the first step)."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "ParallelTask",
            Schema(
                json: #"""
                    {
                      "title": "ParallelTask",
                      "description": "One task of a parallel workflow. Other members are refused.",
                      "type": "object",
                      "additionalProperties": false,
                      "required": [
                        "agent"
                      ],
                      "properties": {
                        "agent": {
                          "$ref": "#/components/schemas/AgentName"
                        },
                        "input": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Template"
                            }
                          ],
                          "description": "The task's input. Default: the workflow input."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "Aggregate",
            Schema(
                json: #"""
                    {
                      "title": "Aggregate",
                      "description": "How the outputs of the branches that completed become one output, in branch order: `concat` joins them with a blank line; `list` makes a numbered list, one line per branch (`1. output`); `{\"agent\": NAME}` gives their concatenation to that agent (run as the last step) and its output is the result.",
                      "default": "concat",
                      "oneOf": [
                        {
                          "type": "string",
                          "enum": [
                            "concat",
                            "list"
                          ]
                        },
                        {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/AgentRef"
                            }
                          ],
                          "description": "An aggregator agent."
                        }
                      ]
                    }
                    """#
            )
        ),
        (
            "ClientInfo",
            Schema(
                json: #"""
                    {
                      "title": "ClientInfo",
                      "description": "Name and version of the client.",
                      "type": "object",
                      "properties": {
                        "name": {
                          "type": "string",
                          "description": "Client name."
                        },
                        "version": {
                          "type": "string",
                          "description": "Client version."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "ClientCapabilities",
            Schema(
                json: #"""
                    {
                      "title": "ClientCapabilities",
                      "description": "Capabilities the client announces. No client capabilities are defined yet; the object is accepted and may be empty.",
                      "type": "object"
                    }
                    """#
            )
        ),
        (
            "ServerInfo",
            Schema(
                json: #"""
                    {
                      "title": "ServerInfo",
                      "description": "Name and version of the server.",
                      "type": "object",
                      "required": [
                        "name",
                        "version"
                      ],
                      "properties": {
                        "name": {
                          "type": "string",
                          "const": "agentwire",
                          "description": "Always `agentwire`."
                        },
                        "version": {
                          "type": "string",
                          "description": "Server version, e.g. `0.2.0`."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "ServerCapabilities",
            Schema(
                json: #"""
                    {
                      "title": "ServerCapabilities",
                      "description": "What the server supports.",
                      "type": "object",
                      "required": [
                        "agents",
                        "workflows",
                        "sessions",
                        "runs",
                        "stream",
                        "framing",
                        "store"
                      ],
                      "properties": {
                        "agents": {
                          "type": "boolean",
                          "const": true,
                          "description": "The server serves agents (`agents/list`, `agent/run`)."
                        },
                        "workflows": {
                          "type": "object",
                          "description": "The server runs workflows (`workflows/list`, `workflow/run`, `coordinator/*`).",
                          "required": [
                            "strategies"
                          ],
                          "properties": {
                            "strategies": {
                              "type": "array",
                              "description": "The coordinator strategies supported.",
                              "items": {
                                "$ref": "#/components/schemas/StrategyName"
                              },
                              "uniqueItems": true,
                              "examples": [
                                [
                                  "sequential",
                                  "parallel",
                                  "hierarchical"
                                ]
                              ]
                            }
                          }
                        },
                        "sessions": {
                          "type": "boolean",
                          "const": true,
                          "description": "The server keeps sessions (`session/new`, `session/prompt`, `session/close`)."
                        },
                        "runs": {
                          "type": "object",
                          "description": "Run-related capabilities.",
                          "required": [
                            "cancel"
                          ],
                          "properties": {
                            "cancel": {
                              "type": "array",
                              "description": "Methods that cancel a run.",
                              "items": {
                                "type": "string",
                                "enum": [
                                  "$/cancelRequest",
                                  "$/cancel_request",
                                  "notifications/cancelled",
                                  "run/cancel"
                                ]
                              },
                              "uniqueItems": true,
                              "examples": [
                                [
                                  "$/cancelRequest",
                                  "$/cancel_request",
                                  "notifications/cancelled",
                                  "run/cancel"
                                ]
                              ]
                            }
                          }
                        },
                        "stream": {
                          "type": "array",
                          "description": "The members `stream` understands (see `StreamOptions`).",
                          "items": {
                            "type": "string",
                            "enum": [
                              "tokens",
                              "thinking",
                              "steps",
                              "progress",
                              "heartbeat",
                              "traces",
                              "tokenCoalesceMs"
                            ]
                          },
                          "uniqueItems": true,
                          "examples": [
                            [
                              "tokens",
                              "thinking",
                              "steps",
                              "progress",
                              "heartbeat",
                              "traces",
                              "tokenCoalesceMs"
                            ]
                          ]
                        },
                        "framing": {
                          "type": "string",
                          "enum": [
                            "ndjson",
                            "content-length"
                          ],
                          "description": "The framing the server detected from the client's first byte and uses for its replies."
                        },
                        "store": {
                          "description": "Runs kept beyond their request (`run/status`, `run/get`, `run/list`, `run/events`, `run/delete`). `persistent` is false with `--store memory` (kept only while this process lives). Other processes on the same store see a run's writes within `flushIntervalMs`.",
                          "type": "object",
                          "required": [
                            "persistent",
                            "flushIntervalMs"
                          ],
                          "properties": {
                            "persistent": {
                              "type": "boolean"
                            },
                            "flushIntervalMs": {
                              "type": "integer",
                              "minimum": 1
                            }
                          }
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "InitializeResult",
            Schema(
                json: #"""
                    {
                      "title": "InitializeResult",
                      "description": "Answer to `initialize`.",
                      "type": "object",
                      "required": [
                        "protocolVersion",
                        "serverInfo",
                        "capabilities"
                      ],
                      "properties": {
                        "protocolVersion": {
                          "type": "string",
                          "const": "agentwire/1",
                          "description": "The protocol version the server speaks."
                        },
                        "serverInfo": {
                          "$ref": "#/components/schemas/ServerInfo"
                        },
                        "capabilities": {
                          "$ref": "#/components/schemas/ServerCapabilities"
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "EmptyObject",
            Schema(
                json: #"""
                    {
                      "title": "EmptyObject",
                      "description": "An empty JSON object, `{}`.",
                      "type": "object",
                      "additionalProperties": false
                    }
                    """#
            )
        ),
        (
            "AgentInfo",
            Schema(
                json: #"""
                    {
                      "title": "AgentInfo",
                      "description": "A configured agent.",
                      "type": "object",
                      "required": [
                        "name",
                        "description",
                        "provider"
                      ],
                      "properties": {
                        "name": {
                          "$ref": "#/components/schemas/AgentName"
                        },
                        "description": {
                          "type": "string",
                          "description": "The agent's description from the configuration (an empty string when it has none)."
                        },
                        "provider": {
                          "$ref": "#/components/schemas/ProviderType"
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "AgentsListResult",
            Schema(
                json: #"""
                    {
                      "title": "AgentsListResult",
                      "description": "Answer to `agents/list`.",
                      "type": "object",
                      "required": [
                        "agents"
                      ],
                      "properties": {
                        "agents": {
                          "type": "array",
                          "description": "All configured agents.",
                          "items": {
                            "$ref": "#/components/schemas/AgentInfo"
                          }
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "WorkflowInfo",
            Schema(
                json: #"""
                    {
                      "title": "WorkflowInfo",
                      "description": "A configured workflow.",
                      "type": "object",
                      "required": [
                        "name",
                        "description",
                        "strategy",
                        "agents",
                        "onError"
                      ],
                      "properties": {
                        "name": {
                          "$ref": "#/components/schemas/WorkflowName"
                        },
                        "description": {
                          "type": "string",
                          "description": "The workflow's description from the configuration (an empty string when it has none)."
                        },
                        "strategy": {
                          "$ref": "#/components/schemas/StrategyName"
                        },
                        "agents": {
                          "type": "array",
                          "description": "Every agent the workflow calls, in order of first appearance (master, sub-agents and aggregator included).",
                          "items": {
                            "$ref": "#/components/schemas/AgentName"
                          }
                        },
                        "onError": {
                          "$ref": "#/components/schemas/OnError"
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "WorkflowsListResult",
            Schema(
                json: #"""
                    {
                      "title": "WorkflowsListResult",
                      "description": "Answer to `workflows/list`.",
                      "type": "object",
                      "required": [
                        "workflows"
                      ],
                      "properties": {
                        "workflows": {
                          "type": "array",
                          "description": "All configured workflows.",
                          "items": {
                            "$ref": "#/components/schemas/WorkflowInfo"
                          }
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "Usage",
            Schema(
                json: #"""
                    {
                      "title": "Usage",
                      "description": "Token usage of a run.",
                      "type": "object",
                      "required": [
                        "outputTokens"
                      ],
                      "properties": {
                        "outputTokens": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Number of output tokens the run produced, over all its steps (counted before any coalescing)."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "AgentRunResult",
            Schema(
                json: #"""
                    {
                      "title": "AgentRunResult",
                      "description": "Answer to `agent/run` and `session/prompt`. A run stopped with `run/cancel` is also answered this way, with `stopReason: \"cancelled\"` and the partial output.",
                      "type": "object",
                      "required": [
                        "runId",
                        "agent",
                        "output",
                        "stopReason",
                        "usage",
                        "durationMs"
                      ],
                      "properties": {
                        "runId": {
                          "$ref": "#/components/schemas/RunId"
                        },
                        "agent": {
                          "$ref": "#/components/schemas/AgentName"
                        },
                        "output": {
                          "type": "string",
                          "description": "The agent's output (the partial output if the run was cancelled)."
                        },
                        "stopReason": {
                          "$ref": "#/components/schemas/StopReason"
                        },
                        "usage": {
                          "$ref": "#/components/schemas/Usage"
                        },
                        "durationMs": {
                          "$ref": "#/components/schemas/DurationMs"
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "BranchResult",
            Schema(
                json: #"""
                    {
                      "title": "BranchResult",
                      "description": "One agent call of a workflow run and how it ended.",
                      "type": "object",
                      "required": [
                        "stepId",
                        "agent",
                        "status",
                        "output",
                        "durationMs"
                      ],
                      "properties": {
                        "stepId": {
                          "$ref": "#/components/schemas/StepId"
                        },
                        "agent": {
                          "$ref": "#/components/schemas/AgentName"
                        },
                        "status": {
                          "type": "string",
                          "enum": [
                            "completed",
                            "failed",
                            "cancelled"
                          ],
                          "description": "How the call ended."
                        },
                        "output": {
                          "type": "string",
                          "description": "What the call produced (partial if it failed or was cancelled)."
                        },
                        "error": {
                          "type": "string",
                          "description": "Why the call failed; present when `status` is `failed`."
                        },
                        "durationMs": {
                          "$ref": "#/components/schemas/DurationMs"
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "WorkflowRunResult",
            Schema(
                json: #"""
                    {
                      "title": "WorkflowRunResult",
                      "description": "Answer to `coordinator/*` and `workflow/run`. A run stopped with `run/cancel` is also answered this way, with `stopReason: \"cancelled\"` and as `output` the output of every agent call so far, in start order, separated by blank lines.",
                      "type": "object",
                      "required": [
                        "runId",
                        "workflow",
                        "strategy",
                        "output",
                        "stopReason",
                        "usage",
                        "durationMs",
                        "branches"
                      ],
                      "properties": {
                        "runId": {
                          "$ref": "#/components/schemas/RunId"
                        },
                        "workflow": {
                          "$ref": "#/components/schemas/WorkflowName"
                        },
                        "strategy": {
                          "$ref": "#/components/schemas/StrategyName"
                        },
                        "output": {
                          "type": "string",
                          "description": "The workflow's output: the last sequential step's, or the aggregated one (the partial output if the run was cancelled)."
                        },
                        "stopReason": {
                          "$ref": "#/components/schemas/StopReason"
                        },
                        "usage": {
                          "$ref": "#/components/schemas/Usage"
                        },
                        "durationMs": {
                          "$ref": "#/components/schemas/DurationMs"
                        },
                        "branches": {
                          "type": "array",
                          "description": "Every agent call that ended, in the order the calls started (for parallel calls not necessarily `stepId` order). Under `onError: \"continue\"` failed calls appear here with their `error`.",
                          "items": {
                            "$ref": "#/components/schemas/BranchResult"
                          }
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "RunCancelResult",
            Schema(
                json: #"""
                    {
                      "title": "RunCancelResult",
                      "description": "Answer to `run/cancel`. `status: \"interrupted\"` is added when the run's process was gone and the run was marked interrupted instead.",
                      "type": "object",
                      "required": [
                        "cancelled"
                      ],
                      "properties": {
                        "cancelled": {
                          "type": "boolean",
                          "description": "`true` if a running run was cancelled (for a run of another live process: the cancel was requested through the store); `false` if the run is unknown or already finished."
                        },
                        "status": {
                          "type": "string",
                          "const": "interrupted",
                          "description": "Present when the run was left `running` by a process that is gone: it is now `interrupted`."
                        }
                      }
                    }
                    """#
            )
        ),
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
                      "description": "What a run runs: `agent` (`agent/run`, `agent/start`), `workflow` (`workflow/run`, `workflow/start`, `coordinator/*`) or `session` (a `session/prompt` turn).",
                      "type": "string",
                      "enum": [
                        "agent",
                        "workflow",
                        "session"
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
            "RunStartResult",
            Schema(
                json: #"""
                    {
                      "title": "RunStartResult",
                      "description": "Answer to `agent/start` and `workflow/start`: the run that was started. It is already in the run store.",
                      "type": "object",
                      "required": [
                        "runId"
                      ],
                      "properties": {
                        "runId": {
                          "$ref": "#/components/schemas/RunId"
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "RunInfo",
            Schema(
                json: #"""
                    {
                      "title": "RunInfo",
                      "description": "A run as the run store keeps it: answer to `run/status`, an entry of `run/list`, and the first members of `run/get`, sent in this member order. `agent` is present for agent runs and session turns, `workflow` and `strategy` for workflow runs; `endedAt` and `durationMs` once the run has ended.",
                      "type": "object",
                      "required": [
                        "runId",
                        "kind",
                        "status",
                        "live",
                        "startedAt",
                        "usage"
                      ],
                      "properties": {
                        "runId": {
                          "$ref": "#/components/schemas/RunId"
                        },
                        "kind": {
                          "$ref": "#/components/schemas/RunKind"
                        },
                        "agent": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/AgentName"
                            }
                          ],
                          "description": "The agent, for agent runs and session turns."
                        },
                        "workflow": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/WorkflowName"
                            }
                          ],
                          "description": "The workflow's name, for workflow runs (the strategy name for `coordinator/*` runs)."
                        },
                        "strategy": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/StrategyName"
                            }
                          ],
                          "description": "The workflow's strategy, for workflow runs."
                        },
                        "status": {
                          "$ref": "#/components/schemas/RunStatus"
                        },
                        "live": {
                          "type": "boolean",
                          "description": "Whether this process is running the run right now (`false` for a run of another process sharing the store, and for every finished run)."
                        },
                        "startedAt": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Timestamp"
                            }
                          ],
                          "description": "When the run started."
                        },
                        "endedAt": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Timestamp"
                            }
                          ],
                          "description": "When the run ended (for an interrupted run: when it was marked interrupted); absent while it is `running`."
                        },
                        "durationMs": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/DurationMs"
                            }
                          ],
                          "description": "`endedAt` minus `startedAt` as the store keeps them (to the millisecond; may differ slightly from the `durationMs` of the run's result); absent while it is `running`."
                        },
                        "usage": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Usage"
                            }
                          ],
                          "description": "Output tokens, recorded when the run ends: 0 while it runs, and for failed and interrupted runs."
                        }
                      },
                      "allOf": [
                        {
                          "if": {
                            "properties": {
                              "kind": {
                                "enum": [
                                  "agent",
                                  "session"
                                ]
                              }
                            },
                            "required": [
                              "kind"
                            ]
                          },
                          "then": {
                            "required": [
                              "agent"
                            ]
                          }
                        },
                        {
                          "if": {
                            "properties": {
                              "kind": {
                                "const": "workflow"
                              }
                            },
                            "required": [
                              "kind"
                            ]
                          },
                          "then": {
                            "required": [
                              "workflow",
                              "strategy"
                            ]
                          }
                        },
                        {
                          "if": {
                            "properties": {
                              "status": {
                                "const": "running"
                              }
                            },
                            "required": [
                              "status"
                            ]
                          },
                          "else": {
                            "required": [
                              "endedAt",
                              "durationMs"
                            ]
                          }
                        }
                      ]
                    }
                    """#
            )
        ),
        (
            "RunError",
            Schema(
                json: #"""
                    {
                      "title": "RunError",
                      "description": "The error that ended a failed run: the code and message its request was (or would have been) answered with.",
                      "type": "object",
                      "required": [
                        "code",
                        "message"
                      ],
                      "properties": {
                        "code": {
                          "type": "integer",
                          "description": "The JSON-RPC error code, e.g. -32005 for a timeout or -32010 for a provider failure."
                        },
                        "message": {
                          "type": "string",
                          "description": "The error's message."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "RunStepState",
            Schema(
                json: #"""
                    {
                      "title": "RunStepState",
                      "description": "A step of a stored run: the params of its last recorded `run/step` notification without `runId` and `seq`.",
                      "type": "object",
                      "required": [
                        "stepId",
                        "status",
                        "name",
                        "agent"
                      ],
                      "properties": {
                        "stepId": {
                          "$ref": "#/components/schemas/StepId"
                        },
                        "status": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/StepStatus"
                            }
                          ],
                          "description": "The step's last recorded status; `started` if its end was not recorded (the run is still going, or was interrupted)."
                        },
                        "name": {
                          "type": "string",
                          "description": "Human-readable step name."
                        },
                        "agent": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/AgentName"
                            }
                          ],
                          "description": "The agent running the step; for step `1` of a workflow run, the workflow's name."
                        },
                        "parentStepId": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/StepId"
                            }
                          ],
                          "description": "The enclosing step, for nested steps."
                        },
                        "strategy": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/StrategyName"
                            }
                          ],
                          "description": "The strategy of the workflow the step belongs to; absent in agent runs."
                        },
                        "durationMs": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/DurationMs"
                            }
                          ],
                          "description": "How long the step took; present once it ended."
                        },
                        "error": {
                          "type": "string",
                          "description": "Why the step failed; present with `failed`."
                        },
                        "usage": {
                          "$ref": "#/components/schemas/StepUsage",
                          "description": "Token counts of an `openai` agent call, once it ended."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "RunDetails",
            Schema(
                json: #"""
                    {
                      "title": "RunDetails",
                      "description": "Answer to `run/get`: the members of `RunInfo`, then `input`, `output`, `error` (failed runs), `sessionId` (session turns), `steps` and `eventCount`, in this member order.",
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/RunInfo"
                        }
                      ],
                      "type": "object",
                      "required": [
                        "input",
                        "output",
                        "steps",
                        "eventCount"
                      ],
                      "properties": {
                        "input": {
                          "type": "string",
                          "description": "The run's input."
                        },
                        "output": {
                          "type": [
                            "string",
                            "null"
                          ],
                          "description": "The run's output once it ended: the full output when `completed`, the partial output when `cancelled` or `failed` (possibly empty). `null` while it is `running` and for an `interrupted` run; its `run/token` events (`run/events`) hold what was produced."
                        },
                        "error": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/RunError"
                            }
                          ],
                          "description": "Present when the run `failed`."
                        },
                        "sessionId": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/SessionId"
                            }
                          ],
                          "description": "The session, for session turns."
                        },
                        "steps": {
                          "type": "array",
                          "items": {
                            "$ref": "#/components/schemas/RunStepState"
                          },
                          "description": "Every step the run reported, in the order the steps started, each in its last recorded state (rebuilt from the run's events)."
                        },
                        "eventCount": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "How many events the run has kept (what `run/events` from `afterSeq` 0 returns)."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "RunListResult",
            Schema(
                json: #"""
                    {
                      "title": "RunListResult",
                      "description": "Answer to `run/list`.",
                      "type": "object",
                      "required": [
                        "runs"
                      ],
                      "properties": {
                        "runs": {
                          "type": "array",
                          "items": {
                            "$ref": "#/components/schemas/RunInfo"
                          },
                          "description": "The runs of this page, newest first (by start time, then id)."
                        },
                        "nextCursor": {
                          "type": "string",
                          "description": "Present when more runs match: pass it as `cursor` for the next page. Opaque."
                        }
                      }
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
        (
            "RecordedEvent",
            Schema(
                json: #"""
                    {
                      "title": "RecordedEvent",
                      "description": "One event of a run as `run/events` returns it: the notification the run produced, with its `seq` repeated for convenience. `params` are exactly the notification's params (`runId` and `seq` included).",
                      "type": "object",
                      "required": [
                        "seq",
                        "method",
                        "params"
                      ],
                      "properties": {
                        "seq": {
                          "$ref": "#/components/schemas/Seq"
                        },
                        "method": {
                          "type": "string",
                          "enum": [
                            "run/started",
                            "run/step",
                            "run/token",
                            "run/thinking",
                            "run/progress",
                            "run/heartbeat",
                            "run/tool"
                          ],
                          "description": "The notification's method."
                        },
                        "params": {
                          "type": "object",
                          "description": "The notification's params."
                        }
                      },
                      "allOf": [
                        {
                          "if": {
                            "properties": {
                              "method": {
                                "const": "run/started"
                              }
                            },
                            "required": [
                              "method"
                            ]
                          },
                          "then": {
                            "properties": {
                              "params": {
                                "$ref": "#/components/schemas/RunStartedParams"
                              }
                            }
                          }
                        },
                        {
                          "if": {
                            "properties": {
                              "method": {
                                "const": "run/step"
                              }
                            },
                            "required": [
                              "method"
                            ]
                          },
                          "then": {
                            "properties": {
                              "params": {
                                "$ref": "#/components/schemas/RunStepParams"
                              }
                            }
                          }
                        },
                        {
                          "if": {
                            "properties": {
                              "method": {
                                "const": "run/token"
                              }
                            },
                            "required": [
                              "method"
                            ]
                          },
                          "then": {
                            "properties": {
                              "params": {
                                "$ref": "#/components/schemas/RunTokenParams"
                              }
                            }
                          }
                        },
                        {
                          "if": {
                            "properties": {
                              "method": {
                                "const": "run/thinking"
                              }
                            },
                            "required": [
                              "method"
                            ]
                          },
                          "then": {
                            "properties": {
                              "params": {
                                "$ref": "#/components/schemas/RunThinkingParams"
                              }
                            }
                          }
                        },
                        {
                          "if": {
                            "properties": {
                              "method": {
                                "const": "run/progress"
                              }
                            },
                            "required": [
                              "method"
                            ]
                          },
                          "then": {
                            "properties": {
                              "params": {
                                "$ref": "#/components/schemas/RunProgressParams"
                              }
                            }
                          }
                        },
                        {
                          "if": {
                            "properties": {
                              "method": {
                                "const": "run/heartbeat"
                              }
                            },
                            "required": [
                              "method"
                            ]
                          },
                          "then": {
                            "properties": {
                              "params": {
                                "$ref": "#/components/schemas/RunHeartbeatParams"
                              }
                            }
                          }
                        },
                        {
                          "if": {
                            "properties": {
                              "method": {
                                "const": "run/tool"
                              }
                            },
                            "required": [
                              "method"
                            ]
                          },
                          "then": {
                            "properties": {
                              "params": {
                                "$ref": "#/components/schemas/RunToolParams"
                              }
                            }
                          }
                        }
                      ]
                    }
                    """#
            )
        ),
        (
            "RunEventsPage",
            Schema(
                json: #"""
                    {
                      "title": "RunEventsPage",
                      "description": "Answer to `run/events` without `follow`.",
                      "type": "object",
                      "required": [
                        "runId",
                        "events",
                        "lastSeq",
                        "hasMore",
                        "status"
                      ],
                      "properties": {
                        "runId": {
                          "$ref": "#/components/schemas/RunId"
                        },
                        "events": {
                          "type": "array",
                          "items": {
                            "$ref": "#/components/schemas/RecordedEvent"
                          },
                          "description": "At most `limit` events with `seq` above `afterSeq`, in `seq` order."
                        },
                        "lastSeq": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "The `seq` of the last event in `events`, or `afterSeq` when it is empty: pass it as `afterSeq` to continue."
                        },
                        "hasMore": {
                          "type": "boolean",
                          "description": "Whether more events were already kept after this page. A running run may add events after a page with `hasMore: false`."
                        },
                        "status": {
                          "$ref": "#/components/schemas/RunEventStatus"
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "RunEventsFollowResult",
            Schema(
                json: #"""
                    {
                      "title": "RunEventsFollowResult",
                      "description": "Answer to `run/events` with `follow: true`, sent after the last event once the run has ended and its outcome is stored.",
                      "type": "object",
                      "required": [
                        "runId",
                        "followed",
                        "lastSeq",
                        "status"
                      ],
                      "properties": {
                        "runId": {
                          "$ref": "#/components/schemas/RunId"
                        },
                        "followed": {
                          "type": "boolean",
                          "const": true,
                          "description": "Always `true`: the events were sent as notifications."
                        },
                        "lastSeq": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "The `seq` of the last event sent by this follow, or `afterSeq` if none was."
                        },
                        "status": {
                          "$ref": "#/components/schemas/RunEventStatus"
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "RunDeleteResult",
            Schema(
                json: #"""
                    {
                      "title": "RunDeleteResult",
                      "description": "Answer to `run/delete`.",
                      "type": "object",
                      "required": [
                        "deleted"
                      ],
                      "properties": {
                        "deleted": {
                          "type": "boolean",
                          "description": "`true` when the run and its events were removed; `false` only if another request removed them at the same moment."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "SessionNewResult",
            Schema(
                json: #"""
                    {
                      "title": "SessionNewResult",
                      "description": "Answer to `session/new`.",
                      "type": "object",
                      "required": [
                        "sessionId",
                        "agent"
                      ],
                      "properties": {
                        "sessionId": {
                          "$ref": "#/components/schemas/SessionId"
                        },
                        "agent": {
                          "$ref": "#/components/schemas/AgentName"
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "SessionCloseResult",
            Schema(
                json: #"""
                    {
                      "title": "SessionCloseResult",
                      "description": "Answer to `session/close`.",
                      "type": "object",
                      "required": [
                        "closed"
                      ],
                      "properties": {
                        "closed": {
                          "type": "boolean",
                          "const": true,
                          "description": "Always `true`; an unknown session is an error instead."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "StatsEntry",
            Schema(
                json: #"""
                    {
                      "title": "StatsEntry",
                      "description": "Statistics of one agent (its calls) or one strategy (its workflow runs).",
                      "type": "object",
                      "required": [
                        "sinceStart",
                        "window"
                      ],
                      "properties": {
                        "sinceStart": {
                          "type": "object",
                          "description": "Since the server started or `stats/reset`.",
                          "required": [
                            "total",
                            "active",
                            "completed",
                            "failed",
                            "cancelled",
                            "reaped",
                            "successRate",
                            "avgDurationMs",
                            "tokens"
                          ],
                          "properties": {
                            "total": {
                              "type": "integer",
                              "minimum": 0,
                              "description": "Runs started."
                            },
                            "active": {
                              "type": "integer",
                              "minimum": 0,
                              "description": "Runs in flight."
                            },
                            "completed": {
                              "type": "integer",
                              "minimum": 0,
                              "description": "Runs that completed."
                            },
                            "failed": {
                              "type": "integer",
                              "minimum": 0,
                              "description": "Runs that failed."
                            },
                            "cancelled": {
                              "type": "integer",
                              "minimum": 0,
                              "description": "Runs that were cancelled."
                            },
                            "reaped": {
                              "type": "integer",
                              "minimum": 0,
                              "description": "Runs reaped as stale; they are also counted as `cancelled` (agents) or `failed` (strategies)."
                            },
                            "successRate": {
                              "type": "number",
                              "minimum": 0,
                              "maximum": 1,
                              "description": "Completed share of finished runs, 0 to 1 (1 when none has finished)."
                            },
                            "avgDurationMs": {
                              "type": "number",
                              "minimum": 0,
                              "description": "Mean duration of finished runs (0 when none has finished)."
                            },
                            "tokens": {
                              "type": "integer",
                              "minimum": 0,
                              "description": "Output tokens of finished runs."
                            }
                          }
                        },
                        "window": {
                          "type": "object",
                          "description": "Over the most recent finished runs (at most `windowSize`).",
                          "required": [
                            "runs",
                            "completed",
                            "failed",
                            "cancelled",
                            "successRate",
                            "avgDurationMs",
                            "p50DurationMs",
                            "p95DurationMs",
                            "p99DurationMs",
                            "tokens"
                          ],
                          "properties": {
                            "runs": {
                              "type": "integer",
                              "minimum": 0,
                              "description": "Finished runs in the window."
                            },
                            "completed": {
                              "type": "integer",
                              "minimum": 0,
                              "description": "Of which completed."
                            },
                            "failed": {
                              "type": "integer",
                              "minimum": 0,
                              "description": "Of which failed."
                            },
                            "cancelled": {
                              "type": "integer",
                              "minimum": 0,
                              "description": "Of which cancelled."
                            },
                            "successRate": {
                              "type": "number",
                              "minimum": 0,
                              "maximum": 1,
                              "description": "Completed share of the window, 0 to 1 (1 when it is empty)."
                            },
                            "avgDurationMs": {
                              "type": "number",
                              "minimum": 0,
                              "description": "Mean duration (0 when empty)."
                            },
                            "p50DurationMs": {
                              "type": "integer",
                              "minimum": 0,
                              "description": "Median duration (nearest rank; 0 when empty)."
                            },
                            "p95DurationMs": {
                              "type": "integer",
                              "minimum": 0,
                              "description": "95th percentile duration (nearest rank; 0 when empty)."
                            },
                            "p99DurationMs": {
                              "type": "integer",
                              "minimum": 0,
                              "description": "99th percentile duration (nearest rank; 0 when empty)."
                            },
                            "tokens": {
                              "type": "integer",
                              "minimum": 0,
                              "description": "Output tokens of the window's runs."
                            }
                          }
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "StatsResult",
            Schema(
                json: #"""
                    {
                      "title": "StatsResult",
                      "description": "Answer to `stats/get`.",
                      "type": "object",
                      "required": [
                        "agents",
                        "activeRuns",
                        "windowSize",
                        "since"
                      ],
                      "properties": {
                        "agents": {
                          "type": "object",
                          "description": "Per agent that has been called, by name (only the requested one when `agent` was given).",
                          "propertyNames": {
                            "pattern": "^[A-Za-z0-9_.-]+$"
                          },
                          "additionalProperties": {
                            "$ref": "#/components/schemas/StatsEntry"
                          }
                        },
                        "strategies": {
                          "type": "object",
                          "description": "Per strategy that has run, by name; left out when `agent` was given.",
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
                        },
                        "activeRuns": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Runs in flight on this connection."
                        },
                        "windowSize": {
                          "type": "integer",
                          "minimum": 1,
                          "description": "Finished runs kept for the rolling window (`limits.statsWindow`)."
                        },
                        "since": {
                          "type": "string",
                          "format": "date-time",
                          "description": "When counting started (server start or the last `stats/reset`), ISO 8601 in UTC."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "StatsResetResult",
            Schema(
                json: #"""
                    {
                      "title": "StatsResetResult",
                      "description": "Answer to `stats/reset`.",
                      "type": "object",
                      "required": [
                        "reset"
                      ],
                      "properties": {
                        "reset": {
                          "type": "boolean",
                          "const": true,
                          "description": "Always `true`."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "RunStartedParams",
            RunStartedNotification.Params.objectSchema(
                title: "RunStartedParams",
                description:
                    #"Params of the `run/started` notification: `agent` for agent runs and session turns, `workflow` and `strategy` for workflow runs."#,
                extra: Schema(
                    json: #"""
                        {
                          "oneOf": [
                            {
                              "required": [
                                "agent"
                              ],
                              "not": {
                                "anyOf": [
                                  {
                                    "required": [
                                      "workflow"
                                    ]
                                  },
                                  {
                                    "required": [
                                      "strategy"
                                    ]
                                  }
                                ]
                              }
                            },
                            {
                              "required": [
                                "workflow",
                                "strategy"
                              ],
                              "not": {
                                "required": [
                                  "agent"
                                ]
                              }
                            }
                          ]
                        }
                        """#
                ).json.objectValue ?? [:]
            )
        ),
        (
            "RunStepParams",
            RunStepNotification.Params.objectSchema(
                title: "RunStepParams",
                description:
                    #"Params of the `run/step` notification. `durationMs` is present when `status` is not `started`; `error` when it is `failed`; `strategy` in workflow runs; `parentStepId` for a workflow's agent calls."#,
                extra: Schema(
                    json: #"""
                        {
                          "allOf": [
                            {
                              "if": {
                                "properties": {
                                  "status": {
                                    "enum": [
                                      "completed",
                                      "failed",
                                      "cancelled"
                                    ]
                                  }
                                },
                                "required": [
                                  "status"
                                ]
                              },
                              "then": {
                                "required": [
                                  "durationMs"
                                ]
                              }
                            },
                            {
                              "if": {
                                "properties": {
                                  "status": {
                                    "const": "failed"
                                  }
                                },
                                "required": [
                                  "status"
                                ]
                              },
                              "then": {
                                "required": [
                                  "error"
                                ]
                              }
                            }
                          ]
                        }
                        """#
                ).json.objectValue ?? [:]
            )
        ),
        (
            "RunTokenParams",
            RunTokenNotification.Params.objectSchema(
                title: "RunTokenParams",
                description: #"Params of the `run/token` notification, sent in this member order."#
            )
        ),
        (
            "RunThinkingParams",
            RunThinkingNotification.Params.objectSchema(
                title: "RunThinkingParams",
                description: #"Params of the `run/thinking` notification, sent in this member order."#
            )
        ),
        (
            "RunProgressParams",
            RunProgressNotification.Params.objectSchema(
                title: "RunProgressParams",
                description: #"Params of the `run/progress` notification."#
            )
        ),
        (
            "RunHeartbeatParams",
            RunHeartbeatNotification.Params.objectSchema(
                title: "RunHeartbeatParams",
                description: #"Params of the `run/heartbeat` notification."#
            )
        ),
        (
            "MethodNotFoundData",
            Schema(
                json: #"""
                    {
                      "title": "MethodNotFoundData",
                      "description": "`data` of error -32601.",
                      "type": "object",
                      "required": [
                        "method"
                      ],
                      "properties": {
                        "method": {
                          "type": "string",
                          "description": "The method name that was not found."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "DetailData",
            Schema(
                json: #"""
                    {
                      "title": "DetailData",
                      "description": "`data` of errors -32700, -32600 and -32603.",
                      "type": "object",
                      "required": [
                        "detail"
                      ],
                      "properties": {
                        "detail": {
                          "type": "string",
                          "description": "What went wrong."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "InvalidParamsData",
            Schema(
                json: #"""
                    {
                      "title": "InvalidParamsData",
                      "description": "`data` of error -32602.",
                      "type": "object",
                      "required": [
                        "field",
                        "detail"
                      ],
                      "properties": {
                        "field": {
                          "type": "string",
                          "description": "Path of the offending field, e.g. `params.agent`, `params.stream.tokens` or `params.steps[0].transform`."
                        },
                        "detail": {
                          "type": "string",
                          "description": "What is wrong with it."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "RequestCancelledData",
            Schema(
                json: #"""
                    {
                      "title": "RequestCancelledData",
                      "description": "`data` of error -32800: `partialOutput` for a cancelled run, `lastSeq` for a cancelled `run/events` follow.",
                      "type": "object",
                      "required": [
                        "runId"
                      ],
                      "properties": {
                        "runId": {
                          "$ref": "#/components/schemas/RunId"
                        },
                        "partialOutput": {
                          "type": "string",
                          "description": "Output produced before the run was cancelled."
                        },
                        "lastSeq": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "The `seq` of the last event a cancelled follow sent (0 for none): pass it as `afterSeq` to resume."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "ErrorData",
            Schema(
                json: #"""
                    {
                      "title": "ErrorData",
                      "description": "Members of `data` common to AgentWire's errors about agents, workflows, sessions and runs (-32001, -32004, -32005, -32006, -32007, -32010), sent in this order and followed by the members of the error's kind in alphabetical order.",
                      "type": "object",
                      "required": [
                        "retryable",
                        "suggestions"
                      ],
                      "properties": {
                        "runId": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/RunId"
                            }
                          ],
                          "description": "The run, when one had started."
                        },
                        "stepId": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/StepId"
                            }
                          ],
                          "description": "The step that caused the error, where one did."
                        },
                        "retryable": {
                          "type": "boolean",
                          "description": "Whether sending the same request again may succeed (after a wait, or once the busy session or the server is free)."
                        },
                        "suggestions": {
                          "type": "array",
                          "items": {
                            "type": "string"
                          },
                          "description": "Short sentences a UI can show, e.g. `Call agents/list to see the configured agents.` (may be empty)."
                        },
                        "partialOutput": {
                          "type": "string",
                          "description": "Output produced before the error (every agent call so far, in start order, separated by blank lines); present when a run had started, possibly empty."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "AgentNotFoundData",
            Schema(
                json: #"""
                    {
                      "title": "AgentNotFoundData",
                      "description": "`data` of error -32001 when a request names an unknown agent (`agent/run`, `session/new`, `coordinator/*`).",
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/ErrorData"
                        }
                      ],
                      "type": "object",
                      "required": [
                        "agent",
                        "available"
                      ],
                      "properties": {
                        "agent": {
                          "type": "string",
                          "description": "The requested agent name."
                        },
                        "available": {
                          "type": "array",
                          "items": {
                            "$ref": "#/components/schemas/AgentName"
                          },
                          "description": "Names of the configured agents."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "WorkflowNotFoundData",
            Schema(
                json: #"""
                    {
                      "title": "WorkflowNotFoundData",
                      "description": "`data` of error -32001 when `workflow/run` names an unknown workflow.",
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/ErrorData"
                        }
                      ],
                      "type": "object",
                      "required": [
                        "workflow",
                        "available"
                      ],
                      "properties": {
                        "workflow": {
                          "type": "string",
                          "description": "The requested workflow name."
                        },
                        "available": {
                          "type": "array",
                          "items": {
                            "$ref": "#/components/schemas/WorkflowName"
                          },
                          "description": "Names of the configured workflows."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "SessionNotFoundData",
            Schema(
                json: #"""
                    {
                      "title": "SessionNotFoundData",
                      "description": "`data` of error -32001 when `session/prompt` or `session/close` names an unknown session.",
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/ErrorData"
                        }
                      ],
                      "type": "object",
                      "required": [
                        "sessionId"
                      ],
                      "properties": {
                        "sessionId": {
                          "type": "string",
                          "description": "The requested session id."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "RunNotFoundData",
            Schema(
                json: #"""
                    {
                      "title": "RunNotFoundData",
                      "description": "`data` of error -32001 when a request names a run the store does not keep (`run/status`, `run/get`, `run/events`, `run/delete`): never kept, deleted, or pruned. `runId` comes after `suggestions`.",
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/ErrorData"
                        }
                      ],
                      "type": "object",
                      "required": [
                        "runId"
                      ],
                      "properties": {
                        "runId": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/RunId"
                            }
                          ],
                          "description": "The requested run id."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "NotFoundData",
            Schema(
                json: #"""
                    {
                      "title": "NotFoundData",
                      "description": "`data` of error -32001 Not found.",
                      "oneOf": [
                        {
                          "$ref": "#/components/schemas/AgentNotFoundData"
                        },
                        {
                          "$ref": "#/components/schemas/WorkflowNotFoundData"
                        },
                        {
                          "$ref": "#/components/schemas/SessionNotFoundData"
                        },
                        {
                          "$ref": "#/components/schemas/RunNotFoundData"
                        }
                      ]
                    }
                    """#
            )
        ),
        (
            "SessionBusyData",
            Schema(
                json: #"""
                    {
                      "title": "SessionBusyData",
                      "description": "`data` of error -32004 Session busy: the session already has a turn in flight (`retryable` is true).",
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/ErrorData"
                        }
                      ],
                      "type": "object",
                      "required": [
                        "sessionId"
                      ],
                      "properties": {
                        "sessionId": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/SessionId"
                            }
                          ],
                          "description": "The busy session."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "TimeoutData",
            Schema(
                json: #"""
                    {
                      "title": "TimeoutData",
                      "description": "`data` of error -32005 Timeout (`retryable` is true). Without `stepId` the whole run ran out of time (its `timeoutMs`, or the workflow's) or, with `reason: \"stale\"`, was reaped; with `stepId` that agent call passed its limit (`stepTimeoutMs` or the agent's `limits.timeoutMs`).",
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/ErrorData"
                        }
                      ],
                      "type": "object",
                      "required": [
                        "runId",
                        "partialOutput"
                      ],
                      "properties": {
                        "reason": {
                          "type": "string",
                          "enum": [
                            "stale"
                          ],
                          "description": "`stale` when the run was reaped after `limits.staleAfterSeconds` without an event."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "RateLimitedData",
            Schema(
                json: #"""
                    {
                      "title": "RateLimitedData",
                      "description": "`data` of error -32006 Rate limited (`retryable` is true).",
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/ErrorData"
                        }
                      ],
                      "type": "object",
                      "required": [
                        "retryAfterMs",
                        "limit"
                      ],
                      "properties": {
                        "retryAfterMs": {
                          "type": "integer",
                          "minimum": 1,
                          "description": "Milliseconds until a run may start again."
                        },
                        "limit": {
                          "type": "integer",
                          "minimum": 1,
                          "description": "`limits.requestsPerMinute`."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "OverloadedData",
            Schema(
                json: #"""
                    {
                      "title": "OverloadedData",
                      "description": "`data` of error -32007 Overloaded (`retryable` is true).",
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/ErrorData"
                        }
                      ],
                      "type": "object",
                      "required": [
                        "limit"
                      ],
                      "properties": {
                        "limit": {
                          "type": "integer",
                          "minimum": 1,
                          "description": "`limits.maxConcurrentRuns`."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "ProviderFailureData",
            Schema(
                json: #"""
                    {
                      "title": "ProviderFailureData",
                      "description": "`data` of error -32010 Provider failure: an agent call failed. For `openai` and `command` agents `retryable`, `suggestions` and the extra members (`status` and `body` for HTTP errors, `url` and `attempts` when the server cannot be reached, `exitStatus` and `stderr` for a failed program) come from the provider.",
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/ErrorData"
                        }
                      ],
                      "type": "object",
                      "required": [
                        "runId",
                        "stepId",
                        "partialOutput"
                      ],
                      "properties": {
                        "status": {
                          "type": "integer",
                          "description": "The HTTP status the model server answered with."
                        },
                        "body": {
                          "type": "string",
                          "description": "The start of the model server's error body."
                        },
                        "url": {
                          "type": "string",
                          "description": "The model server that could not be reached."
                        },
                        "attempts": {
                          "type": "integer",
                          "minimum": 1,
                          "description": "How many times the call was tried."
                        },
                        "exitStatus": {
                          "type": "integer",
                          "description": "The exit status of a `command` agent's program."
                        },
                        "stderr": {
                          "type": "string",
                          "description": "The end of that program's standard error."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "MessageTooLargeData",
            Schema(
                json: #"""
                    {
                      "title": "MessageTooLargeData",
                      "description": "`data` of error -32002.",
                      "type": "object",
                      "required": [
                        "limit",
                        "size"
                      ],
                      "properties": {
                        "limit": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Maximum message size in bytes."
                        },
                        "size": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Size of the skipped message in bytes (as far as it was read)."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "StepUsage",
            Schema(
                json: #"""
                    {
                      "title": "StepUsage",
                      "description": "Tokens a model call read and wrote. `source` is `server` when the server reported the figures, `counted` when they were counted from the stream (then `promptTokens` is 0).",
                      "type": "object",
                      "required": [
                        "promptTokens",
                        "completionTokens",
                        "source"
                      ],
                      "properties": {
                        "promptTokens": {
                          "type": "integer",
                          "minimum": 0
                        },
                        "completionTokens": {
                          "type": "integer",
                          "minimum": 0
                        },
                        "source": {
                          "type": "string",
                          "enum": [
                            "server",
                            "counted"
                          ]
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "ToolStatus",
            Schema(
                json: #"""
                    {
                      "title": "ToolStatus",
                      "type": "string",
                      "enum": [
                        "started",
                        "completed",
                        "failed"
                      ]
                    }
                    """#
            )
        ),
        (
            "RunToolParams",
            RunToolNotification.Params.objectSchema(
                title: "RunToolParams",
                description: #"Params of the `run/tool` notification."#
            )
        ),
        (
            "PermissionOption",
            Schema(
                json: #"""
                    {
                      "title": "PermissionOption",
                      "type": "object",
                      "required": [
                        "optionId",
                        "name",
                        "kind"
                      ],
                      "properties": {
                        "optionId": {
                          "type": "string",
                          "enum": [
                            "allow_once",
                            "allow_always",
                            "reject"
                          ]
                        },
                        "name": {
                          "type": "string"
                        },
                        "kind": {
                          "type": "string",
                          "enum": [
                            "allow_once",
                            "allow_always",
                            "reject_once"
                          ]
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "PermissionResult",
            Schema(
                json: #"""
                    {
                      "title": "PermissionResult",
                      "description": "The client's choice: `{\"optionId\": \"allow_once\"}` (ACP's `{\"outcome\": {\"outcome\": \"selected\", \"optionId\": ...}}` is accepted too). Anything else rejects the call.",
                      "type": "object",
                      "properties": {
                        "optionId": {
                          "type": "string",
                          "enum": [
                            "allow_once",
                            "allow_always",
                            "reject"
                          ]
                        },
                        "outcome": {
                          "type": "object"
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "RequestMeta",
            Schema(
                json: #"""
                    {
                      "title": "RequestMeta",
                      "description": "Request metadata. `traceparent` and `tracestate` are a W3C trace context: the run's spans join that trace (its span becomes the parent of the run's span), and calls to model servers carry it on. A malformed `traceparent` is ignored, as the W3C specification asks, and the run starts a trace of its own; a non-string one is refused with -32602. Other members are ignored.",
                      "type": "object",
                      "properties": {
                        "traceparent": {
                          "type": "string",
                          "pattern": "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}",
                          "description": "W3C `traceparent`, e.g. `00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01`."
                        },
                        "tracestate": {
                          "type": "string",
                          "description": "W3C `tracestate`, passed on untouched."
                        }
                      },
                      "examples": [
                        {
                          "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                          "tracestate": "vendor=abc"
                        }
                      ]
                    }
                    """#
            )
        ),
        (
            "MetricsGetResult",
            Schema(
                json: #"""
                    {
                      "title": "MetricsGetResult",
                      "description": "The process's metrics in the Prometheus text exposition format (the same text `GET /metrics` serves with `--metrics-listen`). Without a metrics backend (`--no-telemetry`, or an embedding that gives none) `text` is a single comment line.",
                      "type": "object",
                      "required": [
                        "contentType",
                        "text"
                      ],
                      "properties": {
                        "contentType": {
                          "type": "string",
                          "description": "`text/plain; version=0.0.4; charset=utf-8`."
                        },
                        "text": {
                          "type": "string",
                          "description": "Prometheus text format: `stream_sessions_total{agent,status}`, `stream_chunks_sent_total{agent}`, `stream_session_duration_seconds{agent,status}`, `stream_sessions_active{agent}`, `coordinator_workflows_total{strategy,status}`, `coordinator_workflow_duration_seconds{strategy,status}`, `llm_calls_total{model,agent,status}`, `llm_tokens_used_total{model,agent,type}`, `llm_call_duration_seconds{model,agent,status}`, `agentwire_requests_total{method,status}`, `agentwire_request_duration_seconds{method}`, `agentwire_outbound_queue_bytes`."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "SpanAttributes",
            Schema(
                json: #"""
                    {
                      "title": "SpanAttributes",
                      "description": "A span's attributes in the order they were set: `agentwire.run_id`, `agentwire.agent`, `agentwire.workflow`, `agentwire.strategy`, `agentwire.step_id`, `agentwire.step_name`, `agentwire.status` (`completed`, `failed`, `cancelled`), `agentwire.input`, `agentwire.output`, `agentwire.error`, `gen_ai.system` (provider type), `gen_ai.request.model`, `gen_ai.usage.input_tokens`, `gen_ai.usage.output_tokens`; on `tool.call` spans `agentwire.tool`, `agentwire.tool_call_id`, `agentwire.tool.arguments` (compact JSON) and `agentwire.duration_ms`. Texts have secrets (API keys, Authorization values) masked as `[REDACTED]` and are cut to `--trace-attribute-limit` characters.",
                      "type": "object",
                      "additionalProperties": {
                        "type": [
                          "string",
                          "integer"
                        ]
                      }
                    }
                    """#
            )
        ),
        (
            "RunTraceParams",
            RunTraceNotification.Params.objectSchema(
                title: "RunTraceParams",
                description:
                    #"Params of the `run/trace` notification: one finished span, with the ids the OTLP exporter sends for it."#
            )
        ),
    ]
}
