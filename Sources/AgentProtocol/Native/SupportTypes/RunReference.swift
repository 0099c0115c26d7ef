import JSONCore
import JSONRPC

/// The params of the requests that name one run: `run/status`, `run/get`, `run/delete` and `run/cancel`.
public struct RunReference: ParamsType, Equatable {
    public static let members: [Member] = [
        Member(
            "runId",
            required: true,
            schema: .ref("RunId"),
            description: "The run (from `run/started`, `agent/start`, `workflow/start` or `run/list`)."
        )
    ]
    public static let positional = ["runId"]

    public var runId: String

    public init(runId: String) {
        self.runId = runId
    }

    public init(from reader: ParamsReader) throws(ResponseError) {
        runId = try reader.string("runId")
    }
}
