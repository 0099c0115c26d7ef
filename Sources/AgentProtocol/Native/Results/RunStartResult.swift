import JSONCore

/// Answer to `agent/start` and `workflow/start`: the run that was started.
public struct RunStartResult: ResultType, Equatable {
    public static let name = "RunStartResult"
    public static let summary =
        #"Answer to `agent/start` and `workflow/start`: the run that was started. It is already in the run store."#
    public static let members: [Member] = [
        Member("runId", required: true, schema: .ref("RunId"))
    ]

    /// The run's id, for `run/status`, `run/get`, `run/events` and `run/cancel`.
    public var runId: String

    public init(runId: String) {
        self.runId = runId
    }

    public func encode(to object: inout ResultObject) {
        object["runId"] = .string(runId)
    }
}
