import JSONCore
import JSONRPC

/// Cancel a run by its runId, in this process or another sharing the run store.
public enum RunCancelRequest: RequestType {
    public static let method = "run/cancel"
    public static let direction = Direction.clientRequest
    public static let summary = #"Cancel a run by its runId, in this process or another sharing the run store."#
    public static let description = #"""
        Cancels the run with the given `runId` (from `run/started`, `agent/start`, `workflow/start` or `run/list`), whichever request started it; runs started with `agent/start` or `workflow/start` are stopped this way only.
        - A run of this process: answers `{cancelled: true}`. The run's own request, if it is still waiting, is answered with a normal result whose `stopReason` is `cancelled` and whose `output` is the partial output (for a workflow, the output of every agent call so far, separated by blank lines); the run is kept as `cancelled`.
        - A running run of another live process sharing the store: the cancel is requested through the store and the answer is `{cancelled: true}` at once; that process stops the run within about a quarter second, as if it had received `run/cancel` itself. `run/status` shows when it is `cancelled`.
        - A run left `running` by a process that is gone: it is marked `interrupted` at once (with every other run of gone processes) and the answer is `{cancelled: true, status: "interrupted"}`.
        - A run that has already finished: `{cancelled: false}`; harmless.

        Errors: -32001 when the store has no run with this `runId` (`data.runId`), as `run/get` answers; -32602 when `runId` is missing or not a string (`data.field: "params.runId"`); -32003 after `shutdown`.
        """#
    public static let result = ResultSpec(
        name: "runCancelResult",
        description: #"Whether a running run was cancelled, and `status` when it was marked interrupted instead."#,
        of: RunCancelResult.self
    )
    public static let errors: [ErrorSpec] = [.invalidParams, .notFound, .shuttingDown]
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "run/cancel",
                "params": [
                  {
                    "name": "runId",
                    "value": "run_3f2a9c1e7b4d5a60"
                  }
                ],
                "result": {
                  "name": "run/cancel result",
                  "value": {
                    "cancelled": true
                  }
                }
              },
              {
                "name": "run/cancel (process gone)",
                "description": "The run was left running by a process that crashed; it is marked interrupted.",
                "params": [
                  {
                    "name": "runId",
                    "value": "run_0a9b8c7d6e5f4a3b"
                  }
                ],
                "result": {
                  "name": "run/cancel (process gone) result",
                  "value": {
                    "cancelled": true,
                    "status": "interrupted"
                  }
                }
              }
            ]
            """#
    )

    public typealias Params = RunReference
    public typealias Result = RunCancelResult
}

/// Answer to `run/cancel`.
public struct RunCancelResult: ResultType, Equatable {
    public static let name = "RunCancelResult"
    public static let summary =
        #"Answer to `run/cancel`. `status: "interrupted"` is added when the run's process was gone and the run was marked interrupted instead."#
    public static let members: [Member] = [
        Member(
            "cancelled",
            required: true,
            schema: Schema(["type": "boolean"]),
            description:
                #"`true` if a running run was cancelled (for a run of another live process: the cancel was requested through the store); `false` if the run is unknown or already finished."#
        ),
        Member(
            "status",
            required: false,
            schema: Schema(["type": "string", "const": "interrupted"]),
            description: #"Present when the run was left `running` by a process that is gone: it is now `interrupted`."#
        ),
    ]

    /// Whether a running run was cancelled (or its cancel requested through the store).
    public var cancelled: Bool
    /// Whether the run was marked `interrupted` because its process is gone.
    public var interrupted: Bool

    public init(cancelled: Bool, interrupted: Bool = false) {
        self.cancelled = cancelled
        self.interrupted = interrupted
    }

    public func encode(to object: inout ResultObject) {
        object["cancelled"] = .bool(cancelled)
        if interrupted { object["status"] = "interrupted" }
    }
}
