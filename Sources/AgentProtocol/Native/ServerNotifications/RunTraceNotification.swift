import JSONCore
import JSONRPC

/// A span of the run finished.
public enum RunTraceNotification: NotificationType {
    public static let method = "run/trace"
    public static let direction = Direction.serverNotification
    public static let summary = #"A span of the run finished."#
    public static let description = #"""
        Sent to clients that asked for traces (stream option `traces`, at `initialize` or per request) as each span ends: one `agent.run` or `workflow.run` span per run, a `step` span per step (parented as the step tree), an `llm.call` span per model call inside its step, a `tool.call` span per tool call inside the model call that asked for it. The run's own span comes last, and every span arrives before the run's response. Takes a `seq` like every run notification (spans are not kept for `run/events`). The ids are the ones exported over OTLP with `--otlp-endpoint`.
        """#
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "run/trace",
                "params": [
                  {
                    "name": "runId",
                    "value": "run_3f2a9c1e7b4d5a60"
                  },
                  {
                    "name": "seq",
                    "value": 7
                  },
                  {
                    "name": "traceId",
                    "value": "4bf92f3577b34da6a3ce929d0e0e4736"
                  },
                  {
                    "name": "spanId",
                    "value": "53995c3f42cd8ad8"
                  },
                  {
                    "name": "parentSpanId",
                    "value": "00f067aa0ba902b7"
                  },
                  {
                    "name": "name",
                    "value": "agent.run"
                  },
                  {
                    "name": "startTimeUnixNano",
                    "value": 1763780000000000000
                  },
                  {
                    "name": "endTimeUnixNano",
                    "value": 1763780000004000000
                  },
                  {
                    "name": "attributes",
                    "value": {
                      "agentwire.run_id": "run_3f2a9c1e7b4d5a60",
                      "agentwire.agent": "echo",
                      "agentwire.input": "hello world",
                      "agentwire.status": "completed",
                      "gen_ai.usage.output_tokens": 2,
                      "agentwire.output": "hello world"
                    }
                  },
                  {
                    "name": "status",
                    "value": {
                      "code": "ok"
                    }
                  }
                ]
              }
            ]
            """#
    )

    public struct Params: ParamsType {
        public static let members: [Member] = [
            Member(
                "runId",
                required: true,
                schema: .ref("RunId")
            ),
            Member(
                "seq",
                required: true,
                schema: .ref("Seq")
            ),
            Member(
                "traceId",
                required: true,
                schema: Schema(
                    json: #"""
                        {
                          "type": "string",
                          "pattern": "^[0-9a-f]{32}$"
                        }
                        """#
                )
            ),
            Member(
                "spanId",
                required: true,
                schema: Schema(
                    json: #"""
                        {
                          "type": "string",
                          "pattern": "^[0-9a-f]{16}$"
                        }
                        """#
                )
            ),
            Member(
                "parentSpanId",
                required: true,
                schema: Schema(
                    json: #"""
                        {
                          "type": [
                            "string",
                            "null"
                          ],
                          "pattern": "^[0-9a-f]{16}$",
                          "description": "The parent span: a step's or the run's, or for the run's own span the client's (`_meta.traceparent`); null for a run that started its own trace."
                        }
                        """#
                )
            ),
            Member(
                "name",
                required: true,
                schema: Schema(
                    json: #"""
                        {
                          "type": "string",
                          "enum": [
                            "agent.run",
                            "workflow.run",
                            "step",
                            "llm.call",
                            "tool.call"
                          ]
                        }
                        """#
                )
            ),
            Member(
                "startTimeUnixNano",
                required: true,
                schema: Schema(
                    json: #"""
                        {
                          "type": "integer",
                          "minimum": 0
                        }
                        """#
                )
            ),
            Member(
                "endTimeUnixNano",
                required: true,
                schema: Schema(
                    json: #"""
                        {
                          "type": "integer",
                          "minimum": 0
                        }
                        """#
                )
            ),
            Member(
                "attributes",
                required: true,
                schema: .ref("SpanAttributes")
            ),
            Member(
                "status",
                required: true,
                schema: Schema(
                    json: #"""
                        {
                          "type": "object",
                          "required": [
                            "code"
                          ],
                          "properties": {
                            "code": {
                              "type": "string",
                              "enum": [
                                "unset",
                                "ok",
                                "error"
                              ]
                            },
                            "message": {
                              "type": "string"
                            }
                          }
                        }
                        """#
                )
            ),
        ]

        public var runId: String
        public var seq: Int64
        public var traceId: String
        public var spanId: String
        public var parentSpanId: JSONValue
        public var name: String
        public var startTimeUnixNano: Int64
        public var endTimeUnixNano: Int64
        public var attributes: JSONValue
        public var status: JSONValue

        public init(
            runId: String,
            seq: Int64,
            traceId: String,
            spanId: String,
            parentSpanId: JSONValue,
            name: String,
            startTimeUnixNano: Int64,
            endTimeUnixNano: Int64,
            attributes: JSONValue,
            status: JSONValue
        ) {
            self.runId = runId
            self.seq = seq
            self.traceId = traceId
            self.spanId = spanId
            self.parentSpanId = parentSpanId
            self.name = name
            self.startTimeUnixNano = startTimeUnixNano
            self.endTimeUnixNano = endTimeUnixNano
            self.attributes = attributes
            self.status = status
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            runId = try reader.string("runId")
            seq = try reader.integer("seq")
            traceId = try reader.string("traceId")
            spanId = try reader.string("spanId")
            parentSpanId = try reader.value("parentSpanId")
            name = try reader.string("name")
            startTimeUnixNano = try reader.integer("startTimeUnixNano")
            endTimeUnixNano = try reader.integer("endTimeUnixNano")
            attributes = try reader.value("attributes")
            status = try reader.value("status")
        }
    }
}
