import JSONCore

extension NativeProtocol {
    /// Shared schemas: usage, tool calls, permission questions, request metadata and spans.
    static let schemasTools: [(name: String, schema: Schema)] = [
        (
            "ToolStatus",
            Schema(
                json: #"""
                    {
                      "title": "ToolStatus",
                      "type": "string",
                      "enum": [
                        "started",
                        "progress",
                        "completed",
                        "failed"
                      ]
                    }
                    """#
            )
        ),
        (
            "RunToolParams",
            RunToolNotification.Params.objectSchema(
                title: "RunToolParams",
                description: #"Params of the `run/tool` notification."#
            )
        ),
        (
            "PermissionOption",
            Schema(
                json: #"""
                    {
                      "title": "PermissionOption",
                      "type": "object",
                      "required": [
                        "optionId",
                        "name",
                        "kind"
                      ],
                      "properties": {
                        "optionId": {
                          "type": "string",
                          "enum": [
                            "allow_once",
                            "allow_always",
                            "reject"
                          ]
                        },
                        "name": {
                          "type": "string"
                        },
                        "kind": {
                          "type": "string",
                          "enum": [
                            "allow_once",
                            "allow_always",
                            "reject_once"
                          ]
                        }
                      }
                    }
                    """#
            )
        ),
        (
            "RequestMeta",
            Schema(
                json: #"""
                    {
                      "title": "RequestMeta",
                      "description": "Request metadata. `traceparent` and `tracestate` are a W3C trace context: the run's spans join that trace (its span becomes the parent of the run's span), and calls to model servers carry it on. A malformed `traceparent` is ignored, as the W3C specification asks, and the run starts a trace of its own; a non-string one is refused with -32602. Other members are ignored.",
                      "type": "object",
                      "properties": {
                        "traceparent": {
                          "type": "string",
                          "pattern": "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}",
                          "description": "W3C `traceparent`, e.g. `00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01`."
                        },
                        "tracestate": {
                          "type": "string",
                          "description": "W3C `tracestate`, passed on untouched."
                        }
                      },
                      "examples": [
                        {
                          "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                          "tracestate": "vendor=abc"
                        }
                      ]
                    }
                    """#
            )
        ),
        (
            "SpanAttributes",
            Schema(
                json: #"""
                    {
                      "title": "SpanAttributes",
                      "description": "A span's attributes in the order they were set: `agentwire.run_id`, `agentwire.agent`, `agentwire.workflow`, `agentwire.strategy`, `agentwire.step_id`, `agentwire.step_name`, `agentwire.status` (`completed`, `failed`, `cancelled`), `agentwire.input`, `agentwire.output`, `agentwire.error`, `gen_ai.system` (provider type), `gen_ai.request.model`, `gen_ai.usage.input_tokens`, `gen_ai.usage.output_tokens`; on `tool.call` spans `agentwire.tool`, `agentwire.tool_call_id`, `agentwire.tool.arguments` (compact JSON) and `agentwire.duration_ms`. Texts have secrets (API keys, Authorization values) masked as `[REDACTED]` and are cut to `--trace-attribute-limit` characters.",
                      "type": "object",
                      "additionalProperties": {
                        "type": [
                          "string",
                          "integer"
                        ]
                      }
                    }
                    """#
            )
        ),
        (
            "RunTraceParams",
            RunTraceNotification.Params.objectSchema(
                title: "RunTraceParams",
                description:
                    #"Params of the `run/trace` notification: one finished span, with the ids the OTLP exporter sends for it."#
            )
        ),
    ]
}
