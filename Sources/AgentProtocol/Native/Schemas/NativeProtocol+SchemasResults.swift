import JSONCore

extension NativeProtocol {
    /// Shared schemas: what listing and running answer.
    static let schemasResults: [(name: String, schema: Schema)] = [
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
                      "description": "Answer to `coordinator/*` and `workflow/run`. A run stopped with `run/cancel` is also answered this way, with `stopReason: \"cancelled\"` and as `output` the output of every agent call so far, in step order, separated by blank lines.",
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
    ]
}
