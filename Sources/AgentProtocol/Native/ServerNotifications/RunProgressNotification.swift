import JSONCore
import JSONRPC

/// Overall progress of a workflow run.
public enum RunProgressNotification: NotificationType {
    public static let method = "run/progress"
    public static let direction = Direction.serverNotification
    public static let summary = #"Overall progress of a workflow run."#
    public static let description = #"""
        Sent by workflow runs as agent calls finish: after each sequential step, as each parallel task finishes, after a hierarchical master and as each sub-task finishes. `percent` is the share of those calls done so far (it never decreases within a run; an aggregator agent is not counted); `message` says what just happened. Not sent for agent runs, nor when the stream option `progress` is off.
        """#
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "run/progress",
                "params": [
                  {
                    "name": "runId",
                    "value": "run_8c0d2e4f6a1b3c5d"
                  },
                  {
                    "name": "seq",
                    "value": 6
                  },
                  {
                    "name": "percent",
                    "value": 50
                  },
                  {
                    "name": "message",
                    "value": "step 1 of 2 (echo) completed"
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
                "percent",
                required: true,
                schema: Schema(
                    json: #"""
                        {
                          "type": "integer",
                          "minimum": 0,
                          "maximum": 100
                        }
                        """#
                ),
                description: #"Progress from 0 to 100."#
            ),
            Member(
                "message",
                required: true,
                schema: .string,
                description: #"What just finished, e.g. `step 1 of 2 (echo) completed`."#
            ),
        ]

        public var runId: String
        public var seq: Int64
        public var percent: Int64
        public var message: String

        public init(
            runId: String,
            seq: Int64,
            percent: Int64,
            message: String
        ) {
            self.runId = runId
            self.seq = seq
            self.percent = percent
            self.message = message
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            runId = try reader.string("runId")
            seq = try reader.integer("seq")
            percent = try reader.integer("percent")
            message = try reader.string("message")
        }
    }
}
