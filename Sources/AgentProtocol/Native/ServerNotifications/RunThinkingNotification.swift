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

    public typealias Params = RunTextChunk
}
