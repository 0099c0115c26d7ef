import JSONCore
import JSONRPC

/// The run is still active.
public enum RunHeartbeatNotification: NotificationType {
    public static let method = "run/heartbeat"
    public static let direction = Direction.serverNotification
    public static let summary = #"The run is still active."#
    public static let description = #"""
        Sent every `limits.heartbeatSeconds` (default 15 s) while a run is active, so a client can tell a quiet run from a dead one. A heartbeat is not activity: a run with no other event for `limits.staleAfterSeconds` is reaped and answered with -32005 Timeout (`data.reason: "stale"`). Takes a `seq` like every run notification. Not sent when the stream option `heartbeat` is off.
        """#
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "run/heartbeat",
                "params": [
                  {
                    "name": "runId",
                    "value": "run_3f2a9c1e7b4d5a60"
                  },
                  {
                    "name": "seq",
                    "value": 42
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
        ]

        public var runId: String
        public var seq: Int64

        public init(
            runId: String,
            seq: Int64
        ) {
            self.runId = runId
            self.seq = seq
        }

        public init(from reader: ParamsReader) throws(ResponseError) {
            runId = try reader.string("runId")
            seq = try reader.integer("seq")
        }
    }
}
