extension ConfigSchema {
    /// The shared definitions (`$defs`), in the document's order.
    static var definitions: [(name: String, json: String)] {
        definitionsOfAgentsAndWorkflows + definitionsOfLimitsProvidersAndTools
    }

    /// Names, agents, workflows and their parts.
    static let definitionsOfAgentsAndWorkflows: [(name: String, json: String)] = [
        (
            "name",
            #"""
            {
              "description": "Agent and workflow names use ASCII letters, digits, underscore, dot and hyphen.",
              "type": "string",
              "pattern": "^[A-Za-z0-9_.-]+$"
            }
            """#
        ),
        (
            "agent",
            #"""
            {
              "title": "Agent",
              "description": "One agent: the provider that produces its output, and optionally a description, instructions and limits.",
              "type": "object",
              "additionalProperties": false,
              "required": [
                "provider"
              ],
              "properties": {
                "description": {
                  "description": "Human-readable description, reported by `agents/list` (an empty string when omitted).",
                  "type": "string"
                },
                "provider": {
                  "$ref": "#/$defs/provider"
                },
                "systemPrompt": {
                  "description": "Instructions given to the provider before the conversation (an empty string when omitted). The `echo` provider ignores them.",
                  "type": "string"
                },
                "limits": {
                  "$ref": "#/$defs/agentLimits"
                },
                "outputSchema": {
                  "$ref": "#/$defs/outputSchema"
                }
              }
            }
            """#
        ),
        (
            "agentLimits",
            #"""
            {
              "title": "Agent limits",
              "description": "Limits of one agent.",
              "type": "object",
              "additionalProperties": false,
              "properties": {
                "timeoutMs": {
                  "description": "Limit for each call of this agent, in milliseconds (no limit when omitted). Inside a workflow the smaller of this and the workflow's `stepTimeoutMs` applies. A call past it fails its step with `timed out after N ms`.",
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 86400000
                },
                "contextWindow": {
                  "description": "The model's context window, in tokens. ACP clients show each turn's usage against it (`usage_update`). When omitted, `echo` agents have 8192; `openai` and `command` agents have none, and ACP clients then get no `usage_update`. A workflow has the smallest window of its agents (none if one of them has none).",
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 100000000
                },
                "budget": {
                  "$ref": "#/$defs/budget"
                }
              }
            }
            """#
        ),
        (
            "budget",
            #"""
            {
              "title": "Budget",
              "description": "What one run may spend. The first limit reached stops the run at once: its token stream is cut, no further agent or model call starts, and the request is answered with error -32011 Budget exceeded (ACP: `maxOutputTokens` ends the turn with `max_tokens`, `maxModelCalls` with `max_turn_requests`). In config it is the default of an agent's or workflow's runs; a request's own `budget` replaces it member by member.",
              "type": "object",
              "additionalProperties": false,
              "properties": {
                "maxCostUsd": {
                  "description": "The most the run's model calls may cost together, in US dollars (at most nine decimal places). Only calls whose model has a price in `pricing` count; the check runs as each call ends (when its cost is known) and before each call starts.",
                  "type": "number",
                  "minimum": 0
                },
                "maxOutputTokens": {
                  "description": "The most output tokens the run may produce over all its steps: counted from the stream while a call runs, then as the server reported them. The token past the limit is not sent.",
                  "type": "integer",
                  "minimum": 1
                },
                "maxModelCalls": {
                  "description": "The most model requests the run may make: one per agent call, plus one per tool round trip.",
                  "type": "integer",
                  "minimum": 1
                }
              }
            }
            """#
        ),
        (
            "outputSchema",
            #"""
            {
              "title": "Output schema",
              "description": "A JSON Schema the final output must match. The `openai` provider asks the model for it (`response_format` `json_schema`, strict); other providers get it in their instructions (`command` also as AGENTWIRE_OUTPUT_SCHEMA). The output is parsed (a Markdown code fence around it is allowed) and validated; the result then carries `structuredOutput`. Output that is not JSON or breaks the schema fails the run with error -32012 Output does not match schema. Supported keywords: type, enum, const, properties, required, additionalProperties, patternProperties, items, prefixItems, minItems, maxItems, uniqueItems, minLength, maxLength, pattern, minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf, minProperties, maxProperties, allOf, anyOf, oneOf, not, $ref within the schema ($defs, definitions), with format as an annotation; others are ignored.",
              "type": [
                "object",
                "boolean"
              ]
            }
            """#
        ),
        (
            "modelPrice",
            #"""
            {
              "title": "Model price",
              "description": "USD prices of one model per million tokens. A call's cost is uncached input x inputPerMillion + cached input x cachedInputPerMillion + output x outputPerMillion, over a million, rounded to the nearest nano-dollar; it needs the input tokens the server reports.",
              "type": "object",
              "additionalProperties": false,
              "required": [
                "inputPerMillion",
                "outputPerMillion"
              ],
              "properties": {
                "inputPerMillion": {
                  "description": "USD per million input tokens.",
                  "type": "number",
                  "minimum": 0
                },
                "outputPerMillion": {
                  "description": "USD per million output tokens (reasoning included).",
                  "type": "number",
                  "minimum": 0
                },
                "cachedInputPerMillion": {
                  "description": "USD per million input tokens served from the prompt cache; `inputPerMillion` when omitted.",
                  "type": "number",
                  "minimum": 0
                }
              }
            }
            """#
        ),
        (
            "store",
            #"""
            {
              "title": "Run store",
              "description": "Where runs, their events and sessions are kept (see docs/OPERATIONS.md).",
              "type": "object",
              "additionalProperties": false,
              "required": [
                "url"
              ],
              "properties": {
                "url": {
                  "description": "A SQLite file path, `memory`, or a PostgreSQL URL `postgres://user:password@host:port/database?sslmode=prefer` (sslmode: disable, prefer, require, verify-full).",
                  "type": "string",
                  "minLength": 1
                },
                "leaseTimeoutMs": {
                  "description": "PostgreSQL: how long a server may miss its heartbeats before its running runs are marked interrupted by another server. Default 15000.",
                  "type": "integer",
                  "minimum": 1000,
                  "maximum": 3600000
                }
              }
            }
            """#
        ),
        (
            "provider",
            #"""
            {
              "title": "Provider",
              "description": "The provider that backs an agent: `echo`, `openai` or `command`.",
              "oneOf": [
                {
                  "$ref": "#/$defs/echoProvider"
                },
                {
                  "$ref": "#/$defs/openaiProvider"
                },
                {
                  "$ref": "#/$defs/commandProvider"
                }
              ]
            }
            """#
        ),
        (
            "workflow",
            #"""
            {
              "title": "Workflow",
              "description": "A named multi-agent workflow. `strategy` decides which members it takes: `sequential` takes `steps`; `parallel` takes `tasks` and `aggregate`; `hierarchical` takes `master`, `subAgents` and `aggregator`. Members of another strategy are refused. The same members (without `strategy` and `description`) are the params of the `coordinator/*` requests.",
              "type": "object",
              "additionalProperties": false,
              "required": [
                "strategy"
              ],
              "properties": {
                "description": {
                  "description": "Human-readable description, reported by `workflows/list` (an empty string when omitted).",
                  "type": "string"
                },
                "strategy": {
                  "description": "How the agents are combined: `sequential` (A -> B -> C, each on the previous output), `parallel` (A + B + C at once, outputs aggregated) or `hierarchical` (a master's output is split line by line into sub-tasks for the sub-agents, outputs aggregated).",
                  "type": "string",
                  "enum": [
                    "sequential",
                    "parallel",
                    "hierarchical"
                  ]
                },
                "onError": {
                  "description": "What a failing agent call does: `fail` cancels the other calls and fails the run with that step's error; `continue` records the failure and goes on with what succeeded (a failed sequential step is skipped; failed parallel tasks and sub-tasks are left out of the aggregation). A failing hierarchical master, or a failing aggregator agent, always fails the run.",
                  "type": "string",
                  "enum": [
                    "fail",
                    "continue"
                  ],
                  "default": "fail"
                },
                "timeoutMs": {
                  "description": "Limit for the whole workflow run, in milliseconds (no limit when omitted). A request's own `timeoutMs` applies if smaller. Past it the run fails with a timeout error carrying the partial output.",
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 86400000
                },
                "stepTimeoutMs": {
                  "description": "Limit for each agent call of the workflow, in milliseconds (no limit when omitted). The agent's own `limits.timeoutMs` applies if smaller.",
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 86400000
                },
                "limits": {
                  "description": "Limits of the workflow's runs beyond its timeouts.",
                  "type": "object",
                  "additionalProperties": false,
                  "properties": {
                    "budget": {
                      "$ref": "#/$defs/budget"
                    }
                  }
                },
                "outputSchema": {
                  "$ref": "#/$defs/outputSchema"
                },
                "steps": {
                  "description": "`sequential` only: the agents to call in order (step ids `1.1`, `1.2`, ...). The output is the last step's output.",
                  "type": "array",
                  "minItems": 1,
                  "items": {
                    "$ref": "#/$defs/sequentialStep"
                  }
                },
                "tasks": {
                  "description": "`parallel` only: the agents to run at once (step ids `1.1`, `1.2`, ...).",
                  "type": "array",
                  "minItems": 1,
                  "items": {
                    "$ref": "#/$defs/parallelTask"
                  }
                },
                "aggregate": {
                  "$ref": "#/$defs/aggregate",
                  "description": "`parallel` only: how the tasks' outputs become one. Default `concat`."
                },
                "master": {
                  "$ref": "#/$defs/agentRef",
                  "description": "`hierarchical` only: the planning agent (step `1.1`), run on the workflow input."
                },
                "subAgents": {
                  "description": "`hierarchical` only: the agents that share the master's output. Delegation rule: the master's output is split into lines and blank lines are dropped; line i (from 0) goes to sub-agent i mod n; each sub-agent gets its lines joined by newlines as one sub-task (steps `1.2`, `1.3`, ... in this order), and a sub-agent with no line is not called.",
                  "type": "array",
                  "minItems": 1,
                  "items": {
                    "$ref": "#/$defs/agentRef"
                  }
                },
                "aggregator": {
                  "$ref": "#/$defs/aggregate",
                  "description": "`hierarchical` only: how the sub-agents' outputs become one. Default `concat`."
                }
              },
              "allOf": [
                {
                  "if": {
                    "properties": {
                      "strategy": {
                        "const": "sequential"
                      }
                    },
                    "required": [
                      "strategy"
                    ]
                  },
                  "then": {
                    "required": [
                      "steps"
                    ],
                    "propertyNames": {
                      "enum": [
                        "description",
                        "strategy",
                        "onError",
                        "timeoutMs",
                        "stepTimeoutMs",
                        "steps"
                      ]
                    }
                  }
                },
                {
                  "if": {
                    "properties": {
                      "strategy": {
                        "const": "parallel"
                      }
                    },
                    "required": [
                      "strategy"
                    ]
                  },
                  "then": {
                    "required": [
                      "tasks"
                    ],
                    "propertyNames": {
                      "enum": [
                        "description",
                        "strategy",
                        "onError",
                        "timeoutMs",
                        "stepTimeoutMs",
                        "tasks",
                        "aggregate"
                      ]
                    }
                  }
                },
                {
                  "if": {
                    "properties": {
                      "strategy": {
                        "const": "hierarchical"
                      }
                    },
                    "required": [
                      "strategy"
                    ]
                  },
                  "then": {
                    "required": [
                      "master",
                      "subAgents"
                    ],
                    "propertyNames": {
                      "enum": [
                        "description",
                        "strategy",
                        "onError",
                        "timeoutMs",
                        "stepTimeoutMs",
                        "master",
                        "subAgents",
                        "aggregator"
                      ]
                    }
                  }
                }
              ]
            }
            """#
        ),
        (
            "sequentialStep",
            #"""
            {
              "title": "Sequential step",
              "description": "One step of a sequential workflow.",
              "type": "object",
              "additionalProperties": false,
              "required": [
                "agent"
              ],
              "properties": {
                "agent": {
                  "$ref": "#/$defs/name",
                  "description": "The agent to call."
                },
                "transform": {
                  "$ref": "#/$defs/template",
                  "description": "The step's input as a template. Default: the previous step's output (the workflow input for the first step); under `onError: \"continue\"` a failed step is skipped and `{{previous}}` stays the last good output."
                }
              }
            }
            """#
        ),
        (
            "parallelTask",
            #"""
            {
              "title": "Parallel task",
              "description": "One task of a parallel workflow.",
              "type": "object",
              "additionalProperties": false,
              "required": [
                "agent"
              ],
              "properties": {
                "agent": {
                  "$ref": "#/$defs/name",
                  "description": "The agent to call."
                },
                "input": {
                  "$ref": "#/$defs/template",
                  "description": "The task's input as a template. Default: the workflow input (`{{previous}}` is the workflow input here too)."
                }
              }
            }
            """#
        ),
        (
            "agentRef",
            #"""
            {
              "title": "Agent reference",
              "description": "An agent named in a workflow. Other members are ignored.",
              "type": "object",
              "required": [
                "agent"
              ],
              "properties": {
                "agent": {
                  "$ref": "#/$defs/name",
                  "description": "The agent."
                }
              }
            }
            """#
        ),
        (
            "aggregate",
            #"""
            {
              "title": "Aggregation",
              "description": "How the outputs of the branches that completed become one output, in branch order: `concat` joins them with a blank line; `list` makes a numbered list, one line per branch (`1. output`); `{\"agent\": NAME}` gives their concatenation to that agent, which runs as the last step, and its output is the result.",
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
                  "$ref": "#/$defs/agentRef"
                }
              ]
            }
            """#
        ),
        (
            "template",
            #"""
            {
              "title": "Template",
              "description": "Text with placeholders: `{{input}}` is the workflow input, `{{previous}}` the previous step's output. Spaces inside the braces are ignored (`{{ input }}`); any other placeholder, or `{{` without a closing `}}`, is refused when the file is loaded.",
              "type": "string",
              "pattern": "^(?:[^{]|\\{(?!\\{)|\\{\\{ *(?:i *n *p *u *t|p *r *e *v *i *o *u *s) *\\}\\})*$",
              "examples": [
                "reviewed: {{previous}}",
                "Question: {{input}}\nDraft answer: {{previous}}"
              ]
            }
            """#
        ),
    ]
}
