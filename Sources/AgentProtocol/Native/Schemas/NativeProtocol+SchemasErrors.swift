import JSONCore

extension NativeProtocol {
    /// Shared schemas: the `data` of the protocol-level errors and the shared error data.
    static let schemasErrors: [(name: String, schema: Schema)] = [
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
                      "description": "Members of `data` common to AgentWire's errors about agents, workflows, sessions and runs (-32001, -32004, -32005, -32006, -32007, -32010, -32011, -32012), sent in this order and followed by the members of the error's kind in alphabetical order, then `usage`.",
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
                          "description": "Output produced before the error (every agent call so far, in step order, separated by blank lines); present when a run had started, possibly empty."
                        },
                        "usage": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Usage"
                            }
                          ],
                          "description": "What the run's model calls used and cost before it ended; present when a run had started and ended with this error."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "BudgetExceededData",
            Schema(
                json: #"""
                    {
                      "title": "BudgetExceededData",
                      "description": "`data` of error -32011: the common members (`ErrorData`), what the run spent, and the limit it reached. Never retryable: the same request would spend the same.",
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/ErrorData"
                        }
                      ],
                      "type": "object",
                      "required": [
                        "runId",
                        "partialOutput",
                        "spentUsd",
                        "outputTokens",
                        "modelCalls",
                        "limit"
                      ],
                      "properties": {
                        "spentUsd": {
                          "type": "number",
                          "minimum": 0,
                          "description": "What the run's priced model calls cost, in US dollars (0 when none had a price)."
                        },
                        "outputTokens": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Output tokens as the budget counted them."
                        },
                        "modelCalls": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Model requests the run made."
                        },
                        "limit": {
                          "type": "string",
                          "enum": [
                            "maxCostUsd",
                            "maxOutputTokens",
                            "maxModelCalls"
                          ],
                          "description": "The member of the budget the run reached."
                        },
                        "budget": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Budget"
                            }
                          ],
                          "description": "The run's budget: the request's, over the agent's or workflow's `limits.budget`."
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "OutputMismatchData",
            Schema(
                json: #"""
                    {
                      "title": "OutputMismatchData",
                      "description": "`data` of error -32012: the common members (`ErrorData`), with the raw output as `partialOutput` and what is wrong with it.",
                      "allOf": [
                        {
                          "$ref": "#/components/schemas/ErrorData"
                        }
                      ],
                      "type": "object",
                      "required": [
                        "partialOutput",
                        "errors"
                      ],
                      "properties": {
                        "errors": {
                          "type": "array",
                          "minItems": 1,
                          "description": "Every problem found (at most 100): `path` is a JSON path into the output (`$` for the whole, `$.items[0].name`), `message` what is wrong there (`not JSON: …` when it does not parse).",
                          "items": {
                            "type": "object",
                            "required": [
                              "path",
                              "message"
                            ],
                            "properties": {
                              "path": {
                                "type": "string"
                              },
                              "message": {
                                "type": "string"
                              }
                            }
                          }
                        }
                      }
                    }
                    """#
            )
        ),
    ]
}
