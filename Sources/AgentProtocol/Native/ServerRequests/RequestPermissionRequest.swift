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
        of: PermissionResult.self
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
            .runId,
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

    public typealias Result = PermissionResult
}

/// What the client answers to `permission/request`: the option it chose.
///
/// The client's answer is read with ``init(decoding:)``, which never fails: an answer it cannot read
/// has no ``choice``, and the call is rejected.
public struct PermissionResult: ResultType, Equatable {
    public static let name = "PermissionResult"
    public static let summary =
        #"The client's choice: `{"optionId": "allow_once"}` (ACP's `{"outcome": {"outcome": "selected", "optionId": ...}}` is accepted too). Anything else rejects the call."#
    public static let members: [Member] = [
        Member(
            "optionId",
            required: false,
            schema: Schema(["type": "string", "enum": ["allow_once", "allow_always", "reject"]])
        ),
        Member("outcome", required: false, schema: Schema(["type": "object"])),
    ]
    /// No member is required: the object schema without an empty `required`.
    public static var schema: Schema {
        var object = objectSchema(title: name, description: summary).json.objectValue ?? [:]
        object["required"] = nil
        return Schema(.object(object))
    }

    /// The options `permission/request` offers.
    public enum OptionId: String, Sendable, Equatable, CaseIterable {
        case allowOnce = "allow_once"
        case allowAlways = "allow_always"
        case reject
    }

    /// ACP's form of the answer: `{"outcome": "selected", "optionId": …}` or `{"outcome": "cancelled"}`.
    public struct Outcome: Sendable, Equatable {
        /// `selected` or `cancelled`, as the client sent it.
        public var outcome: String?
        /// The option chosen; `nil` when missing or not one of the options offered.
        public var optionId: OptionId?

        public init(outcome: String?, optionId: OptionId?) {
            self.outcome = outcome
            self.optionId = optionId
        }
    }

    /// The option chosen, in the native form; `nil` when missing or not one of the options offered.
    public var optionId: OptionId?
    /// The answer in ACP's form.
    public var outcome: Outcome?

    public init(optionId: OptionId?) {
        self.optionId = optionId
    }

    public init(outcome: Outcome) {
        self.outcome = outcome
    }

    /// Reads the client's answer. A string `optionId` is the answer (an unknown one chooses nothing);
    /// without one, `outcome.optionId` is read. Anything else, including `{"outcome": {"outcome":
    /// "cancelled"}}` and answers that are not objects, chooses nothing.
    public init(decoding value: JSONValue) {
        if let text = value["optionId"]?.stringValue {
            optionId = OptionId(rawValue: text)
        } else if let outcome = value["outcome"], outcome.objectValue != nil {
            self.outcome = Outcome(
                outcome: outcome["outcome"]?.stringValue,
                optionId: outcome["optionId"]?.stringValue.flatMap(OptionId.init(rawValue:))
            )
        }
    }

    /// The option the client chose, in either form; `nil` rejects the call.
    public var choice: OptionId? { optionId ?? outcome?.optionId }

    public func encode(to object: inout ResultObject) {
        if let optionId { object["optionId"] = .string(optionId.rawValue) }
        if let outcome {
            var members = JSONObject()
            if let text = outcome.outcome { members["outcome"] = .string(text) }
            if let option = outcome.optionId { members["optionId"] = .string(option.rawValue) }
            object["outcome"] = .object(members)
        }
    }
}
