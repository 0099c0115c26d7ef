import JSONCore

extension NativeProtocol {
    /// Shared schemas: the `data` of the errors of runs and lookups.
    static let schemasNotFound: [(name: String, schema: Schema)] = [
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
                      "description": "`data` of error -32001 when a session request (`session/prompt`, `session/close`, `session/fork`, `session/get`, `session/delete`) names an unknown session.",
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
    ]
}
