/// A completed agent call of a run, as a resumed run reuses it: the step, its agent, what it was given,
/// what it produced and what it used. The run store keeps it as the step's recorded events (its
/// `started` event carries the input, its tokens the output, its `completed` event the usage), so every
/// process sharing the store can read it back with ``checkpoints(of:)``.
public struct Checkpoint: Sendable, Equatable {
    public var stepId: String
    public var agent: String
    public var input: String
    public var output: String
    public var usage: Usage?

    public init(stepId: String, agent: String, input: String, output: String, usage: Usage? = nil) {
        self.stepId = stepId
        self.agent = agent
        self.input = input
        self.output = output
        self.usage = usage
    }

    /// The completed agent calls among a run's recorded events, by step id: a step whose start
    /// recorded its input and which then completed (or was itself reused). Steps without an input (a
    /// workflow's own step `1`, runs recorded by older versions) are not checkpoints.
    public static func checkpoints(of events: [RecordedEvent]) -> [String: Checkpoint] {
        var inputs: [String: (agent: String, input: String)] = [:]
        var texts: [String: String] = [:]
        var checkpoints: [String: Checkpoint] = [:]
        for recorded in events {
            switch recorded.event {
            case .token(_, let stepId, let text):
                texts[stepId, default: ""] += text
            case .step(let step):
                switch step.status {
                case .started:
                    if let input = step.input { inputs[step.stepId] = (step.agent, input) }
                    texts[step.stepId] = ""
                case .completed:
                    guard let start = inputs[step.stepId], start.agent == step.agent else { continue }
                    checkpoints[step.stepId] = Checkpoint(
                        stepId: step.stepId,
                        agent: step.agent,
                        input: start.input,
                        output: texts[step.stepId] ?? "",
                        usage: step.usage
                    )
                case .reused:
                    guard let input = step.input, let output = step.output else { continue }
                    checkpoints[step.stepId] = Checkpoint(
                        stepId: step.stepId,
                        agent: step.agent,
                        input: input,
                        output: output,
                        usage: step.usage
                    )
                case .failed, .cancelled:
                    checkpoints[step.stepId] = nil
                }
            default:
                break
            }
        }
        return checkpoints
    }
}
