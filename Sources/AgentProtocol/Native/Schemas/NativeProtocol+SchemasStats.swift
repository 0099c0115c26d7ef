import JSONCore

extension NativeProtocol {
    /// Shared schemas: sessions and statistics.
    static let schemasStats: [(name: String, schema: Schema)] = [
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
    ]
}
