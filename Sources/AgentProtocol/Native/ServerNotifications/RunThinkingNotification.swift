import JSONCore
import JSONRPC

/// A piece of an agent's reasoning.
public enum RunThinkingNotification: NotificationType {
    public static let method = "run/thinking"
    public static let direction = Direction.serverNotification
    public static let summary = #"A piece of an agent's reasoning."#
    public static let description = #"""
        Streams what an agent reasons before or while it answers (the `echo-thinking` agent sends one line before its tokens). It is not part of the output and not counted in `usage.outputTokens`. Params are sent in the order `runId`, `seq`, `agent`, `stepId`, `text`. Not sent when the stream option `thinking` is off.
        """#
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "run/thinking",
                "params": [
                  {
                    "name": "runId",
                    "value": "run_3f2a9c1e7b4d5a60"
                  },
                  {
                    "name": "seq",
                    "value": 3
                  },
                  {
                    "name": "agent",
                    "value": "echo-thinking"
                  },
                  {
                    "name": "stepId",
                    "value": "1"
                  },
                  {
                    "name": "text",
                    "value": "The reply repeats the input: 3 words."
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
                schema: .ref("RunId"),
                description: #"The run."#
            ),
            Member(
                "seq",
                required: true,
                schema: .ref("Seq"),
                description: #"Sequence number within the run."#
            ),
            Member(
                "agent",
                required: true,
                schema: .ref("AgentName"),
                description: #"The agent reasoning."#
            ),
            Member(
                "stepId",
                required: true,
                schema: .ref("StepId"),
                description: #"The step (agent call) it belongs to."#
            ),
            Member(
                "text",
                required: true,
                schema: .string,
                description: #"The reasoning text."#
            ),
        ]

        public var runId: String
        public var seq: Int64
        public var agent: String
        public var stepId: String
        public var text: String

        public init(
            runId: String,
            seq: Int64,
            agent: String,
            stepId: String,
            text: String
        ) {
            self.runId = runId
            self.seq = seq
            self.agent = agent
            self.stepId = stepId
            self.text = text
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            runId = try reader.string("runId")
            seq = try reader.integer("seq")
            agent = try reader.string("agent")
            stepId = try reader.string("stepId")
            text = try reader.string("text")
        }
    }
}
