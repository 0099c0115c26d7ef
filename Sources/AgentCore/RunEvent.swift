import JSONCore

/// Something that happened during a run, in the order it happened. The service turns each into a
/// notification; the terminal front end prints them.
public enum RunEvent: Sendable, Equatable {
    /// The run began. `name` is the agent, or for workflows the workflow, whose `strategy` is then set;
    /// `requestId` is the id of the request that started it, when there was one.
    /// `resumedFrom` is the run a `run/resume` continues.
    case started(name: String, strategy: String? = nil, requestId: JSONValue? = nil, resumedFrom: String? = nil)
    case step(StepEvent)
    /// A piece of model output from the step `stepId`.
    case token(agent: String, stepId: String, text: String)
    /// A piece of reasoning from the step `stepId`.
    case thinking(agent: String, stepId: String, text: String)
    /// Overall progress, 0...100, rising as steps complete.
    case progress(percent: Int, message: String)
    /// Sent periodically while a run is active, so a client can tell a quiet run from a dead one.
    case heartbeat
    /// A tool call of the step `stepId` starting or ending.
    case tool(ToolEvent)
}

/// A step of a run starting or ending. Steps nest through `parentStepId`.
public struct StepEvent: Sendable, Equatable {
    public enum Status: String, Sendable {
        case started, completed, failed, cancelled
        /// A resumed run took the step's output from the run it resumes: no provider was called.
        case reused

        /// The step produced its output (now, or in the run a resumed run continues).
        public var succeeded: Bool { self == .completed || self == .reused }
    }

    public var stepId: String
    public var status: Status
    public var name: String
    public var agent: String
    public var parentStepId: String?
    /// The coordinator strategy this step belongs to (`sequential`, `parallel`, `hierarchical`), if any.
    public var strategy: String?
    /// Set when the step has ended.
    public var durationMs: Int?
    /// Why the step failed, when it did.
    public var error: String?
    /// Tokens the model read and wrote, when the step has ended and its provider knows.
    public var usage: Usage?
    /// What an agent call was given, on its `started` event: kept in the run store (a resumed run reuses
    /// a completed call only for the same input), never sent to clients.
    public var input: String?
    /// The output of a `reused` step (the earlier run's), kept in the run store so the resumed run can be
    /// resumed in turn; never sent to clients.
    public var output: String?

    public init(
        stepId: String,
        status: Status,
        name: String,
        agent: String,
        parentStepId: String? = nil,
        strategy: String? = nil,
        durationMs: Int? = nil,
        error: String? = nil,
        usage: Usage? = nil,
        input: String? = nil,
        output: String? = nil
    ) {
        self.input = input
        self.output = output
        self.stepId = stepId
        self.status = status
        self.name = name
        self.agent = agent
        self.parentStepId = parentStepId
        self.strategy = strategy
        self.durationMs = durationMs
        self.error = error
        self.usage = usage
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
    /// Whether an event now would not have to wait (``waitForCapacity()`` would return at once).
    var hasCapacity: Bool { get }
    /// A burst of tokens with consecutive `seq`s from `firstSeq`.
    func runTokens(runId: String, firstSeq: UInt64, agent: String, stepId: String, texts: [String])
    /// Asks the client whether a tool may run. Must answer (a client that cannot gets `.reject`) and
    /// must return promptly when the calling task is cancelled.
    func requestPermission(_ request: PermissionRequest) async -> PermissionDecision
    /// A span of the run ended (`run/trace`); it takes a `seq` like any event. Called only when
    /// ``receivesSpans`` is true, so observers that take no spans see no gap in `seq`.
    func runSpan(runId: String, seq: UInt64, span: SpanRecord)
    /// Whether this observer takes the run's spans; read once, when the run starts.
    var receivesSpans: Bool { get }
}

extension RunObserver {
    public func waitForCapacity() async {}
    public var hasCapacity: Bool { true }

    /// Without a client to ask, tools that need consent are rejected.
    public func requestPermission(_ request: PermissionRequest) async -> PermissionDecision { .reject }
    public func runSpan(runId: String, seq: UInt64, span: SpanRecord) {}

    public var receivesSpans: Bool { false }

    /// A burst of tokens with consecutive `seq`s from `firstSeq`; by default, one event each.
    public func runTokens(runId: String, firstSeq: UInt64, agent: String, stepId: String, texts: [String]) {
        for (offset, text) in texts.enumerated() {
            runEvent(
                runId: runId,
                seq: firstSeq + UInt64(offset),
                event: .token(agent: agent, stepId: stepId, text: text)
            )
        }
    }
}
