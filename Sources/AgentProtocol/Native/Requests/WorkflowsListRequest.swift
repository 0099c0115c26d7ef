import JSONCore
import JSONRPC

/// List the configured workflows.
public enum WorkflowsListRequest: RequestType {
    public static let method = "workflows/list"
    public static let direction = Direction.clientRequest
    public static let summary = #"List the configured workflows."#
    public static let description = #"""
        Takes no params. Returns every named workflow `workflow/run` can run: the built-in `pipeline` (sequential), `fanout` (parallel) and `delegate` (hierarchical), plus those from the configuration file, which replace built-in workflows of the same name. Each comes with its description, strategy, the agents it calls (in order of first appearance, including an aggregator agent) and its `onError` policy.
        """#
    public static let result = ResultSpec(
        name: "workflowsListResult",
        description: #"The configured workflows."#,
        of: WorkflowsListResult.self
    )
    public static let errors: [ErrorSpec] = [.invalidParams, .shuttingDown]
    public static let examples = JSONValue(
        json: #"""
            [
              {
                "name": "workflows/list",
                "params": [],
                "result": {
                  "name": "workflows/list result",
                  "value": {
                    "workflows": [
                      {
                        "name": "pipeline",
                        "description": "echo, then echo again on a labelled copy of the first answer.",
                        "strategy": "sequential",
                        "agents": [
                          "echo"
                        ],
                        "onError": "fail"
                      },
                      {
                        "name": "fanout",
                        "description": "echo and echo-thinking on the same input at once, as a numbered list.",
                        "strategy": "parallel",
                        "agents": [
                          "echo",
                          "echo-thinking"
                        ],
                        "onError": "fail"
                      },
                      {
                        "name": "delegate",
                        "description": "echo plans (one sub-task per line of the input); two echo workers share the lines.",
                        "strategy": "hierarchical",
                        "agents": [
                          "echo",
                          "echo-slow"
                        ],
                        "onError": "fail"
                      }
                    ]
                  }
                }
              }
            ]
            """#
    )
    public typealias Params = NoParams
    public typealias Result = WorkflowsListResult
}

/// Answer to `workflows/list`.
public struct WorkflowsListResult: ResultType, Equatable {
    public static let name = "WorkflowsListResult"
    public static let summary = #"Answer to `workflows/list`."#
    public static let members: [Member] = [
        Member(
            "workflows",
            required: true,
            schema: Schema(["type": "array", "items": WorkflowInfo.ref.json]),
            description: #"All configured workflows."#
        )
    ]

    /// Every configured workflow.
    public var workflows: [WorkflowInfo]

    public init(workflows: [WorkflowInfo]) {
        self.workflows = workflows
    }

    public func encode(to object: inout ResultObject) {
        object.set("workflows", workflows)
    }
}
