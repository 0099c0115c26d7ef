import Foundation
import Synchronization

/// Tracks every run and agent call: what is active, how runs ended, how long they took, how many
/// tokens they produced. Statistics are kept per agent (every agent call) and per strategy (every
/// workflow), since start and over a rolling window of the most recent runs.
public final class StreamMonitor: Sendable {
    /// A snapshot of one agent's or strategy's statistics.
    public struct Stats: Sendable, Equatable {
        public var total = 0
        public var active = 0
        public var completed = 0
        public var failed = 0
        public var cancelled = 0
        public var reaped = 0
        public var tokens = 0
        public var totalDurationMs = 0
        /// What the calls with a price cost; `nil` while none had one.
        public var cost: USD?
        /// The most recent finished runs (status, duration, tokens), oldest first.
        public var window: [(status: StepEvent.Status, durationMs: Int, tokens: Int)] = []

        public static func == (lhs: Stats, rhs: Stats) -> Bool {
            lhs.total == rhs.total && lhs.active == rhs.active && lhs.completed == rhs.completed
                && lhs.failed == rhs.failed && lhs.cancelled == rhs.cancelled && lhs.reaped == rhs.reaped
                && lhs.tokens == rhs.tokens && lhs.cost == rhs.cost
                && lhs.window.map(\.durationMs) == rhs.window.map(\.durationMs)
        }

        var finished: Int { completed + failed + cancelled }
    }

    /// A run that can be reaped when it goes quiet.
    struct ActiveRun {
        var context: RunContext
        var cancel: @Sendable () -> Void
    }

    private struct State {
        var agents: [String: Stats] = [:]
        var strategies: [String: Stats] = [:]
        var active: [String: ActiveRun] = [:]
        var startedAt = Date()
    }

    private let state = Mutex(State())
    public let windowSize: Int

    public init(windowSize: Int = 1000) {
        self.windowSize = max(1, windowSize)
    }

    // MARK: Recording

    func agentCallStarted(agent: String) {
        state.withLock { state in
            state.agents[agent, default: Stats()].total += 1
            state.agents[agent, default: Stats()].active += 1
        }
    }

    func agentCallEnded(agent: String, status: StepEvent.Status, durationMs: Int, tokens: Int, cost: USD? = nil) {
        state.withLock { state in
            Self.record(&state.agents[agent, default: Stats()], status, durationMs, tokens, windowSize)
            if let cost { state.agents[agent]!.cost = (state.agents[agent]!.cost ?? .zero) + cost }
        }
    }

    func workflowStarted(strategy: String) {
        state.withLock { state in
            state.strategies[strategy, default: Stats()].total += 1
            state.strategies[strategy, default: Stats()].active += 1
        }
    }

    func workflowEnded(strategy: String, status: StepEvent.Status, durationMs: Int, tokens: Int, reaped: Bool) {
        state.withLock { state in
            Self.record(&state.strategies[strategy, default: Stats()], status, durationMs, tokens, windowSize)
            if reaped { state.strategies[strategy]!.reaped += 1 }
        }
    }

    func agentRunReaped(agent: String) {
        state.withLock { $0.agents[agent, default: Stats()].reaped += 1 }
    }

    private static func record(
        _ stats: inout Stats,
        _ status: StepEvent.Status,
        _ durationMs: Int,
        _ tokens: Int,
        _ windowSize: Int
    ) {
        stats.active -= 1
        switch status {
        case .completed, .started, .reused: stats.completed += 1
        case .failed: stats.failed += 1
        case .cancelled: stats.cancelled += 1
        }
        stats.tokens += tokens
        stats.totalDurationMs += durationMs
        stats.window.append((status, durationMs, tokens))
        if stats.window.count > windowSize { stats.window.removeFirst(stats.window.count - windowSize) }
    }

    // MARK: Active runs and reaping

    func register(runId: String, context: RunContext, cancel: @escaping @Sendable () -> Void) {
        state.withLock { $0.active[runId] = ActiveRun(context: context, cancel: cancel) }
    }

    func unregister(runId: String) {
        _ = state.withLock { $0.active.removeValue(forKey: runId) }
    }

    /// Runs in flight right now.
    public var activeRuns: Int { state.withLock { $0.active.count } }

    /// Cancels every run with no event for `staleAfter`; returns their ids.
    @discardableResult
    public func reapStale(olderThan staleAfter: Duration) -> [String] {
        let now = ContinuousClock.now
        // The runs are read outside the monitor's lock: each one's activity is behind its own lock, which
        // must never be taken under this one (a run emitting an event holds its lock while it counts).
        let active = state.withLock { $0.active }
        let stale = active.filter { now - $0.value.context.lastEventAt > staleAfter }
        for (_, run) in stale {
            run.context.markReaped()
            run.cancel()
        }
        return Array(stale.keys)
    }

    // MARK: Reading

    public func snapshot() -> (agents: [String: Stats], strategies: [String: Stats], since: Date) {
        state.withLock { ($0.agents, $0.strategies, $0.startedAt) }
    }

    /// Forgets every statistic (active runs stay active and are counted when they end).
    public func reset() {
        state.withLock { state in
            let agentsActive = state.agents.mapValues(\.active).filter { $0.value > 0 }
            let strategiesActive = state.strategies.mapValues(\.active).filter { $0.value > 0 }
            state.agents = agentsActive.mapValues { active in
                var stats = Stats()
                stats.active = active
                return stats
            }
            state.strategies = strategiesActive.mapValues { active in
                var stats = Stats()
                stats.active = active
                return stats
            }
            state.startedAt = Date()
        }
    }
}

extension StreamMonitor.Stats {
    /// Completed share of finished runs since start, 0...1; `nil` when nothing has finished.
    public var successRate: Double? { finished == 0 ? nil : Double(completed) / Double(finished) }
    public var averageDurationMs: Double { finished == 0 ? 0 : Double(totalDurationMs) / Double(finished) }

    /// Nearest-rank percentile of the window's durations.
    public func percentileMs(_ p: Double) -> Int {
        let sorted = window.map(\.durationMs).sorted()
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }

    /// Completed share of the window, 0...1; `nil` when it is empty.
    public var windowSuccessRate: Double? {
        let done = window.count
        return done == 0 ? nil : Double(window.filter { $0.status == .completed }.count) / Double(done)
    }
}
