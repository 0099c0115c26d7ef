extension ConfigSchema {
    /// The shared definitions (`$defs`), in the document's order.
    static let definitions: [(name: String, json: String)] = [
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
        (
            "limits",
            #"""
            {
              "title": "Limits",
              "description": "Limits of the service. Every one has a default.",
              "type": "object",
              "additionalProperties": false,
              "properties": {
                "maxConcurrentRuns": {
                  "description": "Runs in flight at once; a run-starting request beyond it is refused with error -32007 Overloaded.",
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 100000,
                  "default": 64
                },
                "requestsPerMinute": {
                  "description": "Runs that may start per minute (a sliding 60-second window); one more is refused with error -32006 Rate limited and `data.retryAfterMs`. No limit when omitted.",
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 1000000
                },
                "heartbeatSeconds": {
                  "description": "Seconds between `run/heartbeat` notifications while a run is active (fractions allowed).",
                  "type": "number",
                  "exclusiveMinimum": 0,
                  "maximum": 86400,
                  "default": 15
                },
                "staleAfterSeconds": {
                  "description": "A run with no event (heartbeats do not count) for this many seconds is reaped: cancelled and answered with error -32005 Timeout, `data.reason: \"stale\"` (fractions allowed).",
                  "type": "number",
                  "exclusiveMinimum": 0,
                  "maximum": 86400,
                  "default": 300
                },
                "statsWindow": {
                  "description": "Finished runs kept per agent and per strategy for the rolling window of `stats/get`.",
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 1000000,
                  "default": 1000
                }
              }
            }
            """#
        ),
        (
            "echoProvider",
            #"""
            {
              "title": "Echo provider",
              "type": "object",
              "additionalProperties": false,
              "required": [
                "type"
              ],
              "properties": {
                "type": {
                  "const": "echo",
                  "description": "Streams its input back word by word, each token a word and the whitespace after it; deterministic and offline."
                },
                "delayMs": {
                  "description": "Milliseconds to wait before each token.",
                  "type": "integer",
                  "minimum": 0,
                  "maximum": 3600000,
                  "default": 0
                },
                "thinking": {
                  "description": "First emit one line of reasoning (`run/thinking`) saying what the reply will be.",
                  "type": "boolean",
                  "default": false
                },
                "history": {
                  "description": "Answer with every user input of the session so far, one per line, ending with this one (shows multi-turn behaviour in `session/prompt`).",
                  "type": "boolean",
                  "default": false
                }
              }
            }
            """#
        ),
        (
            "openaiProvider",
            #"""
            {
              "title": "OpenAI-compatible provider",
              "description": "A server speaking the OpenAI chat-completions API with Server-Sent Events: llama.cpp's server, Ollama, vLLM, OpenAI. Replies stream as `run/token`; a stream must end with `data: [DONE]`.",
              "type": "object",
              "additionalProperties": false,
              "required": [
                "type",
                "baseURL",
                "model"
              ],
              "properties": {
                "type": {
                  "const": "openai"
                },
                "baseURL": {
                  "description": "The API root; requests go to `<baseURL>/chat/completions` (e.g. `http://127.0.0.1:8080/v1`).",
                  "type": "string",
                  "pattern": "^https?://"
                },
                "model": {
                  "description": "The model name sent with each request.",
                  "type": "string"
                },
                "apiKeyEnv": {
                  "description": "Name of the environment variable holding the API key, sent as `Authorization: Bearer`. The key itself never goes in config.",
                  "type": "string"
                },
                "temperature": {
                  "type": "number",
                  "minimum": 0,
                  "maximum": 2
                },
                "maxTokens": {
                  "description": "`max_tokens` of each request.",
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 1000000
                },
                "headers": {
                  "description": "Extra request headers.",
                  "type": "object",
                  "additionalProperties": {
                    "type": "string"
                  }
                },
                "timeoutSeconds": {
                  "description": "Limit for connecting and for any silence while a reply streams.",
                  "type": "number",
                  "exclusiveMinimum": 0,
                  "maximum": 86400,
                  "default": 60
                },
                "retries": {
                  "description": "Extra attempts, with backoff, when the server cannot be reached before any token has streamed.",
                  "type": "integer",
                  "minimum": 0,
                  "maximum": 10,
                  "default": 2
                },
                "tools": {
                  "description": "Names of tools (from the top-level `tools`) the model may call.",
                  "type": "array",
                  "items": {
                    "$ref": "#/$defs/name"
                  }
                },
                "toolChoice": {
                  "description": "`auto`, `required`, `none`, or the name of one of the agent's tools to force on the first request (small models often call tools only when forced).",
                  "type": "string"
                },
                "maxTurns": {
                  "description": "Model requests per agent call at most; each tool round trip takes one more.",
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 100,
                  "default": 4
                }
              }
            }
            """#
        ),
        (
            "commandProvider",
            #"""
            {
              "title": "Command provider",
              "description": "A local program run per call without a shell: the input on its stdin, its stdout streamed as tokens as it arrives. A non-zero exit is a provider failure with the tail of stderr; cancelling the run kills the program. The agent's system prompt is in the environment variable `AGENTWIRE_SYSTEM_PROMPT`.",
              "type": "object",
              "additionalProperties": false,
              "required": [
                "type",
                "argv"
              ],
              "properties": {
                "type": {
                  "const": "command"
                },
                "argv": {
                  "description": "The program (looked up on PATH) and its arguments.",
                  "type": "array",
                  "minItems": 1,
                  "items": {
                    "type": "string"
                  }
                },
                "env": {
                  "description": "Extra environment variables.",
                  "type": "object",
                  "additionalProperties": {
                    "type": "string"
                  }
                }
              }
            }
            """#
        ),
        (
            "tool",
            #"""
            {
              "title": "Tool",
              "description": "A program a model may call, run without a shell.",
              "type": "object",
              "additionalProperties": false,
              "required": [
                "command"
              ],
              "properties": {
                "description": {
                  "type": "string",
                  "description": "Told to the model."
                },
                "command": {
                  "description": "The program and its arguments; `{{param}}` in an element is replaced by that argument (strings as they are, other values as JSON).",
                  "type": "array",
                  "minItems": 1,
                  "items": {
                    "type": "string"
                  }
                },
                "parameters": {
                  "description": "JSON Schema (type object) of the arguments, offered to the model and checked before the tool runs (`type`, `properties`, `required`, `additionalProperties`, `items`, `enum`, `const`, `minimum`, `maximum`, `minLength`, `maxLength`, `minItems`, `maxItems`).",
                  "type": "object"
                },
                "permission": {
                  "description": "`allow` runs at once; `ask` sends the client `permission/request` and waits for its answer; `deny` refuses.",
                  "enum": [
                    "allow",
                    "ask",
                    "deny"
                  ],
                  "default": "ask"
                },
                "timeoutMs": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 3600000,
                  "default": 10000
                },
                "maxOutputBytes": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 16777216,
                  "default": 16384
                },
                "askTimeoutMs": {
                  "description": "How long to wait for the client's answer before rejecting the call.",
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 3600000,
                  "default": 60000
                }
              }
            }
            """#
        ),
    ]
}
