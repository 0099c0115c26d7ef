import AgentCore
import AgentProtocol
import JSONCore
import JSONRPC

extension AgentServer {
    func agentsList() -> JSONValue {
        let agents = runtime.agents.map { agent -> JSONValue in
            [
                "name": .string(agent.name), "description": .string(agent.description),
                "provider": .string(agent.provider.typeName),
            ]
        }
        return ["agents": .array(agents)]
    }

    func workflowsList() -> JSONValue {
        let workflows = runtime.config.workflows.map { workflow -> JSONValue in
            [
                "name": .string(workflow.name), "description": .string(workflow.description),
                "strategy": .string(workflow.strategy.name), "agents": .array(workflow.agents.map { .string($0) }),
                "onError": .string(workflow.onError.rawValue),
            ]
        }
        return ["workflows": .array(workflows)]
    }

    /// `stats/get`: per agent and per strategy, since start and over the rolling window.
    func stats(_ params: StatsGetRequest.Params) throws(ResponseError) -> JSONValue {
        let only = params.agent
        if let only, runtime.agent(named: only) == nil {
            throw Self.responseError(RunFailure.unknownAgent(only, available: runtime.agents.map(\.name)))
        }
        let snapshot = runtime.monitor.snapshot()
        func group(_ stats: [String: StreamMonitor.Stats]) -> JSONValue {
            .object(JSONObject(stats.sorted { $0.key < $1.key }.map { (key: $0.key, value: Self.statsJSON($0.value)) }))
        }
        var agents = snapshot.agents
        if let only { agents = agents.filter { $0.key == only } }
        var result: JSONObject = ["agents": group(agents)]
        if only == nil { result["strategies"] = group(snapshot.strategies) }
        result["activeRuns"] = .int(runs.count)
        result["windowSize"] = .int(runtime.monitor.windowSize)
        result["since"] = .string(snapshot.since.formatted(.iso8601))
        return .object(result)
    }

    static func statsJSON(_ stats: StreamMonitor.Stats) -> JSONValue {
        let window = stats.window
        return [
            "sinceStart": [
                "total": .int(stats.total), "active": .int(stats.active), "completed": .int(stats.completed),
                "failed": .int(stats.failed), "cancelled": .int(stats.cancelled), "reaped": .int(stats.reaped),
                "successRate": .double(stats.successRate), "avgDurationMs": .double(stats.averageDurationMs),
                "tokens": .int(stats.tokens),
            ],
            "window": [
                "runs": .int(window.count),
                "completed": .int(window.filter { $0.status == .completed }.count),
                "failed": .int(window.filter { $0.status == .failed }.count),
                "cancelled": .int(window.filter { $0.status == .cancelled }.count),
                "successRate": .double(stats.windowSuccessRate),
                "avgDurationMs": .double(
                    window.isEmpty ? 0 : Double(window.map(\.durationMs).reduce(0, +)) / Double(window.count)
                ),
                "p50DurationMs": .int(stats.percentileMs(50)), "p95DurationMs": .int(stats.percentileMs(95)),
                "p99DurationMs": .int(stats.percentileMs(99)),
                "tokens": .int(window.map(\.tokens).reduce(0, +)),
            ],
        ]
    }
}
