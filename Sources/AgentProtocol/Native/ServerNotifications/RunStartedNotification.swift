import JSONCore
import JSONRPC

/// A run has started.
public enum RunStartedNotification: NotificationType {
    public static let method = "run/started"
    public static let direction = Direction.serverNotification
    public static let summary = #"A run has started."#
    public static let description = #"""
        First notification of a run, sent before any other; its `seq` is 1. Carries the `runId` a client can pass to `run/cancel`. Agent runs and session turns name the `agent`; workflow runs name the `workflow` (for `coordinator/*` the strategy name) and its `strategy`. Always sent, whatever the stream options. The whole params object is described by the `RunStartedParams` schema.
        """#
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "run/started (agent run)",
                "params": [
                  {
                    "name": "runId",
                    "value": "run_3f2a9c1e7b4d5a60"
                  },
                  {
                    "name": "seq",
                    "value": 1
                  },
                  {
                    "name": "agent",
                    "value": "echo"
                  },
                  {
                    "name": "requestId",
                    "value": 7
                  }
                ]
              },
              {
                "name": "run/started (workflow run)",
                "params": [
                  {
                    "name": "runId",
                    "value": "run_8c0d2e4f6a1b3c5d"
                  },
                  {
                    "name": "seq",
                    "value": 1
                  },
                  {
                    "name": "workflow",
                    "value": "pipeline"
                  },
                  {
                    "name": "strategy",
                    "value": "sequential"
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
                description: #"The new run."#
            ),
            .seq,
            Member(
                "agent",
                required: false,
                schema: .ref("AgentName"),
                description: #"The agent being run; present for agent runs and session turns only."#
            ),
            Member(
                "workflow",
                required: false,
                schema: .ref("WorkflowName"),
                description: #"The workflow being run; present for workflow runs only."#
            ),
            Member(
                "strategy",
                required: false,
                schema: .ref("StrategyName"),
                description: #"The workflow's strategy; present with `workflow`."#
            ),
            Member(
                "requestId",
                required: false,
                schema: Schema(
                    json: #"""
                        {
                          "type": [
                            "string",
                            "integer"
                          ]
                        }
                        """#
                ),
                description: #"""
                    The id of the request that started the run (for `agent/start` and `workflow/start`, that request's id), so a client with several runs in flight knows which is which before any reply.
                    """#
            ),
            Member(
                "resumedFrom",
                required: false,
                schema: .ref("RunId"),
                description: #"The run this one resumes (`run/resume`); present for resumed runs only."#
            ),
        ]

        public var runId: String
        public var seq: Int64
        public var agent: String?
        public var workflow: String?
        public var strategy: String?
        public var requestId: JSONValue?
        public var resumedFrom: String?

        public init(
            runId: String,
            seq: Int64,
            agent: String? = nil,
            workflow: String? = nil,
            strategy: String? = nil,
            requestId: JSONValue? = nil,
            resumedFrom: String? = nil
        ) {
            self.resumedFrom = resumedFrom
            self.runId = runId
            self.seq = seq
            self.agent = agent
            self.workflow = workflow
            self.strategy = strategy
            self.requestId = requestId
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            runId = try reader.string("runId")
            seq = try reader.integer("seq")
            agent = try reader.optionalString("agent")
            workflow = try reader.optionalString("workflow")
            strategy = try reader.optionalString("strategy")
            requestId = try reader.optionalValue("requestId")
            resumedFrom = try reader.optionalString("resumedFrom")
        }
    }
}
