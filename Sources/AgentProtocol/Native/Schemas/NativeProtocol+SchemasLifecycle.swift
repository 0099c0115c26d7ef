import JSONCore

extension NativeProtocol {
    /// Shared schemas: `initialize` and its capabilities.
    static let schemasLifecycle: [(name: String, schema: Schema)] = [
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
    ]
}
