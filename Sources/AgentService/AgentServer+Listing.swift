import AgentCore
import AgentProtocol
import JSONCore
import JSONRPC

extension AgentServer {
    func agentsList() -> AgentsListResult { Self.agentsList(of: runtime) }

    func workflowsList() -> WorkflowsListResult { Self.workflowsList(of: runtime) }

    /// `agents/list` (and `agentwire agents`): every configured agent.
    public static func agentsList(of runtime: AgentRuntime) -> AgentsListResult {
        AgentsListResult(
            agents: runtime.agents.map { agent in
                AgentInfo(name: agent.name, description: agent.description, provider: agent.provider.typeName)
            }
        )
    }

    /// `workflows/list` (and `agentwire workflows`): every configured workflow.
    public static func workflowsList(of runtime: AgentRuntime) -> WorkflowsListResult {
        WorkflowsListResult(
            workflows: runtime.config.workflows.map { workflow in
                WorkflowInfo(
                    name: workflow.name,
                    description: workflow.description,
                    strategy: workflow.strategy.name,
                    agents: workflow.agents,
                    onError: workflow.onError.rawValue
                )
            }
        )
    }

    /// `stats/get`: per agent and per strategy, since start and over the rolling window.
    func stats(_ params: StatsGetRequest.Params) throws(ResponseError) -> StatsResult {
        let only = params.agent
        if let only, runtime.agent(named: only) == nil {
            throw Self.responseError(runtime.unknownAgent(only))
        }
        let snapshot = runtime.monitor.snapshot()
        var agents = snapshot.agents
        if let only { agents = agents.filter { $0.key == only } }
        return StatsResult(
            agents: agents.mapValues(Self.statsEntry),
            strategies: only == nil ? snapshot.strategies.mapValues(Self.statsEntry) : nil,
            activeRuns: runs.count,
            windowSize: runtime.monitor.windowSize,
            since: snapshot.since.formatted(.iso8601)
        )
    }

    static func statsEntry(_ stats: StreamMonitor.Stats) -> StatsEntry {
        let window = stats.window
        return StatsEntry(
            sinceStart: StatsEntry.SinceStart(
                total: stats.total,
                active: stats.active,
                completed: stats.completed,
                failed: stats.failed,
                cancelled: stats.cancelled,
                reaped: stats.reaped,
                successRate: stats.successRate,
                avgDurationMs: stats.averageDurationMs,
                tokens: stats.tokens,
                costUsd: stats.cost?.doubleValue
            ),
            window: StatsEntry.Window(
                runs: window.count,
                completed: window.filter { $0.status == .completed }.count,
                failed: window.filter { $0.status == .failed }.count,
                cancelled: window.filter { $0.status == .cancelled }.count,
                successRate: stats.windowSuccessRate,
                avgDurationMs: window.isEmpty
                    ? 0 : Double(window.map(\.durationMs).reduce(0, +)) / Double(window.count),
                p50DurationMs: stats.percentileMs(50),
                p95DurationMs: stats.percentileMs(95),
                p99DurationMs: stats.percentileMs(99),
                tokens: window.map(\.tokens).reduce(0, +)
            )
        )
    }
}
