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

    public typealias Params = RunTextChunk
}
