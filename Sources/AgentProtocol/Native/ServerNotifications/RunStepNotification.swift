import JSONCore
import JSONRPC

/// A step of a run started, completed, failed, was cancelled or was reused.
public enum RunStepNotification: NotificationType {
    public static let method = "run/step"
    public static let direction = Direction.serverNotification
    public static let summary = #"A step of a run started, completed, failed, was cancelled or was reused."#
    public static let description = #"""
        Reports step progress. Each step is announced with `status: started` and later reported `completed`, `failed` (with `error`) or `cancelled`, then with `durationMs`. In a run started by `run/resume`, an agent call the resumed run had completed is reported once, with no `started` before it and no `run/token`, as `status: "reused"`: its output is the earlier one (in the result's `branches`), `durationMs` is 0, `usage` is the earlier call's, and its provider is not called. Step ids nest: an agent run has the single step `1`; in a workflow run step `1` is the workflow itself (its `agent` is the workflow name, its `name` e.g. `sequential workflow pipeline`) and its agent calls are `1.1`, `1.2`, ... with `parentStepId: "1"`. Agent calls are named after their provider (e.g. `echo model call`). Steps of workflow runs carry `strategy`. Steps of parallel branches interleave. Not sent when the stream option `steps` is off. The whole params object is described by the `RunStepParams` schema.
        """#
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "run/step (agent call started)",
                "params": [
                  {
                    "name": "runId",
                    "value": "run_8c0d2e4f6a1b3c5d"
                  },
                  {
                    "name": "seq",
                    "value": 3
                  },
                  {
                    "name": "stepId",
                    "value": "1.1"
                  },
                  {
                    "name": "status",
                    "value": "started"
                  },
                  {
                    "name": "name",
                    "value": "echo model call"
                  },
                  {
                    "name": "agent",
                    "value": "echo"
                  },
                  {
                    "name": "parentStepId",
                    "value": "1"
                  },
                  {
                    "name": "strategy",
                    "value": "sequential"
                  }
                ]
              },
              {
                "name": "run/step (agent call failed)",
                "params": [
                  {
                    "name": "runId",
                    "value": "run_8c0d2e4f6a1b3c5d"
                  },
                  {
                    "name": "seq",
                    "value": 9
                  },
                  {
                    "name": "stepId",
                    "value": "1.2"
                  },
                  {
                    "name": "status",
                    "value": "failed"
                  },
                  {
                    "name": "name",
                    "value": "echo model call"
                  },
                  {
                    "name": "agent",
                    "value": "echo-slow"
                  },
                  {
                    "name": "parentStepId",
                    "value": "1"
                  },
                  {
                    "name": "strategy",
                    "value": "sequential"
                  },
                  {
                    "name": "durationMs",
                    "value": 500
                  },
                  {
                    "name": "error",
                    "value": "timed out after 500 ms"
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
                "stepId",
                required: true,
                schema: .ref("StepId"),
                description: #"The step: `1`, `1.1`, `1.2`, ..."#
            ),
            Member(
                "status",
                required: true,
                schema: .ref("StepStatus"),
                description: #"Step status."#
            ),
            Member(
                "name",
                required: true,
                schema: .string,
                description: #"Human-readable step name."#
            ),
            Member(
                "agent",
                required: true,
                schema: .ref("AgentName"),
                description: #"The agent running the step (for step `1` of a workflow run, the workflow)."#
            ),
            Member(
                "parentStepId",
                required: false,
                schema: .ref("StepId"),
                description: #"Enclosing step, for nested steps (`1` for a workflow's agent calls)."#
            ),
            Member(
                "strategy",
                required: false,
                schema: .ref("StrategyName"),
                description: #"The strategy of the workflow the step belongs to; absent in agent runs."#
            ),
            Member(
                "durationMs",
                required: false,
                schema: .ref("DurationMs"),
                description: #"How long the step took; present when `status` is `completed`, `failed` or `cancelled`."#
            ),
            Member(
                "error",
                required: false,
                schema: .string,
                description: #"Why the step failed (e.g. `timed out after 500 ms`); present when `status` is `failed`."#
            ),
            Member(
                "usage",
                required: false,
                schema: RunUsage.ref,
                description:
                    #"What the agent call used and cost (`model` and `source` included); sent when an agent call's step has ended."#
            ),
        ]

        public var runId: String
        public var seq: Int64
        public var stepId: String
        public var status: String
        public var name: String
        public var agent: String
        public var parentStepId: String?
        public var strategy: String?
        public var durationMs: Int64?
        public var error: String?
        public var usage: JSONValue?

        public init(
            runId: String,
            seq: Int64,
            stepId: String,
            status: String,
            name: String,
            agent: String,
            parentStepId: String? = nil,
            strategy: String? = nil,
            durationMs: Int64? = nil,
            error: String? = nil,
            usage: JSONValue? = nil
        ) {
            self.runId = runId
            self.seq = seq
            self.stepId = stepId
            self.status = status
            self.name = name
            self.agent = agent
            self.parentStepId = parentStepId
            self.strategy = strategy
            self.durationMs = durationMs
            self.error = error
            self.usage = usage
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            runId = try reader.string("runId")
            seq = try reader.integer("seq")
            stepId = try reader.string("stepId")
            status = try reader.string("status")
            name = try reader.string("name")
            agent = try reader.string("agent")
            parentStepId = try reader.optionalString("parentStepId")
            strategy = try reader.optionalString("strategy")
            durationMs = try reader.optionalInteger("durationMs")
            error = try reader.optionalString("error")
            usage = reader.optionalValue("usage")
        }
    }
}
