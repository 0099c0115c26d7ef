import JSONCore

/// The JSON Schema of the config file, kept beside the parser that reads the file: the members each
/// object may have are read from here by ``ConfigParser``, so the file a user writes against the schema
/// and the file the parser accepts are the same (`agentwire schema config` prints it; the committed
/// schemas/config.schema.json is that output).
public enum ConfigSchema {
    /// The whole document: the top level, then the shared definitions.
    public static let document: JSONValue = {
        guard case .object(var top) = JSONValue(json: topLevel) else {
            preconditionFailure("the config schema is an object")
        }
        top["$defs"] = .object(JSONObject(definitions.map { (key: $0.name, value: JSONValue(json: $0.json)) }))
        // `$defs` before the examples, as readers expect.
        if let examples = top["examples"] {
            top["examples"] = nil
            top["examples"] = examples
        }
        return .object(top)
    }()

    /// The document's text: two-space indentation, a final newline.
    public static var text: String { document.prettyText + "\n" }

    /// The members an object of the shared definition `name` may have (`agent`, `limits`, …), or of the
    /// top level when `name` is `nil`: what the parser accepts there.
    public static func members(of name: String? = nil) -> [String] {
        let schema = name.map { document["$defs"]?[$0] } ?? document
        return schema?["properties"]?.objectValue?.keys ?? []
    }

    static let topLevel = #"""
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "https://agentwire.dev/schemas/config.schema.json",
          "title": "AgentWire configuration",
          "description": "Configuration file for the AgentWire JSON-RPC agent service: the agents it serves, named workflows that combine them, and service limits. Without `--config PATH` the server reads `./agentwire.json`, else `$XDG_CONFIG_HOME/agentwire/config.json` (`~/.config/agentwire/config.json` when XDG_CONFIG_HOME is unset), else uses only the built-in agents and workflows. The file is merged over the built-in configuration: an agent or workflow with a built-in name replaces it, others are added. Every problem stops the server at start with the file, the JSON path (e.g. `$.workflows.review.steps[0].agent`) and what was expected. Beyond this schema, the server checks that every agent a workflow names exists (built in or in this file).",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "$schema": {
              "description": "URI of the JSON Schema this file follows, for editor completion and validation; ignored by the server.",
              "type": "string"
            },
            "agents": {
              "description": "The agents the server offers, keyed by agent name. The name is what clients pass as `agent` to `agent/run`, `session/new` and in workflows, and what `agents/list` reports. They are added to the built-in agents (`echo`, `echo-slow`, `echo-thinking`, `echo-history`); an entry with a built-in name replaces that agent.",
              "type": "object",
              "propertyNames": {
                "$ref": "#/$defs/name"
              },
              "additionalProperties": {
                "$ref": "#/$defs/agent"
              }
            },
            "workflows": {
              "description": "Named workflows, keyed by workflow name: what clients pass as `workflow` to `workflow/run` and what `workflows/list` reports. They are added to the built-in workflows (`pipeline`, `fanout`, `delegate`); an entry with a built-in name replaces that workflow.",
              "type": "object",
              "propertyNames": {
                "$ref": "#/$defs/name"
              },
              "additionalProperties": {
                "$ref": "#/$defs/workflow"
              }
            },
            "limits": {
              "$ref": "#/$defs/limits"
            },
            "store": {
              "description": "The run store, used when neither `--store` nor the AGENTWIRE_STORE environment variable names one: a SQLite file path, `memory`, or a PostgreSQL URL (`postgres://user:password@host:port/database?sslmode=prefer`), or an object with that `url` and options. Several servers given the same PostgreSQL URL share runs, sessions and cancellation. The default is the SQLite file $XDG_STATE_HOME/agentwire/agentwire.sqlite.",
              "oneOf": [
                {
                  "type": "string",
                  "minLength": 1
                },
                {
                  "$ref": "#/$defs/store"
                }
              ]
            },
            "pricing": {
              "description": "USD prices per million tokens, keyed by model name (the `model` an `openai` agent or a request names). Each model call of a priced model gets a cost (`usage.costUsd`, summed for workflows and sessions, `llm_cost_dollars_total`, `stats/get`); models without a price get none, never a wrong 0.",
              "type": "object",
              "additionalProperties": {
                "$ref": "#/$defs/modelPrice"
              }
            },
            "tools": {
              "description": "Tools models may call, keyed by name; an `openai` agent lists the ones it offers in `provider.tools`.",
              "type": "object",
              "propertyNames": {
                "$ref": "#/$defs/name"
              },
              "additionalProperties": {
                "$ref": "#/$defs/tool"
              }
            },
            "mcpServers": {
              "description": "MCP servers whose tools models may call, keyed by name, in the shape Claude Desktop, Cursor and VS Code use. An `openai` agent enables servers by name in `provider.mcpServers`; their tools reach the model as `<server>__<tool>`. A server starts when a run first needs it and is kept for later runs; one that crashes is restarted with backoff; all are stopped when the service stops.",
              "type": "object",
              "propertyNames": {
                "$ref": "#/$defs/name"
              },
              "additionalProperties": {
                "$ref": "#/$defs/mcpServer"
              }
            }
          },
          "examples": [
            {
              "$schema": "https://agentwire.dev/schemas/config.schema.json",
              "agents": {
                "writer": {
                  "description": "Drafts an answer.",
                  "provider": {
                    "type": "echo",
                    "delayMs": 5
                  },
                  "systemPrompt": "Answer briefly.",
                  "limits": {
                    "timeoutMs": 30000
                  }
                },
                "reviewer": {
                  "description": "Reviews a draft and shows its reasoning.",
                  "provider": {
                    "type": "echo",
                    "thinking": true
                  }
                },
                "chat": {
                  "description": "Remembers the conversation.",
                  "provider": {
                    "type": "echo",
                    "history": true
                  }
                }
              },
              "workflows": {
                "review": {
                  "description": "writer drafts, reviewer reviews the draft.",
                  "strategy": "sequential",
                  "steps": [
                    {
                      "agent": "writer"
                    },
                    {
                      "agent": "reviewer",
                      "transform": "Question: {{input}}\nDraft: {{previous}}"
                    }
                  ],
                  "onError": "fail",
                  "timeoutMs": 120000
                },
                "opinions": {
                  "description": "writer and reviewer on the same input at once, merged by chat.",
                  "strategy": "parallel",
                  "tasks": [
                    {
                      "agent": "writer"
                    },
                    {
                      "agent": "reviewer",
                      "input": "Critique: {{input}}"
                    }
                  ],
                  "aggregate": {
                    "agent": "chat"
                  },
                  "onError": "continue",
                  "stepTimeoutMs": 10000
                },
                "plan": {
                  "description": "writer plans one sub-task per line; writer and reviewer share them.",
                  "strategy": "hierarchical",
                  "master": {
                    "agent": "writer"
                  },
                  "subAgents": [
                    {
                      "agent": "writer"
                    },
                    {
                      "agent": "reviewer"
                    }
                  ],
                  "aggregator": "list"
                }
              },
              "limits": {
                "maxConcurrentRuns": 16,
                "requestsPerMinute": 120,
                "heartbeatSeconds": 10,
                "staleAfterSeconds": 120,
                "statsWindow": 500
              }
            }
          ]
        }
        """#
}
