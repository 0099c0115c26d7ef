import JSONCore

extension NativeProtocol {
    /// Shared schemas: runs as the store keeps them (`run/status`, `run/get`).
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
    ]
}
