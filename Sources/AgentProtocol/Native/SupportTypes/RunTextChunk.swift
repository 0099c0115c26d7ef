import JSONCore
import JSONRPC

/// The params of `run/token` and `run/thinking`: a piece of text a step of a run produced.
public struct RunTextChunk: ParamsType, Equatable {
    public static let members: [Member] = [
        .runId,
        .seq,
        Member(
            "agent",
            required: true,
            schema: .ref("AgentName"),
            description: #"The agent producing the text."#
        ),
        Member(
            "stepId",
            required: true,
            schema: .ref("StepId"),
            description: #"The step (agent call) producing the text."#
        ),
        Member(
            "text",
            required: true,
            schema: .string,
            description: #"The text: a token of output, or of reasoning."#
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
