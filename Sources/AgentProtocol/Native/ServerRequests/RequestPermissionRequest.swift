import JSONCore
import JSONRPC

/// Asks the client whether a tool may run.
public enum RequestPermissionRequest: RequestType {
    public static let method = "permission/request"
    public static let direction = Direction.serverRequest
    public static let summary = #"Asks the client whether a tool may run."#
    public static let description = #"""
        Sent by the server, with ids of its own (`permission-1`, `permission-2`, ...), when a model calls a tool whose `permission` is `ask`. The run waits for the answer; the tool runs on `allow_once` or `allow_always` (remembered for that agent and tool for the rest of the connection). The call is rejected, never left hanging, when the client answers with an error or anything else, when no answer comes within the tool's `askTimeoutMs` (default 60 s), when the run is cancelled or when the input closes.
        """#
    public static let result = ResultSpec(
        name: "result",
        schema: .ref("PermissionResult")
    )
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "permission/request",
                "params": [
                  {
                    "name": "runId",
                    "value": "run_8c0d2e4f6a1b3c5d"
                  },
                  {
                    "name": "stepId",
                    "value": "1"
                  },
                  {
                    "name": "agent",
                    "value": "weather"
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
                    "name": "arguments",
                    "value": {
                      "city": "Paris"
                    }
                  },
                  {
                    "name": "options",
                    "value": [
                      {
                        "optionId": "allow_once",
                        "name": "Allow once",
                        "kind": "allow_once"
                      },
                      {
                        "optionId": "allow_always",
                        "name": "Allow always",
                        "kind": "allow_always"
                      },
                      {
                        "optionId": "reject",
                        "name": "Reject",
                        "kind": "reject_once"
                      }
                    ]
                  }
                ],
                "result": {
                  "name": "result",
                  "value": {
                    "optionId": "allow_once"
                  }
                }
              }
            ]
            """#
    )

    public struct Params: ParamsType {
        public static let members: [Member] = [
            Member(
                "runId",
                required: true,
                schema: .ref("RunId"),
                description: #"The run."#
            ),
            Member(
                "stepId",
                required: true,
                schema: .ref("StepId"),
                description: #"The step (agent call)."#
            ),
            Member(
                "agent",
                required: true,
                schema: .ref("AgentName"),
                description: #"The agent."#
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
                "arguments",
                required: true,
                schema: .any,
                description: #"The arguments the tool would run with."#
            ),
            Member(
                "options",
                required: true,
                schema: Schema(
                    json: #"""
                        {
                          "type": "array",
                          "items": {
                            "$ref": "#/components/schemas/PermissionOption"
                          }
                        }
                        """#
                ),
                description: #"The choices."#
            ),
        ]

        public var runId: String
        public var stepId: String
        public var agent: String
        public var toolCallId: String
        public var tool: String
        public var arguments: JSONValue
        public var options: JSONValue

        public init(
            runId: String,
            stepId: String,
            agent: String,
            toolCallId: String,
            tool: String,
            arguments: JSONValue,
            options: JSONValue
        ) {
            self.runId = runId
            self.stepId = stepId
            self.agent = agent
            self.toolCallId = toolCallId
            self.tool = tool
            self.arguments = arguments
            self.options = options
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            runId = try reader.string("runId")
            stepId = try reader.string("stepId")
            agent = try reader.string("agent")
            toolCallId = try reader.string("toolCallId")
            tool = try reader.string("tool")
            arguments = try reader.value("arguments")
            options = try reader.value("options")
        }
    }
}
