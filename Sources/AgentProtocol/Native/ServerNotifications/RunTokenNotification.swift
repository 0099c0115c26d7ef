import JSONCore
import JSONRPC

/// A piece of run output.
public enum RunTokenNotification: NotificationType {
    public static let method = "run/token"
    public static let direction = Direction.serverNotification
    public static let summary = #"A piece of run output."#
    public static let description = #"""
        Streams output while the run is in progress. Params are sent in the order `runId`, `seq`, `agent`, `stepId`, `text`. Concatenating the `text` of one step's tokens in `seq` order gives that step's output (for an agent run, the run's output). For the `echo` provider each token is one word followed by the whitespace after it. With the stream option `tokenCoalesceMs` above 0, one notification carries the merged text of consecutive tokens of a step and the `seq` of the last of them. Not sent when the stream option `tokens` is off.
        """#
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "run/token",
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
                    "value": "echo"
                  },
                  {
                    "name": "stepId",
                    "value": "1"
                  },
                  {
                    "name": "text",
                    "value": "hello "
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
                description: #"The agent producing the token."#
            ),
            Member(
                "stepId",
                required: true,
                schema: .ref("StepId"),
                description: #"The step (agent call) producing the token."#
            ),
            Member(
                "text",
                required: true,
                schema: .string,
                description: #"The token text."#
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
