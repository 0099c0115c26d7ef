import AgentProtocol
import JSONCore

/// What every run-starting request carries besides its target: the input and the run's options.
protocol RunRequestParams: Sendable {
    var input: String { get }
    var options: RunRequestOptions { get }
}

/// `agent/run` and `agent/start`.
protocol AgentRunParams: RunRequestParams {
    var agent: String { get }
}

/// `workflow/run` and `workflow/start`.
protocol WorkflowRunParams: RunRequestParams {
    var workflow: String { get }
}

extension AgentRunRequest.Params: AgentRunParams {}
extension WorkflowRunRequest.Params: WorkflowRunParams {}
extension CoordinatorSequentialRequest.Params: RunRequestParams {}
extension CoordinatorParallelRequest.Params: RunRequestParams {}
extension CoordinatorHierarchicalRequest.Params: RunRequestParams {}
extension SessionPromptRequest.Params: RunRequestParams {}
