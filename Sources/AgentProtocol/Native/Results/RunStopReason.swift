/// How a run ended, in the answer to the request that ran it (the `StopReason` schema).
public enum RunStopReason: String, Sendable, Equatable {
    /// The run ended normally.
    case endTurn = "end_turn"
    /// `run/cancel` stopped the run; the output is the partial one.
    case cancelled
}
