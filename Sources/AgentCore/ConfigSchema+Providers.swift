extension ConfigSchema {
    /// Service limits, the providers' settings, and tools.
    static let definitionsOfLimitsProvidersAndTools: [(name: String, json: String)] = [
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
                  "description": "The model name sent with each request, unless a request names another (`model`).",
                  "type": "string"
                },
                "models": {
                  "description": "The models a request's `model` (or an ACP client's model option) may choose; without it any model may be named. ACP clients get a `model` session config option listing them.",
                  "type": "array",
                  "items": {
                    "type": "string",
                    "minLength": 1
                  },
                  "uniqueItems": true
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
                "mcpServers": {
                  "description": "Names of MCP servers (from the top-level `mcpServers`) whose tools the model may call, as `<server>__<tool>`.",
                  "type": "array",
                  "items": {
                    "$ref": "#/$defs/name"
                  }
                },
                "toolChoice": {
                  "description": "`auto`, `required`, `none`, or the name of one of the agent's tools (`<server>__<tool>` for an MCP server's) to force on the first request (small models often call tools only when forced).",
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
                  "description": "The program and its arguments. The program runs in `cwd` (by default the config file's directory), so relative paths among the arguments (`my_model.py`) and a program path holding a `/` (`./model.sh`, `bin/model`) are taken relative to it; a bare program name (`python3`) is looked up on PATH.",
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
                },
                "cwd": {
                  "description": "The program's working directory; a relative path is taken relative to the config file's directory. Default: the config file's directory. It must exist when the file is loaded.",
                  "type": "string",
                  "minLength": 1
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
                  "description": "The program and its arguments; `{{param}}` in an element is replaced by that argument (strings as they are, other values as JSON). The program runs in `cwd` (by default the config file's directory), so relative paths among the arguments and a program path holding a `/` (`./scripts/lint.sh`) are taken relative to it; a bare program name (`grep`) is looked up on PATH.",
                  "type": "array",
                  "minItems": 1,
                  "items": {
                    "type": "string"
                  }
                },
                "cwd": {
                  "description": "The program's working directory; a relative path is taken relative to the config file's directory. Default: the config file's directory. It must exist when the file is loaded.",
                  "type": "string",
                  "minLength": 1
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
        (
            "mcpServer",
            #"""
            {
              "title": "MCP server",
              "description": "An MCP server (protocol 2025-06-18 or later): a program started on first use and spoken to on its stdin and stdout (`command`), or a running server reached with the Streamable HTTP transport (`url`). Its stderr goes to AgentWire's log at debug level.",
              "type": "object",
              "additionalProperties": false,
              "oneOf": [
                {
                  "required": [
                    "command"
                  ]
                },
                {
                  "required": [
                    "url"
                  ]
                }
              ],
              "properties": {
                "type": {
                  "description": "The transport; implied by `command` (stdio) or `url` (http) when omitted.",
                  "enum": [
                    "stdio",
                    "http",
                    "streamable-http"
                  ]
                },
                "command": {
                  "description": "stdio: the program (looked up on PATH unless it holds a `/`; a relative path is taken from `cwd`).",
                  "type": "string",
                  "minLength": 1
                },
                "args": {
                  "description": "stdio: the program's arguments.",
                  "type": "array",
                  "items": {
                    "type": "string"
                  }
                },
                "env": {
                  "description": "stdio: extra environment variables.",
                  "type": "object",
                  "additionalProperties": {
                    "type": "string"
                  }
                },
                "cwd": {
                  "description": "stdio: the program's working directory; a relative path is taken relative to the config file's directory. Default: the config file's directory. It must exist when the file is loaded.",
                  "type": "string",
                  "minLength": 1
                },
                "url": {
                  "description": "http: the server's MCP endpoint, e.g. `http://127.0.0.1:8000/mcp`.",
                  "type": "string",
                  "pattern": "^https?://"
                },
                "headers": {
                  "description": "http: extra request headers (e.g. `Authorization`).",
                  "type": "object",
                  "additionalProperties": {
                    "type": "string"
                  }
                },
                "permission": {
                  "description": "For every tool of the server: `allow` runs at once; `ask` sends the client `permission/request` (ACP: `session/request_permission`) and waits for its answer; `deny` refuses.",
                  "enum": [
                    "allow",
                    "ask",
                    "deny"
                  ],
                  "default": "ask"
                },
                "tools": {
                  "description": "The only tools of the server offered to models (by their names on the server). Default: every tool it lists.",
                  "type": "array",
                  "items": {
                    "type": "string"
                  }
                },
                "timeoutMs": {
                  "description": "Limit for one tool call; past it the call is cancelled on the server (`notifications/cancelled`) and the model gets an error result.",
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 3600000,
                  "default": 60000
                },
                "startTimeoutMs": {
                  "description": "Limit for starting the server: its `initialize` handshake, and each `tools/list`. A server that does not start in time offers no tools to that run (a call to one of its tools gets the reason) and is tried again, with backoff, when a later run needs it.",
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 3600000,
                  "default": 30000
                },
                "askTimeoutMs": {
                  "description": "How long to wait for the client's answer to a permission request before rejecting the call.",
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 3600000,
                  "default": 60000
                },
                "maxOutputBytes": {
                  "description": "A result's text beyond this many bytes is cut, and marked as cut.",
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 16777216,
                  "default": 65536
                }
              }
            }
            """#
        ),
    ]
}
