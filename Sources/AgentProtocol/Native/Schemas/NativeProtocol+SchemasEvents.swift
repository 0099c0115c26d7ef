import JSONCore

extension NativeProtocol {
    /// Shared schemas: listing runs (`run/list`), recorded events (`run/events`) and deleting runs.
    static let schemasEvents: [(name: String, schema: Schema)] = [
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
    ]
}
