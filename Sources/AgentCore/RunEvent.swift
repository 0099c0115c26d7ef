/// Something that happened during a run, in the order it happened. The service turns each into a
/// notification; the terminal front end prints them.
public enum RunEvent: Sendable, Equatable {
    case started(agent: String)
    case step(StepEvent)
    /// A piece of model output.
    case token(agent: String, text: String)
}

/// A step of a run starting or ending. Steps nest through `parentStepId`.
public struct StepEvent: Sendable, Equatable {
    public enum Status: String, Sendable {
        case started, completed, failed, cancelled
    }

    public var stepId: String
    public var status: Status
    public var name: String
    public var agent: String
    public var parentStepId: String?
    /// Set when the step has ended.
    public var durationMs: Int?

    public init(
        stepId: String, status: Status, name: String, agent: String, parentStepId: String? = nil, durationMs: Int? = nil
    ) {
        self.stepId = stepId
        self.status = status
        self.name = name
        self.agent = agent
        self.parentStepId = parentStepId
        self.durationMs = durationMs
    }
}

/// Receives a run's events. `seq` starts at 1 and strictly increases within a run.
///
/// - Important: `runEvent` is called synchronously from the run, in `seq` order, and must not block
///   for long: it sits on the token path. Flow control goes through ``waitForCapacity()``, which
///   runs call between batches of tokens.
public protocol RunObserver: Sendable {
    func runEvent(runId: String, seq: UInt64, event: RunEvent)
    /// Suspends while the consumer is behind (for example, too many bytes waiting for a slow client).
    func waitForCapacity() async
}

extension RunObserver {
    public func waitForCapacity() async {}
}
