import Foundation
import Logging

/// Runs agents. Holds the configuration; each run gets its own ``RunContext``.
public final class AgentRuntime: Sendable {
    public let config: AgentConfig
    private let logger: Logger

    public init(config: AgentConfig, logger: Logger = Logger(label: "agentwire.core")) {
        self.config = config
        self.logger = logger
    }

    public var agents: [AgentDefinition] { config.agents }

    public func agent(named name: String) -> AgentDefinition? {
        config.agents.first { $0.name == name }
    }

    /// A new run id: short, unique across processes sharing a store.
    public static func makeRunId() -> String {
        "run_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    }

    /// Runs one agent on `input`, streaming its events to `observer`.
    ///
    /// Cancellation (of the calling task) is not an error: the run stops within one checkpoint and
    /// returns `stopReason: .cancelled` with the output streamed so far.
    public func run(agent name: String, input: String, runId: String, observer: any RunObserver)
        async throws(AgentError) -> RunResult
    {
        guard let agent = agent(named: name) else {
            throw .unknownAgent(name: name, available: config.agents.map(\.name))
        }
        let clock = ContinuousClock()
        let started = clock.now
        let context = RunContext(runId: runId, agent: agent.name, observer: observer)
        context.emit(.started(agent: agent.name))
        let stepId = "\(runId).1"
        let stepName = "\(agent.provider.typeName) model call"
        context.emit(.step(StepEvent(stepId: stepId, status: .started, name: stepName, agent: agent.name)))
        var stopReason = StopReason.endTurn
        var failure: AgentError? = nil
        do {
            try await agent.provider.makeProvider().stream(input: input, context: context)
        } catch is CancellationError {
            stopReason = .cancelled
        } catch {
            failure = .providerFailed(agent: agent.name, message: String(describing: error))
        }
        let durationMs = Self.milliseconds(clock.now - started)
        let status: StepEvent.Status = failure != nil ? .failed : (stopReason == .cancelled ? .cancelled : .completed)
        context.emit(
            .step(StepEvent(stepId: stepId, status: status, name: stepName, agent: agent.name, durationMs: durationMs)))
        logger.debug(
            "Run ended",
            metadata: ["runId": "\(runId)", "agent": "\(agent.name)", "status": "\(status.rawValue)", "ms": "\(durationMs)"])
        if let failure { throw failure }
        return RunResult(
            runId: runId, agent: agent.name, output: context.output, stopReason: stopReason,
            outputTokens: context.outputTokens, durationMs: durationMs)
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
