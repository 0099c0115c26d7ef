import JSONCore

/// The native protocol's shared schemas, as the document's `components.schemas`, in its order; each group
/// lives in a file of its own under `Schemas/`.
extension NativeProtocol {
    public static let schemas: [(name: String, schema: Schema)] =
        schemasValues + schemasWorkflows + schemasLifecycle + schemasRuns
        + schemasNotifications + schemasErrors + schemasNotFound + schemasTools
        + resultTypes.map { ($0.name, $0.schema) }

    /// The types requests are answered with, and the objects inside them, each a shared schema of its own.
    public static let resultTypes: [any ResultType.Type] = [
        RunCancelResult.self,
        // Lifecycle, listing, sessions, stats
        InitializeResult.self, ServerInfo.self, ServerCapabilities.self, EmptyObject.self,
        AgentsListResult.self, AgentInfo.self, WorkflowsListResult.self, WorkflowInfo.self,
        SessionNewResult.self, SessionCloseResult.self, SessionListResult.self,
        SessionInfo.self, SessionGetResult.self, SessionTurn.self, SessionDeleteResult.self,
        StatsResult.self, StatsEntry.self, StatsResetResult.self, MetricsGetResult.self,
        PermissionResult.self,
        // Runs
        AgentRunResult.self, WorkflowRunResult.self, WorkflowRunResult.Branch.self, RunUsage.self,
        RunStartResult.self, RunInfo.self, RunDetails.self, RunError.self, RunStepState.self, RunListResult.self,
        RunEventsPage.self, RunEventsFollowResult.self, RecordedRunEvent.self, RunDeleteResult.self,
    ]
}
