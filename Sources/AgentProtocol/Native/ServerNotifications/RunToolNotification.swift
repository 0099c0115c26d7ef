import JSONCore
import JSONRPC

/// A tool call of an agent started, made progress, completed or failed.
public enum RunToolNotification: NotificationType {
    public static let method = "run/tool"
    public static let direction = Direction.serverNotification
    public static let summary = #"A tool call of an agent started, made progress, completed or failed."#
    public static let description = #"""
        Sent when a model calls one of its agent's tools (a command tool, or `<server>__<tool>` of an MCP server): `started` with the arguments (`input`), any number of `progress` reports while an MCP tool reports them, then `completed` with the tool's `output` or `failed` with `error`, both with `durationMs`. A failed call is not a failed run: the model is told what went wrong and goes on. The whole params object is described by the `RunToolParams` schema.
        """#
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "run/tool (completed)",
                "params": [
                  {
                    "name": "runId",
                    "value": "run_8c0d2e4f6a1b3c5d"
                  },
                  {
                    "name": "seq",
                    "value": 5
                  },
                  {
                    "name": "agent",
                    "value": "weather"
                  },
                  {
                    "name": "stepId",
                    "value": "1"
                  },
                  {
                    "name": "toolCallId",
                    "value": "call_1"
                  },
                  {
                    "name": "tool",
                    "value": "get_weather"
                  },
                  {
                    "name": "status",
                    "value": "completed"
                  },
                  {
                    "name": "input",
                    "value": {
                      "city": "Paris"
                    }
                  },
                  {
                    "name": "output",
                    "value": "Paris: 18 C, sunny\n"
                  },
                  {
                    "name": "durationMs",
                    "value": 4
                  }
                ]
              }
            ]
            """#
    )

    public struct Params: ParamsType {
        public static let members: [Member] = [
            .runId,
            .seq,
            Member(
                "agent",
                required: true,
                schema: .ref("AgentName"),
                description: #"The agent whose model called the tool."#
            ),
            Member(
                "stepId",
                required: true,
                schema: .ref("StepId"),
                description: #"The step (agent call)."#
            ),
            Member(
                "toolCallId",
                required: true,
                schema: .string,
                description: #"The model's id for the call."#
            ),
            Member(
                "tool",
                required: true,
                schema: .string,
                description: #"The tool."#
            ),
            Member(
                "status",
                required: true,
                schema: .ref("ToolStatus"),
                description: #"started, progress, completed or failed."#
            ),
            Member(
                "input",
                required: true,
                schema: .any,
                description: #"The arguments."#
            ),
            Member(
                "output",
                required: false,
                schema: .string,
                description: #"What the tool printed; with `completed`."#
            ),
            Member(
                "error",
                required: false,
                schema: .string,
                description: #"Why it failed; with `failed`."#
            ),
            Member(
                "durationMs",
                required: false,
                schema: .ref("DurationMs"),
                description: #"How long the call took; with `completed` and `failed`."#
            ),
            Member(
                "progress",
                required: false,
                schema: Schema(
                    json: #"""
                        {
                          "type": "object",
                          "required": [
                            "progress"
                          ],
                          "properties": {
                            "progress": {
                              "type": "number"
                            },
                            "total": {
                              "type": "number"
                            },
                            "message": {
                              "type": "string"
                            }
                          }
                        }
                        """#
                ),
                description:
                    #"How far the call has got, as its MCP server reports it (`total` and `message` when it says); with `progress`."#
            ),
        ]

        public var runId: String
        public var seq: Int64
        public var agent: String
        public var stepId: String
        public var toolCallId: String
        public var tool: String
        public var status: String
        public var input: JSONValue
        public var output: String?
        public var error: String?
        public var durationMs: Int64?
        public var progress: JSONValue?

        public init(
            runId: String,
            seq: Int64,
            agent: String,
            stepId: String,
            toolCallId: String,
            tool: String,
            status: String,
            input: JSONValue,
            output: String? = nil,
            error: String? = nil,
            durationMs: Int64? = nil,
            progress: JSONValue? = nil
        ) {
            self.runId = runId
            self.seq = seq
            self.agent = agent
            self.stepId = stepId
            self.toolCallId = toolCallId
            self.tool = tool
            self.status = status
            self.input = input
            self.output = output
            self.error = error
            self.durationMs = durationMs
            self.progress = progress
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            runId = try reader.string("runId")
            seq = try reader.integer("seq")
            agent = try reader.string("agent")
            stepId = try reader.string("stepId")
            toolCallId = try reader.string("toolCallId")
            tool = try reader.string("tool")
            status = try reader.string("status")
            input = try reader.value("input")
            output = try reader.optionalString("output")
            error = try reader.optionalString("error")
            durationMs = try reader.optionalInteger("durationMs")
            progress = reader.optionalValue("progress")
        }
    }
}
